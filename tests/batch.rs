//! Checking many tokens: `check --batch` end to end (order, line numbers,
//! blank and overlong lines, stdin, exit codes, errors), `generate
//! --count`, and the work a check does once (keys) or not at all (RSA a
//! valid token does not need).

use std::sync::atomic::{AtomicU64, Ordering};

use assert_cmd::Command;
use jose_harness::backend::keycache;
use jose_harness::backend::reference::{self, RsaScheme};
use jose_harness::backend::{self, Backend, Capabilities, CryptoFailure, JweParts, Stacked};
use jose_harness::findings::Verdict;
use jose_harness::forge::mint;
use jose_harness::keys::{PrivateKey, PublicKey};
use jose_harness::profile::Profile;
use jose_harness::rng::HarnessRng;
use jose_harness::rules;
use jose_harness_tests::*;
use predicates::prelude::*;
use serde_json::{json, Value};
use zeroize::Zeroizing;

fn key(name: &str, half: &str) -> String {
    key_path(name, half).display().to_string()
}

/// `check --batch FILE|-` with the bundled keys and the pinned clock.
fn batch(profile: &str, file: &str) -> Command {
    let mut cmd = Command::new(harness_bin());
    cmd.args(["check", "--profile", profile, "--batch", file])
        .args(["--now", &NOW.to_string()])
        .args(["--verify-key", &key("customer", "public")])
        .args(["--decrypt-key", &key("recipient", "private")]);
    cmd
}

/// The JSON lines of a run's stdout.
fn lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is one JSON object"))
        .collect()
}

fn moveo_context_token() -> String {
    moveo_token(
        &claims(Profile::Moveo),
        Some(&json!({"plan": "gold", "vip": true})),
    )
}

#[test]
fn results_come_in_input_order_with_line_numbers_and_blank_lines_skipped() {
    let good = iadvize_token(&claims(Profile::Iadvize));
    let mut expired = claims(Profile::Iadvize);
    expired.insert("exp".into(), json!(NOW - 10));
    let expired = iadvize_token(&expired);
    // Line: 1 good, 2 garbage, 3 blank, 4 expired, 5 whitespace only, 6 good
    // (CRLF), 7 good, with no newline at the end.
    let input = format!("{good}\nnot-a-token\n\n{expired}\n  \t\n{good}\r\n{good}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.txt");
    std::fs::write(&file, input).unwrap();

    let out = batch("iadvize", &file.display().to_string())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("batch: 5 tokens in "))
        .stderr(predicate::str::contains(
            "3 pass, 2 fail, 0 incomplete; 2 blank line(s) skipped; backend openssl",
        ))
        .get_output()
        .clone();
    let results = lines(&out.stdout);
    let numbers: Vec<u64> = results
        .iter()
        .map(|r| r["line"].as_u64().expect("line number"))
        .collect();
    assert_eq!(numbers, [1, 2, 4, 6, 7]);
    let verdicts: Vec<&str> = results
        .iter()
        .map(|r| r["verdict"].as_str().expect("verdict"))
        .collect();
    assert_eq!(verdicts, ["pass", "fail", "fail", "pass", "pass"]);
    let ids = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert!(ids(&results[1]).contains(&rules::TOKEN_SEGMENTS.id.to_owned()));
    assert!(ids(&results[2]).contains(&rules::CLAIMS_EXP_EXPIRED.id.to_owned()));

    // Each line is the object `check --format json` prints, plus "line".
    let mut single: Value = serde_json::from_slice(
        &check_cmd("iadvize", &good)
            .args(["--format", "json"])
            .assert()
            .code(0)
            .get_output()
            .stdout,
    )
    .expect("JSON report");
    let mut first = results[0].clone();
    first.as_object_mut().expect("object").remove("line");
    single.as_object_mut().expect("object");
    assert_eq!(first, single);
}

#[test]
fn stdin_with_dash_and_exit_zero_when_every_token_passes() {
    let good = moveo_context_token();
    let input = format!("{good}\n{good}\n{good}\n");
    let out = batch("moveo", "-")
        .write_stdin(input)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("3 pass, 0 fail"))
        .get_output()
        .clone();
    let results = lines(&out.stdout);
    assert_eq!(results.len(), 3);
    assert!(results
        .iter()
        .all(|r| r["context"] == json!({"plan": "gold", "vip": true})));
}

#[test]
fn an_overlong_line_is_a_finding_for_that_line_only() {
    let good = iadvize_token(&claims(Profile::Iadvize));
    // A limit the good tokens fit in; a line far past it.
    let limit = (good.len() + 1).to_string();
    let long = "A".repeat(good.len() + 100);
    let out = batch("iadvize", "-")
        .args(["--max-token-bytes", &limit])
        .write_stdin(format!("{good}\n{long}\n{good}\n"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1 line(s) over the length limit"))
        .get_output()
        .clone();
    let results = lines(&out.stdout);
    let verdicts: Vec<&str> = results
        .iter()
        .map(|r| r["verdict"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(verdicts, ["pass", "fail", "pass"]);
    assert_eq!(results[1]["line"], 2);
    assert_eq!(results[1]["findings"][0]["id"], rules::TOKEN_SIZE.id);
    let detail = results[1]["findings"][0]["detail"]
        .as_str()
        .unwrap_or_default();
    assert!(
        detail.contains(&format!("the line is {} bytes", long.len())),
        "{detail}"
    );
}

#[test]
fn a_missing_file_and_batch_with_token_are_harness_errors() {
    batch("iadvize", "/nonexistent/tokens.txt")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "cannot read the batch from /nonexistent/tokens.txt",
        ));
    batch("iadvize", "-")
        .args(["--token", "a.b.c"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
    // A directory opens but cannot be read: also exit 2, with its name.
    let dir = tempfile::tempdir().unwrap();
    batch("iadvize", &dir.path().display().to_string())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the batch from"));
    batch("iadvize", "-")
        .args(["--format", "text"])
        .write_stdin("a.b.c\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--batch writes JSON Lines"));
    // Neither --token nor --batch.
    Command::new(harness_bin())
        .args(["check", "--profile", "moveo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--token"));
}

#[test]
fn a_bad_key_stops_the_batch_before_any_token() {
    Command::new(harness_bin())
        .args(["check", "--profile", "moveo", "--batch", "-"])
        .args(["--decrypt-key", &key("recipient", "public")])
        .write_stdin("a.b.c\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "--decrypt-key needs the private key",
        ));
}

#[test]
fn backend_all_in_a_batch_agrees_on_good_and_bad_tokens() {
    let good = moveo_context_token();
    let mut bad = claims(Profile::Moveo);
    bad.remove("sub");
    let bad = moveo_token(&bad, Some(&json!({"a": 1})));
    let out = batch("moveo", "-")
        .args(["--backend", "all"])
        .write_stdin(format!("{good}\n{bad}\n"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1 pass, 1 fail"))
        .stderr(predicate::str::contains("disagreeing").not())
        .get_output()
        .clone();
    let results = lines(&out.stdout);
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r.get("disagreements").is_none()));
    assert_eq!(
        results[0]["backend"], "reference",
        "all: the reference first"
    );
}

#[test]
fn generate_count_writes_distinct_reproducible_tokens_that_check_in_a_batch() {
    let generate = |seed: &str| {
        Command::new(harness_bin())
            .args([
                "generate",
                "--profile",
                "moveo",
                "--count",
                "5",
                "--seed",
                seed,
            ])
            .args(["--now", &NOW.to_string(), "--context", r#"{"n":1}"#])
            .args(["--sign-key", &key("customer", "private")])
            .args(["--encrypt-key", &key("recipient", "public")])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone()
    };
    let tokens = generate("9");
    assert_eq!(tokens, generate("9"), "the same seed gives the same file");
    assert_ne!(tokens, generate("10"));
    let text = String::from_utf8(tokens.clone()).expect("UTF-8");
    let list: Vec<&str> = text.lines().collect();
    assert_eq!(list.len(), 5);
    let distinct: std::collections::BTreeSet<&str> = list.iter().copied().collect();
    assert_eq!(distinct.len(), 5);

    let out = batch("moveo", "-")
        .write_stdin(tokens)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let subs: Vec<Value> = lines(&out.stdout)
        .iter()
        .map(|r| r["claims"]["sub"].clone())
        .collect();
    assert_eq!(
        subs,
        (1..=5)
            .map(|n| json!(format!("test-user-1-{n}")))
            .collect::<Vec<_>>()
    );
}

/// A backend that counts the RSA private-key operations asked of it.
#[derive(Debug)]
struct Counting<'a> {
    inner: &'a dyn Backend,
    private: AtomicU64,
}

impl Counting<'_> {
    fn count(&self) {
        self.private.fetch_add(1, Ordering::Relaxed);
    }
}

impl Backend for Counting<'_> {
    fn id(&self) -> &'static str {
        self.inner.id()
    }
    fn library(&self) -> String {
        self.inner.library()
    }
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    fn rs256_sign(&self, key: &PrivateKey, input: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        self.count();
        self.inner.rs256_sign(key, input)
    }
    fn rs256_verify(&self, key: &PublicKey, input: &[u8], sig: &[u8]) -> Result<(), CryptoFailure> {
        self.inner.rs256_verify(key, input, sig)
    }
    fn jwe_decrypt(
        &self,
        key: &PrivateKey,
        protected_b64: &str,
        parts: &JweParts,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        self.count();
        self.inner.jwe_decrypt(key, protected_b64, parts)
    }
    fn rsa_oaep256_decrypt(
        &self,
        key: &PrivateKey,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        self.count();
        self.inner.rsa_oaep256_decrypt(key, ciphertext)
    }
    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        self.inner.aes_cbc_decrypt(key, iv, ciphertext)
    }
}

/// RSA private-key operations of one check through `backend`: those the
/// backend is asked for (`asked`), and those the reference module did on
/// this thread (`reference`: the pipeline's own diagnoses, and the
/// reference's work when it is the backend or a fallback).
struct Operations {
    verdict: Verdict,
    asked: u64,
    reference: u64,
}

fn private_operations(backend: &dyn Backend, profile: Profile, token: &str) -> Operations {
    let counting = Counting {
        inner: backend,
        private: AtomicU64::new(0),
    };
    let k = keys();
    let before = reference::private_key_operations_on_this_thread();
    let report = check_with(
        &counting,
        profile,
        token,
        Some(k.customer.public()),
        Some(&k.recipient),
    );
    Operations {
        verdict: report.verdict,
        asked: counting.private.load(Ordering::Relaxed),
        reference: reference::private_key_operations_on_this_thread() - before,
    }
}

#[test]
fn a_valid_token_costs_exactly_the_rsa_private_operations_it_needs() {
    let moveo_plain = moveo_token(&claims(Profile::Moveo), None);
    let cases = [
        (
            Profile::Iadvize,
            iadvize_token(&claims(Profile::Iadvize)),
            1,
        ),
        (Profile::Moveo, moveo_context_token(), 2),
        (Profile::Moveo, moveo_plain, 0),
    ];
    let default = Stacked::for_checking(
        backend::by_name(backend::DEFAULT_FOR_CHECKING).expect("the default backend"),
    );
    let pure = Stacked::for_checking(reference());
    for (profile, token, expected) in &cases {
        // The default: only what the backend is asked, none of it (and no
        // diagnosis) in the slow reference.
        let ops = private_operations(&default, *profile, token);
        assert_eq!(ops.verdict, Verdict::Pass, "{profile:?}");
        assert_eq!(ops.asked, *expected, "{profile:?}: private-key operations");
        assert_eq!(ops.reference, 0, "{profile:?}: work in the reference");
        // The reference alone: the same count, all of it its own.
        let ops = private_operations(&pure, *profile, token);
        assert_eq!(ops.verdict, Verdict::Pass, "{profile:?} on the reference");
        assert_eq!(ops.asked, *expected, "{profile:?} on the reference");
        assert_eq!(ops.reference, *expected, "{profile:?} on the reference");
    }
}

#[test]
fn a_wrong_oaep_variant_is_diagnosed_after_the_right_one_failed() {
    // The counter above must see the diagnosis, or it proves nothing: a
    // JWE whose key is wrapped with OAEP SHA-1 under an RSA-OAEP-256 header
    // takes the failed decryption and then the scheme search.
    let k = keys();
    let payload = serde_json::to_vec(&claims(Profile::Iadvize)).expect("JSON");
    let token = iadvize_token_wrapped_with(
        RsaScheme::OaepSha1,
        mint::IADVIZE_JWE_HEADER.as_bytes(),
        &payload,
        &mut HarnessRng::from_seed(3),
    );
    let default = Stacked::for_checking(
        backend::by_name(backend::DEFAULT_FOR_CHECKING).expect("the default backend"),
    );
    let ops = private_operations(&default, Profile::Iadvize, &token);
    assert_eq!(ops.verdict, Verdict::Fail);
    assert_eq!(ops.asked, 1, "the right scheme, tried first");
    assert!(ops.reference >= 1, "then the diagnosis");
    let report = check_with(
        &default,
        Profile::Iadvize,
        &token,
        Some(k.customer.public()),
        Some(&k.recipient),
    );
    assert!(report.has(&rules::JWE_KEY_OAEP_SHA1), "{:?}", report.ids());
}

#[test]
fn keys_are_loaded_into_openssl_once_per_thread_not_once_per_token() {
    // On a thread of its own, so the per-thread caches start empty.
    std::thread::spawn(|| {
        let default = Stacked::for_checking(
            backend::by_name(backend::DEFAULT_FOR_CHECKING).expect("the default backend"),
        );
        let k = keys();
        let run = |profile: Profile, token: &str| {
            let report = check_with(
                &default,
                profile,
                token,
                Some(k.customer.public()),
                Some(&k.recipient),
            );
            assert_eq!(report.verdict, Verdict::Pass, "{:?}", report.ids());
        };
        assert_eq!(keycache::built_on_this_thread(), 0);
        let iadvize = iadvize_token(&claims(Profile::Iadvize));
        run(Profile::Iadvize, &iadvize);
        // The customer's public key (verify) and the recipient's private
        // key (decrypt).
        assert_eq!(keycache::built_on_this_thread(), 2);
        for _ in 0..10 {
            run(Profile::Iadvize, &iadvize);
        }
        assert_eq!(keycache::built_on_this_thread(), 2);
        let moveo = moveo_context_token();
        run(Profile::Moveo, &moveo);
        // The moveo context is RSA-OAEP-SHA256 too: the same two contexts
        // serve it, nothing new is built.
        assert_eq!(keycache::built_on_this_thread(), 2);
        for _ in 0..10 {
            run(Profile::Moveo, &moveo);
        }
        assert_eq!(keycache::built_on_this_thread(), 2);
        // A key not seen before (of the same size, so the decryption is
        // tried) is built once, then reused.
        let other = &k.customer2;
        for _ in 0..3 {
            let report = check_with(
                &default,
                Profile::Iadvize,
                &iadvize,
                Some(k.customer.public()),
                Some(other),
            );
            assert_eq!(report.verdict, Verdict::Fail, "not the key it was made for");
        }
        assert_eq!(keycache::built_on_this_thread(), 3);
    })
    .join()
    .expect("the checks pass on their thread");
}
