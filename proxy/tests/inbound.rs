//! What the proxy's own limits do to a visitor who is slow, greedy or wrong, and to a tenant
//! that answers too much: the request timeout, the header-read and send timeouts, the
//! connection caps, `no-store` on every error, and bounds in bytes on tenant answers and on the
//! cache.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use perfectgym_offers_proxy::http_cache::CataloguePolicy;
use perfectgym_offers_proxy::server::{serve_on_threads, ServeLimits};
use perfectgym_offers_proxy::upstream::{ApiKey, Upstream, UpstreamConfig};
use perfectgym_offers_proxy::{app, ProxyConfig, Tenant, REQUEST_TIMEOUT};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

mod common;
#[path = "common/fake_tenant.rs"]
mod fake_tenant;
use common::call;
use fake_tenant::*;

#[tokio::test]
async fn every_error_answer_is_no_store_whoever_makes_it() {
    let setup = proxy_configured(|_| {}, |_| {}).await;
    let http = reqwest::Client::new();
    let api = &setup.api;
    for (method, url, body) in [
        // The router's own 404 and 405.
        (Method::GET, format!("{api}/v1/customers/1"), Vec::new()),
        (
            Method::DELETE,
            format!("{api}/v1/online-offers/purchasable"),
            Vec::new(),
        ),
        // Outside the API, with no static files.
        (
            Method::GET,
            api.replace("/pg-proxy", "/nothing"),
            Vec::new(),
        ),
        // Over the body limit.
        (
            Method::POST,
            format!("{api}/v1/online-offers/purchase/preview"),
            vec![b'{'; 64 * 1024],
        ),
        // Customer routes without binding.
        (
            Method::GET,
            format!("{api}/v1/online-offers/67890/purchased"),
            Vec::new(),
        ),
    ] {
        let (status, headers, _) = call(http.request(method.clone(), &url).body(body)).await;
        assert!(status.is_client_error(), "{method} {url}: {status}");
        assert!(
            headers.contains("\"cache-control\": \"no-store\""),
            "{method} {url} ({status}): {headers}"
        );
    }
}

/// A tenant that accepts connections and never answers.
fn silent_tenant() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

#[tokio::test(start_paused = true)]
async fn a_visitor_never_waits_longer_than_the_request_timeout() {
    let (_listener, url) = silent_tenant();
    let upstream = Upstream::new(UpstreamConfig {
        // The tenant's own timeout is longer here, so the visitor's is what answers.
        timeout: Duration::from_secs(120),
        ..UpstreamConfig::new(url, ApiKey::new(SECRET).unwrap())
    })
    .unwrap();
    let router = app(ProxyConfig::new(
        "/pg-proxy",
        Tenant::Upstream(Arc::new(upstream)),
    ));
    let mut request = Request::get("/pg-proxy/v1/online-offers/purchasable")
        .body(Body::empty())
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    let started = tokio::time::Instant::now();
    let response = router.oneshot(request).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(REQUEST_TIMEOUT, Duration::from_secs(20));
    assert!(
        waited >= REQUEST_TIMEOUT && waited < REQUEST_TIMEOUT + Duration::from_secs(1),
        "answered after {waited:?}"
    );
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
}

/// Reads until the server closes the connection or `within` passes; returns what it sent, or
/// `None` if it still held the connection open.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(within, stream.read_to_end(&mut answer)).await;
    read.ok()
        .map(|_| String::from_utf8_lossy(&answer).into_owned())
}

/// The proxy's address (host:port) with `limits`.
async fn small_limits_proxy(limits: ServeLimits) -> String {
    address_of(&proxy_served(limits, |_| {}, |_| {}).await)
}

/// The address (host:port) a set-up's proxy listens on.
fn address_of(setup: &Setup) -> String {
    setup
        .api
        .trim_start_matches("http://")
        .trim_end_matches("/pg-proxy")
        .to_owned()
}

/// The address of a proxy with `send_timeout` that answers one client's many requests for
/// [`LONG_ANSWER`] (its read limit lifted).
async fn long_answers_proxy(send_timeout: Duration) -> String {
    let setup = proxy_served(
        ServeLimits {
            send_timeout,
            ..ServeLimits::default()
        },
        |_| {},
        |proxy| proxy.read_limit.burst = 100_000,
    )
    .await;
    address_of(&setup)
}

/// A request (head without its final blank line) for an offer of [`BIG_OFFER_BYTES`].
const LONG_ANSWER: &str = "GET /pg-proxy/v1/online-offers/purchasable/2000 HTTP/1.1\r\nHost: x\r\n";

const LIST: &str = "GET /pg-proxy/v1/online-offers/purchasable HTTP/1.1\r\nHost: x\r\n";

#[tokio::test]
async fn a_client_that_sends_its_request_slowly_is_disconnected() {
    let address = small_limits_proxy(ServeLimits {
        header_read_timeout: Duration::from_millis(500),
        ..ServeLimits::default()
    })
    .await;
    // Half a request head, then nothing.
    let mut slow = TcpStream::connect(&address).await.unwrap();
    slow.write_all(LIST.as_bytes()).await.unwrap();
    let closed = read_until_closed(&mut slow, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "the slow client still holds a connection");
    assert!(!closed.unwrap().contains("200 OK"));
    // A client that finishes in time is answered.
    the_list_is_answered(&address).await;
}

#[tokio::test]
async fn a_kept_alive_connection_with_no_new_request_is_closed() {
    let address = small_limits_proxy(ServeLimits {
        header_read_timeout: Duration::from_millis(500),
        ..ServeLimits::default()
    })
    .await;
    let mut idle = TcpStream::connect(&address).await.unwrap();
    idle.write_all(format!("{LIST}\r\n").as_bytes())
        .await
        .unwrap();
    let answer = read_until_closed(&mut idle, Duration::from_secs(5)).await;
    assert!(
        answer.is_some_and(|answer| answer.starts_with("HTTP/1.1 200 OK")),
        "an idle kept-alive connection stayed open"
    );
}

#[tokio::test]
async fn a_client_that_never_takes_its_answers_is_disconnected() {
    let address = long_answers_proxy(Duration::from_millis(300)).await;
    let mut greedy = TcpStream::connect(&address).await.unwrap();
    // Requests for a long answer, one after another, none of the answers read: once the
    // buffers between the two are full, the proxy waits for the client to read.
    let request = format!("{LONG_ANSWER}\r\n");
    let asking = async {
        loop {
            if greedy.write_all(request.as_bytes()).await.is_err() {
                return;
            }
        }
    };
    assert!(
        tokio::time::timeout(Duration::from_secs(20), asking)
            .await
            .is_ok(),
        "a client that reads nothing still holds its connection"
    );
}

#[tokio::test]
async fn a_slow_reader_that_keeps_reading_gets_the_whole_answer() {
    let send_timeout = Duration::from_secs(1);
    let address = long_answers_proxy(send_timeout).await;
    // A small receive buffer, and more answers than the buffers between the two hold: the proxy
    // waits for this client again and again, each time far shorter than the send timeout (a
    // twentieth, and TCP's own pauses on loopback's 64 KiB segments), and longer than it in all.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(256 * 1024).unwrap();
    let mut slow = socket.connect(address.parse().unwrap()).await.unwrap();
    const ANSWERS: usize = 160;
    let mut requests = format!("{LONG_ANSWER}\r\n").repeat(ANSWERS - 1);
    requests.push_str(&format!("{LONG_ANSWER}Connection: close\r\n\r\n"));
    let (mut reader, mut writer) = slow.split();
    let writing = async {
        writer.write_all(requests.as_bytes()).await.unwrap();
    };
    let mut received = 0;
    let mut chunk = vec![0; 256 * 1024];
    let reading = async {
        loop {
            tokio::time::sleep(send_timeout / 20).await;
            let mut got = 0;
            while got < chunk.len() {
                match reader.read(&mut chunk[got..]).await {
                    Ok(0) => {
                        received += got;
                        return;
                    }
                    Ok(n) => got += n,
                    Err(error) => panic!("cut off after {} bytes: {error}", received + got),
                }
            }
            received += got;
        }
    };
    tokio::join!(writing, reading);
    assert!(
        received >= ANSWERS * BIG_OFFER_BYTES,
        "{received} bytes of {ANSWERS} answers of {BIG_OFFER_BYTES}"
    );
}

#[tokio::test]
async fn a_client_holds_only_its_share_of_the_connections() {
    let address = small_limits_proxy(ServeLimits {
        max_connections_per_client: 2,
        ..ServeLimits::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(TcpStream::connect(&address).await.unwrap());
    }
    // Let the proxy take the two up before the third arrives.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(&address).await.unwrap();
    ask_for_the_list(&mut third).await;
    assert_eq!(
        read_until_closed(&mut third, Duration::from_secs(5))
            .await
            .as_deref(),
        Some(""),
        "a third connection of one client was served"
    );
    // One closed, the client may open another.
    drop(held.pop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    the_list_is_answered(&address).await;
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_one_closes() {
    let address = small_limits_proxy(ServeLimits {
        max_connections: 2,
        ..ServeLimits::default()
    })
    .await;
    a_third_connection_waits_until_one_of_two_closes(&address).await;
}

/// Served on two threads, as the binary serves on a machine of two cores: connections go to
/// the lanes in turn and each is answered (the tenant called with the key from either lane),
/// and the connection cap counts the lanes' connections together.
#[tokio::test]
async fn each_lane_forwards_and_the_cap_counts_all_lanes() {
    let (tenant, tenant_url) = start_fake_tenant().await;
    let upstream = Upstream::new(UpstreamConfig {
        catalogue: CataloguePolicy {
            max_age: Duration::ZERO,
            ..CataloguePolicy::default()
        },
        lanes: 2,
        ..UpstreamConfig::new(tenant_url, ApiKey::new(SECRET).unwrap())
    })
    .unwrap();
    let router = app(ProxyConfig::new(
        "/pg-proxy",
        Tenant::Upstream(Arc::new(upstream)),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let limits = ServeLimits {
        max_connections: 2,
        ..ServeLimits::default()
    };
    tokio::spawn(serve_on_threads(
        listener,
        router,
        limits,
        2,
        std::future::pending(),
    ));
    for _ in 0..4 {
        the_list_is_answered(&address).await;
    }
    let seen = tenant.seen();
    assert_eq!(seen.len(), 4);
    assert!(seen.iter().all(|call| call
        .headers
        .get("x-api-key")
        .is_some_and(|key| key == SECRET)));
    a_third_connection_waits_until_one_of_two_closes(&address).await;
}

/// The offer list asked for on `stream`, the connection to close after the answer.
async fn ask_for_the_list(stream: &mut TcpStream) {
    stream
        .write_all(format!("{LIST}Connection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
}

/// A new connection asks for the offer list and gets it.
async fn the_list_is_answered(address: &str) {
    let mut stream = TcpStream::connect(address).await.unwrap();
    ask_for_the_list(&mut stream).await;
    let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.unwrap().starts_with("HTTP/1.1 200 OK"));
}

/// With a cap of two connections: two open ones, then a third is not served until one of the
/// two closes.
async fn a_third_connection_waits_until_one_of_two_closes(address: &str) {
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(TcpStream::connect(&address).await.unwrap());
    }
    // The kernel completes the handshake; the proxy does not take the connection up.
    let mut third = TcpStream::connect(&address).await.unwrap();
    ask_for_the_list(&mut third).await;
    assert_eq!(
        read_until_closed(&mut third, Duration::from_millis(500)).await,
        None,
        "a third connection was served beside two open ones"
    );
    drop(held.pop());
    let answer = read_until_closed(&mut third, Duration::from_secs(5)).await;
    assert!(answer.unwrap().starts_with("HTTP/1.1 200 OK"));
}

#[tokio::test]
async fn a_tenant_answer_longer_than_the_bound_is_not_read() {
    let setup = proxy_configured(|_| {}, |_| {}).await;
    let (status, headers, body) = call(
        reqwest::Client::new().get(format!("{}/v1/online-offers/purchasable/4000", setup.api)),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_GATEWAY,
        "{}",
        &body[..body.len().min(200)]
    );
    assert!(body.contains("PROXY_UPSTREAM_TOO_LARGE"), "{body}");
    assert!(headers.contains("no-store"));
    const { assert!(HUGE_ANSWER_BYTES > perfectgym_offers_proxy::upstream::MAX_BODY_BYTES) };
}

#[tokio::test]
async fn the_catalogue_cache_is_bounded_in_bytes() {
    let cache_bytes = 8 * BIG_OFFER_BYTES as u64;
    let setup = proxy_configured(|upstream| upstream.cache_bytes = cache_bytes, |_| {}).await;
    let http = reqwest::Client::new();
    let detail = |id: usize| format!("{}/v1/online-offers/purchasable/{id}", setup.api);
    for _ in 0..2 {
        for id in 2000..2020 {
            let (status, _, _) = call(http.get(detail(id))).await;
            assert_eq!(status, StatusCode::OK);
        }
        // After the cache's housekeeping (which moka runs continually in the background).
        let cached = setup.upstream.cached_bytes().await;
        assert!(cached <= cache_bytes, "{cached} bytes cached");
        assert!(
            cached >= 2 * BIG_OFFER_BYTES as u64,
            "{cached} bytes cached"
        );
    }
    // Twenty offers do not fit in eight offers' room: the second round asked again.
    let calls = setup.tenant.seen().len();
    assert!(calls > 30, "{calls} calls for 2 x 20 reads");
}
