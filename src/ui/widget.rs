//! The widget's root: its settings in, the catalogue out.

use leptos::prelude::*;
use perfectgym_offers_core::widget_config::WidgetConfig;
use perfectgym_offers_core::ApiError;

use crate::api::ApiClient;
use crate::ui::offer_list::OfferList;
use crate::ui::status::ErrorNotice;

/// The whole widget for one element. A configuration error is shown in place of the offers, and
/// no request is made.
#[component]
pub fn OfferWidget(config: Result<WidgetConfig, ApiError>) -> impl IntoView {
    match config {
        Ok(config) => {
            let locale = config.locale;
            let client = ApiClient::new(&config.api_base, locale);
            view! {
                <section class="pgo-widget" lang=locale.tag() aria-label=locale.messages().widget_label>
                    <h2 class="pgo-heading">{locale.messages().offers_heading}</h2>
                    <OfferList client locale/>
                </section>
            }
            .into_any()
        }
        Err(error) => view! {
            <section class="pgo-widget">
                <ErrorNotice error locale=Default::default()/>
            </section>
        }
        .into_any(),
    }
}
