//! One offer as a choice in the catalogue: what it is, what it costs, what a visit means.

use leptos::prelude::*;
use perfectgym_offers_core::model::OnlineOffer;
use perfectgym_offers_core::{offer_text, Locale};

/// The card's content; the radio semantics live on the element around it.
#[component]
pub fn OfferCard(offer: OnlineOffer, locale: Locale) -> impl IntoView {
    let id = offer.online_offer_id;
    let category = offer
        .category
        .as_ref()
        .map(|c| c.name.clone())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| locale.messages().uncategorised().to_owned());
    let facts: Vec<String> = [
        offer_text::scope_of_usage(&offer, locale),
        offer_text::validity(&offer, locale),
        offer_text::period_of_use(&offer, locale),
    ]
    .into_iter()
    .flatten()
    .collect();
    view! {
        <p class="pgo-offer__category">{category}</p>
        <p class="pgo-offer__name" id=format!("pgo-name-{id}")>{offer.name.clone()}</p>
        <p class="pgo-offer__price" id=format!("pgo-price-{id}")>{offer_text::price(&offer, locale)}</p>
        <ul class="pgo-offer__facts" id=format!("pgo-facts-{id}")>
            {facts.into_iter().map(|fact| view! { <li>{fact}</li> }).collect_view()}
        </ul>
    }
}
