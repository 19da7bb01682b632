//! The catalogue: every purchasable offer, loaded page by page through the proxy.

use leptos::prelude::*;
use leptos::task::spawn_local;
use perfectgym_offers_core::model::OnlineOffer;
use perfectgym_offers_core::{ApiError, Locale};

use crate::api::ApiClient;
use crate::ui::offer_card::OfferCard;
use crate::ui::status::{ErrorNotice, Loading};

/// Where loading the catalogue stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Catalogue {
    Loading,
    Loaded(Vec<OnlineOffer>),
    Failed(ApiError),
}

#[component]
pub fn OfferList(client: ApiClient, locale: Locale) -> impl IntoView {
    let catalogue = RwSignal::new(Catalogue::Loading);
    let load = move || {
        catalogue.set(Catalogue::Loading);
        let client = client.clone();
        spawn_local(async move {
            let loaded = match client.all_purchasable().await {
                Ok(offers) => Catalogue::Loaded(offers),
                Err(error) => Catalogue::Failed(error),
            };
            // The widget may have been removed from the page meanwhile.
            let _ = catalogue.try_set(loaded);
        });
    };
    load();
    let messages = locale.messages();
    move || match catalogue.get() {
        Catalogue::Loading => view! { <Loading text=messages.loading_offers/> }.into_any(),
        Catalogue::Failed(error) => {
            let load = load.clone();
            view! { <ErrorNotice error locale on_retry=move |()| load()/> }.into_any()
        }
        Catalogue::Loaded(offers) if offers.is_empty() => {
            view! { <p class="pgo-status pgo-status--empty" role="status">{messages.no_offers}</p> }
                .into_any()
        }
        Catalogue::Loaded(offers) => view! {
            <p class="pgo-count" role="status">{messages.offer_count.count(offers.len() as i64)}</p>
            <ul class="pgo-offers" role="list">
                {offers
                    .into_iter()
                    .map(|offer| view! { <OfferCard offer locale/> })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    }
}
