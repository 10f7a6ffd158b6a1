//! `jose-harness audit`: a set of tokens from one sender, from a file and
//! from the sender's own minting command; what it finds in the set, what
//! it never prints, and its exit codes.

use std::io::Write;
use std::time::Instant;

use assert_cmd::Command;
use jose_harness::forge::mint;
use jose_harness::forge::mutate::{self, Recipe};
use jose_harness::jose::b64;
use jose_harness::profile::Profile::{self, Iadvize, Moveo};
use jose_harness::rng::HarnessRng;
use jose_harness_tests::*;
use serde_json::{json, Value};

fn harness() -> Command {
    Command::new(harness_bin())
}

fn key(name: &str, half: &str) -> String {
    key_path(name, half).display().to_string()
}

/// A moveo token with a fresh random key and IV (seeded).
fn clean_moveo(seed: u64) -> String {
    let k = keys();
    mint::moveo(
        reference(),
        &claims(Moveo),
        Some((&json!({"plan": "gold"}), k.recipient.public(), 32)),
        &k.customer,
        &mut HarnessRng::from_seed(seed),
    )
    .expect("mint")
}

/// An iAdvize token whose JWE randomness (content key, IV) comes from `seed`.
fn iadvize_seeded(seed: u64, user: &str) -> String {
    let k = keys();
    let mut claims = claims(Iadvize);
    claims.insert("https://iadvize.com/userId".into(), json!(user));
    mint::iadvize(
        reference(),
        &claims,
        &k.customer,
        k.recipient.public(),
        &mut HarnessRng::from_seed(seed),
    )
    .expect("mint")
}

/// The token of catalogue entry `id`, its randomness from `seed`.
fn catalogue(id: &str, seed: u64) -> String {
    let k = keys();
    let entry = mutate::all()
        .into_iter()
        .find(|m| m.id == id)
        .expect("in the catalogue");
    entry
        .build(&mut Recipe {
            profile: Moveo,
            claims: claims(Moveo),
            context: None,
            aes_key_bytes: 32,
            customer: &k.customer,
            other: &k.customer2,
            recipient: k.recipient.public(),
            now: NOW,
            rng: HarnessRng::from_seed(seed),
        })
        .expect("builds")
}

/// `audit --tokens FILE` over `tokens` (one per line): exit code, stdout.
fn audit(profile: Profile, tokens: &[String], format: &str) -> (i32, String) {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    for token in tokens {
        writeln!(file, "{token}").expect("write");
    }
    let out = harness()
        .args([
            "audit",
            "--profile",
            profile.as_str(),
            "--now",
            &NOW.to_string(),
        ])
        .args(["--tokens", &file.path().display().to_string()])
        .args(["--verify-key", &key("customer", "public")])
        .args(["--decrypt-key", &key("recipient", "private")])
        .args(["--format", format])
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("UTF-8"),
    )
}

fn audit_json(profile: Profile, tokens: &[String]) -> (i32, Value) {
    let (code, out) = audit(profile, tokens, "json");
    (code, serde_json::from_str(&out).expect("one JSON object"))
}

/// The set findings of a JSON audit: (id, lines).
fn set_findings(report: &Value) -> Vec<(String, Vec<u64>)> {
    report["set_findings"]
        .as_array()
        .expect("set_findings")
        .iter()
        .map(|f| {
            (
                f["id"].as_str().expect("id").to_owned(),
                f["lines"]
                    .as_array()
                    .expect("lines")
                    .iter()
                    .filter_map(Value::as_u64)
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn a_repeated_iv_fails_the_set_and_names_its_lines() {
    let tokens = vec![
        clean_moveo(1),
        catalogue("moveo.context.iv_printable", 2),
        catalogue("moveo.context.iv_printable", 3),
        clean_moveo(4),
        catalogue("moveo.context.iv_printable", 5),
    ];
    let (code, report) = audit_json(Moveo, &tokens);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verdict"], "fail");
    assert_eq!(report["tokens"]["pass"], 5, "each token alone conforms");
    assert_eq!(
        set_findings(&report),
        [("audit.iv_reused".to_owned(), vec![2, 3, 5])]
    );
    let results = report["results"].as_array().expect("results");
    let lines: Vec<u64> = results.iter().filter_map(|r| r["line"].as_u64()).collect();
    assert_eq!(lines, [1, 2, 3, 4, 5]);
}

#[test]
fn a_repeated_aes_key_fails_the_set() {
    let tokens = vec![
        catalogue("moveo.context.key_printable", 1),
        clean_moveo(2),
        catalogue("moveo.context.key_printable", 3),
    ];
    let (code, report) = audit_json(Moveo, &tokens);
    assert_eq!(code, 1);
    assert_eq!(
        set_findings(&report),
        [("audit.key_reused".to_owned(), vec![1, 3])]
    );
}

#[test]
fn a_repeated_content_key_and_gcm_iv_fail_the_set_as_nonce_reuse() {
    let tokens = vec![
        iadvize_seeded(9, "user-a"),
        iadvize_seeded(10, "user-b"),
        iadvize_seeded(9, "user-c"),
    ];
    let (code, report) = audit_json(Iadvize, &tokens);
    assert_eq!(code, 1);
    assert_eq!(
        set_findings(&report),
        [
            ("audit.cek_reused".to_owned(), vec![1, 3]),
            ("audit.gcm_iv_reused".to_owned(), vec![1, 3]),
        ]
    );
    let gcm = &report["set_findings"][1];
    assert!(
        gcm["detail"]
            .as_str()
            .is_some_and(|d| d.contains("nonce reuse")),
        "{gcm:#}"
    );
}

#[test]
fn a_clean_set_passes_with_no_set_finding() {
    let moveo: Vec<String> = (1..=6).map(clean_moveo).collect();
    let (code, report) = audit_json(Moveo, &moveo);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"], "pass");
    assert!(set_findings(&report).is_empty());
    let iadvize: Vec<String> = (1..=4).map(|s| iadvize_seeded(s, "user")).collect();
    let (code, report) = audit_json(Iadvize, &iadvize);
    assert_eq!(code, 0, "{report:#}");
    assert!(set_findings(&report).is_empty());
    let (code, text) = audit(Moveo, &moveo, "text");
    assert_eq!(code, 0);
    assert!(text.starts_with("PASS"), "{text}");
}

#[test]
fn the_text_report_counts_verdicts_then_names_the_set_findings() {
    let tokens = vec![
        catalogue("moveo.context.sample_key_and_iv", 1),
        catalogue("moveo.context.sample_key_and_iv", 2),
    ];
    let (code, text) = audit(Moveo, &tokens, "text");
    assert_eq!(code, 1);
    assert!(text.starts_with("FAIL"), "{text}");
    assert!(text.contains("0 pass, 2 fail"), "{text}");
    assert!(
        text.contains("moveo.aes.key_published  in 2 token(s) (lines 1, 2)"),
        "{text}"
    );
    for id in ["audit.key_reused", "audit.iv_reused"] {
        assert!(text.contains(id), "{id} missing:\n{text}");
    }
}

/// Every text form of a secret that must not appear in an output.
fn forms(secret: &[u8]) -> Vec<String> {
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    vec![
        String::from_utf8_lossy(secret).into_owned(),
        hex.clone(),
        hex.to_uppercase(),
        b64::encode_std(secret),
        b64::encode_url(secret),
    ]
}

#[test]
fn no_key_or_iv_appears_in_any_output() {
    let tokens = vec![
        catalogue("moveo.context.key_printable", 1),
        catalogue("moveo.context.key_printable", 2),
        catalogue("moveo.context.iv_printable", 3),
        catalogue("moveo.context.iv_printable", 4),
        catalogue("moveo.context.sample_key_and_iv", 5),
        catalogue("moveo.context.sample_key_and_iv", 6),
    ];
    let secrets: [&[u8]; 4] = [
        b"correct horse battery staple 123",
        b"my-fixed-iv-1234",
        b"(H+MbQeThWmZq4t7w!z%C&F)J@NcRfUj",
        b"*F-JaNdRgUkXp2s5",
    ];
    for format in ["text", "json"] {
        let (code, out) = audit(Moveo, &tokens, format);
        assert_eq!(code, 1);
        assert!(out.contains("audit.key_reused") && out.contains("audit.iv_reused"));
        for secret in secrets {
            for form in forms(secret) {
                assert!(
                    !out.contains(&form),
                    "{format} output shows a secret as {form:?}"
                );
            }
        }
    }
}

fn mint_audit(count: &str, envs: &[(&str, &str)]) -> (i32, Value) {
    let mut cmd = harness();
    cmd.current_dir(workspace())
        .env("JOSE_HARNESS", harness_bin())
        .env("KEYS", keys_dir())
        .args(["audit", "--profile", "moveo", "--format", "json"])
        .args([
            "--mint",
            "sh tests/scripts/mint-hard-coded.sh",
            "--count",
            count,
        ])
        .args(["--verify-key", &key("customer", "public")])
        .args(["--decrypt-key", &key("recipient", "private")]);
    for (name, value) in envs {
        cmd.env(name, value);
    }
    let out = cmd.output().expect("runs");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

#[test]
fn mint_runs_the_senders_command_and_finds_the_repeated_iv() {
    let (code, report) = mint_audit("3", &[("MINT_IV_ONLY", "1")]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["tokens"]["pass"], 3, "{report:#}");
    assert_eq!(
        set_findings(&report),
        [("audit.iv_reused".to_owned(), vec![1, 2, 3])]
    );
    let detail = report["set_findings"][0]["detail"].as_str().unwrap_or("");
    assert!(detail.contains("runs 1, 2, 3"), "{detail}");
}

#[test]
fn mint_on_the_vendor_sample_way_fails_every_token_and_the_set() {
    let (code, report) = mint_audit("2", &[]);
    assert_eq!(code, 1);
    assert_eq!(report["tokens"]["fail"], 2);
    let ids: Vec<String> = set_findings(&report)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // The same key, IV and context: the same ciphertext too.
    assert_eq!(
        ids,
        [
            "audit.key_reused",
            "audit.iv_reused",
            "audit.ciphertext_repeated"
        ]
    );
    let first = &report["results"][0]["findings"];
    let token_ids: Vec<&str> = first
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(
        token_ids.contains(&"moveo.aes.key_published"),
        "{token_ids:?}"
    );
    assert!(
        token_ids.contains(&"moveo.aes.iv_published"),
        "{token_ids:?}"
    );
}

#[test]
fn mint_compares_the_senders_clock_with_the_harness() {
    let (_, report) = mint_audit("2", &[("MINT_IV_ONLY", "1"), ("MINT_CLOCK_OFFSET", "-40")]);
    let skew = set_findings(&report)
        .into_iter()
        .find(|(id, _)| id == "audit.clock_skew")
        .expect("audit.clock_skew fires");
    assert_eq!(skew.1, [1, 2]);
}

#[test]
fn mint_runs_that_give_no_token_are_a_finding_and_a_command_that_never_runs_exits_2() {
    let out = harness()
        .args(["audit", "--profile", "moveo", "--format", "json"])
        .args(["--mint", "echo broken >&2; exit 3", "--count", "2"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        set_findings(&report),
        [("audit.mint_failed".to_owned(), vec![1, 2])]
    );
    let detail = report["set_findings"][0]["detail"].as_str().unwrap_or("");
    assert!(detail.contains("broken"), "{detail}");

    let out = harness()
        .args(["audit", "--profile", "moveo"])
        .args(["--mint", "no-such-minting-command-anywhere", "--count", "2"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not run"));
}

#[test]
fn fresh_tokens_from_generate_pass_the_audit() {
    let count = 200;
    let out = harness()
        .args(["generate", "--profile", "moveo", "--now", &NOW.to_string()])
        .args(["--sign-key", &key("customer", "private")])
        .args(["--encrypt-key", &key("recipient", "public")])
        .args(["--context", r#"{"plan":"gold"}"#, "--backend", "openssl"])
        .args(["--count", &count.to_string()])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let tokens: Vec<String> = String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(tokens.len(), count);
    let start = Instant::now();
    let (code, report) = audit_json(Moveo, &tokens);
    assert_eq!(code, 0, "{:#}", report["set_findings"]);
    assert_eq!(report["tokens"]["pass"], count);
    eprintln!("audit of {count} fresh tokens: {:?}", start.elapsed());
}
