//! The checkout a payment redirect (3-D Secure) interrupted, kept in `sessionStorage` for the
//! tab's life. One owner: read once when the widget starts; the catalogue asks which offer it
//! was, the checkout of that offer takes the form back, and the payment keeps or forgets it.

use leptos::prelude::*;
use perfectgym_offers_core::checkout::PendingCheckout;

use crate::embed::host::{storage_get, storage_set};

#[derive(Clone, Copy)]
pub struct PausedCheckout {
    /// The storage key belongs to one proxy (`api-base` changes mount the widget afresh).
    api_base: StoredValue<String>,
    waiting: StoredValue<Option<PendingCheckout>>,
}

/// One per proxy and customer.
fn storage_key(api_base: &str, customer_id: i64) -> String {
    format!("perfectgym-offers:pending:{api_base}:{customer_id}")
}

impl PausedCheckout {
    /// The checkout kept for this customer, if there is one still worth resuming.
    pub fn read(api_base: &str, customer_id: Option<i64>) -> PausedCheckout {
        let waiting = customer_id
            .and_then(|id| storage_get(&storage_key(api_base, id)))
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .and_then(|value| serde_wasm_bindgen::from_value::<PendingCheckout>(value).ok())
            .filter(|pending| pending.resumable(customer_id, js_sys::Date::now()));
        PausedCheckout {
            api_base: StoredValue::new(api_base.to_owned()),
            waiting: StoredValue::new(waiting),
        }
    }

    /// The offer whose checkout waits to be resumed.
    pub fn offer_id(&self) -> Option<i64> {
        self.waiting
            .try_with_value(|w| w.as_ref().map(|p| p.offer_id))
            .flatten()
    }

    /// The form of `offer_id` as the visitor left it, handed over once and forgotten.
    pub fn take(&self, offer_id: i64) -> Option<PendingCheckout> {
        let pending = self
            .waiting
            .try_update_value(|w| w.take_if(|p| p.offer_id == offer_id))
            .flatten()?;
        self.forget(pending.customer_id);
        Some(pending)
    }

    /// Keeps the checkout being paid, in case the payment redirects the page.
    pub fn keep(&self, pending: &PendingCheckout) {
        let text = serde_wasm_bindgen::to_value(pending)
            .ok()
            .and_then(|v| js_sys::JSON::stringify(&v).ok())
            .and_then(|s| s.as_string());
        if let Some(key) = self.key(pending.customer_id) {
            storage_set(&key, text);
        }
    }

    /// The payment came back (or was abandoned): nothing waits any more.
    pub fn forget(&self, customer_id: i64) {
        if let Some(key) = self.key(customer_id) {
            storage_set(&key, None);
        }
    }

    fn key(&self, customer_id: i64) -> Option<String> {
        self.api_base
            .try_with_value(|base| storage_key(base, customer_id))
    }
}
