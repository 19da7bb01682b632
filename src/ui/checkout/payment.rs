//! Paying for an offer with a price: a token from the page's `paymentTokenProvider`, else from
//! the vendor's payment component in the element's `payment` slot; then the purchase.

use leptos::prelude::*;
use leptos::task::spawn_local;
use perfectgym_offers_core::dates::iso_date;
use perfectgym_offers_core::model::{
    PaymentSessionRequest, PAYMENT_SCOPE_ECOM, PRICE_CHANGED_CODE,
};
use perfectgym_offers_core::widget_config::WidgetConfig;
use perfectgym_offers_core::{ApiError, Money};

use crate::api::ApiClient;
use crate::embed::events::HostEvent;
use crate::embed::host::{PaymentDetails, PaymentOutcome};
use crate::ui::checkout::form::{CheckoutForm, Notice};
use crate::ui::context::WidgetContext;

impl CheckoutForm {
    /// Takes the payment for `amount`, then purchases with its token; a payment that did not
    /// happen unlocks the form with a notice.
    pub async fn pay_then_purchase(
        self,
        context: WidgetContext,
        settings: WidgetConfig,
        client: ApiClient,
        amount: Money,
    ) {
        let m = context.locale.messages();
        let outcome = self
            .take_payment(&context, &settings, &client, &amount)
            .await;
        if let Some(customer_id) = settings.customer_id {
            context.paused.forget(customer_id);
        }
        let notice = match outcome {
            PaymentOutcome::Token(token) => {
                if let Some(Some(request)) = self.checkout.try_update(|c| c.paid(token)) {
                    spawn_local(self.purchase(context, client, request));
                }
                return;
            }
            PaymentOutcome::Cancelled => Notice::Info(m.payment_cancelled()),
            PaymentOutcome::PriceChanged => Notice::Problem(m.price_changed()),
            PaymentOutcome::SessionFailed(ref error) => {
                context.host.emit(HostEvent::failed(error, context.locale));
                Notice::Problem(error.user_message(context.locale))
            }
            PaymentOutcome::NoProvider | PaymentOutcome::Unavailable => {
                context.host.emit(HostEvent::error(
                    m.payment_unavailable(),
                    "no paymentTokenProvider, and the payment component could not be started"
                        .to_owned(),
                ));
                Notice::Problem(m.payment_unavailable())
            }
        };
        self.checkout.try_update(|c| c.payment_cancelled());
        self.tell(notice);
        if outcome == PaymentOutcome::PriceChanged {
            self.preview_now(&context);
        }
    }

    /// A payment token for `amount`: from the host page's provider when it set one, else from
    /// the vendor's component started with a fresh payment session. The checkout is kept in
    /// sessionStorage meanwhile, in case 3-D Secure redirects the page.
    async fn take_payment(
        self,
        context: &WidgetContext,
        settings: &WidgetConfig,
        client: &ApiClient,
        amount: &Money,
    ) -> PaymentOutcome {
        let Some(customer_id) = settings.customer_id else {
            return PaymentOutcome::Unavailable;
        };
        let (valid_from, voucher) = self
            .checkout
            .with_untracked(|c| (iso_date(c.valid_from), c.voucher.clone()));
        let details = PaymentDetails {
            offer_id: self.offer_id,
            customer_id,
            amount: amount.amount.to_string(),
            currency: amount.currency.clone(),
            valid_from,
        };
        match context.host.payment_token(&details).await {
            PaymentOutcome::NoProvider => {}
            outcome => return outcome,
        }
        let request = PaymentSessionRequest {
            amount: amount.amount,
            scope: PAYMENT_SCOPE_ECOM.to_owned(),
            customer_id,
            permitted_payment_choices: None,
            reference_text: None,
        };
        // A token the page replaced while its provider was asked is the one sent.
        let session = context
            .client()
            .unwrap_or_else(|| client.clone())
            .payment_session(
                &request,
                self.offer_id,
                voucher.as_deref(),
                &amount.currency,
            )
            .await;
        let session = match session {
            Ok(session) => session,
            // The proxy's own 409 for a price that moved; the vendor's 409 (a concurrent change)
            // is a failed session like any other.
            Err(ApiError::Http {
                status: 409,
                body: Some(body),
            }) if body.has_code(PRICE_CHANGED_CODE) => return PaymentOutcome::PriceChanged,
            Err(error) => return PaymentOutcome::SessionFailed(error),
        };
        // The widget may be gone by now (removed, or drawn again in another locale).
        let Some(pending) = self
            .checkout
            .try_with_untracked(|c| c.pending(js_sys::Date::now()))
        else {
            return PaymentOutcome::Cancelled;
        };
        if let Some(pending) = pending {
            context.paused.keep(&pending);
        }
        let _ = self.vendor_open.try_set(true);
        let outcome = context
            .host
            .vendor_payment(&session.token, &settings.payment, context.locale)
            .await;
        let _ = self.vendor_open.try_set(false);
        outcome
    }
}

/// Where the vendor's card fields show (they live in the light DOM, in the `payment` slot).
#[component]
pub fn PaymentSlot(form: CheckoutForm) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let m = context.locale.messages();
    let host = context.host;
    // The widget drawn afresh or removed mid-payment: the component goes with it, so it cannot
    // answer later into the slot a new checkout uses.
    let closing = host.clone();
    on_cleanup(move || closing.cancel_payment());
    move || {
        form.vendor_open.get().then(|| {
            let host = host.clone();
            view! {
                <div class="pgo-payment">
                    <slot name="payment"></slot>
                    <button type="button" class="pgo-button pgo-button--quiet"
                        on:click=move |_| host.cancel_payment()>
                        {m.cancel_payment()}
                    </button>
                </div>
            }
        })
    }
}
