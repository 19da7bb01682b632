//! The chosen offer: its details, the server's price with a live voucher preview, the start date,
//! payment and purchase, then the receipt.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use perfectgym_offers_core::checkout::{
    purchase_and_reconcile, voucher_outcome, Blocked, Checkout, NextStep, PriceState,
    PurchaseOutcome, Stage,
};
use perfectgym_offers_core::dates::{iso_date, parse_date};
use perfectgym_offers_core::model::{
    OnlineOffer, PaymentSessionRequest, PurchaseRequest, PAYMENT_SCOPE_ECOM,
};
use perfectgym_offers_core::widget_config::WidgetConfig;
use perfectgym_offers_core::{offer_text, ApiError, Money};
use serde::Serialize;
use web_sys::KeyboardEvent;

use crate::api::ApiClient;
use crate::embed::host::{
    keep_pending, resumable_pending, today, HostEvent, PaymentDetails, PaymentOutcome,
};
use crate::ui::context::WidgetContext;
use crate::ui::receipt::Receipt;
use crate::ui::status::{ErrorDetail, ErrorNotice};

/// How long typing must pause before the voucher is previewed.
const VOUCHER_DEBOUNCE: Duration = Duration::from_millis(400);

/// A line under the Buy button: information (cancelled payment, sign in) or a problem.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    Info(&'static str),
    Problem(&'static str),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VoucherDetail {
    offer_id: i64,
    voucher_code: String,
    discounted_price: Option<MoneyDetail>,
    voucher_error_code: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MoneyDetail {
    amount: String,
    currency: String,
}

impl From<&Money> for MoneyDetail {
    fn from(money: &Money) -> Self {
        MoneyDetail {
            amount: money.amount.to_string(),
            currency: money.currency.clone(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OfferDetail {
    offer_id: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PurchaseDetail {
    offer_id: i64,
    online_offer_purchase_id: i64,
    /// `None` when the answer had no price.
    paid: Option<MoneyDetail>,
    /// The voucher sent, unless the purchase answer refused it.
    voucher_code: Option<String>,
}

/// Details and checkout of one offer. Re-created when another offer is chosen.
#[component]
pub fn OfferCheckout(offer: OnlineOffer, #[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let locale = context.locale;
    let m = locale.messages();
    let offer_id = offer.online_offer_id;
    let (time_zone, customer_id, api_base) = context
        .config
        .with_untracked(|c| (c.time_zone.clone(), c.customer_id, c.api_base.clone()));
    let today = today(time_zone.as_deref());
    let checkout = RwSignal::new(Checkout::new(offer_id, customer_id, today));
    let detail = RwSignal::new(None::<Result<OnlineOffer, ApiError>>);
    let typed = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<Notice>);
    let debounce = StoredValue::new(0_u64);
    let vendor_open = RwSignal::new(false);
    // Back from a payment redirect: the form as the visitor left it (nothing was bought).
    let resumed =
        resumable_pending(&api_base, customer_id).filter(|pending| pending.offer_id == offer_id);
    if let Some(pending) = resumed {
        typed.set(pending.voucher.clone().unwrap_or_default());
        if let Some(date) = parse_date(&pending.valid_from) {
            checkout.update(|c| {
                let _ = c.set_valid_from(date, today);
            });
        }
        notice.set(Some(Notice::Info(m.payment_resumed)));
        keep_pending(&api_base, pending.customer_id, None);
    }

    let load_detail = {
        let context = context.clone();
        move || {
            detail.set(None);
            let Some(client) = context.client() else {
                return;
            };
            spawn_local(async move {
                let _ = detail.try_set(Some(client.offer_detail(offer_id).await));
            });
        }
    };
    load_detail();

    let preview = {
        let context = context.clone();
        move || {
            let Some(Some((seq, request))) =
                checkout.try_update(|c| c.request_preview(&typed.get_untracked()))
            else {
                return;
            };
            let Some(client) = context.client() else {
                return;
            };
            let context = context.clone();
            spawn_local(async move {
                let answer = client.preview(&request).await;
                let taken = checkout.try_update(|c| c.preview_arrived(seq, answer.clone()));
                if let (Some(true), Ok(preview), Some(code)) =
                    (taken, &answer, &request.voucher_code)
                {
                    let event = if preview.voucher_error_code.is_some() {
                        HostEvent::VoucherRejected
                    } else {
                        HostEvent::VoucherApplied
                    };
                    let detail = VoucherDetail {
                        offer_id,
                        voucher_code: code.clone(),
                        discounted_price: preview
                            .discounted_price
                            .as_ref()
                            .filter(|_| preview.voucher_error_code.is_none())
                            .map(MoneyDetail::from),
                        voucher_error_code: preview
                            .voucher_error_code
                            .as_ref()
                            .map(|c| c.as_wire().to_owned()),
                    };
                    context.host.emit(event, &detail);
                }
            });
        }
    };
    // The server's price, not only the list price, as soon as the offer is chosen.
    preview();

    let preview_now = {
        let preview = preview.clone();
        move || {
            debounce.update_value(|g| *g += 1);
            preview();
        }
    };
    // The page signed the visitor in (after sign-in-required) or out: the form stays as it is
    // and the price is previewed for whoever the visitor is now.
    let config = context.config;
    Effect::watch(
        move || config.with(|c| c.customer_id),
        {
            let preview_now = preview_now.clone();
            move |customer_id, _, _| {
                if checkout.try_update(|c| c.customer_changed(*customer_id)) == Some(true) {
                    notice.set(None);
                    preview_now();
                }
            }
        },
        false,
    );
    let preview_soon = {
        let preview = preview.clone();
        move || {
            debounce.update_value(|g| *g += 1);
            let generation = debounce.get_value();
            let preview = preview.clone();
            set_timeout(
                move || {
                    if debounce.try_get_value() == Some(generation) {
                        preview();
                    }
                },
                VOUCHER_DEBOUNCE,
            );
        }
    };

    // `client` is the one of when Buy was pressed: the purchase goes on, and its outcome still
    // reaches the page, when the element is removed meanwhile.
    let send_purchase = {
        let context = context.clone();
        move |client: ApiClient, request: PurchaseRequest| {
            let context = context.clone();
            async move {
                let client = context.client().unwrap_or(client);
                // No blind retry: an answer that does not prove a refusal is looked for among
                // the customer's purchases first.
                let outcome = purchase_and_reconcile(
                    &client,
                    &request,
                    || (js_sys::Date::now() / 1000.0) as i64,
                    |error| {
                        checkout.try_update(|c| c.purchase_checking(error.clone()));
                    },
                )
                .await;
                match &outcome {
                    PurchaseOutcome::Bought(result) | PurchaseOutcome::Recovered(result) => {
                        context.host.emit(
                            HostEvent::PurchaseCompleted,
                            &PurchaseDetail {
                                offer_id,
                                online_offer_purchase_id: result.online_offer_purchase_id,
                                paid: result.prices.discounted_price.as_ref().map(Into::into),
                                voucher_code: request
                                    .voucher_code
                                    .clone()
                                    .filter(|_| result.prices.voucher_error_code.is_none()),
                            },
                        )
                    }
                    PurchaseOutcome::Refused(error)
                    | PurchaseOutcome::NotRecorded(error)
                    | PurchaseOutcome::Unconfirmed(error) => context.host.emit(
                        HostEvent::Error,
                        &ErrorDetail {
                            message: error.user_message(locale),
                            cause: error.to_string(),
                        },
                    ),
                }
                checkout.try_update(|c| c.purchase_finished(outcome));
            }
        }
    };

    let buy = {
        let context = context.clone();
        let preview_now = preview_now.clone();
        move || {
            notice.set(None);
            let (Some(client), Some(settings)) = (context.client(), context.setting(Clone::clone))
            else {
                return;
            };
            let Some(step) = checkout.try_update(|c| c.buy(today)) else {
                return;
            };
            match step {
                Err(Blocked::SignInRequired) => {
                    context
                        .host
                        .emit(HostEvent::SignInRequired, &OfferDetail { offer_id });
                    notice.set(Some(Notice::Info(m.sign_in_required)));
                }
                Err(blocked) => notice.set(Some(Notice::Problem(blocked.user_message(locale)))),
                Ok(NextStep::Purchase(request)) => {
                    spawn_local(send_purchase.clone()(client, request))
                }
                Ok(NextStep::Pay { amount }) => {
                    let context = context.clone();
                    let send_purchase = send_purchase.clone();
                    let preview_now = preview_now.clone();
                    spawn_local(async move {
                        let outcome = take_payment(
                            &context,
                            &settings,
                            &client,
                            &amount,
                            checkout,
                            vendor_open,
                        )
                        .await;
                        if let Some(customer_id) = settings.customer_id {
                            keep_pending(&settings.api_base, customer_id, None);
                        }
                        match outcome {
                            PaymentOutcome::Token(token) => {
                                if let Some(Some(request)) = checkout.try_update(|c| c.paid(token))
                                {
                                    send_purchase(client, request).await;
                                }
                            }
                            PaymentOutcome::Cancelled => {
                                checkout.try_update(|c| c.payment_cancelled());
                                let _ = notice.try_set(Some(Notice::Info(m.payment_cancelled)));
                            }
                            PaymentOutcome::PriceChanged => {
                                checkout.try_update(|c| c.payment_cancelled());
                                let _ = notice.try_set(Some(Notice::Problem(m.price_changed)));
                                preview_now();
                            }
                            PaymentOutcome::NoProvider | PaymentOutcome::Unavailable => {
                                checkout.try_update(|c| c.payment_cancelled());
                                let _ =
                                    notice.try_set(Some(Notice::Problem(m.payment_unavailable)));
                                context.host.emit(
                                    HostEvent::Error,
                                    &ErrorDetail {
                                        message: m.payment_unavailable,
                                        cause: "no paymentTokenProvider, and the payment component could not be started".to_owned(),
                                    },
                                );
                            }
                        }
                    });
                }
            }
        }
    };

    let locked = move || checkout.with(|c| c.is_locked());
    let heading_id = format!("pgo-checkout-{offer_id}");
    let done_offer = offer.clone();
    let facts = move || {
        detail.get().map(|loaded| match loaded {
            Ok(full) => {
                let lines: Vec<String> = [
                    offer_text::scope_of_usage(&full, locale),
                    offer_text::validity(&full, locale),
                    offer_text::period_of_use(&full, locale),
                ]
                .into_iter()
                .flatten()
                .chain(
                    full.restrictions
                        .as_ref()
                        .map(|r| offer_text::restrictions(r, locale))
                        .unwrap_or_default(),
                )
                .chain(offer_text::payment_methods(&full, locale))
                .collect();
                view! {
                    <ul class="pgo-panel__facts">
                        {lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }
            Err(error) => {
                let load_detail = load_detail.clone();
                view! { <ErrorNotice error locale on_retry=move |()| load_detail()/> }.into_any()
            }
        })
    };

    view! {
        <section class="pgo-panel" aria-labelledby=heading_id.clone() aria-busy=move || locked().to_string()>
            {move || match checkout.with(|c| c.stage.clone()) {
                Stage::Done(result) => {
                    let valid_from = checkout.with_untracked(|c| c.valid_from);
                    let voucher = checkout.with_untracked(|c| c.voucher.clone());
                    view! { <Receipt offer=done_offer.clone() result valid_from voucher on_done/> }.into_any()
                }
                _ => ().into_any(),
            }}
            <div class="pgo-panel__choose" hidden=move || checkout.with(|c| matches!(c.stage, Stage::Done(_)))>
                <h3 class="pgo-panel__heading" id=heading_id.clone()>{offer.name.clone()}</h3>
                {move || if detail.with(Option::is_none) {
                    Some(view! { <p class="pgo-muted" role="status">{m.loading_detail}</p> })
                } else {
                    None
                }}
                {facts}
                <PriceBox checkout offer=offer.clone()/>
                <div class="pgo-field">
                    <label for=format!("pgo-voucher-{offer_id}")>{m.voucher_label}</label>
                    <div class="pgo-field__row">
                        <input id=format!("pgo-voucher-{offer_id}") class="pgo-input" type="text"
                            autocomplete="off" autocapitalize="characters" spellcheck="false"
                            maxlength="40"
                            prop:value=move || typed.get()
                            disabled=locked
                            on:input={
                                let preview_soon = preview_soon.clone();
                                move |ev| {
                                    typed.set(event_target_value(&ev));
                                    preview_soon();
                                }
                            }
                            on:keydown={
                                let preview_now = preview_now.clone();
                                move |ev: KeyboardEvent| {
                                    if ev.key() == "Enter" {
                                        ev.prevent_default();
                                        preview_now();
                                    }
                                }
                            }/>
                        <button type="button" class="pgo-button pgo-button--secondary" disabled=locked
                            on:click={
                                let preview_now = preview_now.clone();
                                move |_| preview_now()
                            }>
                            {m.voucher_apply}
                        </button>
                        {
                            let preview_now = preview_now.clone();
                            move || (!typed.with(|t| t.trim().is_empty())).then(|| {
                                let preview_now = preview_now.clone();
                                view! {
                                    <button type="button" class="pgo-button pgo-button--quiet" disabled=locked
                                        on:click=move |_| {
                                            typed.set(String::new());
                                            preview_now();
                                        }>
                                        {m.voucher_remove}
                                    </button>
                                }
                            })
                        }
                    </div>
                </div>
                <DateField checkout today notice/>
                {
                    let host = context.host.clone();
                    move || vendor_open.get().then(|| {
                        let host = host.clone();
                        view! {
                            <div class="pgo-payment">
                                // The vendor's card fields live in the light DOM and show here.
                                <slot name="payment"></slot>
                                <button type="button" class="pgo-button pgo-button--quiet"
                                    on:click=move |_| host.cancel_payment()>
                                    {m.cancel_payment}
                                </button>
                            </div>
                        }
                    })
                }
                <button type="button" class="pgo-button pgo-buy" disabled=locked aria-describedby=format!("pgo-notice-{offer_id}")
                    on:click=move |_| buy()>
                    {move || match checkout.with(|c| c.stage.clone()) {
                        Stage::Paying { .. } => m.paying,
                        Stage::Purchasing => m.buying,
                        Stage::Verifying(_) => m.purchase_checking,
                        _ => m.buy,
                    }}
                </button>
                <div id=format!("pgo-notice-{offer_id}") class="pgo-notice-area">
                    {move || notice.get().map(|notice| match notice {
                        Notice::Info(text) => view! { <p class="pgo-notice" role="status">{text}</p> }.into_any(),
                        Notice::Problem(text) => view! { <p class="pgo-notice pgo-notice--problem" role="alert">{text}</p> }.into_any(),
                    })}
                    {move || match checkout.with(|c| c.stage.clone()) {
                        Stage::Failed(error) => Some(view! {
                            <div class="pgo-notice pgo-notice--problem" role="alert" data-cause=error.to_string()>
                                <p>{m.purchase_failed}</p>
                                <p>{error.user_message(locale)}</p>
                            </div>
                        }.into_any()),
                        Stage::Verifying(_) => Some(view! {
                            <p class="pgo-notice" role="status">{m.purchase_checking}</p>
                        }.into_any()),
                        Stage::NotRecorded(error) => Some(view! {
                            <p class="pgo-notice pgo-notice--problem" role="alert" data-cause=error.to_string()>
                                {m.purchase_not_recorded}
                            </p>
                        }.into_any()),
                        Stage::Unconfirmed(error) => Some(view! {
                            <p class="pgo-notice pgo-notice--problem" role="alert" data-cause=error.to_string()>
                                {m.purchase_unconfirmed}
                            </p>
                        }.into_any()),
                        _ => None,
                    }}
                </div>
            </div>
        </section>
    }
}

/// The price the visitor will pay, announced politely whenever it changes.
#[component]
fn PriceBox(checkout: RwSignal<Checkout>, offer: OnlineOffer) -> impl IntoView {
    let locale = expect_context::<WidgetContext>().locale;
    let m = locale.messages();
    let list_price = offer_text::price(&offer, locale);
    let row = |label: &'static str, value: String, class: &'static str| {
        view! { <div class=class><dt>{label}</dt><dd>{value}</dd></div> }
    };
    view! {
        <div class="pgo-price" aria-live="polite" aria-atomic="true">
            {move || checkout.with(|c| match &c.price {
                PriceState::ListPrice => view! {
                    <dl>{row(m.list_price, list_price.clone(), "pgo-price__total")}</dl>
                    <p class="pgo-muted">{m.sign_in_for_price}</p>
                }.into_any(),
                PriceState::Loading => view! { <p class="pgo-muted">{m.checking_price}</p> }.into_any(),
                PriceState::Failed(error) => view! { <p class="pgo-notice--problem">{error.user_message(locale)}</p> }.into_any(),
                PriceState::Unavailable => view! { <p class="pgo-notice--problem">{m.price_unavailable}</p> }.into_any(),
                PriceState::Ready(preview) => {
                    let format = |money: &Option<Money>| money.as_ref().map_or_else(|| m.price_not_available.to_owned(), |money| money.format(locale));
                    let discounted = preview.discount_value.as_ref().is_some_and(|d| !d.amount.is_zero())
                        && preview.voucher_error_code.is_none();
                    let outcome = voucher_outcome(preview, c.voucher.as_deref(), locale);
                    view! {
                        <dl>
                            {discounted.then(|| row(m.original_price, format(&preview.price), "pgo-price__original"))}
                            {discounted.then(|| preview.discount_value.as_ref().map(|d| row(m.discount, format!("−{}", d.format(locale)), "pgo-price__discount")))}
                            {row(if discounted { m.to_pay } else { m.your_price }, format(&preview.discounted_price), "pgo-price__total")}
                        </dl>
                        {outcome.map(|outcome| match outcome {
                            Ok(message) => view! { <p class="pgo-voucher pgo-voucher--applied">{message}</p> }.into_any(),
                            Err(message) => view! { <p class="pgo-voucher pgo-voucher--rejected">{message}</p> }.into_any(),
                        })}
                    }.into_any()
                }
            })}
        </div>
    }
}

/// The start date; before the studio's today is refused with a message.
#[component]
fn DateField(
    checkout: RwSignal<Checkout>,
    today: time::Date,
    notice: RwSignal<Option<Notice>>,
) -> impl IntoView {
    let locale = expect_context::<WidgetContext>().locale;
    let m = locale.messages();
    let id = checkout.with_untracked(|c| format!("pgo-start-{}", c.offer_id));
    let error = RwSignal::new(false);
    view! {
        <div class="pgo-field">
            <label for=id.clone()>{m.start_date}</label>
            <input id=id.clone() class="pgo-input pgo-input--date" type="date" min=iso_date(today)
                prop:value=move || checkout.with(|c| iso_date(c.valid_from))
                aria-invalid=move || error.get().to_string()
                aria-describedby=format!("{id}-error")
                disabled=move || checkout.with(|c| c.is_locked())
                on:change=move |ev| {
                    let accepted = parse_date(&event_target_value(&ev))
                        .map(|date| checkout.try_update(|c| c.set_valid_from(date, today).is_ok()).unwrap_or(false))
                        .unwrap_or(false);
                    error.set(!accepted);
                    notice.set(None);
                }/>
            <p id=format!("{id}-error") class="pgo-field__error" role="alert">
                {move || error.get().then_some(m.start_in_past)}
            </p>
        </div>
    }
}

/// A payment token for `amount`: from the host page's `paymentTokenProvider` when it set one,
/// else from the vendor's payment component started with a fresh payment session. The checkout
/// is kept in sessionStorage meanwhile, in case 3-D Secure redirects the page.
async fn take_payment(
    context: &WidgetContext,
    settings: &WidgetConfig,
    client: &ApiClient,
    amount: &Money,
    checkout: RwSignal<Checkout>,
    vendor_open: RwSignal<bool>,
) -> PaymentOutcome {
    let (offer_id, valid_from, voucher) =
        checkout.with_untracked(|c| (c.offer_id, iso_date(c.valid_from), c.voucher.clone()));
    let Some(customer_id) = settings.customer_id else {
        return PaymentOutcome::Unavailable;
    };
    let details = PaymentDetails {
        offer_id,
        customer_id,
        amount: amount.amount.to_string(),
        currency: amount.currency.clone(),
        valid_from,
    };
    match context.host.payment_token(&details).await {
        PaymentOutcome::NoProvider => {}
        outcome => return outcome,
    }
    let request = PaymentSessionRequest {
        amount: amount.amount,
        scope: PAYMENT_SCOPE_ECOM.to_owned(),
        customer_id,
        permitted_payment_choices: None,
        reference_text: None,
    };
    // A token the page replaced while its provider was asked is the one sent.
    let session = context
        .client()
        .unwrap_or_else(|| client.clone())
        .payment_session(&request, offer_id, voucher.as_deref(), &amount.currency)
        .await;
    let session = match session {
        Ok(session) => session,
        Err(ApiError::Http { status: 409, .. }) => return PaymentOutcome::PriceChanged,
        Err(_) => return PaymentOutcome::Unavailable,
    };
    let pending = checkout.with_untracked(|c| c.pending(js_sys::Date::now()));
    keep_pending(&settings.api_base, customer_id, pending.as_ref());
    let _ = vendor_open.try_set(true);
    let outcome = context
        .host
        .vendor_payment(&session.token, &settings.payment, context.locale)
        .await;
    let _ = vendor_open.try_set(false);
    outcome
}
