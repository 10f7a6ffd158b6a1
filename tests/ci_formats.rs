//! The formats CI systems read. `--format junit` of `vectors run`,
//! `interop`, `check --batch` and `audit`: each output valid against the
//! Jenkins JUnit schema (tests/data/junit/, validated by Python's
//! xmlschema), a case per vector, cell, negative case or token line,
//! failures naming their rules with a reproduction command that does
//! reproduce them. `--format sarif` of `check`, `check --batch` and
//! `audit`: valid SARIF 2.1.0 (tests/data/sarif/, validated by Python's
//! jsonschema), every rule described, each finding at its file and line.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use jose_harness_tests::*;
use serde_json::Value;

fn harness() -> Command {
    Command::new(harness_bin())
}

fn key(name: &str, half: &str) -> String {
    key_path(name, half).display().to_string()
}

/// A Python that can import `module` (a schema validator): the
/// workspace's `.venv` (made by `scripts/peers/setup.sh`), then `python3`;
/// `None` (after a skip, or a failure under CI) when there is none.
pub fn python_with(module: &str) -> Option<OsString> {
    let candidates = [
        (
            workspace().join(".venv/bin/python").into_os_string(),
            "the workspace's .venv".to_owned(),
        ),
        (OsString::from("python3"), "on PATH".to_owned()),
    ];
    match first_working(&candidates, &["-c", &format!("import {module}")]) {
        Ok((python, _)) => Some(python),
        Err(reasons) => {
            unavailable(
                &format!("{module} (a schema validator)"),
                &format!(
                    "no Python that can import {module} ({}); run scripts/peers/setup.sh",
                    reasons.join("; ")
                ),
            );
            None
        }
    }
}

/// Validates `xml` against the Jenkins JUnit schema; panics with the
/// validator's message when it is not valid.
pub fn assert_valid_junit(python: &OsString, xml: &[u8]) {
    if let Err(why) = validate(python, Schema::Junit, xml) {
        panic!(
            "not valid JUnit: {why}\n{}",
            String::from_utf8_lossy(&xml[..xml.len().min(2000)])
        );
    }
}

/// The schemas of tests/data/, and the validator each is read with.
#[derive(Clone, Copy)]
enum Schema {
    Junit,
    Sarif,
}

/// Validates `document` against `schema` with `python`: the validator's
/// message when it is not valid.
fn validate(python: &OsString, schema: Schema, document: &[u8]) -> Result<(), String> {
    let (file, program) = match schema {
        Schema::Junit => (
            "tests/data/junit/jenkins-junit.xsd",
            "import sys, xmlschema\nxmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])",
        ),
        Schema::Sarif => (
            "tests/data/sarif/sarif-2.1.0-rtm.5.json",
            "import sys, json, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             jsonschema.Draft4Validator(schema).validate(json.load(open(sys.argv[2])))",
        ),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document");
    std::fs::write(&path, document).unwrap();
    let out = StdCommand::new(python)
        .args(["-c", program])
        .arg(workspace().join(file))
        .arg(&path)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The value of attribute `name` of the first element `element`.
fn attribute(xml: &str, element: &str, name: &str) -> usize {
    let start = xml.find(&format!("<{element} ")).expect("the element");
    let tag = &xml[start..start + xml[start..].find('>').unwrap()];
    let value = tag
        .split(&format!(" {name}=\""))
        .nth(1)
        .and_then(|v| v.split('"').next())
        .unwrap_or_else(|| panic!("no {name} in {tag}"));
    value.parse().unwrap()
}

/// The command's stdout, once it exited with `code`.
fn output(command: &mut Command, code: i32) -> String {
    let out = command.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn vectors_run_gives_a_valid_case_per_vector_and_names_what_a_lying_consumer_got_wrong() {
    let Some(python) = python_with("xmlschema") else {
        return;
    };
    let dir = workspace().join("vectors");
    let vectors: usize = ["iadvize", "moveo"]
        .iter()
        .flat_map(|p| std::fs::read_dir(dir.join(p)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let file: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            file["tests"].as_array().unwrap().len()
        })
        .sum();
    let xml = output(
        harness()
            .args([
                "vectors",
                "run",
                "--backend",
                "reference",
                "--format",
                "junit",
                "--dir",
            ])
            .arg(&dir),
        0,
    );
    assert_valid_junit(&python, xml.as_bytes());
    assert_eq!(attribute(&xml, "testsuites", "tests"), vectors);
    assert_eq!(attribute(&xml, "testsuites", "failures"), 0);
    assert_eq!(xml.matches("<testcase ").count(), vectors);

    // A consumer that passes every token: each negative vector is a
    // failure that says what was expected.
    let liar = format!(
        "{} -c 'import sys, json\nfor line in sys.stdin:\n r = json.loads(line)\n a = {{\"id\": r[\"id\"], \"name\": \"liar\", \"capabilities\": {{\"produce\": [], \"consume\": [\"iadvize\", \"moveo\"]}}}} if r[\"op\"] == \"describe\" else {{\"id\": r[\"id\"], \"verdict\": \"pass\", \"claims\": {{}}, \"context\": None}}\n print(json.dumps(a), flush=True)'",
        Path::new(&python).display()
    );
    let xml = output(
        harness()
            .args(["vectors", "run", "--backend", "reference", "--exec", &liar])
            .args(["--format", "junit", "--dir"])
            .arg(&dir),
        1,
    );
    assert_valid_junit(&python, xml.as_bytes());
    let failures = attribute(&xml, "testsuites", "failures");
    assert!(failures > 100, "{failures} failures");
    assert_eq!(xml.matches("<failure ").count(), failures);
    assert!(
        xml.contains(r#"<failure message="expected fail with jws.alg.none"#),
        "{}",
        &xml[..3000]
    );
    assert!(xml.contains("reproduce: jose-harness vectors run --dir"));
}

#[test]
fn interop_gives_a_valid_case_per_cell_and_per_negative_answer() {
    let Some(python) = python_with("xmlschema") else {
        return;
    };
    let args = [
        "interop",
        "--cases",
        "2",
        "--seed",
        "9",
        "--backend",
        "reference,openssl",
    ];
    let json: Value =
        serde_json::from_str(&output(harness().args(args).args(["--format", "json"]), 0)).unwrap();
    let xml = output(harness().args(args).args(["--format", "junit"]), 0);
    assert_valid_junit(&python, xml.as_bytes());
    let answers: usize = json["negative"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["outcomes"].as_array().unwrap().len())
        .sum();
    let cells = json["cells"].as_array().unwrap().len();
    assert_eq!(attribute(&xml, "testsuites", "tests"), cells + answers);
    assert!(xml.contains(r#"name="iadvize/jws.alg.none → openssl""#));
    assert!(xml.contains(r#"<testsuite name="interop moveo · negative cases""#));
}

/// A batch of a good moveo token, a broken one and the good one again.
fn batch_file(dir: &Path) -> PathBuf {
    let token = output(
        harness()
            .args(["generate", "--profile", "moveo", "--now", &NOW.to_string()])
            .args(["--sign-key", &key("customer", "private")])
            .args(["--encrypt-key", &key("recipient", "public")]),
        0,
    );
    let token = token.trim();
    let (head, rest) = token.split_once('.').unwrap();
    let broken = format!("{head}x.{rest}");
    let path = dir.join("tokens.txt");
    std::fs::write(&path, format!("{token}\n{broken}\n{token}\n")).unwrap();
    path
}

/// `check --batch` or `audit --tokens` of `batch` with the bundled keys
/// and the pinned clock, in `format`.
fn batch_command(command: &str, format: &str, batch: &Path) -> Command {
    let mut harness = harness();
    harness
        .args([command, "--profile", "moveo", "--now", &NOW.to_string()])
        .args(["--format", format])
        .args(["--verify-key", &key("customer", "public")])
        .args(["--decrypt-key", &key("recipient", "private")])
        .arg(if command == "check" {
            "--batch"
        } else {
            "--tokens"
        })
        .arg(batch);
    harness
}

#[test]
fn check_batch_gives_a_case_per_line_whose_reproduction_command_reproduces_it() {
    let Some(python) = python_with("xmlschema") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let batch = batch_file(dir.path());
    let xml = output(&mut batch_command("check", "junit", &batch), 1);
    assert_valid_junit(&python, xml.as_bytes());
    assert_eq!(attribute(&xml, "testsuite", "tests"), 3);
    assert_eq!(attribute(&xml, "testsuite", "failures"), 1);
    let failure = &xml[xml.find("<failure ").unwrap()..xml.find("</failure>").unwrap()];
    let before = &xml[..xml.find("<failure ").unwrap()];
    let case = &before[before.rfind("<testcase ").unwrap()..];
    assert!(case.starts_with(r#"<testcase name="line 2""#), "{xml}");
    let reproduce = failure
        .lines()
        .find_map(|l| l.strip_prefix("reproduce: "))
        .expect("a reproduction command")
        .replace("&apos;", "'");
    // The command, with this build's binary and the pinned clock, fails
    // that line alone with the same rule.
    let rule = failure
        .split("does not conform: ")
        .nth(1)
        .and_then(|r| r.split([',', '"']).next())
        .unwrap()
        .to_owned();
    let command = reproduce.replace(
        "jose-harness check",
        &format!(
            "'{}' check --now {NOW} --format json",
            harness_bin().display()
        ),
    );
    let out = StdCommand::new("sh")
        .arg("-c")
        .arg(&command)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{command}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == rule.as_str()),
        "{rule} not in {report:#}"
    );
    // One token prints text or JSON: junit is for --batch.
    harness()
        .args([
            "check",
            "--profile",
            "moveo",
            "--token",
            "a.b.c",
            "--format",
            "junit",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--format junit applies to --batch",
        ));
}

#[test]
fn audit_gives_a_case_per_token_and_a_suite_for_the_set() {
    let Some(python) = python_with("xmlschema") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let batch = batch_file(dir.path());
    let xml = output(&mut batch_command("audit", "junit", &batch), 1);
    assert_valid_junit(&python, xml.as_bytes());
    assert_eq!(attribute(&xml, "testsuite", "tests"), 3);
    assert!(
        xml.contains(r#"<testsuite name="audit moveo · the set""#),
        "{xml}"
    );
    assert!(
        xml.contains("key.test_key"),
        "the test keys' warning is in the output"
    );
}

#[test]
fn the_validator_refuses_a_suite_without_its_count() {
    let Some(python) = python_with("xmlschema") else {
        return;
    };
    let bad = r#"<testsuites><testsuite name="s"><testcase name="c"/></testsuite></testsuites>"#;
    assert!(
        validate(&python, Schema::Junit, bad.as_bytes()).is_err(),
        "a testsuite without tests= passed validation"
    );
}

/// Validates `json` against the SARIF 2.1.0 schema; panics with the
/// validator's message when it is not valid.
pub fn assert_valid_sarif(python: &OsString, json: &[u8]) -> Value {
    if let Err(why) = validate(python, Schema::Sarif, json) {
        panic!("not valid SARIF: {why}");
    }
    serde_json::from_slice(json).unwrap()
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

#[test]
fn check_sarif_describes_every_rule_and_puts_each_finding_at_the_token_file() {
    let Some(python) = python_with("jsonschema") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let batch = batch_file(dir.path());
    let broken = std::fs::read_to_string(&batch)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    let file = dir.path().join("broken token.txt");
    std::fs::write(&file, &broken).unwrap();
    let sarif = output(
        harness()
            .args([
                "check",
                "--profile",
                "moveo",
                "--now",
                &NOW.to_string(),
                "--format",
                "sarif",
            ])
            .args(["--verify-key", &key("customer", "public")])
            .arg("--token")
            .arg(format!("@{}", file.display())),
        1,
    );
    let log = assert_valid_sarif(&python, sarif.as_bytes());
    // The same token as JSON: each error or warning is one result.
    let json: Value = serde_json::from_str(&output(
        harness()
            .args([
                "check",
                "--profile",
                "moveo",
                "--now",
                &NOW.to_string(),
                "--format",
                "json",
            ])
            .args(["--verify-key", &key("customer", "public")])
            .arg("--token")
            .arg(format!("@{}", file.display())),
        1,
    ))
    .unwrap();
    let findings: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert_eq!(results(&log).len(), findings.len());
    for (result, finding) in results(&log).iter().zip(&findings) {
        assert_eq!(result["ruleId"], finding["id"]);
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("file://") && uri.ends_with("broken%20token.txt"),
            "{uri}"
        );
        assert_eq!(location["region"]["startLine"], 1);
    }
    // Every rule of `checks`, each with a page and a fix.
    let rules: Value =
        serde_json::from_str(&output(harness().args(["checks", "--format", "json"]), 0)).unwrap();
    let described = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(described.len(), rules.as_array().unwrap().len());
    for rule in described {
        // A page where the reference names an RFC or a vendor's page (the
        // project's own bounds have none); a fix always.
        let reference = rule["properties"]["reference"].as_str().unwrap();
        let names_a_page = ["RFC", "iAdvize", "Moveo"]
            .iter()
            .any(|p| reference.contains(p));
        match rule["helpUri"].as_str() {
            Some(uri) => assert!(names_a_page && uri.starts_with("https://"), "{rule}"),
            None => assert!(!names_a_page, "{rule}"),
        }
        assert!(rule["help"]["text"].as_str().unwrap().starts_with("Fix: "));
    }
    // A rule with mistakes behind it gives their fixes per language.
    let ecb = described
        .iter()
        .find(|r| r["id"] == "moveo.aes.ecb")
        .unwrap();
    let help = ecb["help"]["text"].as_str().unwrap();
    assert!(
        help.contains("aes.ecb") && help.contains("Java") && help.contains("PHP"),
        "{help}"
    );
}

#[test]
fn batch_and_audit_sarif_put_each_finding_at_its_line() {
    let Some(python) = python_with("jsonschema") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let batch = batch_file(dir.path());
    for command in ["check", "audit"] {
        let sarif = output(&mut batch_command(command, "sarif", &batch), 1);
        let log = assert_valid_sarif(&python, sarif.as_bytes());
        let errors: Vec<&Value> = results(&log)
            .iter()
            .filter(|r| r["level"] == "error")
            .collect();
        assert!(!errors.is_empty(), "{command}: no error result");
        for result in &errors {
            let location = &result["locations"][0]["physicalLocation"];
            assert_eq!(location["region"]["startLine"], 2, "{command}: {result}");
            assert!(location["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("tokens.txt"));
        }
        // The good lines carry only the test keys' warning.
        assert!(results(&log)
            .iter()
            .filter(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"] != 2)
            .all(|r| r["ruleId"] == "key.test_key"));
    }
    // No findings to place in a run of vectors or of the matrix.
    harness()
        .args(["interop", "--cases", "1", "--format", "sarif"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--format sarif applies to check and audit",
        ));
}

#[test]
fn the_sarif_validator_refuses_an_unknown_level() {
    let Some(python) = python_with("jsonschema") else {
        return;
    };
    let bad = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
        "results": [{"ruleId": "r", "level": "fatal", "message": {"text": "m"}}]}]}"#;
    assert!(
        validate(&python, Schema::Sarif, bad.as_bytes()).is_err(),
        "level fatal passed validation"
    );
}
