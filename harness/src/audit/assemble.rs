//! Gathering the report from the runs: every vector lined up with each
//! implementation's outcome and decoded, every implementation counted
//! over the run and the matrix, and the versions of this binary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::decode::decode;
use super::{
    AuditData, FileSummary, FlagNote, ImplementationResult, ImplementationSummary, NegativeCounts,
    Status, TokenCount, VectorCounts, VectorResult, VectorsSummary, Versions, SCHEMA_ID,
};
use crate::implementation::Quirks;
use crate::interop::{Judgement, Matrix, MatrixVerdict, Pairing};
use crate::keys::PrivateKey;
use crate::profile::Profile;
use crate::rooterberg::RooterbergReport;
use crate::rules;
use crate::time::utc;
use crate::vectors::run::{private_key, RunReport};
use crate::vectors::{VectorError, VectorFile};
use crate::wycheproof::WycheproofReport;

impl Versions {
    /// This binary's.
    pub fn current() -> Self {
        Self {
            harness: env!("CARGO_PKG_VERSION").to_owned(),
            openssl: crate::backend::c_library_version().to_owned(),
        }
    }
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
    /// Rooterberg's results, when they were run.
    pub rooterberg: Option<RooterbergReport>,
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
        rooterberg,
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
        && wycheproof.as_ref().is_none_or(|w| w.unexpected == 0)
        && rooterberg.as_ref().is_none_or(|r| r.unexpected == 0);
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
        mistakes: crate::mistakes::all(),
        quirks,
        wycheproof,
        rooterberg,
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
        let tally = |pick: &dyn Fn(&Pairing) -> bool| {
            let mut t = TokenCount::default();
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
