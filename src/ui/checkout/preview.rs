//! The server's price for the visitor, with the voucher as typed: at once when the offer is
//! chosen, after a pause in typing, and again when the page signs the visitor in or out.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use perfectgym_offers_core::checkout::Stage;

use crate::embed::events::HostEvent;
use crate::ui::checkout::form::CheckoutForm;
use crate::ui::context::WidgetContext;

/// How long typing must pause before the voucher is previewed.
const VOUCHER_DEBOUNCE: Duration = Duration::from_millis(400);

impl CheckoutForm {
    /// Previews now, and tells the page what the server made of a voucher. An answer older than
    /// the newest request is dropped by core's checkout.
    fn preview(self, context: &WidgetContext) {
        let Some(Some((seq, request))) = self
            .checkout
            .try_update(|c| c.request_preview(&self.typed.get_untracked()))
        else {
            return;
        };
        let Some(client) = context.client() else {
            return;
        };
        let (host, locale) = (context.host.clone(), context.locale);
        spawn_local(async move {
            let answer = client.preview(&request).await;
            let taken = self
                .checkout
                .try_update(|c| c.preview_arrived(seq, answer.clone()));
            if taken != Some(true) {
                return;
            }
            match (&answer, &request.voucher_code) {
                (Ok(preview), Some(code)) => {
                    host.emit(HostEvent::voucher_checked(self.offer_id, code, preview));
                }
                // The page learns why (an expired customer token, say), not only the visitor.
                (Err(error), _) => {
                    host.emit(HostEvent::failed(error, locale));
                }
                (Ok(_), None) => {}
            }
        });
    }

    /// Previews now, cancelling a pending pause (Enter, Apply, Remove).
    pub fn preview_now(self, context: &WidgetContext) {
        self.debounce.update_value(|g| *g += 1);
        self.preview(context);
    }

    /// Previews once typing has paused for [`VOUCHER_DEBOUNCE`].
    pub fn preview_soon(self, context: &WidgetContext) {
        self.debounce.update_value(|g| *g += 1);
        let generation = self.debounce.get_value();
        let context = context.clone();
        set_timeout(
            move || {
                if self.debounce.try_get_value() == Some(generation) {
                    self.preview(&context);
                }
            },
            VOUCHER_DEBOUNCE,
        );
    }

    /// The page signed the visitor in (after `sign-in-required`) or out: the form stays as it
    /// is and the price is previewed for whoever the visitor is now. A purchase under way keeps
    /// its customer; a change meanwhile is followed as soon as it ends, so that Buy never
    /// pays or buys again for the customer who was signed out.
    pub fn follow_customer(self, context: &WidgetContext) {
        let config = context.config;
        let context = context.clone();
        Effect::watch(
            move || {
                (
                    config.with(|c| c.customer_id),
                    self.checkout.with(|c| c.is_locked()),
                )
            },
            move |(customer_id, locked), _, _| {
                // Only a change to make writes the checkout: a write would run this again (and
                // draw a receipt on screen afresh, which nothing needs to follow any more).
                let changed = !locked
                    && self.checkout.try_with_untracked(|c| {
                        c.customer_id != *customer_id && !matches!(c.stage, Stage::Done(_))
                    }) == Some(true);
                if changed
                    && self
                        .checkout
                        .try_update(|c| c.customer_changed(*customer_id))
                        == Some(true)
                {
                    self.notice.set(None);
                    self.preview_now(&context);
                }
            },
            false,
        );
    }
}
