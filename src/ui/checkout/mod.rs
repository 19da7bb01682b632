//! The chosen offer's checkout, one concept per file: its details ([`offer_facts`]), the
//! server's price ([`price_box`], [`preview`]), the voucher and start date fields, Buy
//! ([`purchase`], [`payment`]) and what it tells the visitor ([`notices`]), then the receipt.
//! Core's [`Checkout`] state machine is the source of truth; [`form::CheckoutForm`] holds it.
//!
//! [`Checkout`]: perfectgym_offers_core::checkout::Checkout

mod date_field;
pub mod form;
mod notices;
mod offer_facts;
mod payment;
mod preview;
mod price_box;
mod purchase;
mod voucher_field;

use leptos::prelude::*;
use perfectgym_offers_core::checkout::Stage;
use perfectgym_offers_core::dates::parse_date;
use perfectgym_offers_core::model::OnlineOffer;

use crate::embed::host::today;
use crate::ui::aria;
use crate::ui::checkout::date_field::DateField;
use crate::ui::checkout::form::{CheckoutForm, Notice};
use crate::ui::checkout::notices::NoticeArea;
use crate::ui::checkout::offer_facts::OfferFacts;
use crate::ui::checkout::payment::PaymentSlot;
use crate::ui::checkout::price_box::PriceBox;
use crate::ui::checkout::voucher_field::VoucherField;
use crate::ui::context::{PurchaseProgress, WidgetContext};
use crate::ui::receipt::Receipt;

/// Details and checkout of one offer. Re-created when another offer is chosen.
#[component]
pub fn OfferCheckout(offer: OnlineOffer, #[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let m = context.locale.messages();
    let offer_id = offer.online_offer_id;
    let (time_zone, customer_id) = context
        .config
        .with_untracked(|c| (c.time_zone.clone(), c.customer_id));
    let form = CheckoutForm::new(offer_id, customer_id, today(time_zone.as_deref()));
    // Back from a payment redirect: the form as the visitor left it (nothing was bought).
    if let Some(paused) = context.paused.take(offer_id, customer_id) {
        form.typed.set(paused.voucher.unwrap_or_default());
        if let Some(date) = parse_date(&paused.valid_from) {
            form.checkout.update(|c| {
                let _ = c.set_valid_from(date, form.today);
            });
        }
        form.tell(Notice::Info(m.payment_resumed()));
    }
    // The catalogue and the language hold still for this checkout's purchase.
    let purchase = context.purchase;
    Effect::new(move |_| {
        let now = form.checkout.with(|c| match c.stage {
            Stage::Done(_) => PurchaseProgress::ReceiptShown,
            _ if c.is_locked() => PurchaseProgress::UnderWay,
            _ => PurchaseProgress::Idle,
        });
        if purchase.get_untracked() != now {
            purchase.set(now);
        }
    });
    on_cleanup(move || {
        let _ = purchase.try_set(PurchaseProgress::Idle);
    });
    // The server's price, not only the list price, as soon as the offer is chosen.
    form.preview_now(&context);
    form.follow_customer(&context);

    let heading_id = format!("pgo-checkout-{offer_id}");
    let labelled_by = heading_id.clone();
    let notice_id = format!("pgo-notice-{offer_id}");
    let done = move || form.checkout.with(|c| matches!(c.stage, Stage::Done(_)));
    let receipt_offer = offer.clone();
    view! {
        <section class="pgo-panel" aria-labelledby=labelled_by
            aria-busy=move || aria(form.is_locked())>
            {move || match form.checkout.with(|c| c.stage.clone()) {
                Stage::Done(result) => {
                    let (valid_from, voucher) =
                        form.checkout.with_untracked(|c| (c.valid_from, c.voucher.clone()));
                    view! {
                        <Receipt offer=receipt_offer.clone() result valid_from voucher on_done/>
                    }.into_any()
                }
                _ => ().into_any(),
            }}
            <div class="pgo-panel__choose" hidden=done>
                <h3 class="pgo-panel__heading" id=heading_id>{offer.name.clone()}</h3>
                <OfferFacts offer_id/>
                <PriceBox form offer/>
                <VoucherField form/>
                <DateField form/>
                <PaymentSlot form/>
                <button type="button" class="pgo-button pgo-buy" disabled=move || form.is_locked()
                    aria-describedby=notice_id.clone()
                    on:click=move |_| form.buy(&context)>
                    {move || match form.checkout.with(|c| c.stage.clone()) {
                        Stage::Paying { .. } => m.paying(),
                        Stage::Purchasing => m.buying(),
                        Stage::Verifying(_) => m.purchase_checking(),
                        _ => m.buy(),
                    }}
                </button>
                <NoticeArea form id=notice_id/>
            </div>
        </section>
    }
}
