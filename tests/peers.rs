//! Tokens minted by independent implementations get the verdict and the
//! rule ids their scripts expect from the `jose-harness` CLI:
//!
//! - `node`: Node's built-in `node:crypto`, no npm packages
//!   (`scripts/peers/node-mint.mjs`);
//! - `python`: pyca/`cryptography`, i.e. OpenSSL, and the standard library
//!   (`scripts/peers/python-mint.py`).
//!
//! Each script takes `--keys DIR --now UNIX` and prints a JSON array of
//! cases `{name, profile, token, expect: {verdict, errors, warnings, info}}`,
//! with an optional `verify_key` naming the bundled test key pair that
//! checks the signature (default `customer`). One function,
//! [`check_peer`], runs a script and checks its cases; each peer is a
//! `#[test]` that finds its interpreter.
//!
//! The peers' adapters (scripts/peers/peers.json) are run too: their
//! error texts reach the harness as well-formed Unicode and
//! their claims as the library read them.
//!
//! Without the interpreter (`node` on PATH; a Python that can import
//! `cryptography`) a test is skipped with a message, except under CI (the
//! `CI` environment variable set), where it fails.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use jose_harness::rules::{self, Severity};
use jose_harness_tests::{
    first_working, harness_bin, key_path, keys_dir, python_with_cryptography, unavailable,
    workspace, NOW,
};
use serde_json::Value;

/// The Node script prints at least this many cases (40 when written);
/// fewer means it broke or lost cases, which must not pass silently.
const NODE_MIN_CASES: usize = 40;

/// The same for the Python script (27 when written).
const PYTHON_MIN_CASES: usize = 27;

/// One minting script and how to run it.
struct Peer {
    /// Short name for messages (`node`, `python`).
    name: &'static str,
    /// The interpreter that runs the script.
    interpreter: OsString,
    /// The script, relative to the workspace root.
    script: &'static str,
    /// The fewest cases the script may print.
    min_cases: usize,
}

/// One case printed by a script.
struct Case {
    name: String,
    profile: String,
    token: String,
    verdict: String,
    /// Expected ids, each with the severity its list implies.
    expected: Vec<(String, Severity)>,
    /// The bundled key pair whose public half verifies the signature.
    verify_key: String,
}

/// Runs the peer's script; its cases as JSON values.
fn mint(peer: &Peer) -> Vec<Value> {
    let script = workspace().join(peer.script);
    let output = StdCommand::new(&peer.interpreter)
        .arg(&script)
        .arg("--keys")
        .arg(keys_dir())
        .arg("--now")
        .arg(NOW.to_string())
        .current_dir(workspace())
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "cannot start {} for {}: {err}",
                Path::new(&peer.interpreter).display(),
                script.display()
            )
        });
    assert!(
        output.status.success(),
        "{} failed ({}):\n{}",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    match serde_json::from_slice(&output.stdout) {
        Ok(Value::Array(cases)) => cases,
        Ok(other) => panic!(
            "{} printed JSON that is not an array: {other:.200}",
            peer.script
        ),
        Err(err) => panic!(
            "the output of {} is not JSON ({err}): {:.500}",
            peer.script,
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
    let verify_key = match value.get("verify_key") {
        None => "customer".to_owned(),
        Some(Value::String(key)) if key_path(key, "public").is_file() => key.clone(),
        Some(other) => {
            return Err(format!(
                "{name}: verify_key {other} is not a bundled test key pair in {}",
                keys_dir().display()
            ))
        }
    };
    Ok(Case {
        name,
        profile,
        token,
        verdict,
        expected,
        verify_key,
    })
}

/// Checks one case with the CLI; returns what did not match.
fn run_case(case: &Case) -> Vec<String> {
    let now = NOW.to_string();
    let verify = key_path(&case.verify_key, "public");
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

/// Mints the peer's cases and checks each with the CLI; fails with every
/// problem found.
fn check_peer(peer: &Peer) {
    let values = mint(peer);
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
        values.len() >= peer.min_cases,
        "{} printed {} cases, expected at least {}",
        peer.script,
        values.len(),
        peer.min_cases
    );
    for case in &cases {
        problems.extend(run_case(case));
    }
    eprintln!(
        "{} peer: {} cases checked, {} problem(s)",
        peer.name,
        cases.len(),
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "{} problem(s) with tokens minted by {}:\n{}",
        problems.len(),
        peer.script,
        problems.join("\n")
    );
}

/// Node's built-in crypto, run by `node` from PATH.
#[test]
fn node() {
    let candidates = [(OsString::from("node"), "on PATH".to_owned())];
    let (interpreter, version) = match first_working(&candidates, &["--version"]) {
        Ok(found) => found,
        Err(_) => {
            return unavailable(
                "node",
                "`node` is not on PATH, so the tokens minted by Node's crypto were not \
                 checked; install Node.js (16 or later) to run this test",
            )
        }
    };
    eprintln!("node peer: Node.js {version}");
    check_peer(&Peer {
        name: "node",
        interpreter,
        script: "scripts/peers/node-mint.mjs",
        min_cases: NODE_MIN_CASES,
    });
}

/// pyca/cryptography, run by the first Python that can import it: the one
/// `JOSE_HARNESS_PYTHON` names, then the workspace's `.venv` (made by
/// `scripts/peers/setup-python.sh`), then `python3` from PATH.
#[test]
fn python() {
    let Some((interpreter, versions)) = python_with_cryptography("python") else {
        return;
    };
    eprintln!(
        "python peer: {} ({versions})",
        Path::new(&interpreter).display()
    );
    check_peer(&Peer {
        name: "python",
        interpreter,
        script: "scripts/peers/python-mint.py",
        min_cases: PYTHON_MIN_CASES,
    });
}

/// `--peers` with a peer that is not installed stops before any work, with
/// exit 2 and a message naming the peer, the missing file and the script
/// that installs it.
#[test]
fn peers_not_set_up_exit_2_and_name_the_setup_script() {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("scripts/peers/peers.json");
    std::fs::create_dir_all(manifest.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        &manifest,
        r#"{"peers":[{"name":"node-jose","command":"node x.mjs",
            "installed":"scripts/peers/node/node_modules/jose/package.json",
            "needs":"Node.js 20.19 or later with npm"}]}"#,
    )
    .expect("write manifest");
    for args in [
        &["interop", "--cases", "1", "--peers"][..],
        &["vectors", "run", "--peers"][..],
    ] {
        let output = Command::new(harness_bin())
            .args(args)
            .current_dir(workspace())
            .env("JOSE_HARNESS_PEERS", &manifest)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        for needle in [
            "the peer node-jose is not set up",
            "node_modules/jose/package.json is missing",
            "scripts/peers/setup.sh",
            "Node.js 20.19",
        ] {
            assert!(
                stderr.contains(needle),
                "{args:?}: {needle:?} not in {stderr}"
            );
        }
    }
}

/// Every peer of `scripts/peers/peers.json` starts, calls itself by the
/// manifest's name, names its library versions, and agrees with the
/// reference on a few cases of each profile it takes part in, both ways,
/// and on every negative case (or a known quirk). `.ci/run` runs the full
/// matrix; this is the quick form for `cargo test`.
#[test]
fn every_peer_answers_under_its_manifest_name_and_agrees_with_the_reference() {
    let root = workspace();
    let peers = jose_harness::implementation::peers::Peers::load(
        &root.join(jose_harness::implementation::peers::MANIFEST),
    )
    .expect("the manifest loads");
    let missing = peers.missing();
    if !missing.is_empty() {
        let reasons: Vec<String> = missing.iter().map(ToString::to_string).collect();
        return unavailable("--peers", &reasons.join("; "));
    }
    let output = Command::new(harness_bin())
        .args([
            "interop",
            "--backend",
            "reference",
            "--peers",
            "--cases",
            "3",
            "--format",
            "json",
        ])
        .current_dir(&root)
        .env_remove("JOSE_HARNESS_PEERS")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let matrix: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("interop --format json: {e}; stderr: {stderr}"));
    let implementations = matrix["implementations"]
        .as_array()
        .expect("implementations");
    for peer in &peers.peers {
        let found = implementations
            .iter()
            .find(|i| i["name"] == peer.name.as_str())
            .unwrap_or_else(|| panic!("{} is not in the matrix: {implementations:?}", peer.name));
        let library = found["library"].as_str().unwrap_or_default();
        assert!(
            library.chars().any(|c| c.is_ascii_digit()),
            "{} names no library version: {library:?}",
            peer.name
        );
        let takes_part = found["layers"].as_object().is_some_and(|profiles| {
            profiles.values().any(|roles| {
                ["produce", "consume"]
                    .iter()
                    .all(|role| roles[role].as_array().is_some_and(|l| !l.is_empty()))
            })
        });
        assert!(
            takes_part,
            "{} neither produces nor consumes a whole profile: {found}",
            peer.name
        );
    }
    assert_eq!(
        output.status.code(),
        Some(0),
        "interop with every peer failed:\n{}\n{stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// The peer of the manifest called `name`, if it is set up (else skipped,
/// or a failure under CI).
fn installed_peer(name: &str) -> Option<jose_harness::implementation::peers::Peer> {
    let peers = jose_harness::implementation::peers::Peers::load(
        &workspace().join(jose_harness::implementation::peers::MANIFEST),
    )
    .expect("the manifest loads");
    let peer = peers
        .peers
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no peer {name} in the manifest"))
        .clone();
    if !workspace().join(&peer.installed).exists() {
        unavailable(name, "not set up; run scripts/peers/setup.sh");
        return None;
    }
    Some(peer)
}

/// The first line a peer's adapter answers to `request`, as written.
fn raw_answer(peer: &jose_harness::implementation::peers::Peer, request: &Value) -> String {
    let output = Command::new("sh")
        .args(["-c", &peer.command])
        .current_dir(workspace())
        .write_stdin(format!("{request}\n"))
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("the adapter runs");
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .next()
        .unwrap_or_else(|| panic!("{}: no answer", peer.name))
        .to_owned()
}

/// Issue 21: V8's SyntaxError quotes the first ten UTF-16 code units of
/// the JSON it cannot parse, and here the tenth is the first half of an
/// emoji. The adapter must answer that text as well-formed Unicode (a
/// strict parser, serde_json, reads the line), U+FFFD for the half.
#[test]
fn node_jsonwebtoken_answers_an_error_cut_inside_an_emoji_as_well_formed_text() {
    let Some(peer) = installed_peer("node-jsonwebtoken") else {
        return;
    };
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let token = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256","typ":"JWT"}"#),
        b64("z\"iss\":\"i😀xxxxxxxx\"}".as_bytes()),
        b64(b"sig")
    );
    let request = serde_json::json!({
        "id": 1, "op": "consume", "profile": "moveo", "token": token, "now": NOW,
        "keys": {"verify": std::fs::read_to_string(key_path("customer", "public")).expect("key")},
    });
    let line = raw_answer(&peer, &request);
    let answer: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(answer["verdict"], "fail", "{line}");
    let error = answer["error"].as_str().expect("an error text");
    assert!(error.contains("\"i\u{fffd}\"..."), "{error}");
}

/// Claims are data: a consumer that reads a lone surrogate in them
/// answers it as read (not mended), and the harness sees where it is.
#[test]
fn node_jose_answers_claims_with_a_lone_surrogate_as_it_read_them() {
    let Some(peer) = installed_peer("node-jose") else {
        return;
    };
    let backend = jose_harness::backend::by_name("reference").expect("reference");
    let keys = jose_harness_tests::keys();
    let payload = format!(r#"{{"iss":"i\ud83d","sub":"u","exp":{}}}"#, NOW + 60);
    let token = jose_harness::forge::mint::jws_rs256(
        backend,
        &keys.customer,
        jose_harness::forge::mint::MOVEO_JWS_HEADER.as_bytes(),
        payload.as_bytes(),
    )
    .expect("signs");
    let adapter = jose_harness::implementation::adapter::Adapter::new(peer.command.clone())
        .in_dir(workspace());
    let consumer =
        jose_harness::implementation::Implementation::external(adapter).expect("describes");
    let outcome = consumer.consume(
        jose_harness::profile::Profile::Moveo,
        &token,
        &keys.customer,
        &keys.recipient,
        NOW,
    );
    match outcome {
        jose_harness::implementation::Outcome::Accepted {
            claims,
            not_unicode,
            ..
        } => {
            assert_eq!(not_unicode, ["/claims/iss"]);
            assert_eq!(claims["iss"], "i\u{fffd}");
        }
        other => panic!("node-jose no longer accepts a lone surrogate in iss: {other:?}"),
    }
}

/// The Python adapters' encoder: free text well-formed (a lone surrogate
/// becomes U+FFFD, a pair held as two code points stays a pair), claims
/// as read.
#[test]
fn python_adapters_answer_well_formed_error_text_and_claims_as_read() {
    let Some((python, _)) = python_with_cryptography("python adapters") else {
        return;
    };
    let script = r#"import sys
sys.path.insert(0, "scripts/peers")
import adapter_common as a
a.PROTOCOL_OUT.write(a.encode_response({"id": 1, "error": "i\ud83d x \ud83d\ude00 \ude00", "claims": {"iss": "i\ud83d"}}) + "\n")
"#;
    let output = StdCommand::new(&python)
        .args(["-c", script])
        .current_dir(workspace())
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim_end(),
        r#"{"id":1,"error":"i\ufffd x \ud83d\ude00 \ufffd","claims":{"iss":"i\ud83d"}}"#
    );
}
