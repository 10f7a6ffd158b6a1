//! Just enough HTTP/1.1 for `serve`: one request per connection
//! (`Connection: close`), bodies sized by `Content-Length` only, every read
//! and write under a deadline.
//!
//! Why not a library: the small synchronous servers (tiny_http, the
//! smallest maintained one) set no timeout on the sockets they accept and
//! give no access to them, so a client that sends its request slowly holds
//! a thread for ever; and tiny_http's accept loop ends for good at the
//! first failed `accept`. The async stacks (axum, hyper on tokio) have
//! timeouts but would more than double the binary's dependency graph and
//! the first build. This page needs three routes on 127.0.0.1, so the
//! little HTTP it speaks is here, strict: anything unusual is refused.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

/// The longest request line and headers accepted.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// A request as read: method, target, headers (names in lower case) and
/// body (wiped when dropped: it may hold a private key).
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// The headers, names lower-cased, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Zeroizing<Vec<u8>>,
}

impl Request {
    /// The value of the header `name` (lower case), if sent exactly once.
    /// A repeated header reads as absent, so that checks refuse it.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut found = self.headers.iter().filter(|(n, _)| n == name);
        let first = found.next()?;
        found.next().is_none().then_some(first.1.as_str())
    }

    /// Whether the header `name` was sent at all (once or more).
    pub fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|(n, _)| n == name)
    }

    /// The path of the target, without its query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The value of `name` in the query string (no percent-decoding: the
    /// values this server reads are hexadecimal).
    pub fn query(&self, name: &str) -> Option<&str> {
        let (_, query) = self.target.split_once('?')?;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// A request refused before it was wholly read: the status and why.
#[derive(Debug)]
pub struct Refusal {
    /// HTTP status.
    pub status: u16,
    /// Why, for the client.
    pub message: String,
}

impl Refusal {
    /// A refusal with `status`.
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
        }
    }
}

/// Reads from a socket until a deadline: each read waits at most the time
/// left, and none starts after it.
pub struct DeadlineStream<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl<'a> DeadlineStream<'a> {
    /// Reads of `stream` that end by `deadline`.
    pub fn new(stream: &'a TcpStream, deadline: Instant) -> Self {
        DeadlineStream { stream, deadline }
    }
}

impl Read for DeadlineStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "request too slow"));
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

/// The request head: request line and headers, split.
pub struct Head {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    /// Body bytes read along with the head.
    rest: Vec<u8>,
}

impl Head {
    /// The request without a body yet, for the checks made before any body
    /// is read.
    pub fn into_request(self) -> (Request, Vec<u8>) {
        (
            Request {
                method: self.method,
                target: self.target,
                headers: self.headers,
                body: Zeroizing::new(Vec::new()),
            },
            self.rest,
        )
    }
}

/// Reads the request line and headers (at most [`MAX_HEAD_BYTES`]).
pub fn read_head(input: &mut dyn Read) -> Result<Head, Refusal> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let end = loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            break end;
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Err(Refusal::new(431, "the request's headers are too long"));
        }
        match input.read(&mut chunk) {
            Ok(0) => return Err(Refusal::new(400, "the request ended before its headers")),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_error(e)),
        }
    };
    let rest = buf.split_off(end + 4);
    let head = std::str::from_utf8(&buf[..end])
        .map_err(|_| Refusal::new(400, "the request's headers are not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::new(400, "malformed request line"));
    };
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(Refusal::new(505, "only HTTP/1.1 is spoken here"));
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Refusal::new(400, "malformed method"));
    }
    if !target.starts_with('/') {
        return Err(Refusal::new(400, "the request target must be a path"));
    }
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(Refusal::new(400, "malformed header line"));
        };
        if name.is_empty() || name.bytes().any(|b| b <= b' ' || b >= 0x7f) {
            return Err(Refusal::new(400, "malformed header name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    Ok(Head {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        rest,
    })
}

/// Reads the body `Content-Length` announces into `request`, refusing one
/// over `limit` bytes before reading it.
pub fn read_body(
    request: &mut Request,
    rest: Vec<u8>,
    input: &mut dyn Read,
    limit: usize,
) -> Result<(), Refusal> {
    if request.has_header("transfer-encoding") {
        return Err(Refusal::new(
            411,
            "send the body with a Content-Length, not chunked",
        ));
    }
    let length = match request.header("content-length") {
        None if request.has_header("content-length") => {
            return Err(Refusal::new(400, "Content-Length given twice"))
        }
        None => 0,
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| Refusal::new(400, "Content-Length is not a number"))?,
    };
    if length > limit {
        return Err(Refusal::new(
            413,
            format!("the body is {length} bytes; at most {limit} are accepted"),
        ));
    }
    let mut body = Zeroizing::new(rest);
    if body.len() > length {
        return Err(Refusal::new(400, "more bytes than Content-Length says"));
    }
    let missing = length - body.len();
    body.reserve_exact(missing);
    let mut chunk = Zeroizing::new([0u8; 8192]);
    while body.len() < length {
        let want = (length - body.len()).min(chunk.len());
        match input.read(&mut chunk[..want]) {
            Ok(0) => return Err(Refusal::new(400, "the body ended early")),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_error(e)),
        }
    }
    request.body = body;
    Ok(())
}

fn read_error(e: io::Error) -> Refusal {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            Refusal::new(408, "the request was not sent in time")
        }
        _ => Refusal::new(400, format!("cannot read the request: {e}")),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The reason phrase of the statuses this server sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// A response: status, headers besides the ones every response carries,
/// body.
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Further headers.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Writes `response` (closing the connection after it) within `timeout`,
/// then lets the client's unread bytes drain briefly, so that it reads the
/// response rather than a reset.
pub fn write_response(stream: &TcpStream, response: &Response, timeout: Duration) {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len()
    );
    for (name, value) in &response.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let _ = stream.set_write_timeout(Some(timeout));
    let mut out = stream;
    let written = out
        .write_all(head.as_bytes())
        .and_then(|()| out.write_all(&response.body))
        .and_then(|()| out.flush());
    if written.is_err() {
        return;
    }
    let _ = stream.shutdown(Shutdown::Write);
    // Drain what the client still sends (a refused body), for at most a
    // second and 1 MiB.
    let mut drain = DeadlineStream::new(stream, Instant::now() + Duration::from_secs(1));
    let _ = io::copy(&mut (&mut drain).take(1 << 20), &mut io::sink());
}
