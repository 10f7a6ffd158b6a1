//! What a run of the JOSE files leaves: per file and backend the counts,
//! the skipped cases by reason, and every unexpected [`Outcome`] with who
//! decided it; and how an outcome meets Wycheproof's expectation. Data
//! only; `report::wycheproof` renders it.
//!
//! The outcomes are the harness's one vocabulary
//! ([`crate::implementation::Outcome`]); Wycheproof's JSON keeps its own
//! words for them (`stage` and `reason` for a rejection, `wrong_plaintext`
//! for a JWE decrypted to another plaintext), so saved results read the
//! same.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::model::Expected;
use crate::implementation::Outcome;

/// Who decided that a token is rejected: the class of a Wycheproof
/// case's [`Outcome::Rejected`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Its name in reports, and the class of its rejections.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Parse => "parse",
            Stage::Key => "key",
            Stage::Backend => "backend",
        }
    }

    /// A rejection decided at this stage.
    pub fn reject(self, reason: impl Into<String>) -> Outcome {
        Outcome::Rejected {
            class: self.as_str().to_owned(),
            detail: reason.into(),
        }
    }
}

/// The detail of the [`Outcome::Crashed`] of a JWE that decrypted, but not
/// to Wycheproof's plaintext: a wrong answer, which no expectation allows.
pub const WRONG_PLAINTEXT: &str = "decrypted, but not to Wycheproof's plaintext";

/// A JWE that decrypted to another plaintext than Wycheproof's.
pub fn wrong_plaintext() -> Outcome {
    Outcome::Crashed {
        detail: WRONG_PLAINTEXT.to_owned(),
    }
}

/// The detail of the [`Outcome::Crashed`] of a case of a suite that gives
/// each case's message (Rooterberg's `msg`): a token accepted, but whose
/// payload or plaintext is another. A wrong answer too.
pub const WRONG_MESSAGE: &str = "accepted, but not with the file's msg";

/// A token accepted with another message than the file's.
pub fn wrong_message() -> Outcome {
    Outcome::Crashed {
        detail: WRONG_MESSAGE.to_owned(),
    }
}

/// Whether `outcome` is [`wrong_plaintext`] or [`wrong_message`]: a wrong
/// answer, not a crash.
pub fn is_wrong_plaintext(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Crashed { detail } if detail == WRONG_PLAINTEXT || detail == WRONG_MESSAGE)
}

/// Whether `outcome` is what Wycheproof expects: `valid` accepted,
/// `invalid` rejected, `acceptable` either; a crash (or a wrong plaintext)
/// never.
pub fn meets(outcome: &Outcome, expected: Expected) -> bool {
    match (outcome, expected) {
        (Outcome::Crashed { .. } | Outcome::Skipped { .. }, _) => false,
        (_, Expected::Acceptable) => true,
        (outcome, Expected::Valid) => outcome.is_accepted(),
        (outcome, Expected::Invalid) => !outcome.is_accepted(),
    }
}

/// An outcome in Wycheproof's JSON: `{"outcome": "accepted"}`,
/// `{"outcome": "wrong_plaintext"}` (`"wrong_message"` for
/// [`wrong_message`]), `{"outcome": "rejected", "stage",
/// "reason"}`, `{"outcome": "skipped", "reason"}` or `{"outcome":
/// "crashed", "detail"}`.
fn wycheproof_json<S: Serializer>(outcome: &Outcome, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    match outcome {
        Outcome::Crashed { detail } if detail == WRONG_MESSAGE => {
            map.serialize_entry("outcome", "wrong_message")?
        }
        _ if is_wrong_plaintext(outcome) => map.serialize_entry("outcome", "wrong_plaintext")?,
        Outcome::Accepted { .. } => map.serialize_entry("outcome", "accepted")?,
        Outcome::Rejected { class, detail } => {
            map.serialize_entry("outcome", "rejected")?;
            map.serialize_entry("stage", class)?;
            map.serialize_entry("reason", detail)?;
        }
        Outcome::Skipped { reason } => {
            map.serialize_entry("outcome", "skipped")?;
            map.serialize_entry("reason", reason)?;
        }
        Outcome::Crashed { detail } => {
            map.serialize_entry("outcome", "crashed")?;
            map.serialize_entry("detail", detail)?;
        }
    }
    map.end()
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
    #[serde(serialize_with = "wycheproof_json")]
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

/// The results of [`run`](fn@super::run).
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
