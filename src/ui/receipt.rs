//! After the purchase: what was bought and paid, the validity window (the vendor's `expiryDate`
//! when the answer has it), a voucher the purchase refused, and the studio access code large,
//! copyable and as a QR code for the front desk.

use leptos::prelude::*;
use leptos::task::spawn_local;
use perfectgym_offers_core::access_code::qr_path;
use perfectgym_offers_core::dates::{format_date, last_day_of_use};
use perfectgym_offers_core::model::{OnlineOffer, PurchaseResult};
use time::Date;
use wasm_bindgen::JsCast;

use crate::embed::host::{copy_to_clipboard, studio_date};
use crate::ui::context::WidgetContext;

#[component]
pub fn Receipt(
    offer: OnlineOffer,
    result: PurchaseResult,
    valid_from: Date,
    /// The voucher sent with the purchase.
    voucher: Option<String>,
    #[prop(into)] on_done: Callback<()>,
) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let locale = context.locale;
    let m = locale.messages();
    let copied = RwSignal::new(false);
    let code = result.studio_access_code.clone();
    // The vendor's expiry date wins over the last day of use computed from the offer's validity.
    let valid_until = result
        .expiry_date
        .as_ref()
        .map(|expiry| {
            let zone = context.config.with_untracked(|c| c.time_zone.clone());
            studio_date(expiry, zone.as_deref())
        })
        .or_else(|| {
            offer
                .validity
                .as_ref()
                .and_then(|term| last_day_of_use(valid_from, term))
        });
    let paid = result.prices.discounted_price.as_ref().map_or_else(
        || m.price_not_available().to_owned(),
        |paid| paid.format(locale),
    );
    let voucher_refused = voucher.is_some() && result.prices.voucher_error_code.is_some();
    let qr = qr_path(&code);
    let heading = NodeRef::<leptos::html::H3>::new();
    // Focus the receipt's heading so keyboard and screen-reader users land on the result.
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    view! {
        <div class="pgo-receipt">
            <h3 class="pgo-receipt__heading" tabindex="-1" node_ref=heading>{m.receipt_heading()}</h3>
            <dl class="pgo-receipt__facts">
                <div><dt>{m.purchase_number()}</dt><dd>{result.online_offer_purchase_id}</dd></div>
                <div><dt>{m.offer()}</dt><dd>{offer.name.clone()}</dd></div>
                <div><dt>{m.paid()}</dt><dd>{paid}</dd></div>
                <div><dt>{m.valid_from()}</dt><dd>{format_date(valid_from, locale)}</dd></div>
                {valid_until.map(|until| view! {
                    <div><dt>{m.valid_until()}</dt><dd>{format_date(until, locale)}</dd></div>
                })}
            </dl>
            {voucher_refused.then(|| view! {
                <p class="pgo-notice pgo-notice--problem pgo-receipt__voucher">{m.receipt_voucher_not_applied()}</p>
            })}
            // An answer without a code shows none (the purchase number stays), not an empty card.
            {(!code.trim().is_empty()).then(|| view! {
            <div class="pgo-code-card">
                <p class="pgo-code-card__label">{m.access_code()}</p>
                <p class="pgo-code" translate="no">{code.clone()}</p>
                {qr.map(|qr| view! {
                    <svg class="pgo-qr" role="img" aria-label=m.qr_label()
                        viewBox=format!("0 0 {0} {0}", qr.size) shape-rendering="crispEdges">
                        <rect width="100%" height="100%" fill="#fff"/>
                        <path d=qr.path fill="#000"/>
                    </svg>
                })}
                <p class="pgo-muted">{m.access_code_hint()}</p>
                <button type="button" class="pgo-button pgo-button--secondary"
                    on:click=move |ev| {
                        let code = code.clone();
                        let button = ev.current_target().map(|b| b.unchecked_into());
                        spawn_local(async move {
                            let worked = copy_to_clipboard(&code, button).await;
                            let _ = copied.try_set(worked);
                        });
                    }>
                    {move || if copied.get() { m.copied() } else { m.copy_code() }}
                </button>
                <span class="pgo-visually-hidden" role="status">{move || copied.get().then_some(m.copied())}</span>
            </div>
            })}
            <button type="button" class="pgo-button pgo-button--quiet" on:click=move |_| on_done.run(())>
                {m.buy_another()}
            </button>
        </div>
    }
}
