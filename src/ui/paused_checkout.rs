//! The checkout a payment redirect (3-D Secure) interrupted, kept in `sessionStorage` for the
//! tab's life. One owner of that storage: the catalogue asks which offer is waiting, the
//! checkout of that offer takes the form back (and it is gone), the payment keeps and forgets
//! it. Each call reads storage for the customer signed in now, so a page that sets
//! `customer-id` after its own session check still resumes; and keeping or forgetting works
//! after the element is gone, since a payment may end then.

use std::sync::Arc;

use perfectgym_offers_core::checkout::PendingCheckout;
use perfectgym_offers_core::wire::FromJson;

use crate::api::json::{JsObject, ParsedJson};
use crate::embed::host::{storage_get, storage_set};

#[derive(Clone)]
pub struct PausedCheckout {
    /// The storage key belongs to one proxy and one `category` attribute (changing either
    /// mounts the widget afresh): of two widgets on a page for one customer, the one the visitor
    /// paid in resumes, whichever category chip they had chosen in it.
    api_base: Arc<str>,
    category: Option<Arc<str>>,
}

impl PausedCheckout {
    pub fn new(api_base: &str, category: Option<&str>) -> PausedCheckout {
        PausedCheckout {
            api_base: api_base.into(),
            category: category.map(Into::into),
        }
    }

    /// The checkout waiting for `customer_id`, if it is still worth resuming.
    pub fn waiting(&self, customer_id: Option<i64>) -> Option<PendingCheckout> {
        let text = storage_get(&self.key(customer_id?))?;
        let value = js_sys::JSON::parse(&text).ok()?;
        PendingCheckout::from_json(&ParsedJson(value))
            .ok()
            .filter(|pending| pending.resumable(customer_id, js_sys::Date::now()))
    }

    /// The form of `offer_id` as `customer_id` left it, handed over once and forgotten.
    pub fn take(&self, offer_id: i64, customer_id: Option<i64>) -> Option<PendingCheckout> {
        let pending = self
            .waiting(customer_id)
            .filter(|p| p.offer_id == offer_id)?;
        self.forget(pending.customer_id);
        Some(pending)
    }

    /// Keeps the checkout being paid, in case the payment redirects the page.
    pub fn keep(&self, pending: &PendingCheckout) {
        let text = JsObject::of(pending).to_json_text();
        storage_set(&self.key(pending.customer_id), text);
    }

    /// The payment came back (or was abandoned): nothing waits any more.
    pub fn forget(&self, customer_id: i64) {
        storage_set(&self.key(customer_id), None);
    }

    fn key(&self, customer_id: i64) -> String {
        let mut key = format!("perfectgym-offers:pending:{}:{customer_id}", self.api_base);
        if let Some(category) = &self.category {
            key.push(':');
            key.push_str(category);
        }
        key
    }
}
