//! Helpers shared by the proxy's HTTP tests: real sockets on 127.0.0.1, real requests.
#![allow(dead_code)]

use axum::http::StatusCode;
use axum::Router;
use perfectgym_offers_proxy::server::{self, ServeLimits};

/// Serves `router` on a free loopback port as production does; returns its base URL.
pub async fn serve(router: Router) -> String {
    serve_with(router, ServeLimits::default()).await
}

pub async fn serve_with(router: Router, limits: ServeLimits) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(server::serve(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    format!("http://{address}")
}

/// Status, headers (as text) and body text of a request.
pub async fn call(request: reqwest::RequestBuilder) -> (StatusCode, String, String) {
    let response = request.send().await.unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let headers = format!("{:?}", response.headers());
    (status, headers, response.text().await.unwrap())
}
