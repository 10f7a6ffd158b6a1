//! `jose-harness serve`: a page on 127.0.0.1 where a token and its keys
//! are pasted and every layer of the check is shown, run by the same code
//! as `check` and `audit` ([`api`]). The private keys never leave the
//! machine: the server listens on the loopback interface only, answers
//! only requests that carry this run's access token, whose `Host` names
//! this server (against DNS rebinding) and whose `Origin`, when sent, is
//! this server's (against cross-site requests).
//!
//! Each connection is served by its own thread (at most
//! [`MAX_CONNECTIONS`] at once), one request per connection, the request
//! read under a deadline and the check run by a worker the answer waits
//! for only until its own deadline.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use base64::Engine;
use clap::Args;
use rand::RngCore;
use sha2::{Digest, Sha256};

use jose_harness::jose::Limits;
use jose_harness::rng::HarnessRng;

use super::args::LimitArgs;

mod api;
mod http;

use http::{DeadlineStream, Refusal, Request, Response};

pub const SERVE_HELP: &str = "\
Security model:
  - The server listens on 127.0.0.1 only: nothing on the network can reach
    it, and the keys pasted into the page go to this process alone. They
    are held in memory for the one request, never logged, never written.
  - Each run makes a random access token and prints the URL that carries
    it (http://127.0.0.1:PORT/?token=…), as Jupyter does. A request
    without it is refused (403): other users and programs on this machine
    cannot use the page. The page sends it back in an X-Access-Token
    header; there is no cookie.
  - The Host header must be 127.0.0.1:PORT or localhost:PORT (a web site
    whose name resolves to 127.0.0.1 cannot reach the server: DNS
    rebinding), and an Origin header, when sent, must be the server's own
    (no cross-site requests). Everything else gets 403.
  - The page loads nothing from anywhere else: its HTML, CSS and script are
    in the binary, and its Content-Security-Policy forbids anything more.

The page calls POST /api/check (one token) and POST /api/audit (tokens one
per line), which answer what `check --format json` and `audit --format
json` print. Bodies are bounded by --max-token-bytes and the key file size
`check` accepts (4 MiB of tokens for a batch); a request must arrive within
10 s (or is answered 408) and a check finish within 30 s; at most 16
requests are served at once, and one more is answered 503 at once. Ctrl-C
stops the server (exit 0).

Examples:
  jose-harness serve               a free port; open the URL it prints
  jose-harness serve --port 8731 --open";

/// The most connections served at once; more are refused with 503.
pub const MAX_CONNECTIONS: usize = 16;
/// How long a client has to send its whole request.
const READ_DEADLINE: Duration = Duration::from_secs(10);
/// How long one check or audit may run before the request is answered 503.
const WORK_DEADLINE: Duration = Duration::from_secs(30);
/// How long writing the answer may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 [default: a free one, chosen by the system].
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    port: u16,
    /// Open the page in a browser: the command in $BROWSER if set (the URL
    /// replaces a `%s` in it, or comes last), else the default one
    /// (xdg-open, open or start); if that fails, a warning, and the URL is
    /// still printed.
    #[arg(long)]
    open: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

/// The page: HTML with its style and script inlined, and the
/// Content-Security-Policy that allows exactly those two.
struct Page {
    html: Vec<u8>,
    policy: String,
}

const PAGE_HTML: &str = include_str!("page.html");
const PAGE_CSS: &str = include_str!("page.css");
const PAGE_JS: &str = include_str!("page.js");

impl Page {
    fn build() -> Self {
        let hash = |text: &str| {
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
        };
        let html = PAGE_HTML
            .replace("/*STYLE*/", PAGE_CSS)
            .replace("/*SCRIPT*/", PAGE_JS);
        let policy = format!(
            "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; \
             img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
             frame-ancestors 'none'",
            hash(PAGE_JS),
            hash(PAGE_CSS)
        );
        Page {
            html: html.into_bytes(),
            policy,
        }
    }
}

/// What every connection's thread needs.
struct Shared {
    port: u16,
    access: String,
    limits: Limits,
    page: Page,
}

impl Shared {
    /// Refuses a request that does not come from this server's page: a
    /// foreign `Host` or `Origin`, a cross-site fetch, a missing or wrong
    /// access token.
    fn admit(&self, request: &Request) -> Result<(), Refusal> {
        let hosts = [
            format!("127.0.0.1:{}", self.port),
            format!("localhost:{}", self.port),
        ];
        match request.header("host") {
            Some(host) if hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) => {}
            _ => {
                return Err(Refusal::new(
                    403,
                    format!(
                        "the Host header must be {} or {} (this server, not a name that resolves to it)",
                        hosts[0], hosts[1]
                    ),
                ))
            }
        }
        if request.has_header("origin") {
            let own = hosts.iter().any(|h| {
                request
                    .header("origin")
                    .is_some_and(|o| o.eq_ignore_ascii_case(&format!("http://{h}")))
            });
            if !own {
                return Err(Refusal::new(
                    403,
                    "a request from another origin is refused (only this server's own page may call it)",
                ));
            }
        }
        if let Some(site) = request.header("sec-fetch-site") {
            if site != "same-origin" && site != "none" {
                return Err(Refusal::new(403, format!("a {site} request is refused")));
            }
        }
        let given = if request.path().starts_with("/api/") {
            request.header("x-access-token")
        } else {
            request.query("token")
        };
        if !given.is_some_and(|t| same_secret(t.as_bytes(), self.access.as_bytes())) {
            return Err(Refusal::new(
                403,
                "this request lacks the access token: open the URL `jose-harness serve` printed",
            ));
        }
        Ok(())
    }
}

/// Compares two secrets in time that depends on their lengths only.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A random access token: 32 bytes from the OS, as hex.
fn access_token() -> String {
    let mut bytes = [0u8; 32];
    HarnessRng::from_entropy().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `serve` until Ctrl-C.
pub fn run_serve(args: ServeArgs) -> Result<ExitCode> {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)))
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let address = listener
        .local_addr()
        .context("cannot read the port listened on")?;
    let shared = Arc::new(Shared {
        port: address.port(),
        access: access_token(),
        limits: args.limits.limits(),
        page: Page::build(),
    });
    let url = format!("http://127.0.0.1:{}/?token={}", shared.port, shared.access);

    let stopping = Arc::new(AtomicBool::new(false));
    {
        let stopping = Arc::clone(&stopping);
        ctrlc::set_handler(move || {
            stopping.store(true, Ordering::SeqCst);
            // Wake the accept below.
            let _ = TcpStream::connect_timeout(&address, Duration::from_secs(1));
        })
        .context("cannot handle Ctrl-C")?;
    }

    let mut out = std::io::stdout().lock();
    writeln!(out, "jose-harness serve: the page is at")?;
    writeln!(out, "    {url}")?;
    writeln!(
        out,
        "Listening on 127.0.0.1 only; the token in the URL is this run's access key. Ctrl-C stops."
    )?;
    out.flush()?;
    drop(out);
    if args.open {
        open_browser(&url);
    }

    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // Out of descriptors, or a connection reset before it was
            // accepted: wait a little and go on.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let busy = api::error(503, "too many requests at once; try again");
            write_refusal(&stream, busy);
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(&shared);
        let done = Arc::clone(&active);
        let spawned = std::thread::Builder::new()
            .name("serve-connection".into())
            .spawn(move || {
                serve_connection(&stream, &shared);
                // The answer is written: the slot is free before the
                // client sees the end of it, so it may connect again at once.
                done.fetch_sub(1, Ordering::SeqCst);
                http::finish(&stream);
            });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
    // Let the answers being written finish (briefly).
    let until = Instant::now() + Duration::from_secs(2);
    while active.load(Ordering::SeqCst) > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("jose-harness serve: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Writes a refusal without reading the request (a busy server).
fn write_refusal(stream: &TcpStream, response: Response) {
    let _ = stream.set_nonblocking(false);
    http::write_response(stream, &response, Duration::from_secs(1));
    http::finish(stream);
}

/// Reads one request, checks it, writes the answer; the caller ends the
/// connection with [`http::finish`].
fn serve_connection(stream: &TcpStream, shared: &Shared) {
    let deadline = Instant::now() + READ_DEADLINE;
    let mut input = DeadlineStream::new(stream, deadline);
    let response = match http::read_head(&mut input) {
        Err(refusal) => api::error(refusal.status, refusal.message),
        Ok(head) => {
            let (mut request, rest) = head.into_request();
            match shared.admit(&request) {
                Err(refusal) => api::error(refusal.status, refusal.message),
                Ok(()) => route(&mut request, rest, &mut input, shared),
            }
        }
    };
    http::write_response(stream, &response, WRITE_TIMEOUT);
}

fn route(
    request: &mut Request,
    rest: Vec<u8>,
    input: &mut DeadlineStream<'_>,
    shared: &Shared,
) -> Response {
    let path = request.path().to_owned();
    match (request.method.as_str(), path.as_str()) {
        ("GET", "/") => Response {
            status: 200,
            content_type: "text/html; charset=utf-8",
            headers: vec![
                ("Content-Security-Policy", shared.page.policy.clone()),
                ("X-Frame-Options", "DENY".into()),
                ("Cross-Origin-Opener-Policy", "same-origin".into()),
            ],
            body: shared.page.html.clone(),
        },
        ("POST", "/api/check" | "/api/audit") => {
            let json = request
                .header("content-type")
                .is_some_and(|t| t.split(';').next() == Some("application/json"));
            if !json {
                return api::error(415, "send the body as Content-Type: application/json");
            }
            let limit = if path == "/api/check" {
                api::check_body_limit(&shared.limits)
            } else {
                api::audit_body_limit()
            };
            if let Err(refusal) = http::read_body(request, rest, input, limit) {
                return api::error(refusal.status, refusal.message);
            }
            let body = std::mem::take(&mut request.body);
            let limits = shared.limits;
            let audit = path == "/api/audit";
            with_deadline(WORK_DEADLINE, move || {
                if audit {
                    api::audit(&body, limits)
                } else {
                    api::check(&body, limits)
                }
            })
        }
        (_, "/" | "/api/check" | "/api/audit") => api::error(405, "method not allowed"),
        _ => api::error(404, format!("nothing at {path}")),
    }
}

/// Runs `work` on its own thread and waits for it until `deadline`; a
/// panic is a 500, a check that runs out of time a 503 (its thread ends
/// on its own: every input is bounded).
fn with_deadline(deadline: Duration, work: impl FnOnce() -> Response + Send + 'static) -> Response {
    let (sender, receiver) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("serve-check".into())
        .spawn(move || {
            let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                .unwrap_or_else(|_| api::error(500, "the check failed unexpectedly"));
            let _ = sender.send(answer);
        });
    if spawned.is_err() {
        return api::error(503, "cannot start a worker thread");
    }
    match receiver.recv_timeout(deadline) {
        Ok(response) => response,
        Err(_) => api::error(
            503,
            format!("the check did not finish within {} s", deadline.as_secs()),
        ),
    }
}

/// Opens `url` in the default browser; a failure is a warning.
fn open_browser(url: &str) {
    let browser = std::env::var("BROWSER").ok();
    let (program, args) = browser
        .as_deref()
        .and_then(|b| browser_command(b, url))
        .unwrap_or_else(|| default_browser_command(url));
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || match child.wait() {
                Ok(status) if !status.success() => eprintln!(
                    "warning: the browser launcher failed ({status}); open the URL above yourself"
                ),
                _ => {}
            });
        }
        Err(e) => eprintln!("warning: cannot open a browser ({e}); open the URL above yourself"),
    }
}

/// The command `$BROWSER` names, as Python's `webbrowser` and `xdg-open`
/// read it: the first of its `:`-separated entries, split at whitespace,
/// `%s` replaced by the URL or the URL last. `None` when it names nothing.
fn browser_command(browser: &str, url: &str) -> Option<(String, Vec<String>)> {
    let entry = browser.split(':').map(str::trim).find(|e| !e.is_empty())?;
    let mut words = entry.split_whitespace().map(str::to_owned);
    let program = words.next()?;
    let mut args: Vec<String> = words.collect();
    if args.iter().any(|a| a.contains("%s")) {
        for arg in &mut args {
            *arg = arg.replace("%s", url);
        }
    } else {
        args.push(url.to_owned());
    }
    Some((program, args))
}

fn default_browser_command(url: &str) -> (String, Vec<String>) {
    if cfg!(target_os = "macos") {
        ("open".into(), vec![url.into()])
    } else if cfg!(windows) {
        let args = ["/C", "start", "", url];
        ("cmd".into(), args.iter().map(|&a| a.to_owned()).collect())
    } else {
        ("xdg-open".into(), vec![url.into()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_commands_are_read_as_browser_says() {
        let url = "http://127.0.0.1:1/?token=ab";
        let command = |b: &str| browser_command(b, url);
        assert_eq!(
            command("firefox"),
            Some(("firefox".into(), vec![url.into()]))
        );
        assert_eq!(
            command("  :chromium --new-window:firefox"),
            Some(("chromium".into(), vec!["--new-window".into(), url.into()]))
        );
        assert_eq!(
            command("w3m -o x=%s"),
            Some(("w3m".into(), vec!["-o".into(), format!("x={url}")]))
        );
        assert_eq!(command(""), None);
        assert_eq!(command(" : "), None);
    }

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
    }

    #[test]
    fn access_tokens_are_long_and_fresh() {
        let (a, b) = (access_token(), access_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn the_policy_allows_exactly_the_inlined_style_and_script() {
        let page = Page::build();
        let html = String::from_utf8(page.html).expect("UTF-8");
        assert!(html.contains(PAGE_JS) && html.contains(PAGE_CSS));
        assert!(!html.contains("/*SCRIPT*/") && !html.contains("/*STYLE*/"));
        assert!(!page.policy.contains("unsafe"));
        assert!(page.policy.contains("default-src 'none'"));
    }
}
