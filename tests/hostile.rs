//! Hostile input at each resource bound: each ends in a clear finding (exit
//! 1) or a clear error (exit 2), never a crash, a hang or unbounded memory.
//! `scripts/hostile.sh` runs the same inputs on the release binary and
//! prints each one's wall time and peak memory; here the time only guards
//! against a hang (a debug build, a loaded machine).

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jose_harness::rules;
use jose_harness_tests::*;
use serde_json::{json, Value};

/// Generous: a debug build on two busy cores. A hang or a blow-up would
/// take minutes.
const HANG: Duration = Duration::from_secs(20);

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Ran {
    let started = Instant::now();
    let out = cmd.timeout(HANG * 3).output().unwrap();
    let took = started.elapsed();
    assert!(took < HANG, "took {took:?}");
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn findings(ran: &Ran) -> Vec<String> {
    let report: Value = serde_json::from_str(&ran.stdout)
        .unwrap_or_else(|e| panic!("not one JSON report ({e}): {}{}", ran.stdout, ran.stderr));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

fn check_file(profile: &str, token_file: &Path, extra: &[&str]) -> Ran {
    let mut cmd = check_cmd(profile, &format!("@{}", token_file.display()));
    cmd.args(["--format", "json"]).args(extra);
    run(&mut cmd)
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn a_ten_megabyte_token_is_a_size_finding() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big");
    fs::write(&file, "A".repeat(10 << 20)).unwrap();
    for profile in ["iadvize", "moveo"] {
        let ran = check_file(profile, &file, &[]);
        assert_eq!(ran.code, Some(1), "{}", ran.stderr);
        assert_eq!(findings(&ran), [rules::TOKEN_SIZE.id]);
    }
}

#[test]
fn ten_thousand_segments_are_a_segments_finding() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dots");
    fs::write(&file, vec!["eyJ9"; 10_000].join(".")).unwrap();
    for profile in ["iadvize", "moveo"] {
        let ran = check_file(profile, &file, &[]);
        assert_eq!(ran.code, Some(1), "{}", ran.stderr);
        assert_eq!(findings(&ran), [rules::TOKEN_SEGMENTS.id]);
        // Even when the size limit lets it through whole.
        let ran = check_file(profile, &file, &["--max-token-bytes", "100000000"]);
        assert_eq!(findings(&ran), [rules::TOKEN_SEGMENTS.id]);
    }
}

#[test]
fn json_nested_a_hundred_thousand_deep_is_a_depth_finding() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "{{\"iss\":\"c\",\"sub\":\"u\",\"exp\":{},\"x\":{}0{}}}",
        NOW + 60,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let header = b64(br#"{"alg":"RS256","typ":"JWT"}"#);
    for (what, token) in [
        (
            "claims",
            format!("{header}.{}.{}", b64(deep.as_bytes()), b64(b"sig")),
        ),
        (
            "header",
            format!(
                "{}.{}.{}",
                b64(format!("{{\"a\":{}}}", "[".repeat(100_000)).as_bytes()),
                b64(b"{}"),
                b64(b"sig")
            ),
        ),
    ] {
        let file = dir.path().join(what);
        fs::write(&file, &token).unwrap();
        // Past the default size limit first …
        let ran = check_file("moveo", &file, &[]);
        assert_eq!(findings(&ran), [rules::TOKEN_SIZE.id], "{what}");
        // … and with it raised, the depth limit.
        let ran = check_file("moveo", &file, &["--max-token-bytes", "1000000"]);
        assert_eq!(ran.code, Some(1), "{what}: {}", ran.stderr);
        assert!(
            findings(&ran).contains(&rules::JSON_DEPTH.id.to_owned())
                || findings(&ran).contains(&rules::JSON_SYNTAX.id.to_owned()),
            "{what}: {:?}",
            findings(&ran)
        );
    }
}

#[test]
fn ten_thousand_claims_are_a_members_finding() {
    let dir = tempfile::tempdir().unwrap();
    let mut claims = json!({"iss": "c", "sub": "u", "exp": NOW + 60});
    for i in 0..10_000 {
        claims[format!("c{i}")] = json!(i);
    }
    let token = moveo_token(claims.as_object().unwrap(), None);
    let file = dir.path().join("wide");
    fs::write(&file, &token).unwrap();
    let ran = check_file("moveo", &file, &["--max-token-bytes", "1000000"]);
    assert_eq!(ran.code, Some(1));
    assert!(findings(&ran).contains(&rules::JSON_MEMBERS.id.to_owned()));
    // The limit is a flag.
    let ran = check_file(
        "moveo",
        &file,
        &[
            "--max-token-bytes",
            "1000000",
            "--max-json-members",
            "20000",
        ],
    );
    assert_eq!(ran.code, Some(0), "{:?}", findings(&ran));
}

#[test]
fn a_65536_bit_modulus_in_a_jwk_is_refused_before_any_arithmetic() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = vec![0xffu8; 65_536 / 8];
    n[8191] = 0xfb;
    for (name, jwk) in [
        ("public", json!({"kty": "RSA", "n": b64(&n), "e": "AQAB"})),
        (
            "private",
            json!({"kty": "RSA", "n": b64(&n), "e": "AQAB", "d": b64(&n[1..])}),
        ),
    ] {
        let file = dir.path().join(format!("{name}.jwk"));
        fs::write(&file, jwk.to_string()).unwrap();
        let flag = if name == "public" {
            "--verify-key"
        } else {
            "--decrypt-key"
        };
        let ran = run(Command::new(harness_bin())
            .args(["check", "--profile", "moveo", "--token", "a.b.c", flag])
            .arg(&file));
        assert_eq!(ran.code, Some(2), "{name}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("65536-bit modulus") && ran.stderr.contains("at most 4096"),
            "{name}: {}",
            ran.stderr
        );
    }
}

fn vectors_run_with(adapter: &str, extra: &[&str]) -> Ran {
    run(Command::new(harness_bin())
        .args([
            "vectors",
            "run",
            "--backend",
            "reference",
            "--exec",
            adapter,
        ])
        .args(extra)
        .current_dir(workspace()))
}

#[test]
fn an_adapter_that_never_answers_is_given_up_with_a_clear_error() {
    let started = Instant::now();
    let ran = vectors_run_with("sleep 60", &["--exec-timeout", "0.5"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("no answer within 500ms") && ran.stderr.contains("--exec-timeout"),
        "{}",
        ran.stderr
    );
    // Given up at its first request: not restarted to wait again.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn an_adapter_that_floods_is_killed_with_a_clear_error() {
    let ran = vectors_run_with("yes | tr -d '\\n'", &[]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("longer than 1048576 bytes"),
        "{}",
        ran.stderr
    );
    let ran = vectors_run_with("yes | tr -d '\\n'", &["--exec-max-answer-bytes", "1000"]);
    assert!(
        ran.stderr.contains("longer than 1000 bytes"),
        "{}",
        ran.stderr
    );
}

#[test]
fn bounds_out_of_range_are_usage_errors() {
    for args in [
        vec!["--max-json-depth", "100000"],
        vec!["--max-json-depth", "0"],
    ] {
        let ran = run(check_cmd("moveo", "a.b.c").args(&args));
        assert_eq!(ran.code, Some(2), "{args:?}");
        assert!(ran.stderr.contains("between 1 and 128"), "{}", ran.stderr);
    }
    let ran = vectors_run_with("true", &["--exec-timeout", "0"]);
    assert_eq!(ran.code, Some(2));
    assert!(ran.stderr.contains("number of seconds"), "{}", ran.stderr);
}

#[test]
fn an_endless_key_file_is_refused_after_its_bound() {
    let ran = run(Command::new(harness_bin()).args([
        "check",
        "--profile",
        "moveo",
        "--token",
        "a.b.c",
        "--verify-key",
        "/dev/zero",
    ]));
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.contains("more than 65536 bytes"),
        "{}",
        ran.stderr
    );
}
