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
//! parsing of the compact serialization ([`crate::jose`], [`crate::jose::b64`],
//! [`crate::jose::json`]), the harness's reading of the key's JWK members
//! (`use`, `key_ops` and `alg`, RFC 7517 §4.2–4.4: a key published for
//! encryption, or for PS512, does not verify an RS256 signature), or the
//! backend's cryptography. The backends take bare keys, not JWKs, so the
//! JWK members are the harness's business, as in the rest of the harness.
//!
//! Wycheproof's `valid` must be accepted, `invalid` rejected, and
//! `acceptable` may go either way; a decrypted plaintext must also be the
//! one Wycheproof gives. Anything else is an unexpected result, listed
//! with the case's `tcId`, comment and flags and the backend's library.
//!
//! The files' model is in [`model`]; [`load`] reads them; the harness's
//! own decisions before any backend (parsing, the JWK's members) are in
//! `triage.rs`; `run.rs` hands the rest to each backend; the results are
//! data ([`results`]).

use std::io;
use std::path::PathBuf;

mod load;
pub mod model;
pub mod results;
pub(crate) mod run;
#[cfg(test)]
mod tests;
pub(crate) mod triage;

pub use load::{load, locate};
pub use model::{
    Expected, JweCase, Jwk, JwsCase, Note, Source, Suite, SuiteFile, TestFile, TestGroup,
};
pub use results::{
    is_wrong_plaintext, meets, wrong_message, wrong_plaintext, BackendResults, FileResults, Stage,
    Unexpected, WycheproofReport, WRONG_MESSAGE, WRONG_PLAINTEXT,
};
pub use run::run;

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
