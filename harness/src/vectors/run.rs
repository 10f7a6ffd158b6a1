//! `jose-harness vectors run`: every vector against every implementation
//! that can judge its profile. Built-in backends run the harness's checks
//! (the expected rules must fire); external adapters are judged on the
//! verdict alone.

use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Expected, Vector, VectorError, VectorFile};
use crate::implementation::{Implementation, Outcome, Quirks};
use crate::keys::{self, PrivateKey};
use crate::profile::Profile;

/// One unexpected outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unexpected {
    /// The vector's id.
    pub id: String,
    /// The implementation.
    pub implementation: String,
    /// What was expected.
    pub expected: String,
    /// What happened.
    pub actual: String,
}

/// One implementation's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The implementation.
    pub implementation: String,
    /// Its libraries and versions.
    pub library: String,
    /// Vectors run.
    pub run: usize,
    /// As expected.
    pub passed: usize,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    /// How many vectors were read.
    pub vectors: usize,
    /// Per implementation.
    pub rows: Vec<Row>,
    /// Every unexpected outcome.
    pub unexpected: Vec<Unexpected>,
    /// Outcomes that differ from the expectation as a known quirk of the
    /// implementation (the quirks file), with the quirk's reason.
    pub quirks: Vec<Unexpected>,
    /// Per vector and implementation: `ok` or what went wrong (for the
    /// snapshot of the full run).
    pub outcomes: Vec<(String, Vec<(String, String)>)>,
}

/// Keys by name from `dir` (`<name>-public.pem`, `<name>-private.pem`).
pub(crate) fn private_key(dir: &Path, name: &str) -> Result<PrivateKey, VectorError> {
    let path = dir.join(format!("{name}-private.pem"));
    let loaded = keys::load_file(&path).map_err(|e| VectorError::Invalid {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    loaded
        .private("a vector's key")
        .cloned()
        .map_err(|e| VectorError::Invalid {
            path,
            reason: e.to_string(),
        })
}

fn judge(vector: &Vector, outcome: &Outcome, builtin: bool) -> Result<(), String> {
    match (vector.expect.verdict, outcome) {
        (_, Outcome::Crashed { detail }) => Err(format!("crashed: {detail}")),
        (_, Outcome::Skipped { reason }) => Err(format!("skipped: {reason}")),
        (Expected::Pass, Outcome::Accepted { .. }) => Ok(()),
        (Expected::Pass, Outcome::Rejected { class, detail }) => {
            Err(format!("rejected: {class} ({detail})"))
        }
        (Expected::Fail, Outcome::Accepted { .. }) => Err("accepted".into()),
        (Expected::Fail, Outcome::Rejected { detail, .. }) => {
            let missing: Vec<&String> = vector
                .expect
                .errors
                .iter()
                .filter(|id| builtin && !detail.split(", ").any(|d| d == id.as_str()))
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!("rejected, but without {missing:?}: {detail}"))
            }
        }
    }
}

/// Runs every vector of `files` on every implementation that consumes its
/// profile. `keys_dir` holds the named keys. The vectors are judged on
/// rayon's current pool and the results gathered in file order, so the
/// report is the same for any number of threads.
pub fn run(
    files: &[(std::path::PathBuf, VectorFile)],
    keys_dir: &Path,
    impls: &[Implementation],
    quirks: &Quirks,
    tick: &(dyn Fn() + Sync),
) -> Result<RunReport, VectorError> {
    let mut key_cache: std::collections::BTreeMap<String, PrivateKey> = Default::default();
    let mut vectors: Vec<(Profile, &Vector)> = Vec::new();
    for (_, file) in files {
        let Some(profile) = Profile::from_name(&file.profile) else {
            continue;
        };
        for vector in &file.tests {
            for name in [&vector.keys.verify, &vector.keys.decrypt] {
                if !key_cache.contains_key(name) {
                    key_cache.insert(name.clone(), private_key(keys_dir, name)?);
                }
            }
            vectors.push((profile, vector));
        }
    }
    // Each vector's outcomes, one per implementation that takes part.
    let judged: Vec<Vec<(usize, Outcome)>> = vectors
        .par_iter()
        .map(|(profile, vector)| {
            let verify = &key_cache[&vector.keys.verify];
            let decrypt = &key_cache[&vector.keys.decrypt];
            impls
                .iter()
                .enumerate()
                .filter(|(_, i)| i.takes_part(*profile, false))
                .map(|(i, implementation)| {
                    let outcome = implementation.consume(
                        *profile,
                        &vector.token,
                        verify,
                        decrypt,
                        vector.now,
                    );
                    tick();
                    (i, outcome)
                })
                .collect()
        })
        .collect();
    let mut rows: Vec<Row> = impls
        .iter()
        .map(|i| Row {
            implementation: i.name(),
            library: i.library(),
            run: 0,
            passed: 0,
        })
        .collect();
    let mut unexpected = Vec::new();
    let mut known = Vec::new();
    let mut outcomes = Vec::new();
    for ((_, vector), results) in vectors.iter().zip(judged) {
        let mut per = Vec::new();
        for (i, outcome) in results {
            let builtin = impls[i].is_builtin();
            rows[i].run += 1;
            match judge(vector, &outcome, builtin) {
                Ok(()) => {
                    rows[i].passed += 1;
                    per.push((rows[i].implementation.clone(), "ok".to_owned()));
                }
                Err(actual) => {
                    let quirk = quirks.find(&rows[i].implementation, &vector.id);
                    let label = match quirk {
                        Some(_) => format!("{actual} (known quirk)"),
                        None => actual.clone(),
                    };
                    per.push((rows[i].implementation.clone(), label));
                    let entry = Unexpected {
                        id: vector.id.clone(),
                        implementation: rows[i].implementation.clone(),
                        expected: describe(vector),
                        actual: match quirk {
                            Some(q) => format!("{actual}; {}", q.explain()),
                            None => actual,
                        },
                    };
                    if quirk.is_some() {
                        known.push(entry);
                    } else {
                        unexpected.push(entry);
                    }
                }
            }
        }
        outcomes.push((vector.id.clone(), per));
    }
    Ok(RunReport {
        vectors: vectors.len(),
        rows,
        unexpected,
        quirks: known,
        outcomes,
    })
}

fn describe(vector: &Vector) -> String {
    match vector.expect.verdict {
        Expected::Pass => "pass".into(),
        Expected::Fail => format!("fail with {}", vector.expect.errors.join(", ")),
    }
}
