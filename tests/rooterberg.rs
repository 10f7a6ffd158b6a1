//! Project Rooterberg's files, through [`jose_harness::rooterberg`] and
//! `vectors run --rooterberg` / `report --rooterberg`, on small fixtures
//! of Rooterberg's schema made with pyca/cryptography from the project's
//! TEST keys (`tests/data/rooterberg/`, see its README).
//!
//! Every test asserts counts as well as the absence of unexpected results,
//! so a run that silently runs nothing fails; one test breaks the
//! fixtures' expectations on purpose to prove that a wrong result is
//! reported.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use jose_harness::backend::{self, Capabilities};
use jose_harness::implementation::Outcome;
use jose_harness::rooterberg::{self, Kind, RooterbergError, RooterbergReport};
use jose_harness::wycheproof::{Expected, Stage, WRONG_MESSAGE};
use jose_harness_tests::*;
use serde_json::Value;

const JWS: &str = "jwt_rs256_2048.json";
const JWE: &str = "jwe_rsa_oaep_256_a256gcm_2048.json";
const AES_256: &str = "aes_cbc_pkcs7_256_128.json";
const AES_128: &str = "aes_cbc_pkcs7_128_128.json";
const AES_192: &str = "aes_cbc_pkcs7_192_128.json";

/// The fixtures, relative to the workspace (so that paths in the output
/// are the same on every machine).
const FIXTURES: &str = "tests/data/rooterberg";

fn fixtures() -> PathBuf {
    workspace().join(FIXTURES)
}

fn run_fixtures(dir: &Path) -> RooterbergReport {
    let suite = rooterberg::load(dir).expect("the fixtures load");
    rooterberg::run(&suite, &backend::all())
}

fn text_of(report: &RooterbergReport) -> String {
    let mut text = Vec::new();
    jose_harness::report::rooterberg::write_text(report, &mut text).expect("write to a Vec");
    String::from_utf8(text).expect("UTF-8")
}

fn capable(needs: fn(&Capabilities) -> bool) -> Vec<&'static str> {
    backend::all()
        .into_iter()
        .filter(|b| needs(&b.capabilities()))
        .map(|b| b.id())
        .collect()
}

/// A copy of the fixtures in a temporary directory, with `edit` applied
/// to the file `name` (its JSON).
fn edited_copy(name: &str, edit: impl FnOnce(&mut Value)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixtures(), dir.path());
    let path = rooterberg::find(dir.path())
        .expect("finds")
        .into_iter()
        .map(|(_, p)| p)
        .find(|p| p.file_name().is_some_and(|n| n == name))
        .expect("the file is in the copy");
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("reads")).expect("JSON");
    edit(&mut json);
    std::fs::write(&path, json.to_string()).expect("writes");
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("reads the fixtures") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copies");
        }
    }
}

fn test_mut(json: &mut Value, tc_id: u64) -> &mut Value {
    json["tests"]
        .as_array_mut()
        .expect("tests")
        .iter_mut()
        .find(|t| t["tcId"] == tc_id)
        .expect("the test")
}

#[test]
fn every_backend_passes_every_fixture() {
    let report = run_fixtures(&fixtures());
    let text = text_of(&report);
    assert_eq!(report.unexpected, 0, "{text}");
    assert!(report.not_found.is_empty(), "{text}");
    let names: Vec<&str> = report.files.iter().map(|f| f.file.as_str()).collect();
    // JWS, then JWE, then AES-CBC, each kind in path order.
    assert_eq!(names, [JWS, JWE, AES_128, AES_192, AES_256], "{text}");
    for (file, needs, run, reached) in [
        // The swapped alg is refused by the harness's parsing; the other
        // four reach the backend.
        (JWS, (|c| c.rs256_verify) as fn(&Capabilities) -> bool, 5, 4),
        // So is the RSA-OAEP (SHA-1) token.
        (JWE, |c| c.jwe_decrypt, 5, 4),
        (AES_256, |c| c.context_decrypt, 5, 5),
        (AES_128, |c| c.context_decrypt, 5, 5),
    ] {
        let results = report.file(file).expect("in the report");
        let ran: Vec<&str> = results
            .backends
            .iter()
            .map(|b| b.backend.as_str())
            .collect();
        assert_eq!(ran, capable(needs), "{file}: backends run\n{text}");
        assert!(!ran.is_empty(), "{file}: no backend\n{text}");
        for b in &results.backends {
            assert_eq!(
                (b.run, b.passed, b.reached_backend),
                (run, run, reached),
                "{file} on {}\n{text}",
                b.backend
            );
            assert!(b.skipped.is_empty(), "{file}: {:?}", b.skipped);
        }
    }
    // AES-192 is not the profile's: skipped, counted with the reason.
    let aes_192 = report.file(AES_192).expect("in the report");
    for b in &aes_192.backends {
        assert_eq!(b.run, 0, "{text}");
        assert_eq!(
            b.skipped
                .get("AES-192 (the moveo context is AES-128 or AES-256)"),
            Some(&2),
            "{text}"
        );
    }
    assert!(
        text.starts_with("rooterberg: PASS  (0 unexpected results)"),
        "{text}"
    );
}

#[test]
fn a_wrong_expectation_is_reported_as_unexpected() {
    // A JWS signed by another key marked valid, and a JWE whose msg is not
    // its plaintext; an AES-CBC ciphertext with bad padding marked valid.
    let dir = edited_copy(JWS, |json| test_mut(json, 5)["valid"] = true.into());
    let jwe = rooterberg::find(dir.path())
        .expect("finds")
        .into_iter()
        .find(|(k, _)| *k == Kind::Jwe)
        .expect("JWE file")
        .1;
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&jwe).expect("reads")).expect("JSON");
    test_mut(&mut json, 1)["msg"] = "{\"msg\":\"not this\"}".into();
    std::fs::write(&jwe, json.to_string()).expect("writes");
    let aes = dir.path().join("test_vectors/ind_cpa").join(AES_256);
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&aes).expect("reads")).expect("JSON");
    test_mut(&mut json, 3)["valid"] = true.into();
    std::fs::write(&aes, json.to_string()).expect("writes");

    let report = run_fixtures(dir.path());
    let text = text_of(&report);
    let per_file = |file: &str| -> Vec<(String, u64, Outcome, Expected)> {
        report
            .file(file)
            .expect("in the report")
            .backends
            .iter()
            .flat_map(|b| {
                b.unexpected
                    .iter()
                    .map(|u| (b.backend.clone(), u.tc_id, u.actual.clone(), u.expected))
            })
            .collect()
    };
    let jws = per_file(JWS);
    assert_eq!(jws.len(), capable(|c| c.rs256_verify).len(), "{text}");
    for (backend, tc_id, actual, expected) in &jws {
        assert_eq!((*tc_id, *expected), (5, Expected::Valid), "{backend}");
        assert!(
            matches!(actual, Outcome::Rejected { class, .. } if class == Stage::Backend.as_str()),
            "{backend}: {actual:?}"
        );
    }
    let jwe = per_file(JWE);
    assert_eq!(jwe.len(), capable(|c| c.jwe_decrypt).len(), "{text}");
    for (backend, tc_id, actual, _) in &jwe {
        assert_eq!(*tc_id, 1, "{backend}");
        assert!(
            matches!(actual, Outcome::Crashed { detail } if detail == WRONG_MESSAGE),
            "{backend}: {actual:?}"
        );
    }
    let aes = per_file(AES_256);
    assert_eq!(aes.len(), capable(|c| c.context_decrypt).len(), "{text}");
    assert!(aes.iter().all(|(_, tc_id, _, _)| *tc_id == 3), "{text}");
    assert_eq!(report.unexpected, jws.len() + jwe.len() + aes.len());
    assert!(text.starts_with("rooterberg: FAIL"), "{text}");
    assert!(
        text.contains(&format!(
            "{JWS} tcId 5 (key customer-test / signed by customer2)"
        )),
        "{text}"
    );
    assert!(text.contains(WRONG_MESSAGE), "{text}");
}

#[test]
fn a_payload_other_than_msg_is_a_wrong_answer() {
    let dir = edited_copy(JWS, |json| {
        test_mut(json, 1)["msg"] = "{\"msg\":\"another\"}".into()
    });
    let report = run_fixtures(dir.path());
    let jws = report.file(JWS).expect("in the report");
    for b in &jws.backends {
        assert_eq!(b.unexpected.len(), 1, "{}", text_of(&report));
        assert_eq!(b.unexpected[0].tc_id, 1);
        assert!(jose_harness::wycheproof::is_wrong_plaintext(
            &b.unexpected[0].actual
        ));
    }
    let json = serde_json::to_value(&report).expect("serializes");
    assert_eq!(
        json["files"][0]["backends"][0]["unexpected"][0]["actual"]["outcome"],
        "wrong_message"
    );
}

/// A fixture file, how to break it, and what the error must say.
type BrokenFile = (&'static str, fn(&mut Value), &'static str);

#[test]
fn loading_errors_name_the_file() {
    // A directory that is not there.
    let missing = workspace().join("tests/data/no-such-rooterberg");
    let err = rooterberg::load(&missing).expect_err("no directory");
    assert!(matches!(err, RooterbergError::NoDirectory { .. }), "{err}");
    assert!(err.to_string().contains("no-such-rooterberg"), "{err}");

    // A directory with no file of the three kinds.
    let empty = tempfile::tempdir().expect("temp dir");
    std::fs::write(empty.path().join("jwt_es256.json"), "{}").expect("writes");
    let err = rooterberg::load(empty.path())
        .expect_err("no files")
        .to_string();
    assert!(
        err.contains("no Rooterberg file") && err.contains("jwt_rs256_*.json"),
        "{err}"
    );

    let cases: [BrokenFile; 6] = [
        (
            JWS,
            |j| *j = Value::Null,
            "does not follow Rooterberg's JwsVerify schema",
        ),
        (
            JWE,
            |j| j["numTests"] = 4.into(),
            "declares numTests 4 but holds 5 tests",
        ),
        (
            AES_256,
            |j| j["tests"][1]["tcId"] = 1.into(),
            "more than one test with tcId 1",
        ),
        (
            JWE,
            |j| j["testType"] = "JwsVerify".into(),
            "declares testType \"JwsVerify\"",
        ),
        (
            JWS,
            |j| {
                j["tests"][2].as_object_mut().expect("test").remove("sig");
            },
            "missing field `sig`",
        ),
        (
            AES_128,
            |j| j["tests"][0]["ct"] = "0g".into(),
            "is not a hex digit",
        ),
    ];
    for (file, edit, says) in cases {
        let dir = edited_copy(file, edit);
        let err = rooterberg::load(dir.path()).expect_err(says).to_string();
        assert!(err.contains(file) && err.contains(says), "{says}: {err}");
    }

    // Not JSON at all.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(AES_256), "not json").expect("writes");
    let err = rooterberg::load(dir.path()).expect_err("not JSON");
    assert!(matches!(err, RooterbergError::NotJson { .. }), "{err}");
    assert!(err.to_string().contains(AES_256), "{err}");
}

#[test]
fn unknown_members_are_let_through_and_files_are_found_where_a_checkout_has_them() {
    let dir = edited_copy(JWS, |json| {
        json["surprise"] = "a later version's member".into();
        test_mut(json, 1)["surprise"] = 1.into();
    });
    // Deeper than the search goes, and hidden: not read (they would fail
    // to load).
    let deep = dir.path().join("a/b/c/d/e");
    std::fs::create_dir_all(&deep).expect("mkdir");
    std::fs::write(deep.join("jwt_rs256_deep.json"), "not json").expect("writes");
    let hidden = dir.path().join(".git");
    std::fs::create_dir_all(&hidden).expect("mkdir");
    std::fs::write(hidden.join("jwt_rs256_hidden.json"), "not json").expect("writes");
    let suite = rooterberg::load(dir.path()).expect("loads");
    assert_eq!(
        (suite.jws.len(), suite.jwe.len(), suite.aes_cbc.len()),
        (1, 1, 3)
    );
    assert!(suite.jws[0]
        .path
        .ends_with("test_vectors/jws/jwt_rs256_2048.json"));

    // Only the JWS file: the other kinds are named as not found.
    let only = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        fixtures().join("test_vectors/jws").join(JWS),
        only.path().join(JWS),
    )
    .expect("copies");
    let report = run_fixtures(only.path());
    assert_eq!(report.files.len(), 1);
    assert_eq!(
        report.not_found,
        [Kind::Jwe.pattern(), Kind::AesCbc.pattern()]
    );
    assert!(
        text_of(&report).contains("no file found for jwe_rsa_oaep_256_a256gcm_*.json"),
        "{}",
        text_of(&report)
    );
}

// ---- the command line --------------------------------------------------------

fn harness() -> Command {
    let mut cmd = Command::new(harness_bin());
    cmd.current_dir(workspace());
    cmd.timeout(std::time::Duration::from_secs(300));
    cmd
}

/// Library versions change with every update; the snapshots pin the rest.
fn without_versions(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("library: ") {
            Some(i) => format!("{}library: [version]", &l[..i]),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn vectors_run_rooterberg_text() {
    let out = harness()
        .args(["vectors", "run", "--rooterberg", FIXTURES])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("UTF-8");
    insta::assert_snapshot!(without_versions(&text));
}

#[test]
fn vectors_run_rooterberg_json() {
    let out = harness()
        .args([
            "vectors",
            "run",
            "--rooterberg",
            FIXTURES,
            "--format",
            "json",
        ])
        .args(["--backend", "reference"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let mut json: Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(json["unexpected"], 0);
    assert_eq!(json["files"].as_array().map(Vec::len), Some(5));
    for file in json["files"].as_array_mut().expect("files") {
        for b in file["backends"].as_array_mut().expect("backends") {
            assert_eq!(b["backend"], "reference");
            b["library"] = "[version]".into();
        }
    }
    insta::assert_json_snapshot!(json);
}

#[test]
fn vectors_run_rooterberg_fails_on_an_unexpected_result() {
    let dir = edited_copy(JWS, |json| test_mut(json, 3)["valid"] = true.into());
    let out = harness()
        .args(["vectors", "run", "--backend", "reference", "--rooterberg"])
        .arg(dir.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(
        text.starts_with("rooterberg: FAIL  (1 unexpected result)"),
        "{text}"
    );
    assert!(
        text.contains("expected valid, got rejected (parse): alg HS256 not in the profiles"),
        "{text}"
    );
}

#[test]
fn vectors_run_rooterberg_refuses_what_it_cannot_do() {
    let refusals: [(&[&str], &str); 6] = [
        (
            &["--format", "junit"],
            "--format junit covers the vector files",
        ),
        (
            &["--format", "sarif"],
            "--format sarif applies to check and audit",
        ),
        (
            &["--exec", "true"],
            "--rooterberg runs the built-in backends only",
        ),
        (&["--peers"], "--rooterberg runs the built-in backends only"),
        (
            &["--save", "out.json"],
            "with --rooterberg use --format json",
        ),
        (&["--wycheproof", "tests"], "cannot be used with"),
    ];
    for (extra, says) in refusals {
        let out = harness()
            .args(["vectors", "run", "--rooterberg", FIXTURES])
            .args(extra)
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8_lossy(&out);
        assert!(err.contains(says), "{extra:?}: {err}");
    }
    let out = harness()
        .args([
            "vectors",
            "run",
            "--rooterberg",
            "tests/data/no-such-rooterberg",
        ])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("cannot read Rooterberg's vectors") && err.contains("no-such-rooterberg"),
        "{err}"
    );
}

#[test]
fn report_rooterberg_has_its_section() {
    let dir = tempfile::tempdir().expect("temp dir");
    let vectors_json = dir.path().join("vectors.json");
    let interop_json = dir.path().join("interop.json");
    for (args, path) in [
        (
            &[
                "vectors",
                "run",
                "--backend",
                "reference",
                "--format",
                "json",
            ][..],
            &vectors_json,
        ),
        (
            &[
                "interop",
                "--cases",
                "1",
                "--no-negative",
                "--backend",
                "reference",
                "--format",
                "json",
            ][..],
            &interop_json,
        ),
    ] {
        let out = harness()
            .args(args)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        std::fs::write(path, out).expect("writes");
    }
    let report = |rooterberg: &Path, format: &str, out: Option<&Path>, code: i32| {
        let mut cmd = harness();
        cmd.args(["report", "--backend", "reference", "--format", format])
            .arg("--vectors-json")
            .arg(&vectors_json)
            .arg("--interop-json")
            .arg(&interop_json)
            .arg("--rooterberg")
            .arg(rooterberg);
        if let Some(out) = out {
            cmd.arg("--out").arg(out);
        }
        let output = cmd.assert().code(code).get_output().stdout.clone();
        String::from_utf8(output).expect("UTF-8")
    };

    let summary = report(&fixtures(), "markdown", None, 0);
    assert!(
        summary.starts_with("## jose-harness report: PASS"),
        "{summary}"
    );
    assert!(
        summary.contains("| rooterberg | PASS | 20 cases run over 5 files: 0 unexpected results |"),
        "{summary}"
    );

    let page_dir = dir.path().join("page");
    report(&fixtures(), "html", Some(&page_dir), 0);
    let page = std::fs::read_to_string(page_dir.join("index.html")).expect("index.html");
    assert!(page.contains(r#"<section id="rooterberg">"#));
    assert!(page.contains(r##"<a href="#rooterberg">Rooterberg</a>"##));
    let embedded = embedded_data(&page);
    assert_eq!(embedded["rooterberg"]["unexpected"], 0);
    assert_eq!(
        embedded["rooterberg"]["files"].as_array().map(Vec::len),
        Some(5)
    );
    assert_eq!(embedded["rooterberg"]["files"][0]["file"], JWS);

    // A wrong expectation fails the report and is listed.
    let broken = edited_copy(JWE, |json| test_mut(json, 3)["valid"] = true.into());
    let summary = report(broken.path(), "markdown", None, 1);
    assert!(
        summary.starts_with("## jose-harness report: FAIL"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("Rooterberg {JWE} tcId 3 (first tag bit flipped) on reference: expected valid, got rejected (backend)")),
        "{summary}"
    );
}

/// The report's data, embedded in the page.
fn embedded_data(page: &str) -> Value {
    let start = page
        .find(r#"<script type="application/json" id="audit-data">"#)
        .expect("the data element");
    let rest = &page[start..];
    let open = rest.find('>').expect("open tag") + 1;
    let close = rest.find("</script>").expect("close tag");
    serde_json::from_str(&rest[open..close]).expect("the embedded JSON")
}
