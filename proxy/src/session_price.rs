//! The price policy for payment sessions: one is opened only for what the named offer costs this
//! customer now. Otherwise a visitor could open sessions for any amount they like.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use perfectgym_offers_core::model::{
    PaymentSessionRequest, PurchasePreview, PurchasePreviewRequest, PAYMENT_CURRENCY_HEADER,
    PAYMENT_OFFER_HEADER, PAYMENT_VOUCHER_HEADER, PRICE_CHANGED_CODE, UPSTREAM_ERROR_CODE,
};

use crate::checked::Checked;
use crate::language::accept_language;
use crate::operation::{bad_request, voucher_code, Operation};
use crate::reply::Reply;
use crate::ApiState;

/// A checked and admitted payment session whose amount is its offer's price now.
pub struct PricedSession(Operation);

impl FromRequest<ApiState> for PricedSession {
    type Rejection = Reply;

    async fn from_request(request: Request, state: &ApiState) -> Result<Self, Reply> {
        // The offer, voucher and currency headers, kept before the body consumes the request.
        let headers = request.headers().clone();
        let operation = Checked::<PaymentSessionRequest>::from_request(request, state)
            .await?
            .operation;
        if let Operation::PaymentSession(session) = &operation {
            check_price(state, session, &headers).await?;
        }
        Ok(PricedSession(operation))
    }
}

impl From<PricedSession> for Operation {
    fn from(PricedSession(operation): PricedSession) -> Operation {
        operation
    }
}

/// The proxy previews the offer the headers name (with the named voucher) for the session's
/// customer and compares the price with the session's amount and currency.
async fn check_price(
    state: &ApiState,
    request: &PaymentSessionRequest,
    headers: &HeaderMap,
) -> Result<(), Reply> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let online_offer_id = header(PAYMENT_OFFER_HEADER)
        .and_then(|id| id.trim().parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            bad_request(&format!(
                "{PAYMENT_OFFER_HEADER} must name the offer the payment is for"
            ))
        })?;
    let voucher_code = voucher_code(header(PAYMENT_VOUCHER_HEADER))?;
    let currency = header(PAYMENT_CURRENCY_HEADER)
        .map(str::trim)
        .filter(|code| code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()))
        .ok_or_else(|| {
            bad_request(&format!(
                "{PAYMENT_CURRENCY_HEADER} must name the currency of the amount"
            ))
        })?;
    let preview = Operation::Preview(PurchasePreviewRequest {
        online_offer_id,
        customer_id: request.customer_id,
        voucher_code,
    });
    let reply = state
        .tenant
        .answer(preview, accept_language(headers), &state.metrics)
        .await;
    if !reply.is_success() {
        return Err(reply);
    }
    let preview: PurchasePreview = serde_json::from_slice(&reply.body).map_err(|_| {
        Reply::error(
            StatusCode::BAD_GATEWAY,
            UPSTREAM_ERROR_CODE,
            "The booking service answered the price check with something unreadable",
        )
    })?;
    let price = preview.discounted_price.as_ref();
    if price.map(|p| p.amount) != Some(request.amount)
        || price.map(|p| p.currency.as_str()) != Some(currency)
    {
        return Err(Reply::error(
            StatusCode::CONFLICT,
            PRICE_CHANGED_CODE,
            "The price to pay is not the current price of this offer; check it and try again",
        ));
    }
    Ok(())
}
