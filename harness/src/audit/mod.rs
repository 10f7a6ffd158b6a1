//! What the auditors' report shows, gathered in one serializable value:
//! every vector with its decoded token, the expected result and each
//! implementation's outcome; the interop matrix; the rules catalogue; the
//! known quirks; Wycheproof's and Rooterberg's results when they were run; and the
//! versions and seeds that make it reproducible.
//!
//! [`assemble`] builds it from the results of `vectors run` and `interop`
//! (run now or read back from their JSON), decoding every vector with the
//! reference (`decode.rs`): the one place this data is computed rather
//! than copied. `report/` renders it: the HTML page embeds it whole, the
//! Markdown summary reads its counts. Nothing in it depends on the wall
//! clock, so the same inputs give the same bytes.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::findings::Verdict;
use crate::implementation::Quirks;
use crate::interop::{Matrix, MatrixVerdict, Roles};
use crate::mistakes::Mistake;
use crate::profile::Profile;
use crate::rooterberg::RooterbergReport;
use crate::rules::{Rule, Severity};
use crate::vectors::run::RunReport;
use crate::vectors::{BugType, Expect, VectorKeys};
use crate::wycheproof::WycheproofReport;

mod assemble;
mod decode;

pub use assemble::{assemble, Inputs};

/// The schema id of [`AuditData`], for whoever reads the embedded JSON.
pub const SCHEMA_ID: &str = "jose-harness-audit-v1";

/// Everything the report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditData {
    /// Always [`SCHEMA_ID`].
    pub schema: &'static str,
    /// Pass when every vector, interop cell, negative case, Wycheproof and
    /// Rooterberg
    /// case came out as expected and no quirk is stale.
    pub verdict: MatrixVerdict,
    /// The harness and the OpenSSL it was built with.
    pub versions: Versions,
    /// Where the vectors come from.
    pub vectors: VectorsSummary,
    /// Every flag of the vector files, explained.
    pub flags: Vec<FlagNote>,
    /// Every vector with its results, failing ones first.
    pub cases: Vec<VectorResult>,
    /// Every implementation with its counts.
    pub implementations: Vec<ImplementationSummary>,
    /// The vectors run as `vectors run --format json` prints it.
    pub run: RunReport,
    /// The interop matrix as `interop --format json` prints it.
    pub matrix: Option<Matrix>,
    /// The rules catalogue (`jose-harness checks`).
    pub rules: Vec<Rule>,
    /// The mistakes diagnosis can name (`jose-harness checks --mistakes`).
    pub mistakes: &'static [Mistake],
    /// The known quirks used to judge the run.
    pub quirks: Quirks,
    /// Project Wycheproof's JOSE files, when they were run.
    pub wycheproof: Option<WycheproofReport>,
    /// Project Rooterberg's files for the profiles' layers, when they were
    /// run.
    pub rooterberg: Option<RooterbergReport>,
}

/// Versions of what made the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Versions {
    /// jose-harness.
    pub harness: String,
    /// The OpenSSL built into this binary (josekit and openssl backends).
    pub openssl: String,
}

/// The vector files read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VectorsSummary {
    /// How many vectors.
    pub count: usize,
    /// The seeds of the files (one, normally).
    pub seeds: Vec<u64>,
    /// The generator versions that wrote them.
    pub generator_versions: Vec<String>,
    /// The times the vectors are judged at, as UTC dates.
    pub dates: Vec<String>,
    /// Each file.
    pub files: Vec<FileSummary>,
    /// Vectors with at least one unexpected outcome.
    pub unexpected: usize,
    /// Vectors with a known quirk and no unexpected outcome.
    pub quirks: usize,
    /// Results of the run that name no vector of the files (a run of
    /// other vectors read with `--vectors-json`).
    pub unmatched_results: Vec<String>,
}

/// One vector file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSummary {
    /// Its path under the vectors directory (`iadvize/invalid.json`).
    pub path: String,
    /// Its profile.
    pub profile: String,
    /// Its group.
    pub group: String,
    /// How many tests it holds.
    pub tests: usize,
    /// Its header lines.
    pub header: Vec<String>,
}

/// A flag of the vector files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlagNote {
    /// The flag.
    pub flag: String,
    /// Its bug type.
    pub bug_type: BugType,
    /// What its vectors show (from the first file that explains it).
    pub description: String,
    /// How many vectors carry it.
    pub vectors: usize,
}

/// How a vector, or one implementation's outcome on it, came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not what the vector expects, and not a known quirk.
    Unexpected,
    /// Not what the vector expects, listed in the quirks file.
    Quirk,
    /// As the vector expects.
    AsExpected,
    /// Not run (the implementation does not consume the profile, or the
    /// run read back has no result for it).
    NotRun,
}

/// One vector and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VectorResult {
    /// Namespaced id (`iadvize/jwe.tag.bitflip`).
    pub id: String,
    /// Number in its file.
    pub tc_id: usize,
    /// `iadvize` or `moveo`.
    pub profile: String,
    /// The file's group (`valid`, `invalid`).
    pub group: String,
    /// The file, under the vectors directory.
    pub file: String,
    /// What the vector shows.
    pub comment: String,
    /// Its flags.
    pub flags: Vec<String>,
    /// The bug types of its flags.
    pub bug_types: Vec<BugType>,
    /// The time it is judged at.
    pub now: i64,
    /// The same, as a UTC date.
    pub now_utc: String,
    /// The token.
    pub token: String,
    /// The keys it needs, by name.
    pub keys: VectorKeys,
    /// The expected result.
    pub expect: Expect,
    /// Where the requirement comes from.
    pub references: Vec<String>,
    /// The worst outcome over every implementation.
    pub status: Status,
    /// One entry per implementation of the run, in its order.
    pub results: Vec<ImplementationResult>,
    /// The token as the reference reads it with the vector's keys.
    pub decoded: Decoded,
}

/// One implementation's outcome on one vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImplementationResult {
    /// The implementation.
    pub implementation: String,
    /// How it came out.
    pub status: Status,
    /// What happened, as the run says it (`ok`, `accepted`, ...).
    pub outcome: String,
}

/// The token decoded and checked by the reference, with the vector's keys
/// at the vector's time: the headers, claims and context, and every rule
/// that fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decoded {
    /// The reference's verdict.
    pub verdict: Verdict,
    /// `JWE`, `JWS`, or `neither`.
    pub form: &'static str,
    /// The outer header.
    pub header: Option<Value>,
    /// The inner JWS header (iadvize).
    pub inner_header: Option<Value>,
    /// The claims.
    pub claims: Option<Value>,
    /// The decrypted moveo context.
    pub context: Option<Value>,
    /// Every rule that fired, in the order found.
    pub findings: Vec<Fired>,
    /// Parts not checked, with the reason.
    pub not_checked: Vec<String>,
}

/// A rule that fired on a vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fired {
    /// Rule id.
    pub id: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// What is wrong.
    pub message: &'static str,
    /// What exactly was found.
    pub detail: String,
    /// Whether the vector's `expect` names it.
    pub expected: bool,
}

/// Counts of one implementation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImplementationSummary {
    /// Name.
    pub name: String,
    /// Libraries and versions.
    pub library: String,
    /// Its vector results, when it ran them.
    pub vectors: Option<VectorCounts>,
    /// Interop tokens it produced that consumers accepted.
    pub produced: Option<TokenCount>,
    /// Interop tokens it consumed that it accepted.
    pub consumed: Option<TokenCount>,
    /// Its answers to the negative cases.
    pub negative: Option<NegativeCounts>,
    /// The layers it does itself per profile (from the matrix).
    pub layers: BTreeMap<Profile, Roles>,
}

/// Vector results of one implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VectorCounts {
    /// Vectors run.
    pub run: usize,
    /// As expected.
    pub as_expected: usize,
    /// Unexpected.
    pub unexpected: usize,
    /// Known quirks.
    pub quirks: usize,
}

/// Passed out of a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct TokenCount {
    /// Passed.
    pub passed: usize,
    /// In all.
    pub total: usize,
}

/// One consumer's answers to the negative cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NegativeCounts {
    /// Cases answered.
    pub answers: usize,
    /// Rejected as they must be.
    pub rejected: usize,
    /// Accepted, known quirks.
    pub quirks: usize,
    /// Accepted or crashed: failures.
    pub disagreements: usize,
    /// Rejected without the expected rule (built-ins).
    pub wrong_rule: usize,
}

impl AuditData {
    /// Whether everything came out as expected.
    pub fn passed(&self) -> bool {
        self.verdict == MatrixVerdict::Pass
    }
}
