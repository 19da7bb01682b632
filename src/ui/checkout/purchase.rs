//! Buy: ask the page to sign the visitor in, take a payment, or purchase; then the outcome,
//! reconciled by core when an answer does not prove whether the tenant recorded it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use perfectgym_offers_core::checkout::{
    purchase_and_reconcile, Blocked, NextStep, PurchaseOutcome,
};
use perfectgym_offers_core::model::PurchaseRequest;

use crate::api::ApiClient;
use crate::embed::events::HostEvent;
use crate::embed::host::today;
use crate::ui::checkout::form::{CheckoutForm, Notice};
use crate::ui::context::WidgetContext;

impl CheckoutForm {
    /// What pressing Buy does.
    pub fn buy(self, context: &WidgetContext) {
        let m = context.locale.messages();
        self.notice.set(None);
        let (Some(client), Some(settings)) = (context.client(), context.setting(Clone::clone))
        else {
            return;
        };
        let typed = self.typed.get_untracked();
        // The studio's today now: the tab may have stayed open past midnight.
        let today = today(settings.time_zone.as_deref());
        let Some(step) = self.checkout.try_update(|c| c.buy(today, &typed)) else {
            return;
        };
        match step {
            Err(Blocked::SignInRequired) => {
                context.host.emit(HostEvent::SignInRequired {
                    offer_id: self.offer_id,
                });
                self.tell(Notice::Info(m.sign_in_required()));
            }
            Err(Blocked::PriceOutdated) => {
                // The price for what is in the form now; Buy again once it shows.
                self.preview_now(context);
                self.tell(Notice::Info(
                    Blocked::PriceOutdated.user_message(context.locale),
                ));
            }
            Err(blocked) => self.tell(Notice::Problem(blocked.user_message(context.locale))),
            Ok(NextStep::Purchase(request)) => {
                spawn_local(self.purchase(context.clone(), client, request));
            }
            Ok(NextStep::Pay { amount }) => {
                spawn_local(self.pay_then_purchase(context.clone(), settings, client, amount));
            }
        }
    }

    /// Sends the purchase and tells the page its outcome. `client` is the one of when Buy was
    /// pressed: the purchase goes on, and its outcome still reaches the page, when the element
    /// is removed meanwhile; while it is there, a `customer-token` the page replaced is used.
    pub async fn purchase(
        self,
        context: WidgetContext,
        client: ApiClient,
        request: PurchaseRequest,
    ) {
        let client = context.client().unwrap_or(client);
        // No blind retry: an answer that does not prove a refusal is looked for among the
        // customer's purchases first.
        let outcome = purchase_and_reconcile(
            &client,
            &request,
            || (js_sys::Date::now() / 1000.0) as i64,
            |error| {
                self.checkout
                    .try_update(|c| c.purchase_checking(error.clone()));
            },
        )
        .await;
        let event = match &outcome {
            PurchaseOutcome::Bought(result) | PurchaseOutcome::Recovered(result) => {
                HostEvent::purchase_completed(&request, result)
            }
            PurchaseOutcome::Refused(error)
            | PurchaseOutcome::NotRecorded(error)
            | PurchaseOutcome::Unconfirmed(error) => HostEvent::failed(error, context.locale),
        };
        context.host.emit(event);
        self.checkout.try_update(|c| c.purchase_finished(outcome));
    }
}
