//! The loader's errors, malformed cases counted, outcomes against
//! expectations, and the harness's own key and text checks.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::triage::{jwk_permits, parse_reject, shown, Purpose};
use super::*;
use crate::implementation::Outcome;
use crate::jose::b64;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "jose-harness-wycheproof-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const EMPTY_JWE: &str = r#"{"numberOfTests":0,"header":[],"notes":{},"schema":"json_web_encryption_schema_v1.json","testGroups":[]}"#;

#[test]
fn errors_name_the_file_and_the_problem() {
    let dir = temp_dir("errors");
    let err = load(&dir).unwrap_err().to_string();
    assert!(
        err.contains(SIGNATURE_FILE) && err.contains("testvectors_v1"),
        "{err}"
    );

    write(&dir, SIGNATURE_FILE, "not json");
    write(&dir, ENCRYPTION_FILE, EMPTY_JWE);
    let err = load(&dir).unwrap_err();
    assert!(matches!(err, WycheproofError::NotJson { .. }), "{err}");
    assert!(err.to_string().contains(SIGNATURE_FILE), "{err}");

    write(
        &dir,
        SIGNATURE_FILE,
        r#"{"numberOfTests":2,"header":[],"notes":{},"schema":"json_web_signature_schema_v1.json","testGroups":[{"type":"JsonWebSignature","source":{"name":"g","version":"1"},"tests":[{"tcId":1,"comment":"","jws":"a.b.c","result":"valid","flags":[]}]}]}"#,
    );
    let err = load(&dir).unwrap_err().to_string();
    assert!(
        err.contains("numberOfTests 2 but holds 1 test cases"),
        "{err}"
    );

    write(&dir, SIGNATURE_FILE, EMPTY_JWE);
    let err = load(&dir).unwrap_err().to_string();
    assert!(err.contains("declares schema"), "{err}");

    write(
        &dir,
        SIGNATURE_FILE,
        r#"{"numberOfTests":0,"header":[],"notes":{},"schema":"json_web_signature_schema_v1.json","testGroups":[],"surprise":1}"#,
    );
    let err = load(&dir).unwrap_err();
    assert!(matches!(err, WycheproofError::Schema { .. }), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn finds_the_files_in_a_checkout_layout() {
    let dir = temp_dir("layout");
    let sub = dir.join("testvectors_v1");
    std::fs::create_dir_all(&sub).unwrap();
    write(
        &sub,
        SIGNATURE_FILE,
        r#"{"numberOfTests":0,"header":[],"notes":{"F":"old style"},"schema":"json_web_signature_schema_v1.json","testGroups":[]}"#,
    );
    write(&sub, ENCRYPTION_FILE, EMPTY_JWE);
    let suite = load(&dir).unwrap();
    assert_eq!(suite.signature.path, sub.join(SIGNATURE_FILE));
    let report = run(&suite, &crate::backend::all());
    assert_eq!(report.unexpected, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn malformed_cases_are_counted_not_panics() {
    let dir = temp_dir("malformed");
    let rs256 = b64::encode_url(br#"{"alg":"RS256"}"#);
    let alg_number = b64::encode_url(br#"{"alg":256}"#);
    let cases = [
        (1, format!("{rs256}.e30.AA"), "valid"),
        (2, format!("{alg_number}.e30.AA"), "invalid"),
        (3, "\u{1F600}.\u{0}.x".to_owned(), "invalid"),
        (4, format!("{rs256}.e30=.AA"), "acceptable"),
    ];
    let tests: Vec<Value> = cases
        .iter()
        .map(|(id, jws, result)| {
            serde_json::json!({"tcId": id, "comment": "", "jws": jws, "result": result, "flags": []})
        })
        .collect();
    let file = serde_json::json!({
        "numberOfTests": tests.len(),
        "header": [],
        "notes": {},
        "schema": "json_web_signature_schema_v1.json",
        "testGroups": [{
            "type": "JsonWebSignature",
            "public": {"kty": "RSA", "n": "!!", "e": "AQAB"},
            "tests": tests,
        }],
    });
    write(&dir, SIGNATURE_FILE, &file.to_string());
    write(&dir, ENCRYPTION_FILE, EMPTY_JWE);
    let suite = load(&dir).unwrap();
    let report = run(&suite, &crate::backend::all());
    let jws = report.file(SIGNATURE_FILE).unwrap();
    let reference = jws.backend("reference").unwrap();
    assert_eq!((reference.run, reference.passed), (4, 3));
    assert_eq!(reference.reached_backend, 0);
    let failed = &reference.unexpected[0];
    assert_eq!(failed.tc_id, 1);
    assert!(
        matches!(&failed.actual, Outcome::Rejected { class, detail } if class == Stage::Key.as_str() && detail.contains("does not load")),
        "{:?}",
        failed.actual
    );
    let mut text = Vec::new();
    crate::report::wycheproof::write_text(&report, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("tcId 1") && text.contains("FAIL"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn outcomes_against_expectations() {
    let rejected = parse_reject("x");
    let accepted = Outcome::accepted();
    assert!(meets(&accepted, Expected::Valid));
    assert!(!meets(&accepted, Expected::Invalid));
    assert!(meets(&accepted, Expected::Acceptable));
    assert!(meets(&rejected, Expected::Invalid) && meets(&rejected, Expected::Acceptable));
    assert!(!meets(&rejected, Expected::Valid));
    assert!(!meets(&wrong_plaintext(), Expected::Acceptable));
    let crashed = Outcome::Crashed { detail: "x".into() };
    assert!(!meets(&crashed, Expected::Invalid));
}

#[test]
fn jwk_members_limit_the_key() {
    let jwk = |v: Value| v.as_object().cloned().unwrap();
    let ok = jwk(serde_json::json!({"kty":"RSA","use":"sig","alg":"RS256","key_ops":["verify"]}));
    assert!(jwk_permits(&ok, Purpose::Verify, "RS256").is_ok());
    let enc = jwk(serde_json::json!({"kty":"RSA","use":"enc"}));
    assert!(jwk_permits(&enc, Purpose::Verify, "RS256").is_err());
    assert!(jwk_permits(&enc, Purpose::Decrypt, "RSA-OAEP-256").is_ok());
    let ops = jwk(serde_json::json!({"kty":"RSA","key_ops":["encrypt"]}));
    assert!(jwk_permits(&ops, Purpose::Verify, "RS256").is_err());
    let ps = jwk(serde_json::json!({"kty":"RSA","alg":"PS512"}));
    assert!(jwk_permits(&ps, Purpose::Verify, "RS256").is_err());
}

#[test]
fn shown_bounds_and_escapes() {
    assert_eq!(shown("RS256"), "RS256");
    assert_eq!(shown("a\nb"), "a\\nb");
    assert_eq!(shown(&"x".repeat(50)).chars().count(), 41);
}
