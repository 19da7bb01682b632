//! The widget's root: its settings in; the catalogue, the checkout and "my offers" out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use perfectgym_offers_core::model::OnlineOffer;
use perfectgym_offers_core::widget_config::WidgetConfig;
use perfectgym_offers_core::{ApiError, Locale};
use wasm_bindgen::JsCast;

use crate::embed::events::HostEvent;
use crate::embed::host::Host;
use crate::locale;
use crate::ui::aria;
use crate::ui::checkout::OfferCheckout;
use crate::ui::context::{PurchaseProgress, WidgetContext};
use crate::ui::my_offers::MyOffers;
use crate::ui::offer_picker::OfferPicker;
use crate::ui::paused_checkout::PausedCheckout;
use crate::ui::status::ErrorNotice;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Buy,
    MyOffers,
}

impl Tab {
    /// The tab's element id, which its panel is labelled by.
    fn id(self) -> &'static str {
        match self {
            Tab::Buy => "pgo-tab-Buy",
            Tab::MyOffers => "pgo-tab-MyOffers",
        }
    }
}

/// The whole widget for one element. A configuration error is shown in place of the offers, and
/// no request is made. `config` follows the element's attributes while the widget lives: texts of
/// a new locale are fetched (once per page and language) while the old ones stay on screen, and
/// the chosen offer stays across the change.
#[component]
pub fn OfferWidget(config: Result<RwSignal<WidgetConfig>, ApiError>, host: Host) -> impl IntoView {
    let config = match config {
        Ok(config) => config,
        Err(error) => {
            host.reveal();
            host.emit(HostEvent::failed(&error, locale::english()));
            return view! {
                <section class="pgo-widget">
                    <ErrorNotice error locale=locale::english()/>
                </section>
            }
            .into_any();
        }
    };
    let tag = Memo::new(move |_| config.with(|c| c.locale.clone()));
    let shown = RwSignal::new(locale::ready(&tag.get_untracked()));
    let purchase = RwSignal::new(PurchaseProgress::Idle);
    let idle = move || purchase.with(|p| *p == PurchaseProgress::Idle);
    // A new language draws the widget again, so it waits while a purchase is under way or its
    // receipt shows: the checkout would start afresh without them.
    Effect::watch(
        move || (tag.get(), idle()),
        move |(wanted, idle_then), _, _| {
            if !idle_then {
                return;
            }
            let wanted = wanted.clone();
            spawn_local(async move {
                let locale = locale::load(&wanted).await;
                // Only the newest locale asked for, only while the widget is on the page and
                // still idle, and only a change.
                let newest = tag.try_with_untracked(|now| *now == wanted) == Some(true);
                let other = shown.try_with_untracked(|s| s.map(|l| l.tag()) != Some(locale.tag()));
                if newest && untrack(idle) && other == Some(true) {
                    let _ = shown.try_set(Some(locale));
                }
            });
        },
        // Texts already here (English, or a language another widget on the page loaded) need
        // no load: only a widget that starts without them loads at once.
        shown.with_untracked(Option::is_none),
    );
    // Above the localised tree, so a change of locale keeps the offer the visitor chose.
    let selected = RwSignal::new(None::<OnlineOffer>);
    let paused = config.with_untracked(|c| PausedCheckout::new(&c.api_base, c.category.as_deref()));
    (move || match shown.get() {
        Some(locale) => view! {
            <LocalisedWidget config host=host.clone() locale selected paused=paused.clone()
                purchase/>
        }
        .into_any(),
        None => view! { <section class="pgo-widget" aria-busy="true"></section> }.into_any(),
    })
    .into_any()
}

/// The widget in the visitor's locale.
#[component]
fn LocalisedWidget(
    config: RwSignal<WidgetConfig>,
    host: Host,
    locale: Locale,
    selected: RwSignal<Option<OnlineOffer>>,
    paused: PausedCheckout,
    purchase: RwSignal<PurchaseProgress>,
) -> impl IntoView {
    let m = locale.messages();
    let customer_id = Memo::new(move |_| config.with(|c| c.customer_id));
    provide_context(WidgetContext {
        locale,
        config,
        host,
        paused,
        purchase,
    });
    let tab = RwSignal::new(Tab::Buy);
    let tab_button = move |which: Tab, label: &'static str| {
        view! {
            <button type="button" role="tab" class="pgo-tab" id=which.id()
                aria-selected=move || aria(tab.get() == which)
                tabindex=move || if tab.get() == which { "0" } else { "-1" }
                on:click=move |_| tab.set(which)
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight") {
                        ev.prevent_default();
                        tab.set(if tab.get() == Tab::Buy { Tab::MyOffers } else { Tab::Buy });
                        // Focus goes with the selection (the other of the two tabs), as in
                        // every tab list: a screen reader then announces the new tab.
                        let other = ev.current_target().and_then(|tab| {
                            let tab: &web_sys::Element = tab.unchecked_ref();
                            tab.next_element_sibling().or_else(|| tab.previous_element_sibling())
                        });
                        if let Some(other) = other {
                            let _ = other.unchecked_ref::<web_sys::HtmlElement>().focus();
                        }
                    }
                }>
                {label}
            </button>
        }
    };
    view! {
        <section class="pgo-widget" lang=locale.lang() aria-label=m.widget_label()>
            {move || match customer_id.get() {
                Some(_) => view! {
                    <div class="pgo-tabs" role="tablist" aria-label=m.widget_label()>
                        {tab_button(Tab::Buy, m.tab_buy())}
                        {tab_button(Tab::MyOffers, m.tab_my_offers())}
                    </div>
                }.into_any(),
                None => view! { <h2 class="pgo-heading">{m.offers_heading()}</h2> }.into_any(),
            }}
            <div role=move || customer_id.get().map(|_| "tabpanel")
                aria-labelledby=move || customer_id.get().map(|_| Tab::Buy.id())
                // Signed out with "My offers" open, the tabs are gone: the offers show again.
                hidden=move || customer_id.get().is_some() && tab.get() != Tab::Buy>
                <OfferPicker selected/>
                {move || selected.get().map(|offer| view! {
                    <OfferCheckout offer on_done=move |()| selected.set(None)/>
                })}
            </div>
            {move || match (customer_id.get(), tab.get()) {
                (Some(customer_id), Tab::MyOffers) => Some(view! {
                    <div role="tabpanel" aria-labelledby=Tab::MyOffers.id()>
                        <MyOffers customer_id/>
                    </div>
                }),
                _ => None,
            }}
        </section>
    }
}
