//! Checking many tokens: one per line in, one JSON result per line out,
//! in input order, on every core, in bounded memory.
//!
//! The input is read in chunks (at most [`BatchOptions::chunk_lines`]
//! lines or [`BatchOptions::chunk_bytes`] bytes); each chunk is checked in
//! parallel (rayon) while the calling thread writes the previous chunk's
//! results, in order, and reads the next chunk. At most three chunks are
//! held, so memory depends on the chunk size, never on the input's.
//! A line is read up to [`BatchOptions::max_line_bytes`]: the rest of a
//! longer line is skipped, not kept, and the line gets a `token.size`
//! finding of its own. Blank lines are skipped; line numbers count them.
//!
//! Each output line is the object `check --format json` prints (compact)
//! with `"line"` first; with more than one backend, a token on which they
//! do not agree also gets `"disagreements"`.

use std::io::{self, BufRead, Write};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::backend::Backend;
use crate::check::{self, CheckOptions, SecretPrints};
use crate::findings::{Finding, NotChecked, Report, Verdict};
use crate::jose::Limits;
use crate::keys::{PrivateKey, PublicKey};
use crate::mistakes::Lang;
use crate::profile::Profile;
use crate::rules::{self as r, Severity};

/// Lines per chunk by default: enough to keep every core busy and make the
/// idle tail at the end of a chunk negligible.
pub const DEFAULT_CHUNK_LINES: usize = 4096;
/// Bytes per chunk by default (a chunk also ends at this much input).
pub const DEFAULT_CHUNK_BYTES: usize = 8 << 20;

/// Everything a batch needs besides its input and output.
#[derive(Debug, Clone)]
pub struct BatchOptions<'a> {
    /// The profile of every token.
    pub profile: Profile,
    /// The customer public key.
    pub verify_key: Option<&'a PublicKey>,
    /// The recipient private key.
    pub decrypt_key: Option<&'a PrivateKey>,
    /// The time every check uses.
    pub now: i64,
    /// Bounds of one token.
    pub limits: Limits,
    /// The backends, the first one's report written; the others only
    /// compared with it.
    pub backends: Vec<&'a dyn Backend>,
    /// The longest line read; longer ones are a finding, not a token.
    pub max_line_bytes: usize,
    /// Lines per chunk.
    pub chunk_lines: usize,
    /// Input bytes per chunk.
    pub chunk_bytes: usize,
    /// Mask claim and context values (`--redact`, see [`crate::redact`]).
    pub redact: bool,
    /// The language whose fix comes first (`--lang`).
    pub lang: Option<Lang>,
    /// Fingerprint each token's secrets for [`TokenFacts::prints`]
    /// (`audit`; one more RSA decryption per iAdvize token).
    pub prints: bool,
    /// Check each token at the system clock's time when it is checked,
    /// not at `now` (`audit --mint`: tokens minted while the batch runs).
    pub now_from_clock: bool,
}

impl<'a> BatchOptions<'a> {
    /// Options with the default chunk sizes and a line bound a little
    /// past the token limit (so a token just over it is still read, and
    /// gets the same `token.size` finding `check` gives it).
    pub fn new(profile: Profile, limits: Limits, now: i64, backends: Vec<&'a dyn Backend>) -> Self {
        Self {
            profile,
            verify_key: None,
            decrypt_key: None,
            now,
            limits,
            backends,
            max_line_bytes: limits.max_token_bytes.saturating_add(16),
            chunk_lines: DEFAULT_CHUNK_LINES,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            redact: false,
            lang: None,
            prints: false,
            now_from_clock: false,
        }
    }
}

/// What a batch found, for the summary line and the exit code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Tokens checked (lines that were not blank).
    pub tokens: u64,
    /// Tokens that pass.
    pub pass: u64,
    /// Tokens that fail.
    pub fail: u64,
    /// Tokens with no error but parts not checked (a key missing).
    pub incomplete: u64,
    /// Tokens on which the backends disagree.
    pub disagreements: u64,
    /// Blank lines skipped.
    pub blank: u64,
    /// Lines longer than the line bound (counted in `fail`).
    pub overlong: u64,
    /// Input bytes read.
    pub bytes: u64,
    /// Wall time of the whole batch.
    #[serde(skip)]
    pub elapsed: Duration,
}

impl Summary {
    /// Tokens per second of wall time.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.tokens as f64 / secs
        } else {
            0.0
        }
    }

    /// The overall verdict: fail if any token fails or the backends
    /// disagree on one, incomplete if any is incomplete, else pass.
    pub fn verdict(&self) -> Verdict {
        if self.fail > 0 || self.disagreements > 0 {
            Verdict::Fail
        } else if self.incomplete > 0 {
            Verdict::Incomplete
        } else {
            Verdict::Pass
        }
    }
}

/// One line of input, as read.
#[derive(Debug)]
enum Line {
    /// A token (not blank), decoded lossily: bytes that are not UTF-8 are
    /// a malformed token, which `check` reports.
    Token(String),
    /// A line longer than the bound: its length (none of it is kept).
    Overlong(u64),
}

/// Reads the next line into `buf` (without its `\n`) if it is at most
/// `max` bytes long, and returns its length; `None` at the end of input.
/// Adds every byte consumed, newline included, to `consumed`.
fn read_line(
    input: &mut dyn BufRead,
    max: usize,
    buf: &mut Vec<u8>,
    consumed: &mut u64,
) -> io::Result<Option<u64>> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let available = match input.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(any.then_some(total));
        }
        any = true;
        let (part, used, end) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        if total + part.len() as u64 <= max as u64 {
            buf.extend_from_slice(part);
        } else if !buf.is_empty() {
            // Over the bound: keep nothing of this line.
            buf.clear();
            buf.shrink_to(max.min(1 << 16));
        }
        total += part.len() as u64;
        *consumed += used as u64;
        input.consume(used);
        if end {
            return Ok(Some(total));
        }
    }
}

/// The report of a line too long to be read as a token: the `token.size`
/// finding `check` gives an oversized token, nothing parsed.
fn overlong_report(options: &BatchOptions<'_>, length: u64, backend: &dyn Backend) -> Report {
    let rule = r::TOKEN_SIZE;
    Report {
        profile: options.profile,
        verdict: Verdict::Fail,
        findings: vec![Finding::new(
            rule,
            format!(
                "the line is {length} bytes; the limit is {} (lines over {} bytes are not read)",
                options.limits.max_token_bytes, options.max_line_bytes
            ),
        )],
        header: None,
        inner_header: None,
        claims: None,
        context: None,
        not_checked: vec![NotChecked {
            part: "everything past the size limit",
            reason: "the line was not read".to_owned(),
        }],
        now: options.now,
        backend: backend.id(),
    }
}

/// What is kept of one checked token besides its JSON: what comparing it
/// with the sender's other tokens needs (`audit`, [`crate::sender`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFacts {
    /// Its line number.
    pub line: u64,
    /// Its verdict.
    pub verdict: Verdict,
    /// Its findings' ids and severities (info left out).
    pub findings: Vec<(&'static str, Severity)>,
    /// Fingerprints of its secrets (with [`BatchOptions::prints`]).
    pub prints: SecretPrints,
    /// Its iat and exp, in whole seconds, when they are numbers.
    pub iat: Option<i64>,
    /// See `iat`.
    pub exp: Option<i64>,
}

impl TokenFacts {
    fn of(line: u64, report: &Report, prints: SecretPrints) -> Self {
        let claim = |name: &str| {
            report
                .claims
                .as_ref()
                .and_then(|c| c.get(name))
                .and_then(serde_json::Value::as_f64)
                .filter(|t| t.is_finite() && t.abs() < 1e15)
                .map(|t| t.floor() as i64)
        };
        TokenFacts {
            line,
            verdict: report.verdict,
            findings: report
                .findings
                .iter()
                .filter(|f| f.severity != Severity::Info)
                .map(|f| (f.id, f.severity))
                .collect(),
            prints,
            iat: claim("iat"),
            exp: claim("exp"),
        }
    }
}

/// The result of one line: its JSON text and what to count.
struct Outcome {
    facts: TokenFacts,
    json: String,
    verdict: Verdict,
    disagreement: bool,
    overlong: bool,
}

/// A backend that disagrees with the first, in the output.
#[derive(Serialize)]
struct Disagreement<'a> {
    backend: &'static str,
    verdict: Verdict,
    findings: Vec<&'a str>,
}

fn check_line(options: &BatchOptions<'_>, number: u64, line: &Line) -> Outcome {
    let mut prints = SecretPrints::default();
    let now = if options.now_from_clock {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(options.now, |d| d.as_secs() as i64)
    } else {
        options.now
    };
    let reports: Vec<Report> = options
        .backends
        .iter()
        .enumerate()
        .map(|(i, backend)| match line {
            Line::Token(token) => {
                let check_options = CheckOptions {
                    profile: options.profile,
                    verify_key: options.verify_key,
                    decrypt_key: options.decrypt_key,
                    now,
                    limits: options.limits,
                    backend: *backend,
                };
                if i == 0 && options.prints {
                    let (report, first_prints) = check::check_with_prints(token, &check_options);
                    prints = first_prints;
                    report
                } else {
                    check::check(token, &check_options)
                }
            }
            Line::Overlong(length) => overlong_report(options, *length, *backend),
        })
        .collect();
    let first = &reports[0];
    let disagreements: Vec<Disagreement<'_>> = reports[1..]
        .iter()
        .filter(|r| r.verdict != first.verdict || r.ids() != first.ids())
        .map(|r| Disagreement {
            backend: r.backend,
            verdict: r.verdict,
            findings: r.ids(),
        })
        .collect();
    let mut redacted = options.redact.then(|| crate::redact::report(first));
    let preferring = match (&mut redacted, options.lang) {
        (Some(report), lang) => {
            report.prefer(lang);
            None
        }
        (None, Some(lang)) => {
            let mut report = first.clone();
            report.prefer(Some(lang));
            Some(report)
        }
        (None, None) => None,
    };
    // The report as written: redacted, or with the language's fix first.
    let rewritten = redacted.or(preferring);
    // `{"line":N,` then the report's own members: the same object as
    // `check --format json`, without building it twice.
    let report = serde_json::to_string(rewritten.as_ref().unwrap_or(first)).unwrap_or_else(|e| {
        format!(
            r#"{{"error":{}}}"#,
            serde_json::Value::String(e.to_string())
        )
    });
    let mut json = format!(r#"{{"line":{number},"#);
    json.push_str(report.strip_prefix('{').unwrap_or(&report));
    if !disagreements.is_empty() {
        json.pop();
        json.push_str(r#","disagreements":"#);
        json.push_str(&serde_json::to_string(&disagreements).unwrap_or_else(|_| "[]".into()));
        json.push('}');
    }
    Outcome {
        facts: TokenFacts::of(number, first, prints),
        json,
        verdict: first.verdict,
        disagreement: !disagreements.is_empty(),
        overlong: matches!(line, Line::Overlong(_)),
    }
}

/// Reads the input a chunk at a time, numbering lines.
struct Reader<'i> {
    input: &'i mut dyn BufRead,
    number: u64,
    buf: Vec<u8>,
    at_end: bool,
}

impl Reader<'_> {
    /// The next chunk: empty at the end of the input. On an input error,
    /// the lines read before it and the error.
    fn chunk(
        &mut self,
        options: &BatchOptions<'_>,
        summary: &mut Summary,
    ) -> (Vec<(u64, Line)>, Option<io::Error>) {
        let mut chunk = Vec::with_capacity(options.chunk_lines.clamp(1, 1 << 16));
        let mut chunk_bytes = 0usize;
        while !self.at_end
            && chunk.len() < options.chunk_lines.max(1)
            && chunk_bytes < options.chunk_bytes
        {
            let read = read_line(
                self.input,
                options.max_line_bytes,
                &mut self.buf,
                &mut summary.bytes,
            );
            let length = match read {
                Ok(length) => length,
                Err(error) => {
                    self.at_end = true;
                    return (chunk, Some(error));
                }
            };
            let Some(length) = length else {
                self.at_end = true;
                break;
            };
            self.number += 1;
            let line = if length > options.max_line_bytes as u64 {
                Line::Overlong(length)
            } else if self.buf.iter().all(u8::is_ascii_whitespace) {
                summary.blank += 1;
                continue;
            } else {
                chunk_bytes += self.buf.len();
                // Valid UTF-8 (the usual case) is only validated, not scanned
                // for replacement.
                let text = match std::str::from_utf8(&self.buf) {
                    Ok(text) => text.to_owned(),
                    Err(_) => String::from_utf8_lossy(&self.buf).into_owned(),
                };
                Line::Token(text)
            };
            chunk.push((self.number, line));
        }
        (chunk, None)
    }
}

/// Writes `outcomes` (emptying it) in order, counts them, flushes and
/// reports progress. Nothing to write is nothing done.
fn write_outcomes(
    output: &mut dyn Write,
    outcomes: &mut Vec<Outcome>,
    summary: &mut Summary,
    start: Instant,
    progress: &mut dyn FnMut(&Summary),
    observe: &mut dyn FnMut(&TokenFacts),
) -> io::Result<()> {
    if outcomes.is_empty() {
        return Ok(());
    }
    for outcome in outcomes.drain(..) {
        observe(&outcome.facts);
        output.write_all(outcome.json.as_bytes())?;
        output.write_all(b"\n")?;
        summary.tokens += 1;
        match outcome.verdict {
            Verdict::Pass => summary.pass += 1,
            Verdict::Fail => summary.fail += 1,
            Verdict::Incomplete => summary.incomplete += 1,
        }
        summary.disagreements += u64::from(outcome.disagreement);
        summary.overlong += u64::from(outcome.overlong);
    }
    output.flush()?;
    summary.elapsed = start.elapsed();
    progress(summary);
    Ok(())
}

/// Checks every token of `input`, writing one JSON line per token to
/// `output` in input order. `progress` is told the input bytes and tokens
/// done after each chunk. An I/O error stops the batch and is returned,
/// after the results of every line read before it are written.
pub fn run(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    options: &BatchOptions<'_>,
    progress: &mut dyn FnMut(&Summary),
) -> io::Result<Summary> {
    run_observed(input, output, options, progress, &mut |_| {})
}

/// [`run`], telling `observe` the [`TokenFacts`] of every token, in input
/// order, as its result is written.
pub fn run_observed(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    options: &BatchOptions<'_>,
    progress: &mut dyn FnMut(&Summary),
    observe: &mut dyn FnMut(&TokenFacts),
) -> io::Result<Summary> {
    if options.backends.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a batch needs at least one backend",
        ));
    }
    let start = Instant::now();
    let mut summary = Summary::default();
    let mut reader = Reader {
        input,
        number: 0,
        buf: Vec::new(),
        at_end: false,
    };
    // Three chunks at most are alive: the one being checked on the worker
    // threads while this thread writes the results of the one before and
    // reads the one after, so the cores do not wait for the I/O (nor a slow
    // pipe for the cores).
    let (mut chunk, mut failure) = reader.chunk(options, &mut summary);
    let mut previous: Vec<Outcome> = Vec::new();
    while !chunk.is_empty() {
        let mut checked: Vec<Outcome> = Vec::new();
        let (written, next) = rayon::in_place_scope(|scope| {
            let chunk = &chunk;
            let checked = &mut checked;
            scope.spawn(move |_| {
                // One line per task: a worker that runs ahead (cores of a
                // shared machine do not run at the same speed) takes
                // lines from the other's share instead of idling until the
                // chunk's slower half is done. Left to itself, rayon gives
                // each of two workers long runs of lines it cannot split,
                // and the faster core waited for 5-10% of the batch.
                *checked = chunk
                    .par_iter()
                    .with_max_len(1)
                    .map(|(n, line)| check_line(options, *n, line))
                    .collect();
            });
            let written = write_outcomes(
                output,
                &mut previous,
                &mut summary,
                start,
                progress,
                observe,
            );
            // Nothing more is read after an output error (nor after an
            // input error: the reader is then at its end).
            let next = if written.is_ok() {
                reader.chunk(options, &mut summary)
            } else {
                (Vec::new(), None)
            };
            (written, next)
        });
        written?;
        previous = checked;
        (chunk, failure) = (next.0, failure.or(next.1));
    }
    // The results of every line read before an input error are written
    // before the error is returned: nothing checked is lost.
    write_outcomes(
        output,
        &mut previous,
        &mut summary,
        start,
        progress,
        observe,
    )?;
    if let Some(error) = failure {
        return Err(error);
    }
    summary.elapsed = start.elapsed();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend;

    /// Three lines, then the input fails.
    struct FailsAfter(io::Cursor<Vec<u8>>);

    impl io::Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(io::Error::other("the disk is gone")),
                n => Ok(n),
            }
        }
    }

    #[test]
    fn an_input_error_loses_no_result_of_a_line_read_before_it() {
        let text = b"a.b\nc.d\ne.f\n".to_vec();
        let mut input = io::BufReader::new(FailsAfter(io::Cursor::new(text)));
        let mut output = Vec::new();
        let mut options = BatchOptions::new(
            Profile::Iadvize,
            Limits::default(),
            0,
            vec![backend::reproducible()],
        );
        options.chunk_lines = 2;
        let error =
            run(&mut input, &mut output, &options, &mut |_| {}).expect_err("the input failed");
        assert_eq!(error.to_string(), "the disk is gone");
        let lines: Vec<serde_json::Value> = String::from_utf8(output)
            .expect("UTF-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect();
        let numbers: Vec<u64> = lines.iter().filter_map(|l| l["line"].as_u64()).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert!(lines.iter().all(|l| l["verdict"] == "fail"));
    }
}
