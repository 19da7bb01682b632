//! The price the visitor will pay: the list price until the server's preview is in, then the
//! preview with what a voucher took off (or why it was refused), or a failed preview to try again.

use leptos::prelude::*;
use perfectgym_offers_core::checkout::{voucher_outcome, PriceState};
use perfectgym_offers_core::model::OnlineOffer;
use perfectgym_offers_core::{offer_text, Money};

use crate::ui::checkout::form::CheckoutForm;
use crate::ui::context::WidgetContext;

/// The price the visitor will pay, announced politely whenever it changes.
#[component]
pub fn PriceBox(form: CheckoutForm, offer: OnlineOffer) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let locale = context.locale;
    let checkout = form.checkout;
    let m = locale.messages();
    let list_price = offer_text::price(&offer, locale);
    let row = |label: &'static str, value: String, class: &'static str| {
        view! { <div class=class><dt>{label}</dt><dd>{value}</dd></div> }
    };
    view! {
        <div class="pgo-price" aria-live="polite" aria-atomic="true">
            {move || checkout.with(|c| match &c.price {
                PriceState::ListPrice => view! {
                    <dl>{row(m.list_price(), list_price.clone(), "pgo-price__total")}</dl>
                    <p class="pgo-muted">{m.sign_in_for_price()}</p>
                }.into_any(),
                PriceState::Loading => view! { <p class="pgo-muted">{m.checking_price()}</p> }.into_any(),
                PriceState::Failed(error) => {
                    let context = context.clone();
                    view! {
                        <p class="pgo-notice--problem">{error.reason(locale).to_owned()}</p>
                        <button type="button" class="pgo-button pgo-button--secondary"
                            on:click=move |_| form.preview_now(&context)>
                            {m.retry()}
                        </button>
                    }.into_any()
                }
                PriceState::Unavailable => view! { <p class="pgo-notice--problem">{m.price_unavailable()}</p> }.into_any(),
                PriceState::Ready(preview) => {
                    let format = |money: &Option<Money>| money.as_ref().map_or_else(|| m.price_not_available().to_owned(), |money| money.format(locale));
                    let discounted = preview.discount_value.as_ref().is_some_and(|d| !d.amount.is_zero())
                        && preview.voucher_error_code.is_none();
                    let outcome = voucher_outcome(preview, c.voucher.as_deref(), locale);
                    view! {
                        <dl>
                            {discounted.then(|| row(m.original_price(), format(&preview.price), "pgo-price__original"))}
                            {discounted.then(|| preview.discount_value.as_ref().map(|d| row(m.discount(), format!("−{}", d.format(locale)), "pgo-price__discount")))}
                            {row(if discounted { m.to_pay() } else { m.your_price() }, format(&preview.discounted_price), "pgo-price__total")}
                        </dl>
                        {outcome.map(|outcome| match outcome {
                            Ok(message) => view! { <p class="pgo-voucher pgo-voucher--applied">{message}</p> }.into_any(),
                            Err(message) => view! { <p class="pgo-voucher pgo-voucher--rejected">{message}</p> }.into_any(),
                        })}
                    }.into_any()
                }
            })}
        </div>
    }
}
