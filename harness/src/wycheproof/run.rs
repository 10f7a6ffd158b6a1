//! Running the triaged cases on every backend able to: RS256
//! verification for the JWS file, RSA-OAEP-256 + A256GCM decryption for the
//! JWE file, each backend call guarded against panics. The machinery
//! (`TriagedCase`, `file_results`, the two backend calls) is shared with
//! [`crate::rooterberg`], whose files are run the same way.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use super::model::{Expected, JweCase, JwsCase, Suite, SuiteFile};
use super::results::{
    meets, wrong_plaintext, BackendResults, FileResults, Stage, Unexpected, WycheproofReport,
};
use super::triage::{
    group_key, shown, triage_jwe, triage_jws, BackendOperation, GroupKey, OtherAlgorithm, Triage,
};
use super::{ENCRYPTION_FILE, JWE_ALG, JWE_ENC, JWS_ALG, SIGNATURE_FILE};
use crate::backend::Backend;
use crate::implementation::Outcome;
use crate::keys::{PrivateKey, PublicKey};

/// Runs `call` on a backend, turning a panic into [`Outcome::Crashed`].
pub(crate) fn guarded(call: impl FnOnce() -> Outcome) -> Outcome {
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
pub(crate) struct TriagedCase<'k, K> {
    /// Its group (Wycheproof) or key (Rooterberg), for the report.
    pub(crate) group: &'k str,
    pub(crate) tc_id: u64,
    pub(crate) comment: &'k str,
    pub(crate) flags: &'k [String],
    pub(crate) expected: Expected,
    /// What an accepted token must decrypt to (or, for a JWS, carry as
    /// its payload), when the file says.
    pub(crate) plaintext: Option<&'k [u8]>,
    pub(crate) triage: Triage<'k, K>,
}

fn results_for<K>(
    backend: &dyn Backend,
    cases: &[TriagedCase<'_, K>],
    execute: impl Fn(&dyn Backend, &K, &BackendOperation, Option<&[u8]>) -> Outcome,
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
    for case in cases {
        let outcome = match &case.triage {
            Triage::Decided(Outcome::Skipped { reason }) => {
                *results.skipped.entry(reason.clone()).or_default() += 1;
                continue;
            }
            Triage::Decided(outcome) => outcome.clone(),
            Triage::ToBackend { key, operation } => {
                results.reached_backend += 1;
                guarded(|| execute(backend, key, operation, case.plaintext))
            }
        };
        results.run += 1;
        if meets(&outcome, case.expected) {
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

pub(crate) fn file_name(path: &Path, fallback: &str) -> String {
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
    let cases: Vec<TriagedCase<'_, PublicKey>> = file
        .file
        .test_groups
        .iter()
        .zip(&keys)
        .flat_map(|(group, key)| {
            group.tests.iter().map(move |case| TriagedCase {
                group: &group.comment,
                tc_id: case.tc_id,
                comment: &case.comment,
                flags: &case.flags,
                expected: case.result,
                plaintext: None,
                triage: triage_jws(key, case, OtherAlgorithm::Skip),
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
        &cases,
        |backend, key, operation, plaintext| {
            verify(backend, key, operation, plaintext, wrong_plaintext)
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
    let cases: Vec<TriagedCase<'_, PrivateKey>> = file
        .file
        .test_groups
        .iter()
        .zip(&keys)
        .flat_map(|(group, key)| {
            group.tests.iter().map(move |case| TriagedCase {
                group: &group.comment,
                tc_id: case.tc_id,
                comment: &case.comment,
                flags: &case.flags,
                expected: case.result,
                plaintext: case.pt.as_deref(),
                triage: triage_jwe(key, case, OtherAlgorithm::Skip),
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
        &cases,
        |backend, key, operation, plaintext| {
            decrypt(backend, key, operation, plaintext, wrong_plaintext)
        },
    )
}

/// A JWS case on `backend`: accepted when the RS256 signature verifies
/// and, when `plaintext` is given, the payload is that; `wrong` is the
/// outcome of another payload.
pub(crate) fn verify(
    backend: &dyn Backend,
    key: &PublicKey,
    operation: &BackendOperation,
    plaintext: Option<&[u8]>,
    wrong: fn() -> Outcome,
) -> Outcome {
    match operation {
        BackendOperation::Verify {
            signing_input,
            signature,
            payload,
        } => match backend.rs256_verify(key, signing_input.as_bytes(), signature) {
            Ok(()) => match plaintext {
                Some(expected) if expected != payload.as_slice() => wrong(),
                _ => Outcome::accepted(),
            },
            Err(e) => Stage::Backend.reject(e.to_string()),
        },
        _ => Outcome::Crashed {
            detail: "internal: a JWE input in the JWS run".into(),
        },
    }
}

/// A JWE case on `backend`: accepted when it decrypts and, when
/// `plaintext` is given, to that; `wrong` is the outcome of another
/// plaintext.
pub(crate) fn decrypt(
    backend: &dyn Backend,
    key: &PrivateKey,
    operation: &BackendOperation,
    plaintext: Option<&[u8]>,
    wrong: fn() -> Outcome,
) -> Outcome {
    match operation {
        BackendOperation::Decrypt { protected, parts } => {
            match backend.jwe_decrypt(key, protected, parts) {
                Ok(got) => match plaintext {
                    Some(expected) if expected != got.as_slice() => wrong(),
                    _ => Outcome::accepted(),
                },
                Err(e) => Stage::Backend.reject(e.to_string()),
            }
        }
        _ => Outcome::Crashed {
            detail: "internal: a JWS input in the JWE run".into(),
        },
    }
}

/// What a file's results say about the file itself.
pub(crate) struct FileHeader {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) runs: String,
    pub(crate) number_of_tests: usize,
}

/// Runs the prepared cases of one file on every backend that has the
/// capability `capable` asks for, and names those that lack it.
pub(crate) fn file_results<K>(
    header: FileHeader,
    backends: &[&'static dyn Backend],
    capable: fn(&crate::backend::Capabilities) -> bool,
    cases: &[TriagedCase<'_, K>],
    execute: impl Fn(&dyn Backend, &K, &BackendOperation, Option<&[u8]>) -> Outcome,
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
            .map(|b| results_for(*b, cases, &execute))
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
