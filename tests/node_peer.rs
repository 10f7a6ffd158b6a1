//! Tokens minted by an independent implementation, Node's built-in
//! `node:crypto` (`scripts/peers/node-mint.mjs`, no npm packages), get the
//! verdict and the rule ids the script expects from the `jose-harness` CLI.
//!
//! Without `node` on PATH the test is skipped with a message, except under
//! CI (the `CI` environment variable set), where it fails.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use jose_harness::rules::{self, Severity};
use jose_harness_tests::{harness_bin, key_path, keys_dir, NOW};
use serde_json::Value;

/// The script prints at least this many cases (40 when written); fewer
/// means it broke or lost cases, which must not pass silently.
const MIN_CASES: usize = 40;

/// The workspace root: the script path and the harness package are
/// relative to it.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Whether we run under CI, where a missing `node` is a failure.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// One case printed by the script.
struct Case {
    name: String,
    profile: String,
    token: String,
    verdict: String,
    /// Expected ids, each with the severity its list implies.
    expected: Vec<(String, Severity)>,
}

/// Runs the Node script; `None` when node is not installed (and not in CI).
fn mint_with_node() -> Option<Vec<Value>> {
    let script = workspace().join("scripts/peers/node-mint.mjs");
    let output = StdCommand::new("node")
        .arg(&script)
        .arg("--keys")
        .arg(keys_dir())
        .arg("--now")
        .arg(NOW.to_string())
        .current_dir(workspace())
        .output();
    let output = match output {
        Ok(output) => output,
        Err(err) if err.kind() == ErrorKind::NotFound => {
            let message = "node_peer: `node` is not on PATH, so the tokens minted by Node's \
                           crypto were not checked; install Node.js (16 or later) to run this test";
            assert!(!in_ci(), "{message} (CI is set, so this is a failure)");
            eprintln!("{message}; skipping");
            return None;
        }
        Err(err) => panic!("cannot start node for {}: {err}", script.display()),
    };
    assert!(
        output.status.success(),
        "{} failed ({}):\n{}",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    match serde_json::from_slice(&output.stdout) {
        Ok(Value::Array(cases)) => Some(cases),
        Ok(other) => panic!("the script printed JSON that is not an array: {other:.200}"),
        Err(err) => panic!(
            "the script's output is not JSON ({err}): {:.500}",
            String::from_utf8_lossy(&output.stdout)
        ),
    }
}

/// Reads one case, checking its shape and that every expected id is a rule
/// of the severity its list says (a typo in the script fails here).
fn parse_case(value: &Value) -> Result<Case, String> {
    let text = |v: &Value, field: &str| {
        v.get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("no string {field:?} in {v:.200}"))
    };
    let name = text(value, "name")?;
    let profile = text(value, "profile")?;
    if !["iadvize", "moveo"].contains(&profile.as_str()) {
        return Err(format!("{name}: unknown profile {profile:?}"));
    }
    let token = text(value, "token")?;
    let expect = value
        .get("expect")
        .ok_or_else(|| format!("{name}: no \"expect\""))?;
    let verdict = text(expect, "verdict")?;
    if !["pass", "fail", "incomplete"].contains(&verdict.as_str()) {
        return Err(format!("{name}: unknown verdict {verdict:?}"));
    }
    let mut expected = Vec::new();
    for (list, severity) in [
        ("errors", Severity::Error),
        ("warnings", Severity::Warning),
        ("info", Severity::Info),
    ] {
        let ids = match expect.get(list) {
            None => continue,
            Some(Value::Array(ids)) => ids,
            Some(other) => return Err(format!("{name}: expect.{list} is not an array: {other}")),
        };
        for id in ids {
            let id = id
                .as_str()
                .ok_or_else(|| format!("{name}: expect.{list} has a non-string {id}"))?;
            let rule = rules::by_id(id).ok_or_else(|| format!("{name}: no rule {id:?}"))?;
            if rule.severity != severity {
                return Err(format!(
                    "{name}: {id} is a {} rule, listed in expect.{list}",
                    rule.severity.as_str()
                ));
            }
            expected.push((id.to_owned(), severity));
        }
    }
    if (verdict == "fail") == expected.iter().all(|(_, s)| *s != Severity::Error) {
        return Err(format!(
            "{name}: verdict {verdict:?} contradicts expect.errors (a fail names its errors, a pass has none)"
        ));
    }
    Ok(Case {
        name,
        profile,
        token,
        verdict,
        expected,
    })
}

/// Checks one case with the CLI; returns what did not match.
fn run_case(case: &Case) -> Vec<String> {
    let now = NOW.to_string();
    let verify = key_path("customer", "public");
    let decrypt = key_path("recipient", "private");
    let output = Command::new(harness_bin())
        .args(["check", "--profile", &case.profile, "--token", "-"])
        .arg("--verify-key")
        .arg(&verify)
        .arg("--decrypt-key")
        .arg(&decrypt)
        .args(["--now", &now, "--format", "json"])
        .write_stdin(case.token.as_bytes())
        .output()
        .expect("jose-harness runs");
    let name = &case.name;
    let report: Value = match serde_json::from_slice(&output.stdout) {
        Ok(report) => report,
        Err(err) => {
            return vec![format!(
                "{name}: no JSON report ({err}); exit {:?}; stderr: {}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr).trim()
            )]
        }
    };
    let findings: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| {
                    (
                        f["id"].as_str().unwrap_or("?"),
                        f["severity"].as_str().unwrap_or("?"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let all: Vec<String> = findings
        .iter()
        .map(|(id, severity)| format!("{id} ({severity})"))
        .collect();
    let context = format!("findings [{}]", all.join(", "));
    let mut problems = Vec::new();
    let verdict = report["verdict"].as_str().unwrap_or("?");
    if verdict != case.verdict {
        problems.push(format!(
            "{name}: verdict {verdict}, expected {}; {context}; not checked {}",
            case.verdict, report["not_checked"]
        ));
    }
    let exit = match case.verdict.as_str() {
        "pass" => 0,
        "fail" => 1,
        _ => 3,
    };
    if verdict == case.verdict && output.status.code() != Some(exit) {
        problems.push(format!(
            "{name}: exit {:?} for verdict {verdict}, expected {exit}",
            output.status.code()
        ));
    }
    for (id, severity) in &case.expected {
        if !findings
            .iter()
            .any(|(i, s)| i == id && *s == severity.as_str())
        {
            problems.push(format!(
                "{name}: expected {id} ({}), missing; {context}",
                severity.as_str()
            ));
        }
    }
    // expect.errors lists every error: another error is a misdiagnosis.
    let expected_errors: BTreeSet<&str> = case
        .expected
        .iter()
        .filter(|(_, s)| *s == Severity::Error)
        .map(|(id, _)| id.as_str())
        .collect();
    let unexpected: BTreeSet<&str> = findings
        .iter()
        .filter(|(id, s)| *s == "error" && !expected_errors.contains(id))
        .map(|(id, _)| *id)
        .collect();
    if !unexpected.is_empty() {
        problems.push(format!(
            "{name}: unexpected error(s) {unexpected:?}; {context}"
        ));
    }
    problems
}

#[test]
fn node_crypto_tokens_get_the_expected_verdicts() {
    let Some(values) = mint_with_node() else {
        return;
    };
    let mut problems = Vec::new();
    let mut cases = Vec::new();
    let mut names = BTreeSet::new();
    for value in &values {
        match parse_case(value) {
            Ok(case) if !names.insert(case.name.clone()) => {
                problems.push(format!("{}: the name is used twice", case.name))
            }
            Ok(case) => cases.push(case),
            Err(problem) => problems.push(problem),
        }
    }
    assert!(
        values.len() >= MIN_CASES,
        "the script printed {} cases, expected at least {MIN_CASES}",
        values.len()
    );
    for case in &cases {
        problems.extend(run_case(case));
    }
    eprintln!(
        "node_peer: {} Node-minted cases checked, {} problem(s)",
        cases.len(),
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "{} problem(s) with Node-minted tokens:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
