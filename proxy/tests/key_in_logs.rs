//! The gym's API key never reaches a log line, at any level, whatever happens upstream. Its own
//! test binary: the capturing subscriber is the process's global one, so it sees every task,
//! and it is installed as main.rs installs its own, with the bridge that turns the `log` crate's
//! records (reqwest, hyper-util and others write those) into tracing events.

use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;
#[path = "common/fake_tenant.rs"]
mod fake_tenant;
use common::call;
use fake_tenant::*;

/// Every log line the proxy writes, at every level.
#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_key_never_appears_in_a_log_line() {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    // `init`, as main.rs: the global subscriber and the `log` bridge (tracing-log's LogTracer).
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let (api, _) = proxy_in_front(Duration::from_secs(60)).await;
    let http = reqwest::Client::new();
    for path in [
        "/v1/online-offers/purchasable?offset=0",
        "/v1/online-offers/purchasable/404",
        "/v1/online-offers/purchasable/500",
        "/v1/online-offers/purchasable/9",
        "/v1/customers/1",
    ] {
        call(
            http.get(format!("{api}{path}"))
                .header("X-API-KEY", "visitor"),
        )
        .await;
    }
    let unreachable = proxy_to("http://127.0.0.1:9".into(), Duration::ZERO).await;
    call(http.get(format!("{unreachable}/v1/online-offers/purchasable"))).await;

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("upstream request failed"),
        "the capture works: {text}"
    );
    // reqwest writes this with the `log` crate: such records are captured too.
    assert!(
        text.contains("starting new connection"),
        "`log` records are captured: {text}"
    );
    assert_no_secret("the logs", &text);
}
