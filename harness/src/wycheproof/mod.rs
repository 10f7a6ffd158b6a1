//! Project Wycheproof's JOSE vectors, run as they are against every backend.
//!
//! Wycheproof (C2SP/wycheproof) publishes `json_web_signature_test.json`
//! and `json_web_encryption_test.json`: test groups, each with a key as a
//! JWK, and cases saying whether a token is `valid`, `invalid` or
//! `acceptable` under that key. [`load`] reads the two files from a
//! directory (a Wycheproof checkout or a copy of its files) without
//! changing them; [`run`] runs every case the profiles' algorithms cover on
//! every backend that can; [`crate::report::wycheproof`] writes the result
//! for people.
//!
//! # What runs and what is skipped
//!
//! The profiles use exactly RS256 for signatures and exactly RSA-OAEP-256
//! with A256GCM for encryption. A case runs when its group holds an RSA key
//! and its protected header names those algorithms; every other case is
//! skipped and counted by reason (`alg ES256 not in the profiles`, `key
//! type EC`, `JSON serialization`, ...). A case whose header cannot be read
//! at all (too few segments, bad base64url, not a JSON object, no `alg`)
//! under an RSA key runs: a consumer of the profiles must reject it, and
//! the harness's strict parsing does, before any backend sees it.
//!
//! # Who decides
//!
//! Each outcome says who decided it ([`Stage`]): the harness's strict
//! parsing of the compact serialization ([`crate::jose`], [`crate::b64`],
//! [`crate::json`]), the harness's reading of the key's JWK members
//! (`use`, `key_ops` and `alg`, RFC 7517 §4.2–4.4: a key published for
//! encryption, or for PS512, does not verify an RS256 signature), or the
//! backend's cryptography. The backends take bare keys, not JWKs, so the
//! JWK members are the harness's business, as in the rest of the harness.
//!
//! Wycheproof's `valid` must be accepted, `invalid` rejected, and
//! `acceptable` may go either way; a decrypted plaintext must also be the
//! one Wycheproof gives. Anything else is an unexpected result, listed
//! with the case's `tcId`, comment and flags and the backend's library.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::b64;
use crate::backend::{Backend, JweParts};
use crate::jose::{self, Compact};
use crate::json;
use crate::keys::{self, LoadedKey, PrivateKey, PublicKey};

/// The JWS file's name in a Wycheproof checkout.
pub const SIGNATURE_FILE: &str = "json_web_signature_test.json";
/// The JWE file's name in a Wycheproof checkout.
pub const ENCRYPTION_FILE: &str = "json_web_encryption_test.json";
/// Where a Wycheproof checkout keeps its vectors, below the directory
/// given to [`load`]; the directory itself is searched first.
pub const SUBDIRECTORIES: [&str; 2] = ["testvectors_v1", "testvectors"];

/// The only JWS `alg` the profiles allow.
pub const JWS_ALG: &str = "RS256";
/// The only JWE `alg` the profiles allow.
pub const JWE_ALG: &str = "RSA-OAEP-256";
/// The only JWE `enc` the profiles allow.
pub const JWE_ENC: &str = "A256GCM";

/// Why the Wycheproof files could not be loaded. Every variant names the
/// file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WycheproofError {
    /// The file is in none of the places looked at.
    #[error("no {file} in {}: looked for {}", dir.display(), looked.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Missing {
        /// The file's name.
        file: &'static str,
        /// The directory given.
        dir: PathBuf,
        /// Every path tried.
        looked: Vec<PathBuf>,
    },
    /// The file exists but could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The file is not JSON.
    #[error("{} is not JSON: {source}", path.display())]
    NotJson {
        /// The file.
        path: PathBuf,
        /// serde_json's error, with line and column.
        source: serde_json::Error,
    },
    /// JSON, but not shaped as a Wycheproof file of this kind.
    #[error("{} does not follow Wycheproof's {kind} schema: {source}", path.display())]
    Schema {
        /// The file.
        path: PathBuf,
        /// `JSON Web Signature` or `JSON Web Encryption`.
        kind: &'static str,
        /// serde_json's error, with line and column.
        source: serde_json::Error,
    },
    /// The file says it follows another schema (two files swapped?).
    #[error("{} declares schema {found:?}; expected {expected}*", path.display())]
    WrongSchema {
        /// The file.
        path: PathBuf,
        /// The schema it declares.
        found: String,
        /// The prefix expected.
        expected: &'static str,
    },
    /// `numberOfTests` is not the number of cases in the file.
    #[error("{} declares numberOfTests {declared} but holds {found} test cases", path.display())]
    CountMismatch {
        /// The file.
        path: PathBuf,
        /// `numberOfTests`.
        declared: usize,
        /// Cases counted.
        found: usize,
    },
    /// Two cases share a `tcId`, so results could not be told apart.
    #[error("{} has more than one test case with tcId {tc_id}", path.display())]
    DuplicateTcId {
        /// The file.
        path: PathBuf,
        /// The repeated id.
        tc_id: u64,
    },
}

/// Results of this module.
pub type Result<T> = std::result::Result<T, WycheproofError>;

/// A JSON Web Key as Wycheproof writes it, members untouched.
pub type Jwk = Map<String, Value>;

/// A Wycheproof test file (schema `json_web_signature_schema_v1.json` or
/// `json_web_encryption_schema_v1.json`, and their unversioned
/// predecessors), generic over its test cases.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TestFile<T> {
    /// The algorithm (other Wycheproof files have it; the JOSE ones do not).
    #[serde(default)]
    pub algorithm: Option<String>,
    /// The generator's version (deprecated in the v1 files).
    #[serde(default)]
    pub generator_version: Option<String>,
    /// How many test cases the file says it holds.
    pub number_of_tests: usize,
    /// Documentation lines.
    #[serde(default)]
    pub header: Vec<String>,
    /// What each flag means.
    #[serde(default)]
    pub notes: BTreeMap<String, Note>,
    /// The schema the file follows.
    pub schema: String,
    /// The test groups.
    pub test_groups: Vec<TestGroup<T>>,
}

/// What a flag means: a sentence in the older files, an object in v1.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Note {
    /// The older form.
    Text(String),
    /// The v1 form.
    Detailed {
        /// The kind of bug the flag is about (`MODIFIED_PARAMETER`, ...).
        #[serde(rename = "bugType", default)]
        bug_type: Option<String>,
        /// What the flag means.
        #[serde(default)]
        description: Option<String>,
        /// Any other member (`effect`, `links`, `cves`).
        #[serde(flatten)]
        other: Map<String, Value>,
    },
}

/// Where a test group's vectors came from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Source {
    /// The generator (`google-wycheproof`).
    pub name: String,
    /// Its version.
    pub version: String,
}

/// A test group: cases sharing a key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestGroup<T> {
    /// `JsonWebSignature` or `JsonWebEncryption`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Where the vectors came from.
    #[serde(default)]
    pub source: Option<Source>,
    /// What the cases have in common (`rs256`, `jwe_rsa_oaep_256`, ...).
    #[serde(default)]
    pub comment: String,
    /// The private or secret key.
    #[serde(default)]
    pub private: Option<Jwk>,
    /// The public key, when there is one.
    #[serde(default)]
    pub public: Option<Jwk>,
    /// The cases.
    pub tests: Vec<T>,
}

/// What Wycheproof expects of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expected {
    /// Must be accepted.
    Valid,
    /// Must be rejected.
    Invalid,
    /// May be accepted or rejected.
    Acceptable,
}

impl Expected {
    /// Its name in the files.
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::Valid => "valid",
            Expected::Invalid => "invalid",
            Expected::Acceptable => "acceptable",
        }
    }
}

/// A JWS case.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwsCase {
    /// The case's id, unique in its file.
    #[serde(rename = "tcId")]
    pub tc_id: u64,
    /// What the case is about.
    pub comment: String,
    /// The token (compact, or a JSON serialization).
    pub jws: String,
    /// What Wycheproof expects.
    pub result: Expected,
    /// Flags explained in the file's notes.
    pub flags: Vec<String>,
}

/// A JWE case.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JweCase {
    /// The case's id, unique in its file.
    #[serde(rename = "tcId")]
    pub tc_id: u64,
    /// What the case is about.
    pub comment: String,
    /// The token (compact, or a JSON serialization).
    pub jwe: String,
    /// The plaintext a valid token decrypts to (hex in the file).
    #[serde(default, deserialize_with = "hex_bytes")]
    pub pt: Option<Vec<u8>>,
    /// The content encryption the case was made with.
    pub enc: String,
    /// What Wycheproof expects.
    pub result: Expected,
    /// Flags explained in the file's notes.
    pub flags: Vec<String>,
}

/// A loaded file with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteFile<T> {
    /// The file read.
    pub path: PathBuf,
    /// Its content.
    pub file: TestFile<T>,
}

/// Both JOSE files of a Wycheproof checkout.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    /// `json_web_signature_test.json`.
    pub signature: SuiteFile<JwsCase>,
    /// `json_web_encryption_test.json`.
    pub encryption: SuiteFile<JweCase>,
}

/// Reads both JOSE files from `dir`, or from its `testvectors_v1/` or
/// `testvectors/` (the layouts of a Wycheproof checkout), checking each
/// file's schema name, `numberOfTests` and that `tcId`s are unique.
pub fn load(dir: &Path) -> Result<Suite> {
    Ok(Suite {
        signature: load_file(
            dir,
            SIGNATURE_FILE,
            "JSON Web Signature",
            "json_web_signature",
        )?,
        encryption: load_file(
            dir,
            ENCRYPTION_FILE,
            "JSON Web Encryption",
            "json_web_encryption",
        )?,
    })
}

/// Where `file` is below `dir`: the first of `dir`, then
/// [`SUBDIRECTORIES`], that holds it.
pub fn locate(dir: &Path, file: &'static str) -> Result<PathBuf> {
    let looked: Vec<PathBuf> = std::iter::once(dir.join(file))
        .chain(SUBDIRECTORIES.iter().map(|sub| dir.join(sub).join(file)))
        .collect();
    match looked.iter().find(|p| p.is_file()) {
        Some(path) => Ok(path.clone()),
        None => Err(WycheproofError::Missing {
            file,
            dir: dir.to_path_buf(),
            looked,
        }),
    }
}

trait Case {
    fn tc_id(&self) -> u64;
}

impl Case for JwsCase {
    fn tc_id(&self) -> u64 {
        self.tc_id
    }
}

impl Case for JweCase {
    fn tc_id(&self) -> u64 {
        self.tc_id
    }
}

fn load_file<T: Case + for<'de> Deserialize<'de>>(
    dir: &Path,
    name: &'static str,
    kind: &'static str,
    schema_prefix: &'static str,
) -> Result<SuiteFile<T>> {
    let path = locate(dir, name)?;
    let bytes = std::fs::read(&path).map_err(|source| WycheproofError::Io {
        path: path.clone(),
        source,
    })?;
    let file: TestFile<T> = serde_json::from_slice(&bytes).map_err(|source| {
        if source.is_data() {
            WycheproofError::Schema {
                path: path.clone(),
                kind,
                source,
            }
        } else {
            WycheproofError::NotJson {
                path: path.clone(),
                source,
            }
        }
    })?;
    if !file.schema.starts_with(schema_prefix) {
        return Err(WycheproofError::WrongSchema {
            path,
            found: file.schema,
            expected: schema_prefix,
        });
    }
    let found: usize = file.test_groups.iter().map(|g| g.tests.len()).sum();
    if found != file.number_of_tests {
        return Err(WycheproofError::CountMismatch {
            path,
            declared: file.number_of_tests,
            found,
        });
    }
    let mut seen = BTreeSet::new();
    for case in file.test_groups.iter().flat_map(|g| &g.tests) {
        if !seen.insert(case.tc_id()) {
            return Err(WycheproofError::DuplicateTcId {
                path,
                tc_id: case.tc_id(),
            });
        }
    }
    Ok(SuiteFile { path, file })
}

fn hex_bytes<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Vec<u8>>, D::Error> {
    let text: Option<String> = Option::deserialize(deserializer)?;
    let Some(text) = text else {
        return Ok(None);
    };
    let digit = |c: u8| -> std::result::Result<u8, D::Error> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(serde::de::Error::custom(format!(
                "{:?} is not a hex digit",
                char::from(c)
            ))),
        }
    };
    if !text.len().is_multiple_of(2) {
        return Err(serde::de::Error::custom(
            "hex text of odd length".to_owned(),
        ));
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| Ok(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect::<std::result::Result<Vec<u8>, D::Error>>()
        .map(Some)
}

/// Who decided that a token is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// The harness's strict parsing of the compact serialization: segment
    /// count, base64url, the header's JSON and its `alg`/`enc`.
    Parse,
    /// The harness's reading of the key's JWK members `use`, `key_ops`
    /// and `alg` (RFC 7517 §4.2–4.4), or a key that does not load.
    Key,
    /// The backend's cryptography.
    Backend,
}

impl Stage {
    /// Its name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Parse => "parse",
            Stage::Key => "key",
            Stage::Backend => "backend",
        }
    }
}

/// What happened to a case on one backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The token was accepted (and a JWE decrypted to Wycheproof's
    /// plaintext, when the file gives it).
    Accepted,
    /// The JWE decrypted, but not to Wycheproof's plaintext.
    WrongPlaintext,
    /// The token was rejected.
    Rejected {
        /// Who rejected it.
        stage: Stage,
        /// Why.
        reason: String,
    },
    /// The backend panicked.
    Crashed {
        /// The panic's message, when it had one.
        detail: String,
    },
}

impl Outcome {
    fn accepted(&self) -> bool {
        matches!(self, Outcome::Accepted)
    }

    /// Whether this outcome is what Wycheproof expects.
    pub fn meets(&self, expected: Expected) -> bool {
        match (self, expected) {
            (Outcome::Crashed { .. } | Outcome::WrongPlaintext, _) => false,
            (_, Expected::Acceptable) => true,
            (outcome, Expected::Valid) => outcome.accepted(),
            (outcome, Expected::Invalid) => !outcome.accepted(),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Accepted => f.write_str("accepted"),
            Outcome::WrongPlaintext => f.write_str("decrypted, but not to Wycheproof's plaintext"),
            Outcome::Rejected { stage, reason } => {
                write!(f, "rejected ({}): {reason}", stage.as_str())
            }
            Outcome::Crashed { detail } => write!(f, "crashed: {detail}"),
        }
    }
}

/// One case whose outcome is not what Wycheproof expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unexpected {
    /// The case's id.
    #[serde(rename = "tcId")]
    pub tc_id: u64,
    /// Its test group's comment (`rs256`, `ps512`, ...).
    pub group: String,
    /// The case's comment.
    pub comment: String,
    /// Its flags.
    pub flags: Vec<String>,
    /// What Wycheproof expects.
    pub expected: Expected,
    /// What happened.
    pub actual: Outcome,
}

/// One backend's results on one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackendResults {
    /// The backend's id.
    pub backend: String,
    /// The library and version underneath.
    pub library: String,
    /// Cases run.
    pub run: usize,
    /// Cases whose outcome is what Wycheproof expects.
    pub passed: usize,
    /// Cases that reached the backend (the others were decided by the
    /// harness's parsing or key checks).
    pub reached_backend: usize,
    /// Cases whose outcome is not what Wycheproof expects.
    pub unexpected: Vec<Unexpected>,
    /// Cases not run, by reason.
    pub skipped: BTreeMap<String, usize>,
}

/// The results on one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileResults {
    /// The file's name.
    pub file: String,
    /// Where it was read from.
    pub path: String,
    /// What is run from it (`RS256 verification`, ...).
    pub runs: String,
    /// `numberOfTests`.
    pub number_of_tests: usize,
    /// One entry per backend able to run the file's cases.
    pub backends: Vec<BackendResults>,
    /// Backends given but without the capability, by id.
    pub not_capable: Vec<String>,
}

/// The results of [`run`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WycheproofReport {
    /// The JWS file, then the JWE file.
    pub files: Vec<FileResults>,
    /// Unexpected results over every file and backend.
    pub unexpected: usize,
}

impl WycheproofReport {
    /// The results on the file called `name`.
    pub fn file(&self, name: &str) -> Option<&FileResults> {
        self.files.iter().find(|f| f.file == name)
    }
}

impl FileResults {
    /// The results of the backend `id`.
    pub fn backend(&self, id: &str) -> Option<&BackendResults> {
        self.backends.iter().find(|b| b.backend == id)
    }
}

/// What the harness makes of a case before any backend.
enum Prepared<'k, I> {
    Skip(String),
    Decided(Outcome),
    Run { key: &'k I, input: Input },
}

enum Input {
    Jws {
        signing_input: String,
        signature: Vec<u8>,
    },
    Jwe {
        protected: String,
        parts: JweParts,
    },
}

/// A case's key as the harness holds it.
enum GroupKey<'a> {
    /// Not an RSA key (or none): every case is skipped with this reason.
    Unusable(String),
    /// The RSA JWK and the key it loads to.
    Rsa {
        jwk: &'a Jwk,
        loaded: std::result::Result<LoadedKey, String>,
    },
}

fn group_key<'a>(jwk: Option<&'a Jwk>, origin: &str) -> GroupKey<'a> {
    let Some(jwk) = jwk else {
        return GroupKey::Unusable("no key".into());
    };
    match jwk.get("kty").and_then(Value::as_str) {
        Some("RSA") => {}
        Some(kty) => return GroupKey::Unusable(format!("key type {}", shown(kty))),
        None => return GroupKey::Unusable("key without kty".into()),
    }
    let loaded = serde_json::to_vec(jwk)
        .map_err(|e| e.to_string())
        .and_then(|bytes| keys::parse(&bytes, origin).map_err(|e| e.to_string()));
    GroupKey::Rsa { jwk, loaded }
}

/// A value from the input, bounded and escaped for a reason or a report.
fn shown(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text
        .chars()
        .take(MAX)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    out
}

fn is_json_serialization(token: &str, flags: &[String]) -> bool {
    token.trim_start().starts_with('{') || flags.iter().any(|f| f == "JsonSerialization")
}

fn parse_reject(reason: impl Into<String>) -> Outcome {
    Outcome::Rejected {
        stage: Stage::Parse,
        reason: reason.into(),
    }
}

fn key_reject(reason: impl Into<String>) -> Outcome {
    Outcome::Rejected {
        stage: Stage::Key,
        reason: reason.into(),
    }
}

/// Decodes one compact segment strictly, naming it on failure.
fn segment(name: &str, text: &str) -> std::result::Result<Vec<u8>, Outcome> {
    b64::decode_url_strict(text)
        .map_err(|flaw| parse_reject(format!("{name}: {}", flaw.describe())))
}

/// The protected header as a JSON object.
fn header(text: &str) -> std::result::Result<Map<String, Value>, Outcome> {
    let bytes = segment("protected header", text)?;
    json::parse_object(&bytes, json::DEFAULT_MAX_DEPTH)
        .map_err(|p| parse_reject(format!("protected header: {p}")))
}

/// A header parameter that must be a string.
fn header_str<'h>(
    header: &'h Map<String, Value>,
    name: &str,
) -> std::result::Result<&'h str, Outcome> {
    match header.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(parse_reject(format!(
            "header parameter {name:?} is a {}, not a string",
            json::kind(other)
        ))),
        None => Err(parse_reject(format!("no {name:?} header parameter"))),
    }
}

/// What a key is for, for the JWK members `use` and `key_ops`.
#[derive(Clone, Copy)]
enum Purpose {
    Verify,
    Decrypt,
}

/// The JWK's own limits on its use (RFC 7517 §4.2 `use`, §4.3 `key_ops`,
/// §4.4 `alg`): `Err` with the reason when they forbid using it for
/// `purpose` with `alg`.
fn jwk_permits(jwk: &Jwk, purpose: Purpose, alg: &str) -> std::result::Result<(), Outcome> {
    let (wanted_use, ops): (&str, &[&str]) = match purpose {
        Purpose::Verify => ("sig", &["verify"]),
        Purpose::Decrypt => ("enc", &["decrypt", "unwrapKey"]),
    };
    if let Some(key_use) = jwk.get("use") {
        if key_use.as_str() != Some(wanted_use) {
            return Err(key_reject(format!(
                "the key's \"use\" is {}, not {wanted_use:?}",
                shown(&key_use.to_string())
            )));
        }
    }
    if let Some(key_ops) = jwk.get("key_ops") {
        let listed = key_ops.as_array().is_some_and(|a| {
            a.iter()
                .any(|op| op.as_str().is_some_and(|op| ops.contains(&op)))
        });
        if !listed {
            return Err(key_reject(format!(
                "the key's \"key_ops\" {} do not include {}",
                shown(&key_ops.to_string()),
                ops.join(" or ")
            )));
        }
    }
    if let Some(key_alg) = jwk.get("alg") {
        if key_alg.as_str() != Some(alg) {
            return Err(key_reject(format!(
                "the key's \"alg\" is {}, the header's {alg:?}",
                shown(&key_alg.to_string())
            )));
        }
    }
    Ok(())
}

fn prepare_jws<'k>(key: &'k GroupKey<'_>, case: &JwsCase) -> Prepared<'k, PublicKey> {
    if is_json_serialization(&case.jws, &case.flags) {
        return Prepared::Skip("JSON serialization".into());
    }
    let (jwk, loaded) = match key {
        GroupKey::Unusable(reason) => return Prepared::Skip(reason.clone()),
        GroupKey::Rsa { jwk, loaded } => (*jwk, loaded),
    };
    let decided = |outcome| Prepared::Decided(outcome);
    let jws = match jose::split(&case.jws) {
        Compact::Jws(jws) => jws,
        Compact::Jwe(_) => return decided(parse_reject("5 segments; a compact JWS has 3")),
        Compact::Other(n) => {
            return decided(parse_reject(format!("{n} segments; a compact JWS has 3")))
        }
    };
    let alg = match header(jws.header).and_then(|h| header_str(&h, "alg").map(str::to_owned)) {
        Ok(alg) => alg,
        Err(outcome) => return decided(outcome),
    };
    if alg != JWS_ALG {
        return Prepared::Skip(format!("alg {} not in the profiles", shown(&alg)));
    }
    if let Err(outcome) = jwk_permits(jwk, Purpose::Verify, &alg) {
        return decided(outcome);
    }
    let key = match loaded {
        Ok(key) => key.public(),
        Err(e) => return decided(key_reject(format!("the key does not load: {e}"))),
    };
    if let Err(outcome) = segment("payload", jws.payload) {
        return decided(outcome);
    }
    let signature = match segment("signature", jws.signature) {
        Ok(s) => s,
        Err(outcome) => return decided(outcome),
    };
    Prepared::Run {
        key,
        input: Input::Jws {
            signing_input: jws.signing_input().to_owned(),
            signature,
        },
    }
}

fn prepare_jwe<'k>(key: &'k GroupKey<'_>, case: &JweCase) -> Prepared<'k, PrivateKey> {
    if is_json_serialization(&case.jwe, &case.flags) {
        return Prepared::Skip("JSON serialization".into());
    }
    let (jwk, loaded) = match key {
        GroupKey::Unusable(reason) => return Prepared::Skip(reason.clone()),
        GroupKey::Rsa { jwk, loaded } => (*jwk, loaded),
    };
    let decided = |outcome| Prepared::Decided(outcome);
    let jwe = match jose::split(&case.jwe) {
        Compact::Jwe(jwe) => jwe,
        Compact::Jws(_) => return decided(parse_reject("3 segments; a compact JWE has 5")),
        Compact::Other(n) => {
            return decided(parse_reject(format!("{n} segments; a compact JWE has 5")))
        }
    };
    let protected = match header(jwe.header) {
        Ok(h) => h,
        Err(outcome) => return decided(outcome),
    };
    let alg = match header_str(&protected, "alg") {
        Ok(alg) => alg,
        Err(outcome) => return decided(outcome),
    };
    if alg != JWE_ALG {
        return Prepared::Skip(format!("alg {} not in the profiles", shown(alg)));
    }
    let enc = match header_str(&protected, "enc") {
        Ok(enc) => enc,
        Err(outcome) => return decided(outcome),
    };
    if enc != JWE_ENC {
        return Prepared::Skip(format!("enc {} not in the profiles", shown(enc)));
    }
    if let Err(outcome) = jwk_permits(jwk, Purpose::Decrypt, alg) {
        return decided(outcome);
    }
    let key = match loaded.as_ref().map(|k| k.private("the JWE")) {
        Ok(Ok(key)) => key,
        Ok(Err(e)) => return decided(key_reject(e.to_string())),
        Err(e) => return decided(key_reject(format!("the key does not load: {e}"))),
    };
    let parts = (|| {
        Ok::<_, Outcome>(JweParts {
            encrypted_key: segment("encrypted key", jwe.encrypted_key)?,
            iv: segment("IV", jwe.iv)?,
            ciphertext: segment("ciphertext", jwe.ciphertext)?,
            tag: segment("tag", jwe.tag)?,
        })
    })();
    match parts {
        Ok(parts) => Prepared::Run {
            key,
            input: Input::Jwe {
                protected: jwe.header.to_owned(),
                parts,
            },
        },
        Err(outcome) => decided(outcome),
    }
}

/// Runs `call` on a backend, turning a panic into [`Outcome::Crashed`].
fn guarded(call: impl FnOnce() -> Outcome) -> Outcome {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the backend panicked".into());
        Outcome::Crashed { detail }
    })
}

/// One case with what it needs, ready to run on each backend.
struct Ready<'k, K> {
    group: &'k str,
    tc_id: u64,
    comment: &'k str,
    flags: &'k [String],
    expected: Expected,
    plaintext: Option<&'k [u8]>,
    prepared: Prepared<'k, K>,
}

fn results_for<K>(
    backend: &dyn Backend,
    ready: &[Ready<'_, K>],
    execute: impl Fn(&dyn Backend, &K, &Input, Option<&[u8]>) -> Outcome,
) -> BackendResults {
    let mut results = BackendResults {
        backend: backend.id().to_owned(),
        library: backend.library(),
        run: 0,
        passed: 0,
        reached_backend: 0,
        unexpected: Vec::new(),
        skipped: BTreeMap::new(),
    };
    for case in ready {
        let outcome = match &case.prepared {
            Prepared::Skip(reason) => {
                *results.skipped.entry(reason.clone()).or_default() += 1;
                continue;
            }
            Prepared::Decided(outcome) => outcome.clone(),
            Prepared::Run { key, input } => {
                results.reached_backend += 1;
                guarded(|| execute(backend, key, input, case.plaintext))
            }
        };
        results.run += 1;
        if outcome.meets(case.expected) {
            results.passed += 1;
        } else {
            results.unexpected.push(Unexpected {
                tc_id: case.tc_id,
                group: case.group.to_owned(),
                comment: case.comment.to_owned(),
                flags: case.flags.to_vec(),
                expected: case.expected,
                actual: outcome,
            });
        }
    }
    results
}

fn file_name(path: &Path, fallback: &str) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| fallback.to_owned())
}

fn run_signatures(file: &SuiteFile<JwsCase>, backends: &[&'static dyn Backend]) -> FileResults {
    let name = file_name(&file.path, SIGNATURE_FILE);
    let keys: Vec<GroupKey<'_>> = file
        .file
        .test_groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let origin = format!("{name} group {} ({}) public key", i + 1, shown(&g.comment));
            group_key(g.public.as_ref().or(g.private.as_ref()), &origin)
        })
        .collect();
    let ready: Vec<Ready<'_, PublicKey>> = file
        .file
        .test_groups
        .iter()
        .zip(&keys)
        .flat_map(|(group, key)| {
            group.tests.iter().map(move |case| Ready {
                group: &group.comment,
                tc_id: case.tc_id,
                comment: &case.comment,
                flags: &case.flags,
                expected: case.result,
                plaintext: None,
                prepared: prepare_jws(key, case),
            })
        })
        .collect();
    let header = FileHeader {
        name,
        path: file.path.display().to_string(),
        runs: format!("{JWS_ALG} verification with the group's public JWK"),
        number_of_tests: file.file.number_of_tests,
    };
    file_results(
        header,
        backends,
        |c| c.rs256_verify,
        &ready,
        |backend, key, input, _| match input {
            Input::Jws {
                signing_input,
                signature,
            } => match backend.rs256_verify(key, signing_input.as_bytes(), signature) {
                Ok(()) => Outcome::Accepted,
                Err(e) => Outcome::Rejected {
                    stage: Stage::Backend,
                    reason: e.to_string(),
                },
            },
            Input::Jwe { .. } => Outcome::Crashed {
                detail: "internal: a JWE input in the JWS run".into(),
            },
        },
    )
}

fn run_encryptions(file: &SuiteFile<JweCase>, backends: &[&'static dyn Backend]) -> FileResults {
    let name = file_name(&file.path, ENCRYPTION_FILE);
    let keys: Vec<GroupKey<'_>> = file
        .file
        .test_groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let origin = format!("{name} group {} ({}) private key", i + 1, shown(&g.comment));
            group_key(g.private.as_ref(), &origin)
        })
        .collect();
    let ready: Vec<Ready<'_, PrivateKey>> = file
        .file
        .test_groups
        .iter()
        .zip(&keys)
        .flat_map(|(group, key)| {
            group.tests.iter().map(move |case| Ready {
                group: &group.comment,
                tc_id: case.tc_id,
                comment: &case.comment,
                flags: &case.flags,
                expected: case.result,
                plaintext: case.pt.as_deref(),
                prepared: prepare_jwe(key, case),
            })
        })
        .collect();
    let header = FileHeader {
        name,
        path: file.path.display().to_string(),
        runs: format!("{JWE_ALG} + {JWE_ENC} decryption with the group's private JWK"),
        number_of_tests: file.file.number_of_tests,
    };
    file_results(
        header,
        backends,
        |c| c.jwe_decrypt,
        &ready,
        |backend, key, input, plaintext| match input {
            Input::Jwe { protected, parts } => match backend.jwe_decrypt(key, protected, parts) {
                Ok(got) => match plaintext {
                    Some(expected) if expected != got.as_slice() => Outcome::WrongPlaintext,
                    _ => Outcome::Accepted,
                },
                Err(e) => Outcome::Rejected {
                    stage: Stage::Backend,
                    reason: e.to_string(),
                },
            },
            Input::Jws { .. } => Outcome::Crashed {
                detail: "internal: a JWS input in the JWE run".into(),
            },
        },
    )
}

/// What a file's results say about the file itself.
struct FileHeader {
    name: String,
    path: String,
    runs: String,
    number_of_tests: usize,
}

/// Runs the prepared cases of one file on every backend that has the
/// capability `capable` asks for, and names those that lack it.
fn file_results<K>(
    header: FileHeader,
    backends: &[&'static dyn Backend],
    capable: fn(&crate::backend::Capabilities) -> bool,
    ready: &[Ready<'_, K>],
    execute: impl Fn(&dyn Backend, &K, &Input, Option<&[u8]>) -> Outcome,
) -> FileResults {
    let (able, not_capable): (Vec<&'static dyn Backend>, Vec<_>) = backends
        .iter()
        .copied()
        .partition(|b| capable(&b.capabilities()));
    FileResults {
        file: header.name,
        path: header.path,
        runs: header.runs,
        number_of_tests: header.number_of_tests,
        backends: able
            .iter()
            .map(|b| results_for(*b, ready, &execute))
            .collect(),
        not_capable: not_capable.iter().map(|b| b.id().to_owned()).collect(),
    }
}

/// Runs every case the profiles cover on every backend in `backends`
/// able to: JWS cases on those that verify RS256, JWE cases on those that
/// decrypt RSA-OAEP-256 + A256GCM. Never panics; a backend that panics is
/// reported as [`Outcome::Crashed`].
pub fn run(suite: &Suite, backends: &[&'static dyn Backend]) -> WycheproofReport {
    let files = vec![
        run_signatures(&suite.signature, backends),
        run_encryptions(&suite.encryption, backends),
    ];
    let unexpected = files
        .iter()
        .flat_map(|f| &f.backends)
        .map(|b| b.unexpected.len())
        .sum();
    WycheproofReport { files, unexpected }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "jose-harness-wycheproof-{tag}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    const EMPTY_JWE: &str = r#"{"numberOfTests":0,"header":[],"notes":{},"schema":"json_web_encryption_schema_v1.json","testGroups":[]}"#;

    #[test]
    fn errors_name_the_file_and_the_problem() {
        let dir = temp_dir("errors");
        let err = load(&dir).unwrap_err().to_string();
        assert!(
            err.contains(SIGNATURE_FILE) && err.contains("testvectors_v1"),
            "{err}"
        );

        write(&dir, SIGNATURE_FILE, "not json");
        write(&dir, ENCRYPTION_FILE, EMPTY_JWE);
        let err = load(&dir).unwrap_err();
        assert!(matches!(err, WycheproofError::NotJson { .. }), "{err}");
        assert!(err.to_string().contains(SIGNATURE_FILE), "{err}");

        write(
            &dir,
            SIGNATURE_FILE,
            r#"{"numberOfTests":2,"header":[],"notes":{},"schema":"json_web_signature_schema_v1.json","testGroups":[{"type":"JsonWebSignature","source":{"name":"g","version":"1"},"tests":[{"tcId":1,"comment":"","jws":"a.b.c","result":"valid","flags":[]}]}]}"#,
        );
        let err = load(&dir).unwrap_err().to_string();
        assert!(
            err.contains("numberOfTests 2 but holds 1 test cases"),
            "{err}"
        );

        write(&dir, SIGNATURE_FILE, EMPTY_JWE);
        let err = load(&dir).unwrap_err().to_string();
        assert!(err.contains("declares schema"), "{err}");

        write(
            &dir,
            SIGNATURE_FILE,
            r#"{"numberOfTests":0,"header":[],"notes":{},"schema":"json_web_signature_schema_v1.json","testGroups":[],"surprise":1}"#,
        );
        let err = load(&dir).unwrap_err();
        assert!(matches!(err, WycheproofError::Schema { .. }), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn finds_the_files_in_a_checkout_layout() {
        let dir = temp_dir("layout");
        let sub = dir.join("testvectors_v1");
        std::fs::create_dir_all(&sub).unwrap();
        write(
            &sub,
            SIGNATURE_FILE,
            r#"{"numberOfTests":0,"header":[],"notes":{"F":"old style"},"schema":"json_web_signature_schema_v1.json","testGroups":[]}"#,
        );
        write(&sub, ENCRYPTION_FILE, EMPTY_JWE);
        let suite = load(&dir).unwrap();
        assert_eq!(suite.signature.path, sub.join(SIGNATURE_FILE));
        let report = run(&suite, &crate::backend::all());
        assert_eq!(report.unexpected, 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn malformed_cases_are_counted_not_panics() {
        let dir = temp_dir("malformed");
        let rs256 = b64::encode_url(br#"{"alg":"RS256"}"#);
        let alg_number = b64::encode_url(br#"{"alg":256}"#);
        let cases = [
            (1, format!("{rs256}.e30.AA"), "valid"),
            (2, format!("{alg_number}.e30.AA"), "invalid"),
            (3, "\u{1F600}.\u{0}.x".to_owned(), "invalid"),
            (4, format!("{rs256}.e30=.AA"), "acceptable"),
        ];
        let tests: Vec<Value> = cases
            .iter()
            .map(|(id, jws, result)| {
                serde_json::json!({"tcId": id, "comment": "", "jws": jws, "result": result, "flags": []})
            })
            .collect();
        let file = serde_json::json!({
            "numberOfTests": tests.len(),
            "header": [],
            "notes": {},
            "schema": "json_web_signature_schema_v1.json",
            "testGroups": [{
                "type": "JsonWebSignature",
                "public": {"kty": "RSA", "n": "!!", "e": "AQAB"},
                "tests": tests,
            }],
        });
        write(&dir, SIGNATURE_FILE, &file.to_string());
        write(&dir, ENCRYPTION_FILE, EMPTY_JWE);
        let suite = load(&dir).unwrap();
        let report = run(&suite, &crate::backend::all());
        let jws = report.file(SIGNATURE_FILE).unwrap();
        let reference = jws.backend("reference").unwrap();
        assert_eq!((reference.run, reference.passed), (4, 3));
        assert_eq!(reference.reached_backend, 0);
        let failed = &reference.unexpected[0];
        assert_eq!(failed.tc_id, 1);
        assert!(
            matches!(&failed.actual, Outcome::Rejected { stage: Stage::Key, reason } if reason.contains("does not load")),
            "{:?}",
            failed.actual
        );
        let mut text = Vec::new();
        crate::report::wycheproof::write_text(&report, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("tcId 1") && text.contains("FAIL"), "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn outcomes_against_expectations() {
        let rejected = parse_reject("x");
        assert!(Outcome::Accepted.meets(Expected::Valid));
        assert!(!Outcome::Accepted.meets(Expected::Invalid));
        assert!(Outcome::Accepted.meets(Expected::Acceptable));
        assert!(rejected.meets(Expected::Invalid) && rejected.meets(Expected::Acceptable));
        assert!(!rejected.meets(Expected::Valid));
        assert!(!Outcome::WrongPlaintext.meets(Expected::Acceptable));
        let crashed = Outcome::Crashed { detail: "x".into() };
        assert!(!crashed.meets(Expected::Invalid));
    }

    #[test]
    fn jwk_members_limit_the_key() {
        let jwk = |v: Value| v.as_object().cloned().unwrap();
        let ok =
            jwk(serde_json::json!({"kty":"RSA","use":"sig","alg":"RS256","key_ops":["verify"]}));
        assert!(jwk_permits(&ok, Purpose::Verify, "RS256").is_ok());
        let enc = jwk(serde_json::json!({"kty":"RSA","use":"enc"}));
        assert!(jwk_permits(&enc, Purpose::Verify, "RS256").is_err());
        assert!(jwk_permits(&enc, Purpose::Decrypt, "RSA-OAEP-256").is_ok());
        let ops = jwk(serde_json::json!({"kty":"RSA","key_ops":["encrypt"]}));
        assert!(jwk_permits(&ops, Purpose::Verify, "RS256").is_err());
        let ps = jwk(serde_json::json!({"kty":"RSA","alg":"PS512"}));
        assert!(jwk_permits(&ps, Purpose::Verify, "RS256").is_err());
    }

    #[test]
    fn shown_bounds_and_escapes() {
        assert_eq!(shown("RS256"), "RS256");
        assert_eq!(shown("a\nb"), "a\\nb");
        assert_eq!(shown(&"x".repeat(50)).chars().count(), 41);
    }
}
