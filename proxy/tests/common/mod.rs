//! Helpers shared by the proxy's HTTP tests: real sockets on 127.0.0.1, real requests.

use axum::http::StatusCode;
use axum::Router;

/// Serves `router` on a free loopback port; returns its base URL.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    format!("http://{address}")
}

/// Status, headers (as text) and body text of a request.
pub async fn call(request: reqwest::RequestBuilder) -> (StatusCode, String, String) {
    let response = request.send().await.unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let headers = format!("{:?}", response.headers());
    (status, headers, response.text().await.unwrap())
}
