//! The binary as an operator runs it: what it says at start, what it refuses, the customer token
//! it prints.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use perfectgym_offers_proxy::customer_token::{CustomerBinding, SECRET_ENV};

const SECRET: &str = "the-gyms-backend-and-the-proxy-share-this-secret";

fn proxy() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_perfectgym-offers-proxy"));
    command
        .env_remove("PERFECTGYM_API_KEY")
        .env_remove(SECRET_ENV)
        .env("RUST_LOG", "info");
    command
}

#[test]
fn prints_a_customer_token_without_a_tenant() {
    let output = proxy()
        .env(SECRET_ENV, SECRET)
        .args(["--print-customer-token", "67890"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let token = String::from_utf8(output.stdout).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let binding = CustomerBinding::new(SECRET).unwrap();
    assert_eq!(binding.verify(Some(token.trim()), 67890, now), Ok(()));
}

/// The first lines the proxy writes when started with `args`, until it listens.
fn start_lines(args: &[&str]) -> String {
    let listen = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut child = proxy()
        .env("PERFECTGYM_API_KEY", "sk_test_cli")
        .args(["--upstream", "http://127.0.0.1:9"])
        .args(["--listen", &listen.to_string()])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        text.push_str(&line);
        text.push('\n');
        if line.contains("listening on") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    text
}

#[test]
fn the_opt_out_is_a_warning_at_every_start_and_the_default_refuses() {
    let opted_out = start_lines(&["--i-understand-customer-routes-are-unauthenticated"]);
    assert!(
        opted_out
            .lines()
            .any(|line| line.contains("WARN") && line.contains("any member's purchases")),
        "{opted_out}"
    );
    let default = start_lines(&[]);
    assert!(!default.contains("WARN"), "{default}");
    assert!(default.contains("are refused (403)"), "{default}");
}

/// The API key never crosses a network unencrypted: an `http://` tenant that is not this machine
/// (a typo for `https://`) stops the start, as does a tenant URL that is not one.
#[test]
fn refuses_a_tenant_the_key_would_reach_unencrypted() {
    for (upstream, says) in [
        ("http://mygym.open-api.perfectgym.com", "unencrypted"),
        ("mygym.open-api.perfectgym.com", "not an http(s):// URL"),
    ] {
        let mut child = proxy()
            .env("PERFECTGYM_API_KEY", "sk_test_cli")
            .args(["--upstream", upstream, "--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let Some(status) = child.try_wait().unwrap() else {
            child.kill().unwrap();
            panic!("{upstream}: the proxy started");
        };
        assert!(!status.success(), "{upstream}");
        let mut error = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut error).unwrap();
        assert!(error.contains(says), "{upstream}: {error}");
    }
}
