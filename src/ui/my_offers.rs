//! The signed-in customer's purchased offers, newest first, expired ones marked.

use leptos::prelude::*;
use perfectgym_offers_core::dates::format_date;
use perfectgym_offers_core::model::PurchasedOffer;
use perfectgym_offers_core::{ApiError, Locale, StudioDateTime};

use crate::embed::host::{studio_date, today};
use crate::ui::context::WidgetContext;
use crate::ui::loaded::Loaded;
use crate::ui::status::{report_unreadable, ErrorNotice, Loading};

#[component]
pub fn MyOffers(customer_id: i64) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let locale = context.locale;
    let m = locale.messages();
    let time_zone = context.config.with_untracked(|c| c.time_zone.clone());
    let purchases = Loaded::new(move || {
        let context = context.clone();
        async move {
            let client = context.client()?;
            let mut loaded = client.purchased(customer_id).await.map(|list| {
                report_unreadable(&context.host, locale, "my offers", &list.unreadable);
                list.items
            });
            if let Ok(list) = &mut loaded {
                list.sort_by_key(|p| {
                    std::cmp::Reverse(p.purchase_date.as_ref().map(|d| d.unix_seconds()))
                });
            }
            Some(loaded)
        }
    });
    let time_zone = StoredValue::new(time_zone);
    move || match purchases.get().flatten() {
        None => view! { <Loading text=m.loading_purchases()/> }.into_any(),
        Some(loaded) => purchase_list(loaded, purchases, time_zone, locale),
    }
}

fn purchase_list(
    loaded: Result<Vec<PurchasedOffer>, ApiError>,
    purchases: Loaded<Option<Result<Vec<PurchasedOffer>, ApiError>>>,
    time_zone: StoredValue<Option<String>>,
    locale: Locale,
) -> AnyView {
    let m = locale.messages();
    let time_zone = time_zone.get_value();
    match loaded {
        Err(error) => {
            view! { <ErrorNotice error locale on_retry=move |()| purchases.reload()/> }.into_any()
        }
        Ok(list) if list.is_empty() => {
            view! { <p class="pgo-status pgo-status--empty" role="status">{m.no_purchases()}</p> }.into_any()
        }
        Ok(list) => view! {
            <ul class="pgo-purchases" role="list">
                {list.into_iter().map(|purchase| {
                    let expired = purchase.expiry_date.as_ref().is_some_and(|d| has_expired(d, time_zone.as_deref()));
                    let date = |value: &Option<StudioDateTime>| {
                        value.as_ref().map(|d| format_date(studio_date(d, time_zone.as_deref()), locale))
                    };
                    let rows = [
                        (m.purchased_on(), date(&purchase.purchase_date)),
                        (m.valid_from(), date(&purchase.valid_from)),
                        (m.expires(), date(&purchase.expiry_date)),
                        (m.voucher_used(), purchase.voucher_code.clone()),
                    ];
                    view! {
                        <li class="pgo-purchase" class:pgo-purchase--expired=expired
                            data-purchase-id=purchase.online_offer_purchase_id>
                            <p class="pgo-purchase__name">
                                {purchase.offer.name.clone()}
                                {expired.then(|| view! { <span class="pgo-badge">{m.expired()}</span> })}
                            </p>
                            <dl>
                                {rows.into_iter().filter_map(|(label, value)| value.map(|value| view! {
                                    <div><dt>{label}</dt><dd>{value}</dd></div>
                                })).collect_view()}
                                <div><dt>{m.access_code()}</dt><dd class="pgo-code pgo-code--small" translate="no">{purchase.studio_access_code.clone()}</dd></div>
                            </dl>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
}

/// A day (a bare date or midnight, as the vendor's day ticket expires on the day it is valid
/// from) is the last day of use: expired from the next day, the studio's. A moment is expired
/// once it has passed.
fn has_expired(expiry: &StudioDateTime, time_zone: Option<&str>) -> bool {
    if expiry.is_day() {
        studio_date(expiry, time_zone) < today(expiry.zone().or(time_zone))
    } else {
        expiry.unix_seconds() <= (js_sys::Date::now() / 1000.0) as i64
    }
}
