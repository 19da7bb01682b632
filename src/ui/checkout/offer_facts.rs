//! The chosen offer's details, loaded when it is chosen: where it can be used, how long it is
//! valid, restrictions and payment methods.

use leptos::prelude::*;
use perfectgym_offers_core::model::OnlineOffer;
use perfectgym_offers_core::{offer_text, Locale};

use crate::ui::context::WidgetContext;
use crate::ui::loaded::Loaded;
use crate::ui::status::ErrorNotice;

#[component]
pub fn OfferFacts(offer_id: i64) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let locale = context.locale;
    let detail = Loaded::new(move || {
        let client = context.client();
        async move {
            match client {
                Some(client) => Some(client.offer_detail(offer_id).await),
                // The widget is gone from the page.
                None => None,
            }
        }
    });
    move || match detail.get().flatten() {
        None => {
            view! { <p class="pgo-muted" role="status">{locale.messages().loading_detail()}</p> }
                .into_any()
        }
        Some(Ok(offer)) => facts(&offer, locale).into_any(),
        Some(Err(error)) => {
            view! { <ErrorNotice error locale on_retry=move |()| detail.reload()/> }.into_any()
        }
    }
}

fn facts(offer: &OnlineOffer, locale: Locale) -> impl IntoView {
    let lines: Vec<String> = [
        offer_text::scope_of_usage(offer, locale),
        offer_text::validity(offer, locale),
        offer_text::period_of_use(offer, locale),
    ]
    .into_iter()
    .flatten()
    .chain(
        offer
            .restrictions
            .as_ref()
            .map(|r| offer_text::restrictions(r, locale))
            .unwrap_or_default(),
    )
    .chain(offer_text::payment_methods(offer, locale))
    .collect();
    view! {
        <ul class="pgo-panel__facts">
            {lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
        </ul>
    }
}
