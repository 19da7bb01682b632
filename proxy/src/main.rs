//! `perfectgym-offers-proxy`: run the reference proxy in front of a tenant or as a mock tenant.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderValue;
use clap::Parser;
use perfectgym_offers_proxy::budget::Ceiling;
use perfectgym_offers_proxy::customer_token::{CustomerBinding, SECRET_ENV};
use perfectgym_offers_proxy::http_cache::CataloguePolicy;
use perfectgym_offers_proxy::metrics::{self, Metrics};
use perfectgym_offers_proxy::mock::MockTenant;
use perfectgym_offers_proxy::server::{serve_on_threads, ServeLimits};
use perfectgym_offers_proxy::upstream::{ApiKey, Upstream, UpstreamConfig, API_KEY_ENV};
use perfectgym_offers_proxy::{app, unix_seconds, ProxyConfig, ReadLimit, Tenant, WriteLimit};
use tracing_subscriber::EnvFilter;

/// mimalloc rather than glibc's malloc: see `Cargo.toml` and README "Benchmarks".
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Forwards the PerfectGym online-offer routes the widget uses, adding the gym's API key from
/// the environment variable PERFECTGYM_API_KEY; or, with --mock, answers them from a demo tenant.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// The tenant's base URL, e.g. https://mygym.open-api.perfectgym.com
    #[arg(
        long,
        required_unless_present_any = ["mock", "print_customer_token"],
        conflicts_with = "mock"
    )]
    upstream: Option<String>,
    /// Answer from the embedded demo tenant instead of forwarding.
    #[arg(long)]
    mock: bool,
    /// With --mock: write `null` for every absent field, as a Java tenant with default Jackson
    /// settings does (to try the widget against such a tenant).
    #[arg(long, requires = "mock")]
    mock_nulls: bool,
    /// Path the API is mounted under: the widget's `api-base`.
    #[arg(long, default_value = "/pg-proxy")]
    api_prefix: String,
    /// Serve the built widget and host page from this folder at `/`.
    #[arg(long)]
    static_dir: Option<PathBuf>,
    /// Seconds a catalogue answer (offer list, offer detail) is fresh, in the proxy's own cache
    /// and for browsers and shared caches (max-age); 0 turns the proxy's cache off.
    #[arg(long, default_value_t = 30)]
    cache_seconds: u64,
    /// Seconds after that a shared cache may still serve it while revalidating, or while the
    /// tenant fails (stale-while-revalidate, stale-if-error); also how long the proxy keeps a
    /// last good answer to serve when the tenant answers 429 or 503.
    #[arg(long, default_value_t = 300)]
    stale_seconds: u64,
    /// Seconds to wait for the tenant before answering 504.
    #[arg(long, default_value_t = 10)]
    upstream_timeout_seconds: u64,
    /// An origin whose pages may call the API cross-origin, e.g. https://www.mygym.example
    /// (repeat for several). Without any, only same-origin pages can.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allowed_origins: Vec<HeaderValue>,
    /// Previews, purchases and payment sessions one client may send in a burst (and one customer,
    /// counted by a valid customer token, per instance).
    #[arg(long, default_value_t = WriteLimit::default().burst)]
    write_burst: u32,
    /// ... and regains per minute after that.
    #[arg(long, default_value_t = WriteLimit::default().per_minute)]
    writes_per_minute: u32,
    /// Offer list, offer details and purchased offers one client may read in a burst.
    #[arg(long, default_value_t = ReadLimit::default().burst)]
    read_burst: u32,
    /// ... and regains per minute after that.
    #[arg(long, default_value_t = ReadLimit::default().per_minute)]
    reads_per_minute: u32,
    /// Count clients by the last X-Forwarded-For address (only behind a proxy that sets it;
    /// `Forwarded` is not read).
    #[arg(long)]
    trust_forwarded_for: bool,
    /// Calls this chain of proxies may make to each read endpoint of the tenant per 60 s (the
    /// vendor allows 1,000 per endpoint for the whole tenant); past it, reads are served stale
    /// or answered 503 with Retry-After.
    #[arg(long, default_value_t = Ceiling::default().reads_per_minute)]
    tenant_reads_per_minute: u32,
    /// ... and to each of the preview, purchase and payment session endpoints.
    #[arg(long, default_value_t = Ceiling::default().writes_per_minute)]
    tenant_writes_per_minute: u32,
    /// How many instances share the tenant: each takes this share of the two ceilings above.
    #[arg(long, default_value_t = 1)]
    instances: u32,
    /// Bytes a tenant answer may have; a longer one is not read (502).
    #[arg(long, default_value_t = perfectgym_offers_proxy::upstream::MAX_BODY_BYTES)]
    max_upstream_body_bytes: usize,
    /// Bytes the catalogue caches may hold.
    #[arg(long, default_value_t = perfectgym_offers_proxy::upstream::CACHE_BYTES)]
    cache_bytes: u64,
    /// Seconds a client has to send its request head before it is disconnected.
    #[arg(long, default_value_t = ServeLimits::default().header_read_timeout.as_secs())]
    header_read_timeout_seconds: u64,
    /// Seconds a client may take none of its answer before it is disconnected.
    #[arg(long, default_value_t = ServeLimits::default().send_timeout.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..))]
    send_timeout_seconds: u64,
    /// Connections open at once; more wait until one closes.
    #[arg(long, default_value_t = ServeLimits::default().max_connections)]
    max_connections: usize,
    /// Connections one client (IPv4 address, IPv6 /64) may hold open at once; more are closed;
    /// 0: no such cap.
    /// Not applied with --trust-forwarded-for, where every connection comes from the proxy in
    /// front (cap clients there: nginx's limit_conn).
    #[arg(long, default_value_t = ServeLimits::default().max_connections_per_client)]
    max_connections_per_client: usize,
    /// With --upstream and without customer binding, serve the routes that name a customer
    /// (purchased offers, previews, purchases, payment sessions) anyway. Anyone could then read
    /// any member's purchases and studio access codes by changing a number.
    #[arg(long)]
    i_understand_customer_routes_are_unauthenticated: bool,
    /// Serve /metrics (Prometheus text format) on this address, e.g. 127.0.0.1:9187; keep it
    /// off the public network.
    #[arg(long)]
    metrics_listen: Option<SocketAddr>,
    /// Threads serving requests, each with its own connections (default: one per CPU core, as
    /// nginx's `worker_processes auto`).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Print a customer token for this customer id (signed with PERFECTGYM_CUSTOMER_TOKEN_SECRET,
    /// valid for --token-ttl-seconds) and exit: what the gym's backend does for a signed-in visitor.
    #[arg(long, value_name = "CUSTOMER_ID")]
    print_customer_token: Option<i64>,
    #[arg(long, default_value_t = 3600)]
    token_ttl_seconds: i64,
}

// Single-threaded: this is lane 0 of `serve_on_threads`, which starts the other lanes' threads.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let customer_binding = match CustomerBinding::from_env() {
        Ok(binding) => binding,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(customer_id) = args.print_customer_token {
        let Some(binding) = &customer_binding else {
            eprintln!("error: set {SECRET_ENV} to sign customer tokens");
            return ExitCode::FAILURE;
        };
        println!(
            "{}",
            binding.sign(customer_id, unix_seconds() + args.token_ttl_seconds)
        );
        return ExitCode::SUCCESS;
    }
    // One policy for the proxy's own catalogue cache and for the HTTP caches in front of it.
    let catalogue = CataloguePolicy {
        max_age: Duration::from_secs(args.cache_seconds),
        stale: Duration::from_secs(args.stale_seconds),
    };
    let tenant = match &args.upstream {
        None => Tenant::Mock(Arc::new(MockTenant::new().writing_nulls(args.mock_nulls))),
        Some(base_url) => {
            let Some(api_key) = ApiKey::from_env() else {
                eprintln!("error: set the gym's API key in the environment variable {API_KEY_ENV}");
                return ExitCode::FAILURE;
            };
            let config = UpstreamConfig {
                catalogue,
                timeout: Duration::from_secs(args.upstream_timeout_seconds),
                ceiling: Ceiling {
                    reads_per_minute: args.tenant_reads_per_minute,
                    writes_per_minute: args.tenant_writes_per_minute,
                }
                .share(args.instances),
                max_body_bytes: args.max_upstream_body_bytes,
                cache_bytes: args.cache_bytes,
                lanes: threads,
                ..UpstreamConfig::new(base_url.clone(), api_key)
            };
            match Upstream::new(config) {
                Ok(upstream) => Tenant::Upstream(Arc::new(upstream)),
                Err(error) => {
                    eprintln!("error: cannot build the upstream client: {error}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let mode = match &args.upstream {
        Some(url) => format!("forwarding to {url}"),
        None => "mock tenant".to_owned(),
    };
    if args.upstream.is_some() && customer_binding.is_none() {
        if args.i_understand_customer_routes_are_unauthenticated {
            tracing::warn!(
                "customer binding is off and --i-understand-customer-routes-are-unauthenticated \
                 is set: anyone can read any member's purchases and studio access codes, and \
                 preview, buy and open payment sessions on any account; set {SECRET_ENV} to bind \
                 requests to the signed-in customer"
            );
        } else {
            tracing::info!(
                "customer binding is off: purchased offers, previews, purchases and payment \
                 sessions are refused (403); set {SECRET_ENV} to serve them"
            );
        }
    }
    tracing::info!(
        "listening on http://{} ({mode}); API under {}; customer binding {}",
        args.listen,
        args.api_prefix,
        if customer_binding.is_some() {
            "on"
        } else {
            "off"
        }
    );
    let metrics = Metrics::new();
    if let Some(address) = args.metrics_listen {
        match tokio::net::TcpListener::bind(address).await {
            Ok(listener) => {
                tracing::info!("metrics on http://{address}/metrics");
                let router = metrics::router(metrics.clone());
                tokio::spawn(async move {
                    let _ = axum::serve(listener, router).await;
                });
            }
            Err(error) => {
                eprintln!("error: cannot listen on {address}: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let router = app(ProxyConfig {
        api_prefix: args.api_prefix,
        static_dir: args.static_dir,
        tenant,
        allowed_origins: args.allowed_origins,
        write_limit: WriteLimit {
            burst: args.write_burst,
            per_minute: args.writes_per_minute,
            trust_forwarded_for: args.trust_forwarded_for,
        },
        read_limit: ReadLimit {
            burst: args.read_burst,
            per_minute: args.reads_per_minute,
        },
        customer_binding,
        unauthenticated_customer_routes: args.i_understand_customer_routes_are_unauthenticated,
        catalogue_cache: catalogue,
        metrics,
    });
    let limits = ServeLimits {
        header_read_timeout: Duration::from_secs(args.header_read_timeout_seconds),
        send_timeout: Duration::from_secs(args.send_timeout_seconds),
        max_connections: args.max_connections,
        max_connections_per_client: if args.trust_forwarded_for {
            0
        } else {
            args.max_connections_per_client
        },
    };
    serve_on_threads(listener, router, limits, threads, shutdown_signal()).await;
    ExitCode::SUCCESS
}

/// Ctrl-C or SIGTERM (what systemd and container runtimes send): stop accepting, finish the
/// requests in flight, so a load balancer moves visitors to another instance without a failure.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return interrupt.await.unwrap_or(()),
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("shutting down: finishing requests in flight");
}
