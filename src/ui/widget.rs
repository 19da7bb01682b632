//! The widget's root: its settings in; the catalogue, the checkout and "my offers" out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use perfectgym_offers_core::model::OnlineOffer;
use perfectgym_offers_core::widget_config::WidgetConfig;
use perfectgym_offers_core::{ApiError, Locale};

use crate::api::ApiClient;
use crate::embed::host::Host;
use crate::locale;
use crate::ui::checkout::OfferCheckout;
use crate::ui::context::WidgetContext;
use crate::ui::my_offers::MyOffers;
use crate::ui::offer_picker::OfferPicker;
use crate::ui::status::ErrorNotice;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Buy,
    MyOffers,
}

/// The whole widget for one element. A configuration error is shown in place of the offers, and
/// no request is made. Texts other than English are fetched first (once per page and language).
#[component]
pub fn OfferWidget(config: Result<WidgetConfig, ApiError>, host: Host) -> impl IntoView {
    let config = match config {
        Ok(config) => config,
        Err(error) => {
            host.reveal();
            return view! {
                <section class="pgo-widget">
                    <ErrorNotice error locale=locale::english()/>
                </section>
            }
            .into_any();
        }
    };
    if let Some(locale) = locale::ready(&config.locale) {
        return view! { <LocalisedWidget config host locale/> }.into_any();
    }
    let loaded = RwSignal::new(None::<Locale>);
    let tag = config.locale.clone();
    spawn_local(async move {
        let locale = locale::load(&tag).await;
        // The widget may have been removed from the page meanwhile.
        let _ = loaded.try_set(Some(locale));
    });
    (move || match loaded.get() {
        Some(locale) => {
            view! { <LocalisedWidget config=config.clone() host=host.clone() locale/> }.into_any()
        }
        None => view! { <section class="pgo-widget" aria-busy="true"></section> }.into_any(),
    })
    .into_any()
}

/// The widget in the visitor's locale.
#[component]
fn LocalisedWidget(config: WidgetConfig, host: Host, locale: Locale) -> impl IntoView {
    let m = locale.messages();
    let customer_id = config.customer_id;
    provide_context(WidgetContext {
        client: ApiClient::new(&config.api_base, locale.tag())
            .with_customer_token(config.customer_token.clone()),
        locale,
        config,
        host,
    });
    let selected = RwSignal::new(None::<OnlineOffer>);
    let tab = RwSignal::new(Tab::Buy);
    let tab_button = move |which: Tab, label: &'static str| {
        view! {
            <button type="button" role="tab" class="pgo-tab" id=format!("pgo-tab-{which:?}")
                aria-selected=move || (tab.get() == which).to_string()
                tabindex=move || if tab.get() == which { "0" } else { "-1" }
                on:click=move |_| tab.set(which)
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight") {
                        ev.prevent_default();
                        tab.set(if tab.get() == Tab::Buy { Tab::MyOffers } else { Tab::Buy });
                    }
                }>
                {label}
            </button>
        }
    };
    view! {
        <section class="pgo-widget" lang=locale.lang() aria-label=m.widget_label>
            {match customer_id {
                Some(_) => view! {
                    <div class="pgo-tabs" role="tablist" aria-label=m.widget_label>
                        {tab_button(Tab::Buy, m.tab_buy)}
                        {tab_button(Tab::MyOffers, m.tab_my_offers)}
                    </div>
                }.into_any(),
                None => view! { <h2 class="pgo-heading">{m.offers_heading}</h2> }.into_any(),
            }}
            <div role=customer_id.map(|_| "tabpanel") aria-labelledby=customer_id.map(|_| "pgo-tab-Buy")
                hidden=move || tab.get() != Tab::Buy>
                <OfferPicker selected/>
                {move || selected.get().map(|offer| view! {
                    <OfferCheckout offer on_done=move |()| selected.set(None)/>
                })}
            </div>
            {move || match (customer_id, tab.get()) {
                (Some(customer_id), Tab::MyOffers) => Some(view! {
                    <div role="tabpanel" aria-labelledby="pgo-tab-MyOffers">
                        <MyOffers customer_id/>
                    </div>
                }),
                _ => None,
            }}
        </section>
    }
}
