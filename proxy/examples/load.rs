//! A bounded load run of the reference proxy on loopback: catalogue browsing (pages, details, two
//! languages) mixed with voucher previews, from concurrent clients, against the mock tenant.
//! Prints requests/s, latency percentiles, errors and memory; exits non-zero on any failed request
//! or on resident memory growing by more than 32 MiB (`MAX_GROWTH_KIB`) from the first half of the
//! run to the second: a leak grows with requests, steady state moves a few MiB (allocator, caches
//! filling), so the README and `.ci/test` state this same threshold.
//!
//!   cargo run --release -p perfectgym-offers-proxy --example load -- --seconds 10   # figures
//!   cargo run -p perfectgym-offers-proxy --example load -- --requests 6000          # CI check
//!   … --example load -- --seconds 5 --base http://127.0.0.1:8787/pg-proxy/v1          # any server

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use perfectgym_offers_proxy::mock::MockTenant;
use perfectgym_offers_proxy::server::{serve, ServeLimits};
use perfectgym_offers_proxy::{app, ProxyConfig, ReadLimit, Tenant, WriteLimit};

const CLIENTS: usize = 32;
/// Memory growth between the two halves of the run that counts as a leak.
const MAX_GROWTH_KIB: u64 = 32 * 1024;

#[derive(Clone, Copy)]
enum Budget {
    Requests(usize),
    Seconds(u64),
}

/// What to load for how long: the in-process proxy (mock tenant), or any server already running
/// that answers the vendor's paths under `base` (e.g. `http://127.0.0.1:8787/pg-proxy/v1`).
struct Run {
    budget: Budget,
    base: Option<String>,
}

fn parse_args() -> Option<Run> {
    let mut run = Run {
        budget: Budget::Seconds(10),
        base: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next()?;
        match flag.as_str() {
            "--seconds" => run.budget = Budget::Seconds(value.parse().ok()?),
            "--requests" => run.budget = Budget::Requests(value.parse().ok()?),
            "--base" => run.base = Some(value.trim_end_matches('/').to_owned()),
            _ => return None,
        }
    }
    Some(run)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// One client's requests: mostly browsing, every tenth a voucher preview.
async fn client(
    base: String,
    index: usize,
    budget: Budget,
    deadline: Instant,
) -> (Vec<u64>, usize) {
    let http = reqwest::Client::new();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for n in 0.. {
        match budget {
            Budget::Requests(total) if n >= total / CLIENTS => break,
            Budget::Seconds(_) if Instant::now() >= deadline => break,
            _ => {}
        }
        let language = if (n + index).is_multiple_of(2) {
            "en"
        } else {
            "de"
        };
        let request = match n % 10 {
            0 => http
                .post(format!("{base}/online-offers/purchase/preview"))
                .json(&serde_json::json!({"onlineOfferId": 1005, "customerId": 67890, "voucherCode": "SUMMER21"})),
            1..=3 => http.get(format!("{base}/online-offers/purchasable/{}", 1001 + (n % 14))),
            _ => {
                let offset = ["0", "1005", "1010"][n % 3];
                http.get(format!("{base}/online-offers/purchasable?offset={offset}&sliceSize=10"))
            }
        };
        let started = Instant::now();
        match request.header("Accept-Language", language).send().await {
            Ok(response) if response.status().is_success() => {
                let _ = response.bytes().await;
            }
            _ => errors += 1,
        }
        latencies.push(started.elapsed().as_micros() as u64);
    }
    (latencies, errors)
}

async fn run_half(base: &str, budget: Budget) -> (Vec<u64>, usize, Duration) {
    let deadline = match budget {
        Budget::Seconds(s) => Instant::now() + Duration::from_secs(s),
        Budget::Requests(_) => Instant::now() + Duration::from_secs(3600),
    };
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|i| tokio::spawn(client(base.to_owned(), i, budget, deadline)))
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (mut l, e) = task.await.expect("a client task");
        latencies.append(&mut l);
        errors += e;
    }
    (latencies, errors, started.elapsed())
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// The proxy with the mock tenant, in this process; returns its API base.
async fn serve_proxy() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("an address");
    let router = app(ProxyConfig {
        // Every client here is 127.0.0.1: the per-client limits would measure themselves, not
        // the proxy.
        write_limit: WriteLimit {
            burst: 1_000_000,
            per_minute: 1_000_000,
            trust_forwarded_for: false,
        },
        read_limit: ReadLimit {
            burst: 1_000_000,
            per_minute: 1_000_000,
        },
        ..ProxyConfig::new("/pg-proxy", Tenant::Mock(Arc::new(MockTenant::new())))
    });
    tokio::spawn(serve(
        listener,
        router,
        ServeLimits {
            max_connections_per_client: 0,
            ..ServeLimits::default()
        },
        std::future::pending(),
    ));
    format!("http://{address}/pg-proxy/v1")
}

#[tokio::main]
async fn main() -> ExitCode {
    let Some(Run { budget, base }) = parse_args() else {
        eprintln!("usage: load [--seconds N | --requests N] [--base URL]");
        return ExitCode::FAILURE;
    };
    let half = match budget {
        Budget::Requests(n) => Budget::Requests(n / 2),
        Budget::Seconds(s) => Budget::Seconds(s.div_ceil(2)),
    };
    let external = base.is_some();
    let base = match base {
        Some(base) => base,
        None => serve_proxy().await,
    };

    let (mut first, first_errors, first_time) = run_half(&base, half).await;
    let rss_after_first = rss_kib();
    let (mut second, second_errors, second_time) = run_half(&base, half).await;
    let rss_after_second = rss_kib();

    let total = first.len() + second.len();
    let errors = first_errors + second_errors;
    let seconds = (first_time + second_time).as_secs_f64();
    first.append(&mut second);
    first.sort_unstable();
    let growth = rss_after_second.saturating_sub(rss_after_first);
    let target = if external {
        base.as_str()
    } else {
        "the proxy in this process, mock tenant"
    };
    println!(
        "load on {target} ({CLIENTS} clients, loopback; 60% list pages, 30% details, 10% previews)"
    );
    println!("requests      {total}");
    println!("errors        {errors}");
    println!("requests/s    {:.0}", total as f64 / seconds);
    println!(
        "latency p50   {:.2} ms",
        percentile(&first, 0.50) as f64 / 1000.0
    );
    println!(
        "latency p99   {:.2} ms",
        percentile(&first, 0.99) as f64 / 1000.0
    );
    if !external {
        println!("rss after 1st half {rss_after_first} KiB, after 2nd half {rss_after_second} KiB (growth {growth} KiB)");
    }
    if errors > 0 || (!external && growth > MAX_GROWTH_KIB) {
        eprintln!("FAILED: {errors} errors, {growth} KiB growth (limit {MAX_GROWTH_KIB} KiB)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
