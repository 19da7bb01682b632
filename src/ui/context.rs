//! What every view of one widget shares.

use perfectgym_offers_core::widget_config::WidgetConfig;
use perfectgym_offers_core::Locale;

use crate::api::ApiClient;
use crate::embed::host::Host;

/// The widget's settings and its links to the proxy and the host page, provided as context.
#[derive(Clone)]
pub struct WidgetContext {
    pub client: ApiClient,
    pub locale: Locale,
    pub config: WidgetConfig,
    pub host: Host,
}
