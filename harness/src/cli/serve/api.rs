//! The page's JSON endpoints: `POST /api/check` (one token) and `POST
//! /api/audit` (tokens one per line). Each runs what the command line runs
//! and answers the very bytes `check --format json` and `audit --format
//! json` print, so the page and the CLI cannot disagree. Keys come in the
//! request, are parsed into memory for it alone and dropped (their text
//! wiped) when it is answered; nothing is logged or written.

use serde::Deserialize;
use serde_json::json;
use zeroize::Zeroize;

use jose_harness::backend::{self, Backend, Stacked};
use jose_harness::batch::BatchOptions;
use jose_harness::check::{self, CheckOptions};
use jose_harness::jose::Limits;
use jose_harness::keys::{self, KeyMaterial, LoadedKey, PrivateKey, PublicKey, MAX_KEY_FILE_BYTES};
use jose_harness::mistakes::Lang;
use jose_harness::profile::Profile;
use jose_harness::redact;

use super::super::args::{check_backends, now_or_clock, Format};
use super::super::{audit_cmd, output};
use super::http::Response;

/// The most bytes of tokens one `/api/audit` request may carry.
pub const MAX_BATCH_BYTES: usize = 4 << 20;

/// Room for the JSON around the token and keys, and for their escapes
/// (a PEM's line breaks are two bytes each in JSON).
const JSON_OVERHEAD: usize = 16 * 1024;

/// The largest body `/api/check` reads: a token of `--max-token-bytes`
/// and two keys of the largest key file `check` reads, as JSON strings.
pub fn check_body_limit(limits: &Limits) -> usize {
    limits
        .max_token_bytes
        .saturating_add(16)
        .saturating_mul(2)
        .saturating_add(4 * MAX_KEY_FILE_BYTES as usize)
        .saturating_add(JSON_OVERHEAD)
}

/// The largest body `/api/audit` reads.
pub fn audit_body_limit() -> usize {
    (2 * MAX_BATCH_BYTES)
        .saturating_add(4 * MAX_KEY_FILE_BYTES as usize)
        .saturating_add(JSON_OVERHEAD)
}

/// The body both endpoints take: a token (`/api/check`) or tokens
/// (`/api/audit`), the keys and the settings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    /// The token (`/api/check`).
    #[serde(default)]
    token: Option<String>,
    /// The tokens, one per line (`/api/audit`).
    #[serde(default)]
    tokens: Option<String>,
    /// `iadvize` or `moveo`.
    profile: String,
    /// The customer public key (or its private key), in any form `check`
    /// reads from a file.
    #[serde(default)]
    verify_key: Option<String>,
    /// The recipient private key.
    #[serde(default)]
    decrypt_key: Option<String>,
    /// Seconds since the epoch; the server's clock when absent.
    #[serde(default)]
    now: Option<i64>,
    /// `--redact`.
    #[serde(default)]
    redact: bool,
    /// `--lang`.
    #[serde(default)]
    lang: Option<String>,
}

impl Drop for Settings {
    fn drop(&mut self) {
        if let Some(key) = self.verify_key.as_mut() {
            key.zeroize();
        }
        if let Some(key) = self.decrypt_key.as_mut() {
            key.zeroize();
        }
    }
}

/// An error answer: `{"error": message}` with a 4xx or 5xx status.
pub fn error(status: u16, message: impl Into<String>) -> Response {
    let body = json!({ "error": message.into() }).to_string().into_bytes();
    Response {
        status,
        content_type: "application/json",
        headers: Vec::new(),
        body,
    }
}

fn ok_json(body: Vec<u8>) -> Response {
    Response {
        status: 200,
        content_type: "application/json",
        headers: Vec::new(),
        body,
    }
}

/// What the settings of a request come to: the profile, the loaded keys,
/// the backend, the time.
struct Prepared {
    profile: Profile,
    verify: Option<LoadedKey>,
    decrypt: Option<LoadedKey>,
    backends: Vec<Stacked>,
    now: i64,
    redact: bool,
    lang: Option<Lang>,
}

impl Prepared {
    fn verify(&self) -> Option<&PublicKey> {
        self.verify.as_ref().map(LoadedKey::public)
    }

    fn decrypt(&self) -> Option<&PrivateKey> {
        match &self.decrypt.as_ref()?.material {
            KeyMaterial::Private(key) => Some(key),
            KeyMaterial::Public(_) => None,
        }
    }
}

/// Loads a key given as text; blank text is no key.
fn load_key(text: Option<&str>, what: &str) -> Result<Option<LoadedKey>, Response> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    if text.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(error(
            413,
            format!(
                "the {what} is {} bytes; a key file is at most {MAX_KEY_FILE_BYTES}",
                text.len()
            ),
        ));
    }
    keys::parse(text.as_bytes(), &format!("the {what}"))
        .map(Some)
        .map_err(|e| error(422, e.to_string()))
}

fn prepare(settings: &Settings) -> Result<Prepared, Response> {
    let profile = Profile::from_name(&settings.profile).ok_or_else(|| {
        let names: Vec<&str> = Profile::ALL.iter().map(|p| p.as_str()).collect();
        error(
            400,
            format!(
                "unknown profile {:?}; one of: {}",
                settings.profile,
                names.join(", ")
            ),
        )
    })?;
    let lang = settings
        .lang
        .as_deref()
        .filter(|l| !l.is_empty())
        .map(str::parse::<Lang>)
        .transpose()
        .map_err(|e| error(400, e))?;
    let verify = load_key(settings.verify_key.as_deref(), "verify key")?;
    let decrypt = load_key(settings.decrypt_key.as_deref(), "decrypt key")?;
    if let Some(decrypt) = &decrypt {
        decrypt
            .private("the decrypt key field")
            .map_err(|e| error(422, e.to_string()))?;
    }
    let backends = check_backends(profile, backend::DEFAULT_FOR_CHECKING)
        .map_err(|e| error(500, format!("{e:#}")))?;
    let now = now_or_clock(settings.now).map_err(|e| error(500, format!("{e:#}")))?;
    Ok(Prepared {
        profile,
        verify,
        decrypt,
        backends,
        now,
        redact: settings.redact,
        lang,
    })
}

fn parse_body<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| {
        error(
            400,
            format!("the request body is not the JSON this endpoint takes: {e}"),
        )
    })
}

/// `POST /api/check`: `{"profile", "token", "verify_key"?, "decrypt_key"?,
/// "now"?, "redact"?, "lang"?}` → `check --format json`'s report.
pub fn check(body: &[u8], limits: Limits) -> Response {
    let request: Settings = match parse_body(body) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let Some(token) = request.token.as_deref() else {
        return error(400, "the request body has no \"token\"");
    };
    let prepared = match prepare(&request) {
        Ok(prepared) => prepared,
        Err(response) => return response,
    };
    // The token as `check --token -` reads it from stdin: a little past
    // the limit at most (an oversized token is a finding, as there).
    let cap = limits.max_token_bytes.saturating_add(17);
    let token = if token.len() > cap {
        String::from_utf8_lossy(&token.as_bytes()[..cap])
    } else {
        std::borrow::Cow::Borrowed(token)
    };
    let report = check::check(
        &token,
        &CheckOptions {
            profile: prepared.profile,
            verify_key: prepared.verify(),
            decrypt_key: prepared.decrypt(),
            now: prepared.now,
            limits,
            backend: &prepared.backends[0],
        },
    );
    let mut report = if prepared.redact {
        redact::report(&report)
    } else {
        report
    };
    report.prefer(prepared.lang);
    let mut out = Vec::new();
    match output::reporter(Format::Json).write(&report, &mut out) {
        Ok(()) => ok_json(out),
        Err(e) => error(500, format!("cannot write the report: {e}")),
    }
}

/// `POST /api/audit`: `{"profile", "tokens", "verify_key"?, "decrypt_key"?,
/// "now"?, "redact"?}` → `audit --format json`'s object (`lang` is taken
/// and, as `audit` has no `--lang`, does not reorder the fixes).
pub fn audit(body: &[u8], limits: Limits) -> Response {
    let request: Settings = match parse_body(body) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let Some(tokens) = request.tokens.as_deref() else {
        return error(400, "the request body has no \"tokens\"");
    };
    if tokens.len() > MAX_BATCH_BYTES {
        return error(
            413,
            format!("the tokens are more than {MAX_BATCH_BYTES} bytes; run `jose-harness audit` on a file instead"),
        );
    }
    let prepared = match prepare(&request) {
        Ok(prepared) => prepared,
        Err(response) => return response,
    };
    let mut options = BatchOptions::new(
        prepared.profile,
        limits,
        prepared.now,
        prepared
            .backends
            .iter()
            .map(|s| s as &dyn Backend)
            .collect(),
    );
    options.verify_key = prepared.verify();
    options.decrypt_key = prepared.decrypt();
    options.redact = prepared.redact;
    options.prints = true;
    let mut out = Vec::new();
    let mut input = tokens.as_bytes();
    match audit_cmd::write_json(&mut input, &mut out, &options, None, "lines") {
        Ok(_) => ok_json(out),
        Err(e) => error(500, format!("cannot audit the tokens: {e:#}")),
    }
}
