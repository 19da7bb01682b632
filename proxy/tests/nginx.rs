//! The reference deployment, for real on 127.0.0.1: Debian's nginx running the shipped
//! `deploy/nginx/perfectgym-offers.conf` as load balancer and shared cache in front of two proxy
//! instances, which forward to one mock tenant (the tenant holds the state, as the vendor does,
//! so the instances are interchangeable). Visitors load pages while one instance is stopped.
//! A second chain, with the shipped write limit and a recorder in front of the tenant, shows that
//! the ceiling on tenant calls and the per-client write limit hold for the two instances
//! together, that forged headers change nothing, and that a purchase in flight while its
//! instance stops is sent exactly once.
//!
//! It prints the tenant calls per 1,000 visitor page loads with the caches and without them.

use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{json, Value};
use tokio::sync::mpsc;

const KEY: &str = "sk_live_nginx_test_0123456789";
const TOKEN_SECRET: &str = "the-gyms-backend-and-the-proxies-share-this-secret";
const PAGE_LOADS: usize = 1000;
const VISITORS_AT_ONCE: usize = 16;

/// Child processes that end with the test, however it ends.
struct Processes(Vec<(String, Child)>);

impl Drop for Processes {
    /// SIGTERM first: nginx's master then stops its workers, which a SIGKILLed master leaves
    /// running and listening. What still runs after a few seconds is killed.
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            // Only a child not yet reaped: a reaped one's pid may belong to another process.
            if let Ok(None) = child.try_wait() {
                let _ = sigterm(child);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        for (_, child) in &mut self.0 {
            while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Processes {
    fn start(&mut self, name: &str, command: &mut Command) -> u32 {
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {name}: {error}"));
        let pid = child.id();
        self.0.push((name.to_owned(), child));
        pid
    }

    fn child(&mut self, name: &str) -> &mut Child {
        self.0
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, child)| child)
            .expect("a started process")
    }

    /// SIGTERM, as systemd or an orchestrator stops an instance.
    fn signal_stop(&mut self, name: &str) {
        let status = sigterm(self.child(name)).expect("kill");
        assert!(status.success());
    }

    /// Waits until `name` has exited, and checks it drained and exited cleanly.
    fn wait_exited(&mut self, name: &str) {
        let status = self.child(name).wait().expect("the instance exits");
        assert!(
            status.success(),
            "{name} drained and exited cleanly: {status}"
        );
    }

    /// SIGTERM; waits until it has exited.
    fn terminate(&mut self, name: &str) {
        self.signal_stop(name);
        self.wait_exited(name);
    }
}

/// Sends SIGTERM to `child` (std's `Child::kill` only sends SIGKILL).
fn sigterm(child: &Child) -> std::io::Result<std::process::ExitStatus> {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

fn proxy_binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_perfectgym-offers-proxy"));
    command
        .env("RUST_LOG", "warn")
        .env_remove("PERFECTGYM_API_KEY")
        .env("PERFECTGYM_CUSTOMER_TOKEN_SECRET", TOKEN_SECRET);
    command
}

/// The demo customer's token, as the gym's backend would print it.
fn customer_token() -> String {
    customer_token_for(67890)
}

fn customer_token_for(customer_id: i64) -> String {
    let output = proxy_binary()
        .args(["--print-customer-token", &customer_id.to_string()])
        .output()
        .expect("the proxy prints a token");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A proxy instance behind nginx, forwarding to `tenant`.
fn instance(port: u16, tenant: &str) -> Command {
    let mut command = proxy_binary();
    command
        .env("PERFECTGYM_API_KEY", KEY)
        .args(["--upstream", tenant])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--trust-forwarded-for");
    command
}

async fn wait_until_up(http: &reqwest::Client, url: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if http.get(url).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} did not come up");
}

/// The shipped config with this test's ports and folders in place of the documented ones, and
/// any `more` replacements.
fn nginx_config(
    dir: &Path,
    listen: u16,
    instances: [u16; 2],
    files: &Path,
    more: &[(&str, &str)],
) -> String {
    let shipped = include_str!("../../deploy/nginx/perfectgym-offers.conf");
    let mut config = shipped.to_owned();
    let more = more
        .iter()
        .map(|(documented, ours)| (documented.to_string(), ours.to_string()));
    for (documented, ours) in [
        (
            "/var/cache/nginx/perfectgym-offers".to_owned(),
            dir.join("cache").display().to_string(),
        ),
        (
            "server 127.0.0.1:8787".to_owned(),
            format!("server 127.0.0.1:{}", instances[0]),
        ),
        (
            "server 127.0.0.1:8788".to_owned(),
            format!("server 127.0.0.1:{}", instances[1]),
        ),
        (
            "listen 127.0.0.1:8080".to_owned(),
            format!("listen 127.0.0.1:{listen}"),
        ),
        (
            "root /var/www;".to_owned(),
            format!("root {};", files.display()),
        ),
    ]
    .into_iter()
    .chain(more)
    {
        assert!(
            config.contains(&documented),
            "the shipped config no longer has {documented}"
        );
        config = config.replace(&documented, &ours);
    }

    let dir = dir.display();
    format!(
        "daemon off;\nworker_processes 1;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {dir}/body;\n  proxy_temp_path {dir}/proxy;\n\
         fastcgi_temp_path {dir}/fastcgi;\n  uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n\
         {config}\n}}\n"
    )
}

/// What one visitor's page load asks for, as the widget does: every page of offers (following
/// `hasNext` and the returned `offset`), then one offer's detail and a price preview (which no
/// cache may answer, so the instances see traffic throughout). Returns every answer's text.
async fn page_load(
    http: &reqwest::Client,
    api: &str,
    token: &str,
    language: &str,
    visitor: usize,
) -> Result<Vec<String>, String> {
    let mut answers = Vec::new();
    let mut offset = "0".to_owned();
    let mut ids = Vec::new();
    loop {
        let url = format!("{api}/v1/online-offers/purchasable?offset={offset}&sliceSize=100");
        let (headers, body) =
            fetch_parts(http.get(&url).header("Accept-Language", language)).await?;
        let page: Value = serde_json::from_str(&body).map_err(|e| format!("{url}: {e}"))?;
        answers.push(format!("{headers}\n{body}"));
        for offer in page["result"].as_array().into_iter().flatten() {
            ids.push(offer["onlineOfferId"].as_i64().unwrap_or_default());
        }
        match (&page["hasNext"], &page["offset"]) {
            (Value::Bool(true), Value::String(next)) => offset = next.clone(),
            (Value::Bool(true), Value::Number(next)) => offset = next.to_string(),
            _ => break,
        }
    }
    let id = ids.get(visitor % ids.len().max(1)).copied().unwrap_or(1);
    let url = format!("{api}/v1/online-offers/purchasable/{id}");
    answers.push(fetch(http.get(&url).header("Accept-Language", language)).await?);
    let preview = json!({"onlineOfferId": id, "customerId": 67890, "voucherCode": "SUMMER21"});
    let url = format!("{api}/v1/online-offers/purchase/preview");
    answers.push(
        fetch(
            http.post(&url)
                .header("X-Customer-Token", token)
                .json(&preview),
        )
        .await?,
    );
    Ok(answers)
}

/// The headers and body of an answer, one text, or why it failed.
async fn fetch(request: reqwest::RequestBuilder) -> Result<String, String> {
    fetch_parts(request)
        .await
        .map(|(headers, body)| format!("{headers}\n{body}"))
}

async fn fetch_parts(request: reqwest::RequestBuilder) -> Result<(String, String), String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let headers = format!("{:?}", response.headers());
    let body = response.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {body}"));
    }
    Ok((headers, body))
}

/// Runs `PAGE_LOADS` page loads, `VISITORS_AT_ONCE` at a time; calls `midway` once half are done.
/// Returns every failure.
async fn visitors(api: &str, token: &str, midway: impl FnOnce()) -> Vec<String> {
    let http = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..VISITORS_AT_ONCE {
        let (http, api, next, done) = (http.clone(), api.to_owned(), next.clone(), done.clone());
        let token = token.to_owned();
        tasks.spawn(async move {
            let mut failures = Vec::new();
            loop {
                let visitor = next.fetch_add(1, Ordering::Relaxed);
                if visitor >= PAGE_LOADS {
                    return failures;
                }
                let language = if visitor % 3 == 0 { "de-DE" } else { "en" };
                match page_load(&http, &api, &token, language, visitor).await {
                    Ok(answers) => {
                        for answer in answers {
                            if answer.contains(KEY) {
                                failures.push(format!("the key in an answer: {answer}"));
                            }
                        }
                    }
                    Err(failure) => failures.push(failure),
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let mut midway = Some(midway);
    while done.load(Ordering::Relaxed) < PAGE_LOADS / 2 && !tasks.is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    if let Some(midway) = midway.take() {
        midway();
    }
    let mut failures = Vec::new();
    while let Some(result) = tasks.join_next().await {
        failures.extend(result.expect("a visitor task"));
    }
    failures
}

/// Calls that reached the tenant, per endpoint, from its `/metrics`.
async fn tenant_calls(metrics: &str, endpoint: &str) -> u64 {
    let text = reqwest::get(metrics).await.unwrap().text().await.unwrap();
    let prefix = format!("perfectgym_tenant_requests_total{{endpoint=\"{endpoint}\",");
    text.lines()
        .filter(|line| line.starts_with(&prefix))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// The mock tenant, with the state; its /metrics counts every call it answers. Returns its URL
/// and its metrics URL.
async fn start_tenant(processes: &mut Processes, http: &reqwest::Client) -> (String, String) {
    let (tenant, tenant_metrics) = (free_port(), free_port());
    processes.start(
        "tenant",
        proxy_binary()
            // The vendor has no customer binding: the instances in front do it.
            .env_remove("PERFECTGYM_CUSTOMER_TOKEN_SECRET")
            .args(["--mock", "--api-prefix", "/"])
            .args(["--listen", &format!("127.0.0.1:{tenant}")])
            .args(["--metrics-listen", &format!("127.0.0.1:{tenant_metrics}")])
            // Every instance calls it from 127.0.0.1.
            .args(["--max-connections-per-client", "0"])
            .args(["--write-burst", "100000", "--writes-per-minute", "100000"])
            .args(["--read-burst", "100000", "--reads-per-minute", "100000"]),
    );
    let metrics = format!("http://127.0.0.1:{tenant_metrics}/metrics");
    wait_until_up(http, &metrics).await;
    (format!("http://127.0.0.1:{tenant}"), metrics)
}

fn nginx_binary() -> &'static str {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|path| Path::new(path).exists())
        .expect("Debian's nginx (apt-get install nginx; .ci/install does it)")
}

/// nginx with the shipped config (and `more` replacements) in `dir`, in front of `instances`,
/// serving `dir/files`; returns the site's base URL.
async fn start_nginx(
    processes: &mut Processes,
    http: &reqwest::Client,
    dir: &Path,
    instances: [u16; 2],
    more: &[(&str, &str)],
) -> String {
    let listen = free_port();
    let config = dir.join("nginx.conf");
    let files = dir.join("files");
    std::fs::write(&config, nginx_config(dir, listen, instances, &files, more)).unwrap();
    let mut nginx = Command::new(nginx_binary());
    nginx
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(dir.join("error.log"));
    nginx.arg("-c").arg(&config);
    processes.start(&format!("nginx {}", dir.display()), &mut nginx);
    let site = format!("http://127.0.0.1:{listen}");
    wait_until_up(http, &format!("{site}/perfectgym-offers/embed.js")).await;
    site
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pgo-nginx-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("files/perfectgym-offers")).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_balances_and_caches_two_instances_and_survives_losing_one() {
    let dir = scratch_dir("balance");
    let files = dir.join("files");
    for name in ["embed.js", "perfectgym-offers-0123456789abcdef_bg.wasm"] {
        std::fs::write(files.join("perfectgym-offers").join(name), name).unwrap();
        // The build's gzip copy (a stand-in: nginx picks it by name).
        let gzip = files.join("perfectgym-offers").join(format!("{name}.gz"));
        std::fs::write(gzip, format!("{name} gzip")).unwrap();
    }
    let http = reqwest::Client::new();
    let mut processes = Processes(Vec::new());

    let (tenant, metrics) = start_tenant(&mut processes, &http).await;
    let token = customer_token();

    let instances = [free_port(), free_port()];
    for (name, port) in ["a", "b"].into_iter().zip(instances) {
        processes.start(
            name,
            instance(port, &tenant)
                // Every visitor here is 127.0.0.1: the limits would count the test itself.
                .args(["--write-burst", "100000", "--writes-per-minute", "100000"])
                .args(["--read-burst", "100000", "--reads-per-minute", "100000"]),
        );
        wait_until_up(&http, &format!("http://127.0.0.1:{port}/")).await;
    }
    let site = start_nginx(
        &mut processes,
        &http,
        &dir,
        instances,
        &[
            ("rate=30r/m", "rate=100000r/m"),
            ("burst=20 nodelay", "burst=100000 nodelay"),
        ],
    )
    .await;
    let api = format!("{site}/pg-proxy");

    // 1,000 page loads through nginx; halfway, instance a is stopped.
    let started = Instant::now();
    let failures = visitors(&api, &token, || processes.terminate("a")).await;
    let elapsed = started.elapsed();
    assert!(
        failures.is_empty(),
        "{} failed visitor requests, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    let cached_list = tenant_calls(&metrics, "purchasable").await;
    let cached_detail = tenant_calls(&metrics, "purchasable_offer").await;

    // Previews and customer data go through every time, and are never stored.
    let preview = json!({"onlineOfferId": 1003, "customerId": 67890, "voucherCode": "SUMMER21"});
    for _ in 0..5 {
        let answer = fetch(
            http.post(format!("{api}/v1/online-offers/purchase/preview"))
                .header("X-Customer-Token", &token)
                .json(&preview),
        )
        .await
        .expect("a preview");
        assert!(
            answer.contains("no-store") && !answer.contains(KEY),
            "{answer}"
        );
        let answer = fetch(
            http.get(format!("{api}/v1/online-offers/67890/purchased"))
                .header("X-Customer-Token", &token),
        )
        .await
        .expect("the customer's purchases");
        assert!(
            answer.contains("no-store") && !answer.contains(KEY),
            "{answer}"
        );
        assert!(!answer.contains("\"x-cache-status\": \"HIT\""), "{answer}");
    }
    // Every preview reached the tenant; one caught by the stop may have been resent (safe: a
    // preview changes nothing).
    let previews = tenant_calls(&metrics, "purchase_preview").await;
    let expected = PAGE_LOADS as u64 + 5;
    assert!(
        (expected..=expected + 2).contains(&previews),
        "{previews} previews reached the tenant, {expected} were sent"
    );
    assert_eq!(tenant_calls(&metrics, "purchased").await, 5);

    // The widget's files: hashed ones immutable, the loader revalidated.
    let wasm = fetch(http.get(format!(
        "{site}/perfectgym-offers/perfectgym-offers-0123456789abcdef_bg.wasm"
    )))
    .await
    .unwrap();
    assert!(
        wasm.contains("immutable") && wasm.contains("application/wasm"),
        "{wasm}"
    );
    let loader = fetch(http.get(format!("{site}/perfectgym-offers/embed.js")))
        .await
        .unwrap();
    assert!(
        loader.contains("\"cache-control\": \"no-cache\""),
        "{loader}"
    );
    // A browser that accepts gzip gets the build's .gz, typed as the file, never compressed anew.
    for (name, content_type) in [
        ("embed.js", "text/javascript"),
        (
            "perfectgym-offers-0123456789abcdef_bg.wasm",
            "application/wasm",
        ),
    ] {
        let (headers, body) = fetch_parts(
            http.get(format!("{site}/perfectgym-offers/{name}"))
                .header(reqwest::header::ACCEPT_ENCODING, "gzip, br"),
        )
        .await
        .unwrap();
        assert_eq!(body, format!("{name} gzip"));
        assert!(
            headers.contains("\"content-encoding\": \"gzip\"")
                && headers.contains(&format!("\"content-type\": \"{content_type}\""))
                && headers.contains("\"vary\": \"Accept-Encoding\""),
            "{headers}"
        );
    }

    // The same page loads straight to one instance with its cache off: every read reaches the
    // tenant. This is what the caches save.
    let (direct_list_before, direct_detail_before) = (
        tenant_calls(&metrics, "purchasable").await,
        tenant_calls(&metrics, "purchasable_offer").await,
    );
    let uncached = free_port();
    processes.start(
        "uncached",
        instance(uncached, &tenant)
            .args(["--cache-seconds", "0"])
            // This run measures what the caches save, not the ceiling.
            .args(["--tenant-reads-per-minute", "100000"])
            .args(["--tenant-writes-per-minute", "100000"])
            .args(["--write-burst", "100000", "--writes-per-minute", "100000"])
            .args(["--read-burst", "100000", "--reads-per-minute", "100000"]),
    );
    wait_until_up(&http, &format!("http://127.0.0.1:{uncached}/")).await;
    let failures = visitors(
        &format!("http://127.0.0.1:{uncached}/pg-proxy"),
        &token,
        || {},
    )
    .await;
    assert!(
        failures.is_empty(),
        "{} failures, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    let uncached_calls = tenant_calls(&metrics, "purchasable").await - direct_list_before
        + tenant_calls(&metrics, "purchasable_offer").await
        - direct_detail_before;

    let cached_calls = cached_list + cached_detail;
    println!(
        "tenant calls per {PAGE_LOADS} visitor page loads: {cached_calls} through nginx + 2 \
         caching instances (list {cached_list}, detail {cached_detail}; {:.1} s, one instance \
         stopped halfway), {uncached_calls} straight to an instance without caches",
        elapsed.as_secs_f64()
    );
    // Three list pages in two languages, and fourteen offers' details in two languages: every
    // distinct catalogue answer is fetched about once, whatever the number of visitors.
    assert!(
        cached_calls <= 2 * (3 + 14) * 2,
        "the caches let {cached_calls} catalogue reads through"
    );
    assert!(uncached_calls >= PAGE_LOADS as u64 * 4);
    // Everything the test started stops with it, nginx's workers too.
    drop(processes);
    let port = site.rsplit(':').next().expect("a port");
    assert!(
        std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err(),
        "something still listens on nginx's port after the test"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// In front of the tenant: records the key of every call and each purchase, and can hold a
/// purchase for a while (announcing which instance sent it) before passing it on.
#[derive(Clone)]
struct Recorder {
    tenant: String,
    http: reqwest::Client,
    keys: Arc<Mutex<Vec<String>>>,
    purchases: Arc<AtomicUsize>,
    hold_purchases: Arc<AtomicBool>,
    held: mpsc::UnboundedSender<&'static str>,
    /// Which instance forwards to this recorder.
    instance: &'static str,
}

async fn record(
    State(recorder): State<Recorder>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(&'static str, &'static str); 1], Bytes) {
    let keys: Vec<_> = headers
        .get_all("x-api-key")
        .iter()
        .map(|key| key.to_str().unwrap_or("?").to_owned())
        .collect();
    recorder.keys.lock().unwrap().push(keys.join(" + "));
    if uri.path() == "/v1/online-offers/purchase" {
        recorder.purchases.fetch_add(1, Ordering::SeqCst);
        if recorder.hold_purchases.load(Ordering::SeqCst) {
            let _ = recorder.held.send(recorder.instance);
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
    }
    let answer = recorder
        .http
        .request(method, format!("{}{uri}", recorder.tenant))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the mock tenant answers");
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
    let body = answer.bytes().await.unwrap();
    (status, [("content-type", "application/json")], body)
}

/// A client whose requests come from `address` (any of 127.0.0.0/8 reaches nginx on loopback),
/// so each part of the test is its own visitor to nginx's limit.
fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::from(address)))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_keeps_one_ceiling_and_one_write_limit_and_buys_once() {
    let dir = scratch_dir("chain");
    let http = reqwest::Client::new();
    let mut processes = Processes(Vec::new());
    let (tenant, metrics) = start_tenant(&mut processes, &http).await;
    let token = customer_token();

    let (held_tx, mut held_rx) = mpsc::unbounded_channel();
    let recorder = Recorder {
        tenant,
        http: http.clone(),
        keys: Arc::default(),
        purchases: Arc::default(),
        hold_purchases: Arc::default(),
        held: held_tx,
        instance: "",
    };
    let instances = [free_port(), free_port()];
    for (name, port) in ["c", "d"].into_iter().zip(instances) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let recorder_url = format!("http://{}", listener.local_addr().unwrap());
        let router = axum::Router::new().fallback(record).with_state(Recorder {
            instance: name,
            ..recorder.clone()
        });
        tokio::spawn(async move { axum::serve(listener, router).await });
        // The shipped way: a ceiling for the chain, each instance its share; default limits.
        processes.start(
            name,
            instance(port, &recorder_url)
                .args(["--tenant-reads-per-minute", "100"])
                .args(["--instances", "2"]),
        );
        wait_until_up(&http, &format!("http://127.0.0.1:{port}/")).await;
    }
    let site = start_nginx(&mut processes, &http, &dir, instances, &[]).await;
    let api = format!("{site}/pg-proxy/v1/online-offers");

    // A script reading 300 unknown offers from 30 addresses (each within its read limit):
    // together the two instances ask the tenant at most the chain's 100 times.
    let before = tenant_calls(&metrics, "purchasable_offer").await;
    let mut reads = tokio::task::JoinSet::new();
    for n in 0..300u32 {
        let client = client_from([127, 0, 2, 1 + (n % 30) as u8]);
        let url = format!("{api}/purchasable/{}", 50_000 + n);
        reads.spawn(async move { client.get(url).send().await.map(|r| r.status().as_u16()) });
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    while let Some(status) = reads.join_next().await {
        *statuses.entry(status.unwrap().unwrap()).or_default() += 1;
    }
    let detail_calls = tenant_calls(&metrics, "purchasable_offer").await - before;
    println!("300 unknown-offer reads through nginx + 2 instances: {detail_calls} tenant calls, answers {statuses:?}");
    assert!(
        (51..=100).contains(&detail_calls),
        "{detail_calls} calls for the chain's ceiling of 100 ({statuses:?})"
    );
    assert_eq!(
        statuses.get(&503).copied().unwrap_or(0),
        300 - detail_calls as usize
    );

    // One client's previews, with forged addresses and a forged key: nginx counts the client
    // once for both instances, and only the gym's key reaches the tenant.
    let before = tenant_calls(&metrics, "purchase_preview").await;
    let writer = client_from([127, 0, 3, 1]);
    let preview = json!({"onlineOfferId": 1003, "customerId": 67890});
    let mut answered = 0;
    for n in 0..60 {
        let response = writer
            .post(format!("{api}/purchase/preview"))
            .header("X-Forwarded-For", format!("10.0.{n}.1"))
            .header("Forwarded", format!("for=10.1.{n}.1"))
            .header("X-API-KEY", "visitor-forged-key")
            .header("X-Customer-Token", &token)
            .json(&preview)
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            200 => answered += 1,
            429 => {
                assert_eq!(response.headers()["cache-control"], "no-store");
                let body = response.text().await.unwrap();
                assert!(body.contains("PROXY_RATE_LIMITED"), "{body}");
            }
            other => panic!("{other}: {}", response.text().await.unwrap()),
        }
    }
    let previews = tenant_calls(&metrics, "purchase_preview").await - before;
    println!("60 previews from one client with forged addresses: {answered} answered");
    // The shipped burst of 20, and what 30 a minute gives back meanwhile.
    assert!(
        (20..=22).contains(&answered),
        "{answered} of 60 previews answered"
    );
    assert_eq!(previews, answered);
    let keys = recorder.keys.lock().unwrap().clone();
    assert!(
        !keys.is_empty() && keys.iter().all(|key| key == KEY),
        "the tenant saw keys {:?}",
        keys.iter().filter(|key| *key != KEY).collect::<Vec<_>>()
    );

    // A purchase in flight while its instance stops: it drains, the purchase is sent once.
    // (Another member: each instance counts the one above against its own write share.)
    let buyer = client_from([127, 0, 4, 1]);
    let token = customer_token_for(67891);
    let purchase = json!({"onlineOfferId": 1008, "customerId": 67891, "validFrom": "2099-01-01"});
    let buy = |client: reqwest::Client| {
        let (url, token, purchase) = (format!("{api}/purchase"), token.clone(), purchase.clone());
        tokio::spawn(async move {
            let response = client
                .post(url)
                .header("X-Customer-Token", token)
                .json(&purchase)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        })
    };
    let tenant_before = tenant_calls(&metrics, "purchase").await;
    recorder.hold_purchases.store(true, Ordering::SeqCst);
    let answer = buy(buyer.clone());
    let sender = tokio::time::timeout(Duration::from_secs(10), held_rx.recv())
        .await
        .expect("the purchase reached the tenant")
        .unwrap();
    processes.signal_stop(sender);
    let (status, body) = answer.await.unwrap();
    assert_eq!(status, 200, "the purchase in flight: {body}");
    recorder.hold_purchases.store(false, Ordering::SeqCst);
    processes.wait_exited(sender);
    // The next purchase finds one instance gone and goes to the other, once.
    let (status, body) = buy(buyer).await.unwrap();
    assert_eq!(status, 200, "the purchase after the stop: {body}");
    assert_eq!(recorder.purchases.load(Ordering::SeqCst), 2);
    assert_eq!(tenant_calls(&metrics, "purchase").await - tenant_before, 2);
    let _ = std::fs::remove_dir_all(&dir);
}
