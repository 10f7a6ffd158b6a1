//! Running Rooterberg's files through Wycheproof's machinery: each test
//! becomes a Wycheproof case under its key (tests sharing a key share
//! the key's parsing), triaged with other algorithms rejected, then run
//! on every backend able to, its message checked.

use super::model::{AesCbcCase, JweCase, JwsCase, Suite, SuiteFile};
use super::RooterbergReport;
use crate::backend::{Backend, Capabilities};
use crate::implementation::Outcome;
use crate::wycheproof::model::{self as wycheproof_model, Expected, Jwk};
use crate::wycheproof::run::{decrypt, file_name, file_results, verify, FileHeader, TriagedCase};
use crate::wycheproof::triage::{
    group_key, shown, skip, triage_jwe, triage_jws, BackendOperation, GroupKey, OtherAlgorithm,
    Triage,
};
use crate::wycheproof::{wrong_message, FileResults, Stage, JWE_ALG, JWE_ENC, JWS_ALG};

/// The profiles' AES key sizes in bytes (the moveo context), the only ones
/// the backends take.
const AES_KEY_SIZES: [usize; 2] = [16, 32];
/// AES-CBC's IV size in bytes.
const AES_IV_SIZE: usize = 16;

fn expected(valid: bool) -> Expected {
    if valid {
        Expected::Valid
    } else {
        Expected::Invalid
    }
}

/// The distinct keys of a file's tests, each parsed once, and which one
/// each test uses; a key is named by its `kid`, else by its rank.
struct Keys<'a> {
    keys: Vec<GroupKey<'a>>,
    labels: Vec<String>,
    of_case: Vec<usize>,
}

impl<'a> Keys<'a> {
    fn new(jwks: impl Iterator<Item = (u64, &'a Jwk)>, origin: impl Fn(u64) -> String) -> Self {
        let mut distinct: Vec<&'a Jwk> = Vec::new();
        let mut keys = Vec::new();
        let mut labels = Vec::new();
        let mut of_case = Vec::new();
        for (tc_id, jwk) in jwks {
            let index = match distinct.iter().position(|k| *k == jwk) {
                Some(i) => i,
                None => {
                    distinct.push(jwk);
                    keys.push(group_key(Some(jwk), &origin(tc_id)));
                    labels.push(match jwk.get("kid").and_then(|k| k.as_str()) {
                        Some(kid) => format!("key {}", shown(kid)),
                        None => format!("key {}", distinct.len()),
                    });
                    distinct.len() - 1
                }
            };
            of_case.push(index);
        }
        Keys {
            keys,
            labels,
            of_case,
        }
    }

    fn key(&self, case: usize) -> &GroupKey<'a> {
        &self.keys[self.of_case[case]]
    }

    fn label(&self, case: usize) -> &str {
        &self.labels[self.of_case[case]]
    }
}

fn header<T>(file: &SuiteFile<T>, fallback: &str, runs: String) -> FileHeader {
    let version = file
        .file
        .version
        .as_deref()
        .map(|v| format!("; version {}", shown(v)))
        .unwrap_or_default();
    FileHeader {
        name: file_name(&file.path, fallback),
        path: file.path.display().to_string(),
        runs: format!("{runs}{version}"),
        number_of_tests: file.file.num_tests,
    }
}

fn run_jws(file: &SuiteFile<JwsCase>, backends: &[&'static dyn Backend]) -> FileResults {
    let header = header(
        file,
        "jwt_rs256.json",
        format!("{JWS_ALG} verification with each test's public JWK, payload = msg"),
    );
    let tests = &file.file.tests;
    let keys = Keys::new(tests.iter().map(|t| (t.tc_id, &t.public_key_jwk)), |id| {
        format!("{} tcId {id} public key", header.name)
    });
    let cases: Vec<TriagedCase<'_, _>> = tests
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let case = wycheproof_model::JwsCase {
                tc_id: t.tc_id,
                comment: t.comment.clone(),
                jws: t.sig.clone(),
                result: expected(t.valid),
                flags: Vec::new(),
            };
            TriagedCase {
                group: keys.label(i),
                tc_id: t.tc_id,
                comment: &t.comment,
                flags: &t.flags,
                expected: expected(t.valid),
                plaintext: Some(t.msg.as_bytes()),
                triage: triage_jws(keys.key(i), &case, OtherAlgorithm::Reject),
            }
        })
        .collect();
    file_results(
        header,
        backends,
        |c| c.rs256_verify,
        &cases,
        |backend, key, operation, plaintext| {
            verify(backend, key, operation, plaintext, wrong_message)
        },
    )
}

fn run_jwe(file: &SuiteFile<JweCase>, backends: &[&'static dyn Backend]) -> FileResults {
    let header = header(
        file,
        "jwe_rsa_oaep_256_a256gcm.json",
        format!("{JWE_ALG} + {JWE_ENC} decryption with each test's private JWK, plaintext = msg"),
    );
    let tests = &file.file.tests;
    let keys = Keys::new(tests.iter().map(|t| (t.tc_id, &t.private_key_jwk)), |id| {
        format!("{} tcId {id} private key", header.name)
    });
    let cases: Vec<TriagedCase<'_, _>> = tests
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let case = wycheproof_model::JweCase {
                tc_id: t.tc_id,
                comment: t.comment.clone(),
                jwe: t.ct.clone(),
                pt: None,
                enc: JWE_ENC.to_owned(),
                result: expected(t.valid),
                flags: Vec::new(),
            };
            TriagedCase {
                group: keys.label(i),
                tc_id: t.tc_id,
                comment: &t.comment,
                flags: &t.flags,
                expected: expected(t.valid),
                plaintext: Some(t.msg.as_bytes()),
                triage: triage_jwe(keys.key(i), &case, OtherAlgorithm::Reject),
            }
        })
        .collect();
    file_results(
        header,
        backends,
        |c| c.jwe_decrypt,
        &cases,
        |backend, key, operation, plaintext| {
            decrypt(backend, key, operation, plaintext, wrong_message)
        },
    )
}

/// An AES-CBC test's key and IV against the profile: a key size the
/// profile does not use, or an IV that is not one block, is skipped.
fn triage_aes_cbc(case: &AesCbcCase) -> Triage<'_, Vec<u8>> {
    if !AES_KEY_SIZES.contains(&case.key.len()) {
        return skip(format!(
            "AES-{} (the moveo context is AES-128 or AES-256)",
            case.key.len() * 8
        ));
    }
    if case.iv.len() != AES_IV_SIZE {
        return skip(format!(
            "IV of {} bits (AES-CBC's is 128)",
            case.iv.len() * 8
        ));
    }
    Triage::ToBackend {
        key: &case.key,
        operation: BackendOperation::CbcDecrypt {
            iv: case.iv.clone(),
            ciphertext: case.ct.clone(),
        },
    }
}

fn run_aes_cbc(file: &SuiteFile<AesCbcCase>, backends: &[&'static dyn Backend]) -> FileResults {
    let header = header(
        file,
        "aes_cbc_pkcs7.json",
        "AES-CBC decryption with PKCS#7 padding, plaintext = msg".to_owned(),
    );
    let sizes: Vec<String> = file
        .file
        .tests
        .iter()
        .map(|t| format!("AES-{}", t.key.len() * 8))
        .collect();
    let cases: Vec<TriagedCase<'_, Vec<u8>>> = file
        .file
        .tests
        .iter()
        .zip(&sizes)
        .map(|(t, size)| TriagedCase {
            group: size,
            tc_id: t.tc_id,
            comment: &t.comment,
            flags: &t.flags,
            expected: expected(t.valid),
            plaintext: Some(&t.msg),
            triage: triage_aes_cbc(t),
        })
        .collect();
    file_results(
        header,
        backends,
        |c: &Capabilities| c.context_decrypt,
        &cases,
        |backend, key, operation, plaintext| match operation {
            BackendOperation::CbcDecrypt { iv, ciphertext } => {
                match backend.aes_cbc_decrypt(key, iv, ciphertext) {
                    Ok(got) => match plaintext {
                        Some(expected) if expected != got.as_slice() => wrong_message(),
                        _ => Outcome::accepted(),
                    },
                    Err(e) => Stage::Backend.reject(e.to_string()),
                }
            }
            _ => Outcome::Crashed {
                detail: "internal: a JOSE input in the AES-CBC run".into(),
            },
        },
    )
}

/// Runs every test of every file in `suite` on every backend in
/// `backends` able to: JWS files on those that verify RS256, JWE files on
/// those that decrypt RSA-OAEP-256 + A256GCM, AES-CBC files on those that
/// decrypt the moveo context. Never panics; a backend that panics is
/// reported as [`Outcome::Crashed`].
pub fn run(suite: &Suite, backends: &[&'static dyn Backend]) -> RooterbergReport {
    let files: Vec<FileResults> = suite
        .jws
        .iter()
        .map(|f| run_jws(f, backends))
        .chain(suite.jwe.iter().map(|f| run_jwe(f, backends)))
        .chain(suite.aes_cbc.iter().map(|f| run_aes_cbc(f, backends)))
        .collect();
    let unexpected = files
        .iter()
        .flat_map(|f| &f.backends)
        .map(|b| b.unexpected.len())
        .sum();
    RooterbergReport {
        dir: suite.dir.display().to_string(),
        files,
        not_found: suite.missing().into_iter().map(|k| k.pattern()).collect(),
        unexpected,
    }
}
