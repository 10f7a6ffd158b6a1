//! What the auditors' report shows, gathered in one serializable value:
//! every vector with its decoded token, the expected result and each
//! implementation's outcome; the interop matrix; the rules catalogue; the
//! known quirks; Wycheproof's results when they were run; and the
//! versions and seeds that make it reproducible.
//!
//! [`assemble`] builds it from the results of `vectors run` and `interop`
//! (run now or read back from their JSON). The HTML page embeds it whole;
//! the Markdown summary reads its counts. Nothing in it depends on the
//! wall clock, so the same inputs give the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::backend;
use crate::check::{self, CheckOptions};
use crate::findings::Verdict;
use crate::implementation::Quirks;
use crate::interop::{Judgement, Matrix, MatrixVerdict, Roles};
use crate::jose::Limits;
use crate::keys::PrivateKey;
use crate::profile::Profile;
use crate::rules::{self, Rule, Severity};
use crate::time::utc;
use crate::vectors::run::{private_key, RunReport};
use crate::vectors::{BugType, Expect, VectorError, VectorFile, VectorKeys};
use crate::wycheproof::WycheproofReport;

/// The schema id of [`AuditData`], for whoever reads the embedded JSON.
pub const SCHEMA_ID: &str = "jose-harness-audit-v1";

/// Everything the report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditData {
    /// Always [`SCHEMA_ID`].
    pub schema: &'static str,
    /// Pass when every vector, interop cell, negative case and Wycheproof
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
    /// The known quirks used to judge the run.
    pub quirks: Quirks,
    /// Project Wycheproof's JOSE files, when they were run.
    pub wycheproof: Option<WycheproofReport>,
}

/// Versions of what made the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Versions {
    /// jose-harness.
    pub harness: String,
    /// The OpenSSL built into this binary (josekit and openssl backends).
    pub openssl: String,
}

impl Versions {
    /// This binary's.
    pub fn current() -> Self {
        Self {
            harness: env!("CARGO_PKG_VERSION").to_owned(),
            openssl: openssl::version::version().to_owned(),
        }
    }
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
    pub produced: Option<Tally>,
    /// Interop tokens it consumed that it accepted.
    pub consumed: Option<Tally>,
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
pub struct Tally {
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

/// What [`assemble`] reads.
#[derive(Debug)]
pub struct Inputs<'a> {
    /// The vector files, as [`crate::vectors::load_dir`] returns them.
    pub files: &'a [(PathBuf, VectorFile)],
    /// The vectors directory (paths are shown relative to it; its `keys/`
    /// decrypts and verifies).
    pub dir: &'a Path,
    /// The vectors run.
    pub run: RunReport,
    /// The interop matrix, when there is one.
    pub matrix: Option<Matrix>,
    /// The quirks the runs were judged with.
    pub quirks: Quirks,
    /// Wycheproof's results, when they were run.
    pub wycheproof: Option<WycheproofReport>,
}

impl AuditData {
    /// Whether everything came out as expected.
    pub fn passed(&self) -> bool {
        self.verdict == MatrixVerdict::Pass
    }
}

/// Gathers the report: decodes every vector with the reference and the
/// vector's keys, lines up each implementation's outcome, and counts.
pub fn assemble(inputs: Inputs<'_>) -> Result<AuditData, VectorError> {
    let Inputs {
        files,
        dir,
        run,
        matrix,
        quirks,
        wycheproof,
    } = inputs;
    let keys_dir = dir.join("keys");
    let mut keys: BTreeMap<String, PrivateKey> = BTreeMap::new();
    let outcomes: BTreeMap<&str, &Vec<(String, String)>> = run
        .outcomes
        .iter()
        .map(|(id, per)| (id.as_str(), per))
        .collect();
    let unexpected: BTreeSet<(&str, &str)> = run
        .unexpected
        .iter()
        .map(|u| (u.id.as_str(), u.implementation.as_str()))
        .collect();
    // A quirk's outcome with the quirk's reason, as the run wrote it.
    let quirky: BTreeMap<(&str, &str), &str> = run
        .quirks
        .iter()
        .map(|u| {
            (
                (u.id.as_str(), u.implementation.as_str()),
                u.actual.as_str(),
            )
        })
        .collect();

    let mut cases = Vec::new();
    let mut flags: BTreeMap<String, FlagNote> = BTreeMap::new();
    let mut file_summaries = Vec::new();
    let mut seen = BTreeSet::new();
    for (path, file) in files {
        let relative = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        file_summaries.push(FileSummary {
            path: relative.clone(),
            profile: file.profile.clone(),
            group: file.group.clone(),
            tests: file.tests.len(),
            header: file.header.clone(),
        });
        for vector in &file.tests {
            seen.insert(vector.id.as_str());
            for name in [&vector.keys.verify, &vector.keys.decrypt] {
                if !keys.contains_key(name) {
                    keys.insert(name.clone(), private_key(&keys_dir, name)?);
                }
            }
            let mut bug_types = Vec::new();
            for flag in &vector.flags {
                if let Some(note) = file.notes.get(flag) {
                    if !bug_types.contains(&note.bug_type) {
                        bug_types.push(note.bug_type);
                    }
                    flags
                        .entry(flag.clone())
                        .or_insert_with(|| FlagNote {
                            flag: flag.clone(),
                            bug_type: note.bug_type,
                            description: note.description.clone(),
                            vectors: 0,
                        })
                        .vectors += 1;
                }
            }
            let per = outcomes.get(vector.id.as_str());
            let results: Vec<ImplementationResult> = run
                .rows
                .iter()
                .map(|row| {
                    let name = row.implementation.as_str();
                    let outcome = per.and_then(|per| per.iter().find(|(i, _)| i == name));
                    match outcome {
                        None => ImplementationResult {
                            implementation: name.to_owned(),
                            status: Status::NotRun,
                            outcome: if per.is_some() {
                                format!("not run: {name} does not consume {}", file.profile)
                            } else {
                                "not run: the run has no result for this vector".to_owned()
                            },
                        },
                        Some((_, label)) => {
                            let key = (vector.id.as_str(), name);
                            let (status, outcome) = if unexpected.contains(&key) {
                                (Status::Unexpected, label.clone())
                            } else if let Some(actual) = quirky.get(&key) {
                                (Status::Quirk, (*actual).to_owned())
                            } else {
                                (Status::AsExpected, label.clone())
                            };
                            ImplementationResult {
                                implementation: name.to_owned(),
                                status,
                                outcome,
                            }
                        }
                    }
                })
                .collect();
            let status = results
                .iter()
                .map(|r| r.status)
                .min()
                .unwrap_or(Status::NotRun);
            let decoded = decode(
                Profile::from_name(&file.profile),
                &vector.token,
                &keys[&vector.keys.verify],
                &keys[&vector.keys.decrypt],
                vector.now,
                &vector.expect,
            );
            cases.push(VectorResult {
                id: vector.id.clone(),
                tc_id: vector.tc_id,
                profile: file.profile.clone(),
                group: file.group.clone(),
                file: relative.clone(),
                comment: vector.comment.clone(),
                flags: vector.flags.clone(),
                bug_types,
                now: vector.now,
                now_utc: utc(vector.now),
                token: vector.token.clone(),
                keys: vector.keys.clone(),
                expect: vector.expect.clone(),
                references: vector.references.clone(),
                status,
                results,
                decoded,
            });
        }
    }
    // Failing vectors first; otherwise the files' order.
    cases.sort_by_key(|c| match c.status {
        Status::Unexpected => 0,
        Status::Quirk => 1,
        Status::AsExpected | Status::NotRun => 2,
    });

    let vectors = VectorsSummary {
        count: cases.len(),
        seeds: distinct(files.iter().map(|(_, f)| f.seed)),
        generator_versions: distinct(files.iter().map(|(_, f)| f.generator_version.clone())),
        dates: distinct(cases.iter().map(|c| c.now_utc.clone())),
        files: file_summaries,
        unexpected: cases
            .iter()
            .filter(|c| c.status == Status::Unexpected)
            .count(),
        quirks: cases.iter().filter(|c| c.status == Status::Quirk).count(),
        unmatched_results: run
            .outcomes
            .iter()
            .map(|(id, _)| id)
            .filter(|id| !seen.contains(id.as_str()))
            .cloned()
            .collect(),
    };
    let implementations = summarize(&run, matrix.as_ref());
    let pass = run.unexpected.is_empty()
        && matrix
            .as_ref()
            .is_none_or(|m| m.verdict == MatrixVerdict::Pass)
        && wycheproof.as_ref().is_none_or(|w| w.unexpected == 0);
    Ok(AuditData {
        schema: SCHEMA_ID,
        verdict: if pass {
            MatrixVerdict::Pass
        } else {
            MatrixVerdict::Fail
        },
        versions: Versions::current(),
        vectors,
        flags: flags.into_values().collect(),
        cases,
        implementations,
        run,
        matrix,
        rules: rules::ALL.to_vec(),
        quirks,
        wycheproof,
    })
}

/// The values in first-seen order, once each.
fn distinct<T: PartialEq>(values: impl Iterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn decode(
    profile: Option<Profile>,
    token: &str,
    verify: &PrivateKey,
    decrypt: &PrivateKey,
    now: i64,
    expect: &Expect,
) -> Decoded {
    let profile = profile.unwrap_or(Profile::Iadvize);
    let options = CheckOptions {
        profile,
        verify_key: Some(verify.public()),
        decrypt_key: Some(decrypt),
        now,
        limits: Limits::default(),
        backend: backend::default_for(|c| c.rs256_verify && c.jwe_decrypt && c.context_decrypt),
    };
    let report = check::check(token, &options);
    let form = match crate::jose::split(token.trim()) {
        crate::jose::Compact::Jwe(_) => "JWE",
        crate::jose::Compact::Jws(_) => "JWS",
        crate::jose::Compact::Other(_) => "neither",
    };
    Decoded {
        verdict: report.verdict,
        form,
        header: report.header,
        inner_header: report.inner_header,
        claims: report.claims,
        context: report.context,
        findings: report
            .findings
            .into_iter()
            .map(|f| Fired {
                expected: expect.errors.iter().any(|e| e == f.id)
                    || expect.warnings.iter().any(|w| w == f.id),
                id: f.id,
                severity: f.severity,
                message: f.message,
                detail: f.detail,
            })
            .collect(),
        not_checked: report
            .not_checked
            .into_iter()
            .map(|n| format!("{}: {}", n.part, n.reason))
            .collect(),
    }
}

/// Every implementation of the run and the matrix, in the run's order.
fn summarize(run: &RunReport, matrix: Option<&Matrix>) -> Vec<ImplementationSummary> {
    let mut out: Vec<ImplementationSummary> = run
        .rows
        .iter()
        .map(|row| {
            let unexpected = run
                .unexpected
                .iter()
                .filter(|u| u.implementation == row.implementation)
                .count();
            let quirks = run
                .quirks
                .iter()
                .filter(|u| u.implementation == row.implementation)
                .count();
            ImplementationSummary {
                name: row.implementation.clone(),
                library: row.library.clone(),
                vectors: Some(VectorCounts {
                    run: row.run,
                    as_expected: row.passed,
                    unexpected,
                    quirks,
                }),
                produced: None,
                consumed: None,
                negative: None,
                layers: BTreeMap::new(),
            }
        })
        .collect();
    let Some(matrix) = matrix else {
        return out;
    };
    for member in &matrix.implementations {
        let index = match out.iter().position(|s| s.name == member.name) {
            Some(i) => i,
            None => {
                out.push(ImplementationSummary {
                    name: member.name.clone(),
                    library: member.library.clone(),
                    vectors: None,
                    produced: None,
                    consumed: None,
                    negative: None,
                    layers: BTreeMap::new(),
                });
                out.len() - 1
            }
        };
        let summary = &mut out[index];
        summary.layers = member.layers.clone();
        let tally = |pick: &dyn Fn(&crate::interop::Pairing) -> bool| {
            let mut t = Tally::default();
            let mut any = false;
            for cell in matrix.cells.iter().filter(|c| pick(c)) {
                any = true;
                t.passed += cell.passed;
                t.total += cell.passed + cell.failed;
            }
            any.then_some(t)
        };
        summary.produced = tally(&|c| c.producer == member.name);
        summary.consumed = tally(&|c| c.consumer == member.name);
        let mut negative = NegativeCounts::default();
        for outcome in matrix
            .negative
            .iter()
            .flat_map(|n| &n.outcomes)
            .filter(|o| o.consumer == member.name)
        {
            negative.answers += 1;
            match outcome.judgement {
                Judgement::Rejected => negative.rejected += 1,
                Judgement::Quirk => negative.quirks += 1,
                Judgement::Disagreement => negative.disagreements += 1,
                Judgement::WrongRule => negative.wrong_rule += 1,
            }
        }
        summary.negative = (negative.answers > 0).then_some(negative);
    }
    out
}
