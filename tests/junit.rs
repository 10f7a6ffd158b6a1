//! `--format junit` of `vectors run`, `interop`, `check --batch` and
//! `audit`: each output valid against the Jenkins JUnit schema
//! (tests/data/junit/jenkins-junit.xsd, validated by Python's xmlschema),
//! a case per vector, cell, negative case or token line, failures naming
//! their rules with a reproduction command that does reproduce them.

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

/// A Python that can import xmlschema: the workspace's `.venv` (made by
/// `scripts/peers/setup.sh`), then `python3`; `None` (after a skip, or a
/// failure under CI) when there is none.
fn xmlschema_python() -> Option<OsString> {
    let candidates = [
        (
            workspace().join(".venv/bin/python").into_os_string(),
            "the workspace's .venv".to_owned(),
        ),
        (OsString::from("python3"), "on PATH".to_owned()),
    ];
    match first_working(
        &candidates,
        &["-c", "import xmlschema; print(xmlschema.__version__)"],
    ) {
        Ok((python, _)) => Some(python),
        Err(reasons) => {
            unavailable(
                "xmlschema (the JUnit schema validator)",
                &format!(
                    "no Python that can import xmlschema ({}); run scripts/peers/setup.sh",
                    reasons.join("; ")
                ),
            );
            None
        }
    }
}

/// Validates `xml` against the Jenkins JUnit schema; panics with the
/// validator's message when it is not valid.
fn assert_valid_junit(python: &OsString, xml: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = workspace().join("tests/data/junit/jenkins-junit.xsd");
    let out = StdCommand::new(python)
        .arg("-c")
        .arg("import sys, xmlschema\nxmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])")
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "not valid JUnit: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&xml[..xml.len().min(2000)])
    );
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
    let Some(python) = xmlschema_python() else {
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
    let Some(python) = xmlschema_python() else {
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

#[test]
fn check_batch_gives_a_case_per_line_whose_reproduction_command_reproduces_it() {
    let Some(python) = xmlschema_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let batch = batch_file(dir.path());
    let xml = output(
        harness()
            .args([
                "check",
                "--profile",
                "moveo",
                "--now",
                &NOW.to_string(),
                "--format",
                "junit",
            ])
            .args(["--verify-key", &key("customer", "public")])
            .args(["--decrypt-key", &key("recipient", "private")])
            .arg("--batch")
            .arg(&batch),
        1,
    );
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
    let Some(python) = xmlschema_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let batch = batch_file(dir.path());
    let xml = output(
        harness()
            .args([
                "audit",
                "--profile",
                "moveo",
                "--now",
                &NOW.to_string(),
                "--format",
                "junit",
            ])
            .args(["--verify-key", &key("customer", "public")])
            .args(["--decrypt-key", &key("recipient", "private")])
            .arg("--tokens")
            .arg(&batch),
        1,
    );
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
    let Some(python) = xmlschema_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.xml");
    std::fs::write(
        &file,
        r#"<testsuites><testsuite name="s"><testcase name="c"/></testsuite></testsuites>"#,
    )
    .unwrap();
    let out = StdCommand::new(&python)
        .arg("-c")
        .arg("import sys, xmlschema\nxmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])")
        .arg(workspace().join("tests/data/junit/jenkins-junit.xsd"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "a testsuite without tests= passed validation"
    );
}
