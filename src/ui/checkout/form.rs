//! What the parts of one offer's checkout share: core's state machine (the source of truth for
//! previews and purchases) and the few things only the screen holds.

use leptos::prelude::*;
use perfectgym_offers_core::checkout::Checkout;
use time::Date;

/// A line under the Buy button: information (cancelled payment, sign in) or a problem.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Info(&'static str),
    Problem(&'static str),
}

/// Handles to one checkout's state; `Copy`, so every handler and task takes its own.
#[derive(Clone, Copy)]
pub struct CheckoutForm {
    pub offer_id: i64,
    pub checkout: RwSignal<Checkout>,
    /// The voucher as typed (previewed after a pause, or at once on Enter or Apply).
    pub typed: RwSignal<String>,
    pub notice: RwSignal<Option<Notice>>,
    /// The vendor's card fields are showing.
    pub vendor_open: RwSignal<bool>,
    /// Bumped by each keystroke and each immediate preview: only the newest pause previews.
    pub debounce: StoredValue<u64>,
    /// The studio's today when the offer was chosen: the earliest start date the date field
    /// offers (Buy takes the day it is pressed on).
    pub today: Date,
}

impl CheckoutForm {
    pub fn new(offer_id: i64, customer_id: Option<i64>, today: Date) -> CheckoutForm {
        CheckoutForm {
            offer_id,
            checkout: RwSignal::new(Checkout::new(offer_id, customer_id, today)),
            typed: RwSignal::new(String::new()),
            notice: RwSignal::new(None),
            vendor_open: RwSignal::new(false),
            debounce: StoredValue::new(0),
            today,
        }
    }

    /// A purchase or payment is under way: the form cannot change.
    pub fn is_locked(self) -> bool {
        self.checkout.with(|c| c.is_locked())
    }

    /// Shows `notice`, if the widget is still there.
    pub fn tell(self, notice: Notice) {
        let _ = self.notice.try_set(Some(notice));
    }
}
