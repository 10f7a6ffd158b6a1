//! `jose-harness serve` without a browser: who is refused (no access
//! token, a foreign Host or Origin, an oversized body), errors as JSON,
//! the endpoints answering exactly what `check` and `audit` print on every
//! published vector, slow clients answered 408 and one too many 503,
//! `--open` launching `$BROWSER` only when asked, and a clean stop on
//! Ctrl-C.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use jose_harness_tests::{harness_bin, vectors_dir};

/// A running `serve --port 0`, stopped when dropped.
struct Served {
    child: Child,
    port: u16,
    access: String,
}

impl Served {
    fn start() -> Served {
        Served::start_with(&[], None).0
    }

    /// `serve --port 0` with `args` after it and, if given, `BROWSER` set;
    /// also returns the URL printed.
    fn start_with(args: &[&str], browser: Option<&std::path::Path>) -> (Served, String) {
        let mut command = Command::new(harness_bin());
        command.args(["serve", "--port", "0"]).args(args);
        match browser {
            Some(path) => command.env("BROWSER", path),
            None => command.env_remove("BROWSER"),
        };
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("serve prints its URL before anything else ends")
                .expect("stdout is text");
            if let Some(at) = line.find("http://127.0.0.1:") {
                break line[at..].trim().to_owned();
            }
        };
        // Keep the pipe drained.
        std::thread::spawn(move || for _ in lines {});
        let rest = url.strip_prefix("http://127.0.0.1:").expect("loopback URL");
        let (port, query) = rest.split_once("/?token=").expect("token in the URL");
        let served = Served {
            child,
            port: port.parse().expect("a port"),
            access: query.to_owned(),
        };
        (served, url)
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Sends `head` (request line and headers, without the blank line) and
    /// `body`; returns the status, the headers and the body.
    fn raw(&self, head: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .expect("timeout");
        stream
            .write_all(format!("{head}\r\n\r\n").as_bytes())
            .expect("writes the head");
        // A refused request may be closed before its body is sent.
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("reads the answer");
        let text_end = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a whole head");
        let head = String::from_utf8_lossy(&answer[..text_end]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        (status, head, answer[text_end + 4..].to_vec())
    }

    /// A POST to `path` with the access token and a JSON body.
    fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let body = body.to_string();
        let (status, _, answer) = self.raw(
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nX-Access-Token: {}\r\nContent-Type: application/json\r\nContent-Length: {}",
                self.host(),
                self.access,
                body.len()
            ),
            body.as_bytes(),
        );
        let value = serde_json::from_slice(&answer).unwrap_or_else(|e| {
            panic!(
                "{path} answered {status} with no JSON ({e}): {}",
                String::from_utf8_lossy(&answer)
            )
        });
        (status, value)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn key_file(name: &str, half: &str) -> PathBuf {
    vectors_dir()
        .join("keys")
        .join(format!("{name}-{half}.pem"))
}

fn key_text(name: &str, half: &str) -> String {
    std::fs::read_to_string(key_file(name, half)).expect("a bundled key")
}

/// The vectors of every file: profile, token, keys, now.
fn vectors() -> Vec<(String, jose_harness::vectors::Vector)> {
    let files = jose_harness::vectors::load_dir(&vectors_dir()).expect("the vectors load");
    files
        .into_iter()
        .flat_map(|(_, f)| {
            let profile = f.profile.clone();
            f.tests.into_iter().map(move |t| (profile.clone(), t))
        })
        .collect()
}

/// What `check --format json` prints for a token read from stdin.
fn cli_check(
    profile: &str,
    token: &str,
    verify: &str,
    decrypt: &str,
    now: i64,
    extra: &[&str],
) -> Value {
    let mut child = Command::new(harness_bin())
        .args([
            "check",
            "--profile",
            profile,
            "--token",
            "-",
            "--format",
            "json",
        ])
        .arg("--verify-key")
        .arg(key_file(verify, "public"))
        .arg("--decrypt-key")
        .arg(key_file(decrypt, "private"))
        .args(["--now", &now.to_string()])
        .args(extra)
        .env_remove("JOSE_HARNESS_LANG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("check runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let token = token.to_owned();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(token.as_bytes());
    });
    let output = child.wait_with_output().expect("check ends");
    let _ = writer.join();
    serde_json::from_slice(&output.stdout).expect("check prints JSON")
}

fn check_body(profile: &str, token: &str, verify: &str, decrypt: &str, now: i64) -> Value {
    json!({
        "profile": profile,
        "token": token,
        "verify_key": key_text(verify, "public"),
        "decrypt_key": key_text(decrypt, "private"),
        "now": now,
    })
}

#[test]
fn the_page_and_the_api_need_this_runs_access_token() {
    let served = Served::start();
    let host = served.host();
    let (status, _, _) = served.raw(&format!("GET / HTTP/1.1\r\nHost: {host}"), b"");
    assert_eq!(status, 403, "the page without the token");
    let wrong = "0".repeat(served.access.len());
    let (status, _, _) = served.raw(
        &format!("GET /?token={wrong} HTTP/1.1\r\nHost: {host}"),
        b"",
    );
    assert_eq!(status, 403, "the page with a wrong token");
    let (status, head, body) = served.raw(
        &format!("GET /?token={} HTTP/1.1\r\nHost: {host}", served.access),
        b"",
    );
    assert_eq!(status, 200, "the page with the token");
    let policy = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Security-Policy: "))
        .expect("a CSP header");
    assert!(
        policy.contains("default-src 'none'") && !policy.contains("unsafe"),
        "{policy}"
    );
    let page = String::from_utf8(body).expect("UTF-8");
    assert!(page.contains("<title>jose-harness"), "the page");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page names no other site"
    );

    let body = check_body(
        "moveo",
        "a.b.c",
        "customer-test",
        "recipient-test",
        1_700_000_000,
    )
    .to_string();
    let (status, _, answer) = served.raw(
        &format!(
            "POST /api/check HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}",
            body.len()
        ),
        body.as_bytes(),
    );
    assert_eq!(status, 403, "the API without the token");
    let error: Value = serde_json::from_slice(&answer).expect("a JSON error");
    assert!(
        error["error"]
            .as_str()
            .is_some_and(|e| e.contains("access token")),
        "{error}"
    );
}

#[test]
fn a_foreign_host_or_origin_is_refused() {
    let served = Served::start();
    let port = served.port;
    let body = check_body(
        "moveo",
        "a.b.c",
        "customer-test",
        "recipient-test",
        1_700_000_000,
    )
    .to_string();
    let post = |host: &str, origin: Option<&str>| {
        let origin = origin
            .map(|o| format!("\r\nOrigin: {o}"))
            .unwrap_or_default();
        served
            .raw(
                &format!(
                    "POST /api/check HTTP/1.1\r\nHost: {host}\r\nX-Access-Token: {}\r\nContent-Type: application/json\r\nContent-Length: {}{origin}",
                    served.access,
                    body.len()
                ),
                body.as_bytes(),
            )
            .0
    };
    assert_eq!(
        post(&format!("evil.example:{port}"), None),
        403,
        "DNS rebinding"
    );
    assert_eq!(post("127.0.0.1:1", None), 403, "another port");
    assert_eq!(
        post(&format!("127.0.0.1:{port}"), Some("http://evil.example")),
        403,
        "CSRF"
    );
    assert_eq!(
        post(
            &format!("127.0.0.1:{port}"),
            Some(&format!("http://127.0.0.1:{}", port + 1))
        ),
        403
    );
    assert_eq!(
        post(&format!("127.0.0.1:{port}"), Some("null")),
        403,
        "an opaque origin"
    );
    // The server's own names pass.
    assert_eq!(post(&format!("127.0.0.1:{port}"), None), 200);
    assert_eq!(
        post(
            &format!("localhost:{port}"),
            Some(&format!("http://localhost:{port}"))
        ),
        200
    );
    assert_eq!(
        post(
            &format!("127.0.0.1:{port}"),
            Some(&format!("http://127.0.0.1:{port}"))
        ),
        200
    );
}

#[test]
fn oversized_bodies_are_refused_before_they_are_read() {
    let served = Served::start();
    for path in ["/api/check", "/api/audit"] {
        let (status, _, answer) = served.raw(
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nX-Access-Token: {}\r\nContent-Type: application/json\r\nContent-Length: 100000000",
                served.host(),
                served.access
            ),
            b"{}",
        );
        assert_eq!(status, 413, "{path}");
        let error: Value = serde_json::from_slice(&answer).expect("a JSON error");
        assert!(
            error["error"]
                .as_str()
                .is_some_and(|e| e.contains("at most")),
            "{error}"
        );
    }
    // A key larger than any key file `check` reads.
    let mut body = check_body(
        "moveo",
        "a.b.c",
        "customer-test",
        "recipient-test",
        1_700_000_000,
    );
    body["verify_key"] = Value::String("A".repeat(70 * 1024));
    let (status, error) = served.post("/api/check", &body);
    assert_eq!(status, 413, "{error}");
}

#[test]
fn errors_come_back_as_json_with_a_4xx_status() {
    let served = Served::start();
    let good = check_body(
        "moveo",
        "a.b.c",
        "customer-test",
        "recipient-test",
        1_700_000_000,
    );
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!([1, 2]), 400, "not the JSON"),
        (json!({"profile": "moveo"}), 400, "token"),
        (
            {
                let mut b = good.clone();
                b["profile"] = json!("acme");
                b
            },
            400,
            "unknown profile",
        ),
        (
            {
                let mut b = good.clone();
                b["verifyKey"] = json!("x");
                b
            },
            400,
            "unknown field",
        ),
        (
            {
                let mut b = good.clone();
                b["lang"] = json!("cobol");
                b
            },
            400,
            "cobol",
        ),
        (
            {
                let mut b = good.clone();
                b["decrypt_key"] = json!(key_text("recipient-test", "public"));
                b
            },
            422,
            "public key",
        ),
        (
            {
                let mut b = good.clone();
                b["verify_key"] = json!("not a key at all");
                b
            },
            422,
            "not an RSA key",
        ),
    ];
    for (body, expected, words) in cases {
        let (status, answer) = served.post("/api/check", &body);
        assert_eq!(status, expected, "{body} → {answer}");
        let message = answer["error"].as_str().unwrap_or_default();
        assert!(
            message.contains(words),
            "{body}: {message:?} lacks {words:?}"
        );
    }
    let host = served.host();
    let (status, _, _) = served.raw(
        &format!(
            "GET /api/check HTTP/1.1\r\nHost: {host}\r\nX-Access-Token: {}",
            served.access
        ),
        b"",
    );
    assert_eq!(status, 405);
    let (status, _, _) = served.raw(
        &format!(
            "POST /api/check HTTP/1.1\r\nHost: {host}\r\nX-Access-Token: {}\r\nContent-Type: text/plain\r\nContent-Length: 2",
            served.access
        ),
        b"{}",
    );
    assert_eq!(status, 415, "a form's content type");
    let (status, _, _) = served.raw("NOT HTTP", b"");
    assert_eq!(status, 400);
    // A malformed token is a finding, not an error.
    let (status, report) = served.post("/api/check", &good);
    assert_eq!((status, report["verdict"].as_str()), (200, Some("fail")));
}

/// The endpoint and `check --format json` agree on every published
/// vector, byte for byte once parsed: same token, keys and now.
#[test]
fn the_check_endpoint_answers_what_check_prints_on_every_vector() {
    let served = Served::start();
    let all = vectors();
    assert!(all.len() >= 150, "{} vectors", all.len());
    let compared = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for chunk in all.chunks(all.len().div_ceil(4)) {
            let served = &served;
            let compared = &compared;
            scope.spawn(move || {
                for (profile, v) in chunk {
                    let body =
                        check_body(profile, &v.token, &v.keys.verify, &v.keys.decrypt, v.now);
                    let (status, served_report) = served.post("/api/check", &body);
                    assert_eq!(status, 200, "{}: {served_report}", v.id);
                    let cli = cli_check(
                        profile,
                        &v.token,
                        &v.keys.verify,
                        &v.keys.decrypt,
                        v.now,
                        &[],
                    );
                    assert_eq!(
                        served_report, cli,
                        "{}: the page and the CLI disagree",
                        v.id
                    );
                    let expected = format!("{:?}", v.expect.verdict).to_lowercase();
                    assert_eq!(
                        served_report["verdict"].as_str(),
                        Some(expected.as_str()),
                        "{}",
                        v.id
                    );
                    compared.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    assert_eq!(compared.into_inner(), all.len());
}

/// `redact` and `lang` do what `--redact` and `--lang` do.
#[test]
fn redaction_and_language_are_the_clis() {
    let served = Served::start();
    let all = vectors();
    let (profile, v) = all
        .iter()
        .find(|(p, v)| p == "moveo" && v.expect.verdict == jose_harness::vectors::Expected::Pass)
        .expect("a passing moveo vector");
    let mut body = check_body(profile, &v.token, &v.keys.verify, &v.keys.decrypt, v.now);
    body["redact"] = json!(true);
    body["lang"] = json!("python");
    let (status, served_report) = served.post("/api/check", &body);
    assert_eq!(status, 200);
    let cli = cli_check(
        profile,
        &v.token,
        &v.keys.verify,
        &v.keys.decrypt,
        v.now,
        &["--redact", "--lang", "python"],
    );
    assert_eq!(served_report, cli);
    assert!(
        served_report["claims"]["sub"]
            .as_str()
            .is_some_and(|s| s.contains("redacted")),
        "{}",
        served_report["claims"]
    );
}

/// The batch endpoint and `audit --format json` agree on a file of
/// vectors of each profile.
#[test]
fn the_audit_endpoint_answers_what_audit_prints() {
    let served = Served::start();
    let all = vectors();
    for profile in ["iadvize", "moveo"] {
        let chosen: Vec<_> = all
            .iter()
            .filter(|(p, v)| {
                p == profile
                    && v.keys.verify == "customer-test"
                    && v.keys.decrypt == "recipient-test"
            })
            .take(40)
            .collect();
        assert!(chosen.len() >= 20, "{profile}: {} vectors", chosen.len());
        let now = chosen[0].1.now;
        let tokens: String = chosen
            .iter()
            .map(|(_, v)| format!("{}\n", v.token))
            .collect();
        let (status, served_audit) = served.post(
            "/api/audit",
            &json!({
                "profile": profile,
                "tokens": tokens,
                "verify_key": key_text("customer-test", "public"),
                "decrypt_key": key_text("recipient-test", "private"),
                "now": now,
            }),
        );
        assert_eq!(status, 200, "{served_audit}");
        let mut child = Command::new(harness_bin())
            .args([
                "audit",
                "--profile",
                profile,
                "--tokens",
                "-",
                "--format",
                "json",
            ])
            .arg("--verify-key")
            .arg(key_file("customer-test", "public"))
            .arg("--decrypt-key")
            .arg(key_file("recipient-test", "private"))
            .args(["--now", &now.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("audit runs");
        let mut stdin = child.stdin.take().expect("stdin");
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(tokens.as_bytes());
        });
        let output = child.wait_with_output().expect("audit ends");
        let _ = writer.join();
        let cli: Value = serde_json::from_slice(&output.stdout).expect("audit prints JSON");
        assert_eq!(
            served_audit, cli,
            "{profile}: the page and the CLI disagree"
        );
        assert_eq!(
            served_audit["results"].as_array().map(Vec::len),
            Some(chosen.len()),
            "{profile}: a result per token"
        );
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_with_exit_0_and_a_message() {
    let mut served = Served::start();
    // It serves first.
    let (status, _, _) = served.raw(
        &format!(
            "GET /?token={} HTTP/1.1\r\nHost: {}",
            served.access,
            served.host()
        ),
        b"",
    );
    assert_eq!(status, 200);
    let pid = served.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = served.child.try_wait().expect("waits") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "serve did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    let mut stderr = String::new();
    served
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("reads stderr");
    assert!(stderr.contains("stopped"), "{stderr:?}");
    // Nothing listens any more.
    assert!(TcpStream::connect(("127.0.0.1", served.port)).is_err());
}

/// A client that connects and sends nothing holds its connection for the
/// read deadline (10 s), then is answered 408 and closed; while 16 such
/// clients hold the server, one more connection is answered 503 at once;
/// once they are gone the server serves again. `serve --help` states both.
#[test]
fn slow_clients_time_out_and_a_full_server_answers_busy() {
    const MAX_CONNECTIONS: usize = 16;
    let help = Command::new(harness_bin())
        .args(["serve", "--help"])
        .output()
        .expect("serve --help runs");
    let help = String::from_utf8_lossy(&help.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(help.contains("within 10 s (or is answered 408)"), "{help}");
    assert!(
        help.contains("at most 16 requests are served at once, and one more is answered 503"),
        "{help}"
    );

    let served = Served::start();
    let opened = Instant::now();
    let idle: Vec<TcpStream> = (0..MAX_CONNECTIONS)
        .map(|_| TcpStream::connect(("127.0.0.1", served.port)).expect("connects"))
        .collect();
    // The server takes connections in order: these come after the 16.
    let read_all = |mut stream: &TcpStream, wait: Duration| {
        stream.set_read_timeout(Some(wait)).expect("timeout");
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .expect("an answer, then the end");
        String::from_utf8_lossy(&answer).into_owned()
    };
    let busy = TcpStream::connect(("127.0.0.1", served.port)).expect("connects");
    let answer = read_all(&busy, Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 503 "), "{answer:?}");
    assert!(answer.contains("too many requests at once"), "{answer:?}");
    assert!(
        opened.elapsed() < Duration::from_secs(5),
        "503 took {:?}",
        opened.elapsed()
    );

    for stream in &idle {
        let answer = read_all(stream, Duration::from_secs(30));
        assert!(answer.starts_with("HTTP/1.1 408 "), "{answer:?}");
        assert!(answer.contains("not sent in time"), "{answer:?}");
    }
    let waited = opened.elapsed();
    assert!(
        waited >= Duration::from_secs(9) && waited < Duration::from_secs(25),
        "the idle connections were closed after {waited:?}"
    );

    let (status, _, _) = served.raw(
        &format!(
            "GET /?token={} HTTP/1.1\r\nHost: {}",
            served.access,
            served.host()
        ),
        b"",
    );
    assert_eq!(
        status, 200,
        "the server serves again once the idle clients are gone"
    );
}

/// `--open` runs the browser command (`$BROWSER` here, a script that
/// writes down what it was given) on the URL printed; without `--open`
/// nothing is launched.
#[cfg(unix)]
#[test]
fn open_launches_the_browser_on_the_printed_url_and_only_when_asked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let opened = dir.path().join("opened");
    let browser = dir.path().join("browser");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n",
            opened.display()
        ),
    )
    .expect("writes the browser script");
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    // Without --open: the page answers, and no browser was started.
    let (served, _) = Served::start_with(&[], Some(&browser));
    let (status, _, _) = served.raw(
        &format!(
            "GET /?token={} HTTP/1.1\r\nHost: {}",
            served.access,
            served.host()
        ),
        b"",
    );
    assert_eq!(status, 200);
    std::thread::sleep(Duration::from_millis(500));
    assert!(!opened.exists(), "serve without --open started the browser");
    drop(served);

    let (_served, url) = Served::start_with(&["--open"], Some(&browser));
    let until = Instant::now() + Duration::from_secs(10);
    let given = loop {
        if let Ok(text) = std::fs::read_to_string(&opened) {
            if text.ends_with('\n') {
                break text;
            }
        }
        assert!(
            Instant::now() < until,
            "serve --open started no browser in 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(given, format!("{url}\n"), "the browser was given {given:?}");
}
