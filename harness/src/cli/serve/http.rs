//! Just enough HTTP/1.1 for `serve`: one request per connection
//! (`Connection: close`), the head parsed by `httparse` (hyper's parser),
//! bodies sized by `Content-Length` only, every read and write under a
//! deadline.
//!
//! Why not a library: the small synchronous servers (tiny_http, the
//! smallest maintained one) set no timeout on the sockets they accept and
//! give no access to them, so a client that sends its request slowly holds
//! a thread for ever; and tiny_http's accept loop ends for good at the
//! first failed `accept`. The async stacks (axum, hyper on tokio) have
//! timeouts but would more than double the binary's dependency graph and
//! the first build. This page needs three routes on 127.0.0.1, so the
//! connection handling is here, over `httparse`, strict: anything unusual
//! is refused.

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

/// Reads the request line and headers (at most [`MAX_HEAD_BYTES`], at
/// most [`MAX_HEADERS`] headers), parsed by `httparse`.
pub fn read_head(input: &mut dyn Read) -> Result<Head, Refusal> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(head) = parse_head(&buf)? {
            return Ok(head);
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
    }
}

/// The most headers a request may carry (a browser sends about 15).
pub const MAX_HEADERS: usize = 64;

/// The head in `buf` if it is all there (`None`: read on), refused when it
/// is malformed or is not a request this server answers.
pub fn parse_head(buf: &[u8]) -> Result<Option<Head>, Refusal> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut slots);
    let end = match parsed.parse(buf) {
        Ok(httparse::Status::Partial) => return Ok(None),
        Ok(httparse::Status::Complete(end)) => end,
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Refusal::new(431, "the request has too many headers"))
        }
        Err(httparse::Error::Version) => {
            return Err(Refusal::new(505, "only HTTP/1.1 is spoken here"))
        }
        Err(e) => return Err(Refusal::new(400, format!("malformed request: {e}"))),
    };
    let (Some(method), Some(target)) = (parsed.method, parsed.path) else {
        return Err(Refusal::new(400, "malformed request line"));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Refusal::new(400, "malformed method"));
    }
    if !target.starts_with('/') {
        return Err(Refusal::new(400, "the request target must be a path"));
    }
    let mut headers = Vec::with_capacity(parsed.headers.len());
    for header in parsed.headers.iter() {
        let value = std::str::from_utf8(header.value)
            .map_err(|_| Refusal::new(400, "a header's value is not UTF-8"))?;
        headers.push((header.name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    Ok(Some(Head {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        rest: buf.get(end..).unwrap_or_default().to_vec(),
    }))
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

/// Writes `response` within `timeout`; [`finish`] then closes the
/// connection.
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
    let _ = out
        .write_all(head.as_bytes())
        .and_then(|()| out.write_all(&response.body))
        .and_then(|()| out.flush());
}

/// Ends the answer (the client sees the end of the stream), then drains
/// what the client still sends (a refused body) for at most a second and
/// 1 MiB, so that closing the socket does not reset the connection before
/// the client has read the answer.
pub fn finish(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let mut drain = DeadlineStream::new(stream, Instant::now() + Duration::from_secs(1));
    let _ = io::copy(&mut (&mut drain).take(1 << 20), &mut io::sink());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn head(bytes: &[u8]) -> Result<Head, Refusal> {
        read_head(&mut &bytes[..])
    }

    #[test]
    fn a_whole_head_is_split_and_the_body_bytes_kept() {
        let got = head(b"POST /api/check?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8\r\nX-Access-Token:  ab \r\n\r\n{\"a\"")
            .map_err(|r| r.message)
            .expect("parses");
        let (request, rest) = got.into_request();
        assert_eq!(request.method, "POST");
        assert_eq!(request.path(), "/api/check");
        assert_eq!(request.header("x-access-token"), Some("ab"));
        assert_eq!(rest, b"{\"a\"");
    }

    #[test]
    fn each_malformed_head_gets_its_status() {
        let status = |bytes: &[u8]| head(bytes).err().map(|r| r.status);
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: x"),
            Some(400),
            "ended early"
        );
        assert_eq!(status(b"GET / HTTP/2.0\r\n\r\n"), Some(505));
        assert_eq!(status(b"get / HTTP/1.1\r\n\r\n"), Some(400));
        assert_eq!(status(b"GET http://a/ HTTP/1.1\r\n\r\n"), Some(400));
        assert_eq!(status(b"GET / HTTP/1.1\r\nBad Name: 1\r\n\r\n"), Some(400));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("h{i}: v\r\n")).collect();
        assert_eq!(
            status(format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes()),
            Some(431)
        );
        let long = format!("GET / HTTP/1.1\r\nx: {}", "a".repeat(MAX_HEAD_BYTES + 10));
        assert_eq!(status(long.as_bytes()), Some(431));
    }

    proptest! {
        #[test]
        fn any_bytes_give_a_head_or_a_refusal(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            match head(&bytes) {
                Ok(h) => prop_assert!(h.target.starts_with('/')),
                Err(r) => prop_assert!((400..600).contains(&r.status)),
            }
        }

        #[test]
        fn any_header_value_reads_back_trimmed(value in "[ -~]{0,40}") {
            let text = format!("GET / HTTP/1.1\r\nx-v: {value}\r\n\r\n");
            let (request, _) = head(text.as_bytes()).map_err(|r| r.message).expect("parses").into_request();
            prop_assert_eq!(request.header("x-v"), Some(value.trim()));
        }
    }
}
