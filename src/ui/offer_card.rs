//! One offer as a card: what it is, what it costs, what a visit means.

use leptos::prelude::*;
use perfectgym_offers_core::model::OnlineOffer;
use perfectgym_offers_core::{offer_text, Locale};

#[component]
pub fn OfferCard(offer: OnlineOffer, locale: Locale) -> impl IntoView {
    let heading_id = format!("pgo-offer-{}", offer.online_offer_id);
    let labelled_by = heading_id.clone();
    let category = offer
        .category
        .as_ref()
        .map(|c| c.name.clone())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| locale.messages().uncategorised.to_owned());
    let facts: Vec<String> = [
        offer_text::scope_of_usage(&offer, locale),
        offer_text::validity(&offer, locale),
        offer_text::period_of_use(&offer, locale),
    ]
    .into_iter()
    .flatten()
    .collect();
    view! {
        <li class="pgo-offer" data-offer-id=offer.online_offer_id>
            <article aria-labelledby=labelled_by>
                <p class="pgo-offer__category">{category}</p>
                <h3 class="pgo-offer__name" id=heading_id>{offer.name.clone()}</h3>
                <p class="pgo-offer__price">{offer_text::price(&offer, locale)}</p>
                <ul class="pgo-offer__facts">
                    {facts.into_iter().map(|fact| view! { <li>{fact}</li> }).collect_view()}
                </ul>
            </article>
        </li>
    }
}
