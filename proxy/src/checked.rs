//! Each route's checked operation as an axum extractor: a handler is handed only an operation
//! that may go to the tenant, and one naming a customer only once customer binding admitted
//! it. Every refusal is a [`Reply`], so it is answered before any handler runs.

use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::Json;

use crate::customer_token;
use crate::operation::{bad_request, Body, Operation, Parameters, Source};
use crate::reply::Reply;
use crate::ApiState;

/// The operation a route's input `I` allows, checked and admitted.
pub struct Checked<I> {
    pub operation: Operation,
    input: PhantomData<fn() -> I>,
}

impl<I> Checked<I> {
    /// Admits `operation` for the customer it names, if any, with the request's `token`.
    fn admitted(
        operation: Operation,
        state: &ApiState,
        token: Option<&HeaderValue>,
    ) -> Result<Self, Reply> {
        if let Some(customer_id) = operation.customer_id() {
            state.customers.admit(customer_id, token)?;
        }
        Ok(Checked {
            operation,
            input: PhantomData,
        })
    }
}

impl<I> From<Checked<I>> for Operation {
    fn from(checked: Checked<I>) -> Operation {
        checked.operation
    }
}

impl<I: Parameters> FromRequestParts<ApiState> for Checked<I> {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, Reply> {
        let input = match I::SOURCE {
            Source::Path { unreadable } => Path::<I>::from_request_parts(parts, state)
                .await
                .map(|Path(input)| input)
                .map_err(|_| bad_request(unreadable))?,
            Source::Query => Query::<I>::try_from_uri(&parts.uri)
                .map(|Query(input)| input)
                .map_err(|e| bad_request(&e.body_text()))?,
        };
        let token = parts.headers.get(customer_token::HEADER);
        Self::admitted(input.checked()?, state, token)
    }
}

impl<I: Body> FromRequest<ApiState> for Checked<I> {
    type Rejection = Reply;

    async fn from_request(request: Request, state: &ApiState) -> Result<Self, Reply> {
        // Taken before the body consumes the request.
        let token = request.headers().get(customer_token::HEADER).cloned();
        let Json(input) = Json::<I>::from_request(request, state)
            .await
            .map_err(|e| bad_request(&e.body_text()))?;
        Self::admitted(input.checked()?, state, token.as_ref())
    }
}
