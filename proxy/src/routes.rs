//! The routes of the allowlist, under the vendor's own paths; anything not routed falls through
//! to 404. Each handler is handed its checked operation ([`Checked`], [`PricedSession`]) and only
//! answers it.

use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use perfectgym_offers_core::model::{PurchasePreviewRequest, PurchaseRequest};

use crate::checked::Checked;
use crate::http_cache::catalogue_response;
use crate::language::Language;
use crate::operation::{OfferListQuery, OfferPath, Operation, PurchasedOfferPath, PurchasedPath};
use crate::reply::Reply;
use crate::session_price::PricedSession;
use crate::ApiState;

/// The reads under `prefix` (e.g. `/pg-proxy`, or empty): catalogue and purchased offers. The
/// prefix is part of each path rather than a `nest`, which would add a layer of routing and
/// prefix stripping to every request.
pub fn read_routes(prefix: &str) -> Router<ApiState> {
    Router::new()
        .route(
            &format!("{prefix}/v1/online-offers/purchasable"),
            get(catalogue::<Checked<OfferListQuery>>),
        )
        .route(
            &format!("{prefix}/v1/online-offers/purchasable/{{offer_id}}"),
            get(catalogue::<Checked<OfferPath>>),
        )
        .route(
            &format!("{prefix}/v1/online-offers/{{customer_id}}/purchased"),
            get(answer::<Checked<PurchasedPath>>),
        )
        .route(
            &format!("{prefix}/v1/online-offers/{{customer_id}}/purchased/{{offer_id}}"),
            get(answer::<Checked<PurchasedOfferPath>>),
        )
}

/// The writes under `prefix`, which are rate limited per client: previews, purchases, payment
/// sessions.
pub fn write_routes(prefix: &str) -> Router<ApiState> {
    Router::new()
        .route(
            &format!("{prefix}/v1/online-offers/purchase/preview"),
            post(answer::<Checked<PurchasePreviewRequest>>),
        )
        .route(
            &format!("{prefix}/v1/online-offers/purchase"),
            post(answer::<Checked<PurchaseRequest>>),
        )
        .route(
            &format!("{prefix}/v1/payments/user-session"),
            post(answer::<PricedSession>),
        )
}

/// Answers the operation the route's extractor `R` checked.
async fn answer<R: Into<Operation>>(
    State(state): State<ApiState>,
    Language(language): Language,
    checked: R,
) -> Reply {
    state
        .tenant
        .answer(checked.into(), language, &state.metrics)
        .await
}

/// A catalogue answer, with the headers that let caches in front keep it. The request itself
/// comes last, for its `If-None-Match`: a `HeaderMap` extractor would copy every header.
async fn catalogue<R: Into<Operation>>(
    State(state): State<ApiState>,
    Language(language): Language,
    checked: R,
    request: Request,
) -> Response {
    let reply = state
        .tenant
        .answer(checked.into(), language, &state.metrics)
        .await;
    catalogue_response(reply, request.headers(), &state.catalogue_cache_control)
}
