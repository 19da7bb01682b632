//! The checkout state machine: choose an offer, preview the price (with or without a voucher),
//! pick a start date, pay, buy. Pure transitions, so every rule is tested natively:
//! out-of-order previews never overwrite newer ones, a purchase cannot start twice, past start
//! dates and missing customers are refused before any request. The purchase itself goes through
//! [`purchase_and_reconcile`]: an answer that does not prove the purchase failed is checked
//! against the customer's purchases before anything is said.

use std::future::Future;

use serde::Serialize;
use time::Date;

use crate::dates::iso_date;
use crate::error::ApiError;
use crate::i18n::Locale;
use crate::model::{
    PriceBreakdown, PurchasePreview, PurchasePreviewRequest, PurchaseRequest, PurchaseResult,
    PurchasedOffer, Readable, VoucherErrorCode,
};
use crate::money::Money;
use crate::wire::{object, optional, required, FromJson, Json, JsonObject, ToJson, WireError};

/// Longest voucher code accepted; the vendor's codes are short.
pub const MAX_VOUCHER_LEN: usize = 40;

/// A voucher code as typed, trimmed; `None` when empty. Longer codes are cut to the limit.
pub fn normalise_voucher(typed: &str) -> Option<String> {
    let code: String = typed.trim().chars().take(MAX_VOUCHER_LEN).collect();
    (!code.is_empty()).then_some(code)
}

/// Whether `code` can be a voucher code at all: printable ASCII, as the vendor's codes are. The
/// proxy refuses a request carrying any other (the allowlist), and a header (the payment
/// session's) cannot carry it; the checkout previews without it and shows it as not valid.
pub fn is_voucher_code(code: &str) -> bool {
    code.bytes().all(|b| b.is_ascii_graphic())
}

/// Where the price shown stands.
#[derive(Debug, Clone, PartialEq)]
pub enum PriceState {
    /// No preview asked for yet (or no customer to ask for): the list price stands.
    ListPrice,
    Loading,
    Ready(PurchasePreview),
    /// The preview answered without the price to pay, or with one below zero: nothing can be
    /// bought at an unknown price.
    Unavailable,
    Failed(ApiError),
}

/// Where the purchase stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// The visitor is choosing: voucher, date.
    Choosing,
    /// Waiting for the payment component (or the host's provider) to give a token.
    Paying {
        amount: Money,
    },
    /// The purchase request is in flight: the form is locked.
    Purchasing,
    /// The purchase failed in a way that leaves its outcome unknown (the request may have gone
    /// through): the customer's purchases are being checked before anything else may happen.
    Verifying(ApiError),
    Done(PurchaseResult),
    /// The booking service refused the purchase (a documented 4xx with its error body).
    Failed(ApiError),
    /// The answer was lost or said nothing, and the customer's purchases, read in full before
    /// and after, show no new purchase of the offer: the visitor may try again.
    NotRecorded(ApiError),
    /// The outcome stayed unknown: the purchases could not be read, or not all of them. The
    /// visitor is asked to look at "My offers" before buying again.
    Unconfirmed(ApiError),
}

/// Why a purchase cannot start now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    /// No `customer-id`: the host must sign the visitor in.
    SignInRequired,
    /// A purchase is already being paid for or sent.
    InFlight,
    /// The server's price is on its way: buying without it could charge a surprise.
    PriceNotReady,
    /// The price shown is not for the form as it is now (a voucher typed or pasted since the
    /// last preview, or that preview failed): it must be previewed again first.
    PriceOutdated,
    /// The server's preview came without a price to pay.
    PriceUnavailable,
    /// The voucher in the field was rejected; remove it or fix it first.
    VoucherRejected,
    /// The start date is before the studio's today.
    StartInPast,
}

/// What to do next after the visitor presses Buy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Ask for a payment token for this amount, then call [`Checkout::paid`].
    Pay { amount: Money },
    /// Nothing to pay: send this purchase now.
    Purchase(PurchaseRequest),
}

/// One visitor's checkout of one offer.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkout {
    pub offer_id: i64,
    pub customer_id: Option<i64>,
    /// The voucher of the newest preview asked for.
    pub voucher: Option<String>,
    pub price: PriceState,
    pub valid_from: Date,
    pub stage: Stage,
    /// Sequence number of the newest preview asked for; older answers are dropped.
    preview_seq: u64,
    /// The visitor (or a resumed checkout) set the start date; otherwise it is "today",
    /// whichever day Buy is pressed on.
    start_chosen: bool,
}

impl Checkout {
    pub fn new(offer_id: i64, customer_id: Option<i64>, today: Date) -> Checkout {
        Checkout {
            offer_id,
            customer_id,
            voucher: None,
            price: PriceState::ListPrice,
            valid_from: today,
            stage: Stage::Choosing,
            preview_seq: 0,
            start_chosen: false,
        }
    }

    /// The page signed the visitor in (or out) mid-checkout: the offer, voucher and date stay,
    /// and a price previewed for someone else no longer counts. A purchase already under way
    /// keeps the customer it was sent for. Returns whether the price must be previewed again.
    pub fn customer_changed(&mut self, customer_id: Option<i64>) -> bool {
        if customer_id == self.customer_id || self.is_locked() {
            return false;
        }
        self.customer_id = customer_id;
        // An answer still on its way was for the previous customer.
        self.preview_seq += 1;
        self.price = PriceState::ListPrice;
        true
    }

    /// Whether the form is locked (paying, buying or checking an unknown outcome).
    pub fn is_locked(&self) -> bool {
        matches!(
            self.stage,
            Stage::Paying { .. } | Stage::Purchasing | Stage::Verifying(_)
        )
    }

    /// Asks for a preview with `voucher` (typed text). Returns the request and its sequence
    /// number, or `None` when there is no customer to preview for (the list price stands).
    pub fn request_preview(&mut self, voucher: &str) -> Option<(u64, PurchasePreviewRequest)> {
        if self.is_locked() {
            return None;
        }
        self.voucher = normalise_voucher(voucher);
        let customer_id = self.customer_id?;
        self.preview_seq += 1;
        self.price = PriceState::Loading;
        Some((
            self.preview_seq,
            PurchasePreviewRequest {
                online_offer_id: self.offer_id,
                customer_id,
                voucher_code: self.voucher.clone().filter(|code| is_voucher_code(code)),
            },
        ))
    }

    /// Takes a preview answer; one for an older request than the newest is dropped. Returns
    /// whether it was taken.
    pub fn preview_arrived(&mut self, seq: u64, answer: Result<PurchasePreview, ApiError>) -> bool {
        if seq != self.preview_seq {
            return false;
        }
        self.price = match answer {
            // Nothing to pay is free; less than nothing is no price anyone can pay.
            Ok(preview)
                if preview
                    .discounted_price
                    .as_ref()
                    .is_none_or(|price| price.amount.is_negative()) =>
            {
                PriceState::Unavailable
            }
            // A code that cannot be one was left out of the request: the price is without it,
            // and it shows as not valid (which also keeps Buy from charging without it).
            Ok(mut preview) if self.voucher.as_deref().is_some_and(|c| !is_voucher_code(c)) => {
                preview.voucher_error_code = Some(VoucherErrorCode::InvalidCode);
                preview.voucher_success_message = None;
                PriceState::Ready(preview)
            }
            Ok(preview) => PriceState::Ready(preview),
            Err(error) => PriceState::Failed(error),
        };
        true
    }

    /// The amount to pay as the server previewed it.
    pub fn amount_to_pay(&self) -> Option<&Money> {
        match &self.price {
            PriceState::Ready(preview) => preview.discounted_price.as_ref(),
            _ => None,
        }
    }

    /// Sets the start date; a date before `today` is refused (and the old one kept).
    pub fn set_valid_from(&mut self, date: Date, today: Date) -> Result<(), Blocked> {
        if date < today {
            return Err(Blocked::StartInPast);
        }
        self.valid_from = date;
        self.start_chosen = true;
        Ok(())
    }

    /// The visitor pressed Buy with `typed` in the voucher field, on the studio's `today` (a
    /// checkout opened before midnight starts on the new day unless a date was chosen).
    pub fn buy(&mut self, today: Date, typed: &str) -> Result<NextStep, Blocked> {
        let customer_id = self.customer_id.ok_or(Blocked::SignInRequired)?;
        if !matches!(
            self.stage,
            Stage::Choosing | Stage::Failed(_) | Stage::NotRecorded(_) | Stage::Unconfirmed(_)
        ) {
            return Err(Blocked::InFlight);
        }
        if self.valid_from < today && !self.start_chosen {
            self.valid_from = today;
        }
        if self.valid_from < today {
            return Err(Blocked::StartInPast);
        }
        // A code typed just before Buy (within the pause before it is previewed) has no price
        // yet: buying now would drop it and charge the price without it.
        if normalise_voucher(typed) != self.voucher {
            return Err(Blocked::PriceOutdated);
        }
        let preview = match &self.price {
            PriceState::Ready(preview) => preview,
            PriceState::Unavailable => return Err(Blocked::PriceUnavailable),
            PriceState::Loading => return Err(Blocked::PriceNotReady),
            PriceState::ListPrice | PriceState::Failed(_) => return Err(Blocked::PriceOutdated),
        };
        if self.voucher.is_some() && preview.voucher_error_code.is_some() {
            return Err(Blocked::VoucherRejected);
        }
        let amount = self
            .amount_to_pay()
            .ok_or(Blocked::PriceUnavailable)?
            .clone();
        if amount.amount.is_zero() {
            self.stage = Stage::Purchasing;
            return Ok(NextStep::Purchase(self.purchase_request(customer_id, None)));
        }
        self.stage = Stage::Paying {
            amount: amount.clone(),
        };
        Ok(NextStep::Pay { amount })
    }

    /// The payment gave a token: the purchase to send, once.
    pub fn paid(&mut self, token: String) -> Option<PurchaseRequest> {
        let customer_id = self.customer_id?;
        if !matches!(self.stage, Stage::Paying { .. }) {
            return None;
        }
        self.stage = Stage::Purchasing;
        Some(self.purchase_request(customer_id, Some(token)))
    }

    /// The visitor closed the payment without paying: back to choosing, nothing sent.
    pub fn payment_cancelled(&mut self) {
        if matches!(self.stage, Stage::Paying { .. }) {
            self.stage = Stage::Choosing;
        }
    }

    /// The purchase's answer proved nothing: its outcome is being checked (see
    /// [`purchase_and_reconcile`]); no blind retry is possible meanwhile.
    pub fn purchase_checking(&mut self, error: ApiError) {
        if self.stage == Stage::Purchasing {
            self.stage = Stage::Verifying(error);
        }
    }

    /// What [`purchase_and_reconcile`] concluded.
    pub fn purchase_finished(&mut self, outcome: PurchaseOutcome) {
        if !matches!(self.stage, Stage::Purchasing | Stage::Verifying(_)) {
            return;
        }
        self.stage = match outcome {
            PurchaseOutcome::Bought(result) | PurchaseOutcome::Recovered(result) => {
                Stage::Done(result)
            }
            PurchaseOutcome::Refused(error) => Stage::Failed(error),
            PurchaseOutcome::NotRecorded(error) => Stage::NotRecorded(error),
            PurchaseOutcome::Unconfirmed(error) => Stage::Unconfirmed(error),
        };
    }

    fn purchase_request(&self, customer_id: i64, token: Option<String>) -> PurchaseRequest {
        PurchaseRequest {
            online_offer_id: self.offer_id,
            customer_id,
            valid_from: iso_date(self.valid_from),
            voucher_code: self.voucher.clone(),
            payment_request_token: token,
        }
    }
}

impl Blocked {
    /// What the visitor is told.
    pub fn user_message(&self, locale: Locale) -> &'static str {
        let m = locale.messages();
        match self {
            Blocked::SignInRequired => m.sign_in_required(),
            Blocked::InFlight => m.buying(),
            Blocked::PriceNotReady | Blocked::PriceOutdated => m.price_not_ready(),
            Blocked::PriceUnavailable => m.price_unavailable(),
            Blocked::VoucherRejected => m.voucher_blocks(),
            Blocked::StartInPast => m.start_in_past(),
        }
    }
}

/// What a preview says about the voucher in it: `Ok(message)` when it applied (the vendor's own
/// message, or ours), `Err(message)` when it was rejected, `None` without a voucher.
pub fn voucher_outcome(
    preview: &PurchasePreview,
    voucher: Option<&str>,
    locale: Locale,
) -> Option<Result<String, &'static str>> {
    voucher?;
    let m = locale.messages();
    Some(match &preview.voucher_error_code {
        Some(VoucherErrorCode::InvalidCode) => Err(m.voucher_invalid()),
        Some(VoucherErrorCode::Unknown(_)) => Err(m.voucher_not_accepted()),
        None => Ok(preview
            .voucher_success_message
            .clone()
            .filter(|message| !message.trim().is_empty())
            .unwrap_or_else(|| m.voucher_applied().to_owned())),
    })
}

/// How long a checkout interrupted by a payment redirect may be resumed.
pub const PENDING_CHECKOUT_MS: f64 = 30.0 * 60.0 * 1000.0;

/// What is kept of a checkout while the visitor is away paying (3-D Secure may redirect the whole
/// page), so the form comes back as it was. Nothing in it can buy anything by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingCheckout {
    pub offer_id: i64,
    pub customer_id: i64,
    pub voucher: Option<String>,
    /// `yyyy-MM-dd`.
    pub valid_from: String,
    /// Milliseconds since the epoch when it was saved.
    pub saved_at_ms: u64,
}

impl FromJson for PendingCheckout {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a paused checkout")?;
        Ok(PendingCheckout {
            offer_id: required(json, &["offerId"])?,
            customer_id: required(json, &["customerId"])?,
            voucher: optional(json, &["voucher"])?,
            valid_from: required(json, &["validFrom"])?,
            saved_at_ms: required(json, &["savedAtMs"])?,
        })
    }
}

impl ToJson for PendingCheckout {
    fn write_json(&self, out: &mut impl JsonObject) {
        out.set_integer("offerId", self.offer_id);
        out.set_integer("customerId", self.customer_id);
        out.set_nullable_string("voucher", self.voucher.as_deref());
        out.set_string("validFrom", &self.valid_from);
        // Milliseconds since 1970 stay far below i64::MAX (and 2^53).
        out.set_integer(
            "savedAtMs",
            i64::try_from(self.saved_at_ms).unwrap_or(i64::MAX),
        );
    }
}

crate::deserialize_via_reader!(PendingCheckout);

impl PendingCheckout {
    /// Whether it belongs to `customer_id` and is recent enough to resume at `now_ms`.
    pub fn resumable(&self, customer_id: Option<i64>, now_ms: f64) -> bool {
        let age = now_ms - self.saved_at_ms as f64;
        customer_id == Some(self.customer_id) && (0.0..PENDING_CHECKOUT_MS).contains(&age)
    }
}

impl Checkout {
    /// What to keep while paying.
    pub fn pending(&self, now_ms: f64) -> Option<PendingCheckout> {
        Some(PendingCheckout {
            offer_id: self.offer_id,
            customer_id: self.customer_id?,
            voucher: self.voucher.clone(),
            valid_from: iso_date(self.valid_from),
            saved_at_ms: now_ms.max(0.0) as u64,
        })
    }
}

/// What the widget needs of the booking service to buy and to check a purchase: the widget's
/// HTTP client in the browser, scripted answers in tests.
pub trait PurchaseClient {
    /// Sends the purchase, once.
    fn purchase(
        &self,
        request: &PurchaseRequest,
    ) -> impl Future<Output = Result<PurchaseResult, ApiError>>;

    /// The customer's purchases of one offer.
    fn purchases_of_offer(
        &self,
        customer_id: i64,
        offer_id: i64,
    ) -> impl Future<Output = Result<Readable<PurchasedOffer>, ApiError>>;
}

/// How a purchase ended, as far as the widget can know.
#[derive(Debug, Clone, PartialEq)]
pub enum PurchaseOutcome {
    /// The purchase answered with its receipt.
    Bought(PurchaseResult),
    /// The answer proved nothing, but the purchase is among the customer's purchases.
    Recovered(PurchaseResult),
    /// A documented refusal: nothing was bought.
    Refused(ApiError),
    /// The booking service finished with an error (see [`ApiError::tenant_finished`]), and the
    /// customer's full purchases show no new one.
    NotRecorded(ApiError),
    /// The answer proved nothing, and neither did the customer's purchases.
    Unconfirmed(ApiError),
}

impl PurchaseOutcome {
    /// The receipt, when the purchase is known to have gone through.
    pub fn receipt(&self) -> Option<&PurchaseResult> {
        match self {
            PurchaseOutcome::Bought(result) | PurchaseOutcome::Recovered(result) => Some(result),
            _ => None,
        }
    }
}

/// Sends `request` once and, when its answer does not prove that it failed (see
/// [`ApiError::proves_write_refused`]), compares the customer's purchases of the offer read before
/// sending with those read afterwards. `checking` is called when that comparison starts;
/// `now_unix` is the visitor's clock in seconds.
pub async fn purchase_and_reconcile<C: PurchaseClient>(
    client: &C,
    request: &PurchaseRequest,
    now_unix: impl Fn() -> i64,
    checking: impl FnOnce(&ApiError),
) -> PurchaseOutcome {
    let (customer_id, offer_id) = (request.customer_id, request.online_offer_id);
    let before = client.purchases_of_offer(customer_id, offer_id).await.ok();
    let sent_at_unix = now_unix();
    let error = match client.purchase(request).await {
        Ok(result) => return PurchaseOutcome::Bought(result),
        Err(error) if error.proves_write_refused() => return PurchaseOutcome::Refused(error),
        Err(error) => error,
    };
    checking(&error);
    let after = client.purchases_of_offer(customer_id, offer_id).await;
    match after.map(|after| reconcile(request, before.as_ref(), &after, sent_at_unix)) {
        Ok(Reconciled::Found(result)) => PurchaseOutcome::Recovered(*result),
        Ok(Reconciled::NotFound) if error.tenant_finished() => PurchaseOutcome::NotRecorded(error),
        Ok(Reconciled::NotFound | Reconciled::Inconclusive) | Err(_) => {
            PurchaseOutcome::Unconfirmed(error)
        }
    }
}

/// What the customer's purchases say about a purchase whose answer proved nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Reconciled {
    Found(Box<PurchaseResult>),
    NotFound,
    Inconclusive,
}

/// How far the visitor's clock and the tenant's may differ.
pub const CLOCK_SKEW_SECONDS: i64 = 5 * 60;

/// Compares the customer's purchases of the offer before sending (`None` when they could not be
/// read) with those after. A purchase of the offer whose id was not there before is the
/// visitor's, whatever day its timestamps are written in. Without a complete list from before,
/// only a purchase made (as an instant) since sending, less [`CLOCK_SKEW_SECONDS`], counts, and
/// finding none proves nothing; so does an unreadable entry in either list.
pub fn reconcile(
    request: &PurchaseRequest,
    before: Option<&Readable<PurchasedOffer>>,
    after: &Readable<PurchasedOffer>,
    sent_at_unix: i64,
) -> Reconciled {
    let known_before: Option<Vec<i64>> = before
        .filter(|before| before.unreadable.is_empty())
        .map(|before| before.iter().map(|p| p.online_offer_purchase_id).collect());
    let new = after
        .iter()
        .filter(|p| p.offer.online_offer_id == request.online_offer_id)
        .filter(|p| match &known_before {
            Some(known) => !known.contains(&p.online_offer_purchase_id),
            None => p
                .purchase_date
                .as_ref()
                .is_some_and(|d| d.unix_seconds() >= sent_at_unix - CLOCK_SKEW_SECONDS),
        })
        .max_by_key(|p| p.online_offer_purchase_id);
    match new {
        Some(purchase) => Reconciled::Found(Box::new(receipt_of(purchase))),
        None if known_before.is_some() && after.unreadable.is_empty() => Reconciled::NotFound,
        None => Reconciled::Inconclusive,
    }
}

/// The receipt of a purchase read from the customer's purchases.
fn receipt_of(purchase: &PurchasedOffer) -> PurchaseResult {
    PurchaseResult {
        online_offer_purchase_id: purchase.online_offer_purchase_id,
        studio_access_code: purchase.studio_access_code.clone(),
        expiry_date: purchase.expiry_date.clone(),
        prices: PriceBreakdown {
            price: purchase.offer.price.clone(),
            discounted_price: purchase.discounted_price.clone(),
            discount_value: purchase.discount_value.clone(),
            voucher_success_message: None,
            voucher_error_code: None,
        },
    }
}
