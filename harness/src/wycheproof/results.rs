//! What a run of the JOSE files leaves: per file and backend the counts,
//! the skipped cases by reason, and every unexpected outcome with who
//! decided it. Data only; `report::wycheproof` renders it.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::model::Expected;

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
