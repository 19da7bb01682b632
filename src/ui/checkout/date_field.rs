//! The start date.

use leptos::prelude::*;
use perfectgym_offers_core::dates::{iso_date, parse_date};

use crate::ui::aria;
use crate::ui::checkout::form::CheckoutForm;
use crate::ui::context::WidgetContext;

/// The start date; before the studio's today is refused with a message.
#[component]
pub fn DateField(form: CheckoutForm) -> impl IntoView {
    let CheckoutForm {
        checkout,
        today,
        notice,
        ..
    } = form;
    let locale = expect_context::<WidgetContext>().locale;
    let m = locale.messages();
    let id = format!("pgo-start-{}", form.offer_id);
    let error = RwSignal::new(false);
    view! {
        <div class="pgo-field">
            <label for=id.clone()>{m.start_date()}</label>
            <input id=id.clone() class="pgo-input pgo-input--date" type="date" min=iso_date(today)
                prop:value=move || checkout.with(|c| iso_date(c.valid_from))
                aria-invalid=move || aria(error.get())
                aria-describedby=format!("{id}-error")
                disabled=move || form.is_locked()
                on:change=move |ev| {
                    let accepted = parse_date(&event_target_value(&ev))
                        .map(|date| checkout.try_update(|c| c.set_valid_from(date, today).is_ok()).unwrap_or(false))
                        .unwrap_or(false);
                    error.set(!accepted);
                    notice.set(None);
                }/>
            <p id=format!("{id}-error") class="pgo-field__error" role="alert">
                {move || error.get().then_some(m.start_in_past())}
            </p>
        </div>
    }
}
