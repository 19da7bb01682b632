//! What the Buy button tells the visitor: a notice of the form, and where a purchase stands
//! when it failed or could not be confirmed (the developer's cause in `data-cause`).

use leptos::prelude::*;
use perfectgym_offers_core::checkout::Stage;

use crate::ui::checkout::form::{CheckoutForm, Notice};
use crate::ui::context::WidgetContext;

#[component]
pub fn NoticeArea(form: CheckoutForm, id: String) -> impl IntoView {
    let locale = expect_context::<WidgetContext>().locale;
    let m = locale.messages();
    view! {
        <div id=id class="pgo-notice-area">
            {move || form.notice.get().map(|notice| match notice {
                Notice::Info(text) => view! { <p class="pgo-notice" role="status">{text}</p> }.into_any(),
                Notice::Problem(text) => view! { <p class="pgo-notice pgo-notice--problem" role="alert">{text}</p> }.into_any(),
            })}
            {move || match form.checkout.with(|c| c.stage.clone()) {
                Stage::Failed(error) => Some(view! {
                    <div class="pgo-notice pgo-notice--problem" role="alert" data-cause=error.to_string()>
                        <p>{m.purchase_failed()}</p>
                        <p>{error.reason(locale).to_owned()}</p>
                    </div>
                }.into_any()),
                Stage::Verifying(_) => Some(view! {
                    <p class="pgo-notice" role="status">{m.purchase_checking()}</p>
                }.into_any()),
                Stage::NotRecorded(error) => Some(view! {
                    <p class="pgo-notice pgo-notice--problem" role="alert" data-cause=error.to_string()>
                        {m.purchase_not_recorded()}
                    </p>
                }.into_any()),
                Stage::Unconfirmed(error) => Some(view! {
                    <p class="pgo-notice pgo-notice--problem" role="alert" data-cause=error.to_string()>
                        {m.purchase_unconfirmed()}
                    </p>
                }.into_any()),
                _ => None,
            }}
        </div>
    }
}
