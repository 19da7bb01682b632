//! What every view of one widget shares.

use leptos::prelude::*;
use perfectgym_offers_core::widget_config::WidgetConfig;
use perfectgym_offers_core::Locale;

use crate::api::ApiClient;
use crate::embed::host::Host;
use crate::ui::paused_checkout::PausedCheckout;

/// The widget's settings and its links to the proxy and the host page, provided as context.
#[derive(Clone)]
pub struct WidgetContext {
    /// The element's attributes as they are now: the page may change them while the visitor
    /// is in the middle of a checkout, and views follow without being re-created.
    pub config: RwSignal<WidgetConfig>,
    pub locale: Locale,
    pub host: Host,
    pub paused: PausedCheckout,
    /// Where the open checkout's purchase stands: the rest of the widget holds still for it.
    pub purchase: RwSignal<PurchaseProgress>,
}

/// What the open checkout's purchase asks of the rest of the widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseProgress {
    /// Nothing bought or being bought: offers and language may change.
    Idle,
    /// Being paid for, sent or checked: choosing another offer would start a second checkout
    /// beside it, and a new language would draw the checkout afresh and lose its outcome.
    UnderWay,
    /// Its receipt shows (the studio access code): a new language waits until it is closed.
    ReceiptShown,
}

impl WidgetContext {
    /// A client for the attributes as they are now, so a replaced `customer-token` is sent
    /// with the next request. `None` once the widget is gone from the page.
    pub fn client(&self) -> Option<ApiClient> {
        self.config.try_with_untracked(|config| {
            ApiClient::new(&config.api_base, self.locale.tag())
                .with_customer_token(config.customer_token.clone())
        })
    }

    /// One setting as it is now, without subscribing; `None` once the widget is gone.
    pub fn setting<T>(&self, read: impl FnOnce(&WidgetConfig) -> T) -> Option<T> {
        self.config.try_with_untracked(read)
    }
}
