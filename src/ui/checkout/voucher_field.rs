//! The voucher code: previewed after a pause in typing, at once on Enter or Apply; Remove takes
//! it off again.

use leptos::prelude::*;
use web_sys::KeyboardEvent;

use crate::ui::checkout::form::CheckoutForm;
use crate::ui::context::WidgetContext;

#[component]
pub fn VoucherField(form: CheckoutForm) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let m = context.locale.messages();
    let id = format!("pgo-voucher-{}", form.offer_id);
    let typed = form.typed;
    let locked = move || form.is_locked();
    let (on_input, on_enter, on_apply, on_remove) =
        (context.clone(), context.clone(), context.clone(), context);
    view! {
        <div class="pgo-field">
            <label for=id.clone()>{m.voucher_label()}</label>
            <div class="pgo-field__row">
                <input id=id class="pgo-input" type="text"
                    autocomplete="off" autocapitalize="characters" spellcheck="false"
                    maxlength="40"
                    prop:value=move || typed.get()
                    disabled=locked
                    on:input=move |ev| {
                        typed.set(event_target_value(&ev));
                        form.preview_soon(&on_input);
                    }
                    on:keydown=move |ev: KeyboardEvent| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            form.preview_now(&on_enter);
                        }
                    }/>
                <button type="button" class="pgo-button pgo-button--secondary" disabled=locked
                    on:click=move |_| form.preview_now(&on_apply)>
                    {m.voucher_apply()}
                </button>
                {move || (!typed.with(|t| t.trim().is_empty())).then(|| {
                    let on_remove = on_remove.clone();
                    view! {
                        <button type="button" class="pgo-button pgo-button--quiet" disabled=locked
                            on:click=move |_| {
                                typed.set(String::new());
                                form.preview_now(&on_remove);
                            }>
                            {m.voucher_remove()}
                        </button>
                    }
                })}
            </div>
        </div>
    }
}
