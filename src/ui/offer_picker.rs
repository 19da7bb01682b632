//! The catalogue as a single choice: every purchasable offer, shown as its pages arrive,
//! filterable by category. Arrow keys (and Home/End) move between offers, Enter or Space (or a click) selects.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use perfectgym_offers_core::model::OnlineOffer;
use perfectgym_offers_core::ApiError;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use crate::embed::events::HostEvent;
use crate::ui::aria;
use crate::ui::context::{PurchaseProgress, WidgetContext};
use crate::ui::loaded::Loaded;
use crate::ui::offer_card::OfferCard;
use crate::ui::status::{report_unreadable, ErrorNotice, Loading};

/// How long the rest of the catalogue may take before the offers so far are shown.
const SLOW_PAGE: Duration = Duration::from_millis(250);

/// Whether `offer` is in the category `filter` names (by id or by name); no filter shows all.
fn in_category(offer: &OnlineOffer, filter: Option<&str>) -> bool {
    let Some(filter) = filter else {
        return true;
    };
    offer.category.as_ref().is_some_and(|category| {
        category.id.to_string() == filter || category.name.eq_ignore_ascii_case(filter)
    })
}

/// The offer whose payment a redirect interrupted for the customer signed in now.
fn paused_offer<'a>(context: &WidgetContext, offers: &'a [OnlineOffer]) -> Option<&'a OnlineOffer> {
    let customer_id = context.setting(|c| c.customer_id).flatten();
    let paused = context.paused.waiting(customer_id)?.offer_id;
    offers.iter().find(|o| o.online_offer_id == paused)
}

#[component]
pub fn OfferPicker(selected: RwSignal<Option<OnlineOffer>>) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let locale = context.locale;
    let messages = locale.messages();
    let filter = RwSignal::new(context.config.with_untracked(|c| c.category.clone()));
    // The offers so far, shown while the rest of the catalogue loads.
    let so_far = RwSignal::new(None::<Arc<Vec<OnlineOffer>>>);
    let attempt = StoredValue::new(0_u32);
    let resuming = context.clone();
    let catalogue = Loaded::new(move || {
        let context = context.clone();
        so_far.set(None);
        attempt.update_value(|n| *n += 1);
        load_catalogue(context, selected, filter, so_far, attempt)
    });
    // A page that signs the visitor in once its own session check is done, after the catalogue
    // came, still gets back the checkout a payment redirect interrupted. Only a new customer:
    // another attribute (a refreshed token) while a widget beside this one is paying must not
    // take that payment's checkout over.
    Effect::new(move |before: Option<Option<i64>>| {
        let customer = resuming.config.with(|c| c.customer_id);
        if before.is_some_and(|before| before != customer) {
            let paused = catalogue.with_untracked(|loaded| match loaded {
                Some(Ok(offers)) => paused_offer(&resuming, offers).cloned(),
                _ => None,
            });
            if let Some(offer) = paused.flatten() {
                if selected.try_with_untracked(Option::is_none) == Some(true) {
                    selected.set(Some(offer));
                }
            }
        }
        customer
    });
    let list = move |offers: Arc<Vec<OnlineOffer>>, more: bool| {
        if offers.is_empty() && !more {
            return view! {
                <p class="pgo-status pgo-status--empty" role="status">{messages.no_offers()}</p>
            }
            .into_any();
        }
        view! {
            <CategoryFilter offers=offers.clone() filter/>
            <OfferChoices offers filter selected/>
            {more.then(|| view! { <Loading text=messages.loading_offers()/> })}
        }
        .into_any()
    };
    move || match catalogue.get().flatten() {
        None => match so_far.get() {
            Some(offers) => list(offers, true),
            None => view! { <Loading text=messages.loading_offers()/> }.into_any(),
        },
        Some(Ok(offers)) => list(offers, false),
        Some(Err(error)) => {
            view! { <ErrorNotice error locale on_retry=move |()| catalogue.reload()/> }.into_any()
        }
    }
}

/// Every purchasable offer. Drawing the list costs as much as a page of JSON takes on a phone,
/// and the pages the loader fetched while the wasm loaded come in together: the offers so far
/// are shown only when the rest is not there after [`SLOW_PAGE`]. `None` once the widget is gone.
async fn load_catalogue(
    context: WidgetContext,
    selected: RwSignal<Option<OnlineOffer>>,
    filter: RwSignal<Option<String>>,
    so_far: RwSignal<Option<Arc<Vec<OnlineOffer>>>>,
    attempt: StoredValue<u32>,
) -> Option<Result<Arc<Vec<OnlineOffer>>, ApiError>> {
    let client = context.client()?;
    let this_attempt = attempt.try_get_value()?;
    let show_so_far = |offers: &[OnlineOffer]| {
        let offers = Arc::new(offers.to_vec());
        let host = context.host.clone();
        set_timeout(
            move || {
                // Only while this attempt is still loading.
                if attempt.try_get_value() == Some(this_attempt) {
                    let _ = so_far.try_set(Some(offers));
                    host.reveal();
                }
            },
            SLOW_PAGE,
        );
    };
    let loaded = client.all_purchasable(show_so_far).await;
    // Later timers of this attempt must not show a partial list any more, and a picker gone
    // meanwhile (the element moved, the widget drawn again) reports nothing: its successor does.
    attempt.try_update_value(|n| *n += 1)?;
    let loaded = loaded.map(|readable| {
        report_unreadable(
            &context.host,
            context.locale,
            "purchasable offers",
            &readable.unreadable,
        );
        let offers = readable.items;
        context.host.emit(HostEvent::Ready {
            offer_count: offers.len(),
        });
        // An offer whose payment was interrupted comes first, then the attribute's (when the
        // catalogue has them); an offer the visitor chose before the locale changed stays.
        let attribute = context.setting(|c| c.offer_id).flatten();
        let preset = paused_offer(&context, &offers)
            .or_else(|| offers.iter().find(|o| Some(o.online_offer_id) == attribute));
        if let Some(offer) =
            preset.filter(|_| selected.try_with_untracked(Option::is_none) == Some(true))
        {
            let _ = selected.try_set(Some(offer.clone()));
        }
        // A `category` no offer is in (renamed, or sold out for the season) would leave the
        // visitor an empty list with nothing to choose: all offers show instead.
        let unmatched = filter
            .try_with_untracked(|f| {
                f.clone()
                    .filter(|f| !offers.iter().any(|o| in_category(o, Some(f))))
            })
            .flatten();
        if let Some(category) = unmatched {
            web_sys::console::warn_2(
                &"perfectgym-offers: no offer is in this category, so all offers show:".into(),
                &category.into(),
            );
            let _ = filter.try_set(None);
        }
        Arc::new(offers)
    });
    context.host.reveal();
    Some(loaded)
}

/// Toggle buttons, one per category, when there is more than one.
#[component]
fn CategoryFilter(
    offers: Arc<Vec<OnlineOffer>>,
    filter: RwSignal<Option<String>>,
) -> impl IntoView {
    let messages = expect_context::<WidgetContext>().locale.messages();
    let mut categories: Vec<(String, String)> = Vec::new();
    for category in offers.iter().filter_map(|o| o.category.as_ref()) {
        let id = category.id.to_string();
        if !categories.iter().any(|(known, _)| *known == id) {
            categories.push((id, category.name.clone()));
        }
    }
    if categories.len() < 2 {
        return None;
    }
    let is_active = move |id: Option<&str>| {
        filter.with(|current| match (current.as_deref(), id) {
            (None, None) => true,
            (Some(current), Some(id)) => {
                current == id
                    || offers
                        .iter()
                        .filter_map(|o| o.category.as_ref())
                        .any(|c| c.id.to_string() == id && c.name.eq_ignore_ascii_case(current))
            }
            _ => false,
        })
    };
    let is_active = Arc::new(is_active);
    let all_active = is_active.clone();
    Some(view! {
        <div class="pgo-filter" role="group" aria-label=messages.category_filter()>
            <button type="button" class="pgo-chip" aria-pressed=move || aria(all_active(None))
                on:click=move |_| filter.set(None)>
                {messages.all_categories()}
            </button>
            {categories.into_iter().map(|(id, name)| {
                let is_active = is_active.clone();
                let pressed_id = id.clone();
                view! {
                    <button type="button" class="pgo-chip"
                        aria-pressed=move || aria(is_active(Some(&pressed_id)))
                        on:click=move |_| filter.set(Some(id.clone()))>
                        {name}
                    </button>
                }
            }).collect_view()}
        </div>
    })
}

/// The offers of the current category as a radio group with one tab stop.
#[component]
fn OfferChoices(
    offers: Arc<Vec<OnlineOffer>>,
    filter: RwSignal<Option<String>>,
    selected: RwSignal<Option<OnlineOffer>>,
) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let locale = context.locale;
    let focused = RwSignal::new(None::<i64>);
    let visible = Memo::new(move |_| {
        filter.with(|filter| {
            offers
                .iter()
                .filter(|offer| in_category(offer, filter.as_deref()))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let selected_id = move || selected.with(|s| s.as_ref().map(|o| o.online_offer_id));
    // The one option reachable with Tab: the focused one, else the selected, else the first.
    let tab_stop = Memo::new(move |_| {
        visible.with(|offers| {
            let ids: Vec<i64> = offers.iter().map(|o| o.online_offer_id).collect();
            [focused.get(), selected_id()]
                .into_iter()
                .flatten()
                .find(|id| ids.contains(id))
                .or_else(|| ids.first().copied())
        })
    });
    let host = context.host.clone();
    let purchase = context.purchase;
    let under_way = move || purchase.with(|p| *p == PurchaseProgress::UnderWay);
    let choose = move |offer: OnlineOffer, option: &Element| {
        // Another checkout must not start beside a purchase under way, and the same offer
        // again keeps the checkout as it is (its voucher, its date).
        if untrack(under_way) || selected_id() == Some(offer.online_offer_id) {
            reveal_checkout(option);
            return;
        }
        host.emit(HostEvent::OfferSelected {
            offer_id: offer.online_offer_id,
            name: offer.name.clone(),
        });
        selected.set(Some(offer));
        reveal_checkout(option);
    };
    let count = move || {
        let shown = visible.with(Vec::len) as i64;
        locale.messages().offer_count().count(shown, locale)
    };
    view! {
        <p class="pgo-count" role="status">{count}</p>
        // Disabled for the whole group (ARIA: it holds for the options in it too).
        <div class="pgo-offers" role="radiogroup" aria-label=locale.messages().choose_offer()
            aria-disabled=move || under_way().then_some("true")>
            // Drawn afresh when the category changes (a few dozen cards at most): a keyed
            // <For> would keep the cards that stay, for 5.8 KB gzip of wasm (README, "Bundle size").
            {move || visible.get().into_iter().map(|offer| {
                let id = offer.online_offer_id;
                let choose_on_key = choose.clone();
                let choose_on_click = choose.clone();
                let key_offer = offer.clone();
                let click_offer = offer.clone();
                view! {
                    <div class="pgo-offer" role="radio" data-offer-id=id
                        aria-checked=move || aria(selected_id() == Some(id))
                        tabindex=move || if tab_stop.get() == Some(id) { "0" } else { "-1" }
                        aria-labelledby=format!("pgo-name-{id} pgo-price-{id}")
                        aria-describedby=format!("pgo-facts-{id}")
                        on:focus=move |_| focused.set(Some(id))
                        on:click=move |ev| {
                            if let Some(option) = ev.current_target() {
                                choose_on_click(click_offer.clone(), option.unchecked_ref());
                            }
                        }
                        on:keydown=move |ev: KeyboardEvent| {
                            let Some(option) = ev.current_target() else { return };
                            let option: &Element = option.unchecked_ref();
                            if matches!(ev.key().as_str(), "Enter" | " ") {
                                ev.prevent_default();
                                choose_on_key(key_offer.clone(), option);
                            } else if let Some(next) = neighbour(option, &ev.key()) {
                                ev.prevent_default();
                                let _ = next.unchecked_ref::<HtmlElement>().focus();
                            }
                        }>
                        <OfferCard offer locale/>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// The option an arrow, Home or End key moves to (wrapping around), if the key moves at all.
fn neighbour(option: &Element, key: &str) -> Option<Element> {
    let group = option.parent_element()?;
    match key {
        "ArrowRight" | "ArrowDown" => option
            .next_element_sibling()
            .or_else(|| group.first_element_child()),
        "ArrowLeft" | "ArrowUp" => option
            .previous_element_sibling()
            .or_else(|| group.last_element_child()),
        "Home" => group.first_element_child(),
        "End" => group.last_element_child(),
        _ => None,
    }
}

/// Brings the checkout of a just chosen offer into view (it may be below a long list on a phone).
fn reveal_checkout(option: &Element) {
    let root = option.get_root_node();
    request_animation_frame(move || {
        let panel = root
            .dyn_ref::<web_sys::ShadowRoot>()
            .and_then(|r| r.query_selector(".pgo-panel").ok().flatten())
            .or_else(|| {
                root.dyn_ref::<web_sys::Document>()
                    .and_then(|d| d.query_selector(".pgo-panel").ok().flatten())
            });
        if let Some(panel) = panel {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            panel.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
}
