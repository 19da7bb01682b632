//! The reference deployment, for real on 127.0.0.1: Debian's nginx running the shipped
//! `deploy/nginx/perfectgym-offers.conf` as load balancer and shared cache in front of two proxy
//! instances, which forward to one mock tenant (the tenant holds the state, as the vendor does,
//! so the instances are interchangeable). Visitors load pages while one instance is stopped.
//!
//! It prints the tenant calls per 1,000 visitor page loads with the caches and without them.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const KEY: &str = "sk_live_nginx_test_0123456789";
const PAGE_LOADS: usize = 1000;
const VISITORS_AT_ONCE: usize = 16;

/// Child processes that end with the test, however it ends.
struct Processes(Vec<(String, Child)>);

impl Drop for Processes {
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
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

    /// SIGTERM, as systemd or an orchestrator stops an instance; waits until it has exited.
    fn terminate(&mut self, name: &str) {
        let (_, child) = self
            .0
            .iter_mut()
            .find(|(n, _)| n == name)
            .expect("a started process");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let status = child.wait().expect("the instance exits");
        assert!(
            status.success(),
            "{name} drained and exited cleanly: {status}"
        );
    }
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
        .env_remove("PERFECTGYM_API_KEY");
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

/// The shipped config with this test's ports and folders in place of the documented ones.
fn nginx_config(dir: &Path, listen: u16, instances: [u16; 2], files: &Path) -> String {
    let shipped = include_str!("../../deploy/nginx/perfectgym-offers.conf");
    let mut config = shipped.to_owned();
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
    ] {
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
    answers.push(fetch(http.post(&url).json(&preview)).await?);
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
async fn visitors(api: &str, midway: impl FnOnce()) -> Vec<String> {
    let http = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..VISITORS_AT_ONCE {
        let (http, api, next, done) = (http.clone(), api.to_owned(), next.clone(), done.clone());
        tasks.spawn(async move {
            let mut failures = Vec::new();
            loop {
                let visitor = next.fetch_add(1, Ordering::Relaxed);
                if visitor >= PAGE_LOADS {
                    return failures;
                }
                let language = if visitor % 3 == 0 { "de-DE" } else { "en" };
                match page_load(&http, &api, language, visitor).await {
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

fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pgo-nginx-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("files/perfectgym-offers")).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_balances_and_caches_two_instances_and_survives_losing_one() {
    let nginx_binary = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|path| Path::new(path).exists())
        .expect("Debian's nginx (apt-get install nginx; .ci/install does it)");
    let dir = scratch_dir();
    let files = dir.join("files");
    for name in ["embed.js", "perfectgym-offers-0123456789abcdef_bg.wasm"] {
        std::fs::write(files.join("perfectgym-offers").join(name), name).unwrap();
        // The build's gzip copy (a stand-in: nginx picks it by name).
        let gzip = files.join("perfectgym-offers").join(format!("{name}.gz"));
        std::fs::write(gzip, format!("{name} gzip")).unwrap();
    }
    let http = reqwest::Client::new();
    let mut processes = Processes(Vec::new());

    // The tenant, with the state; its /metrics counts every call it answers.
    let (tenant, tenant_metrics) = (free_port(), free_port());
    processes.start(
        "tenant",
        proxy_binary().args([
            "--mock",
            "--api-prefix",
            "/",
            "--listen",
            &format!("127.0.0.1:{tenant}"),
            "--metrics-listen",
            &format!("127.0.0.1:{tenant_metrics}"),
            "--write-burst",
            "100000",
            "--writes-per-minute",
            "100000",
        ]),
    );
    let metrics = format!("http://127.0.0.1:{tenant_metrics}/metrics");
    wait_until_up(&http, &metrics).await;

    let instances = [free_port(), free_port()];
    for (name, port) in ["a", "b"].into_iter().zip(instances) {
        processes.start(
            name,
            proxy_binary()
                .env("PERFECTGYM_API_KEY", KEY)
                .args(["--upstream", &format!("http://127.0.0.1:{tenant}")])
                .args(["--listen", &format!("127.0.0.1:{port}")])
                .arg("--trust-forwarded-for")
                // Every visitor here is 127.0.0.1: the write limit would count the test itself.
                .args(["--write-burst", "100000", "--writes-per-minute", "100000"]),
        );
        wait_until_up(&http, &format!("http://127.0.0.1:{port}/")).await;
    }

    let listen = free_port();
    let config = dir.join("nginx.conf");
    std::fs::write(&config, nginx_config(&dir, listen, instances, &files)).unwrap();
    let mut nginx = Command::new(nginx_binary);
    nginx
        .arg("-p")
        .arg(&dir)
        .arg("-e")
        .arg(dir.join("error.log"));
    nginx.arg("-c").arg(&config);
    processes.start("nginx", &mut nginx);
    let site = format!("http://127.0.0.1:{listen}");
    wait_until_up(&http, &format!("{site}/perfectgym-offers/embed.js")).await;
    let api = format!("{site}/pg-proxy");

    // 1,000 page loads through nginx; halfway, instance a is stopped.
    let started = Instant::now();
    let failures = visitors(&api, || processes.terminate("a")).await;
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
                .json(&preview),
        )
        .await
        .expect("a preview");
        assert!(
            answer.contains("no-store") && !answer.contains(KEY),
            "{answer}"
        );
        let answer = fetch(http.get(format!("{api}/v1/online-offers/67890/purchased")))
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
        proxy_binary()
            .env("PERFECTGYM_API_KEY", KEY)
            .args(["--upstream", &format!("http://127.0.0.1:{tenant}")])
            .args(["--listen", &format!("127.0.0.1:{uncached}")])
            .args(["--cache-seconds", "0"])
            .args(["--write-burst", "100000", "--writes-per-minute", "100000"]),
    );
    wait_until_up(&http, &format!("http://127.0.0.1:{uncached}/")).await;
    let failures = visitors(&format!("http://127.0.0.1:{uncached}/pg-proxy"), || {}).await;
    assert!(failures.is_empty(), "{failures:?}");
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
    let _ = std::fs::remove_dir_all(&dir);
}
