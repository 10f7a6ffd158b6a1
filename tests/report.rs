//! The auditors' report: the Markdown summary pinned with insta; the HTML
//! page holds every vector and implementation, loads nothing, and keeps a
//! hostile claim inert; saved runs read back give the same page, byte for
//! byte.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use base64::Engine;
use jose_harness::audit::{self, AuditData, Status};
use jose_harness::implementation::{Implementation, Quirks};
use jose_harness::interop::{self, Matrix};
use jose_harness::profile::Profile;
use jose_harness::report::{html, markdown};
use jose_harness::vectors::{self, run, Expect, Expected, Note, Vector, VectorFile, VectorKeys};
use jose_harness_tests::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const DATA_OPEN: &str = r#"<script type="application/json" id="audit-data">"#;
const HOSTILE: &str = "</script><script>alert(1)</script><!--";

/// What the report tests read: the vector files, their run on every
/// built-in backend, and a small matrix.
struct Runs {
    files: Vec<(PathBuf, VectorFile)>,
    report: run::RunReport,
    matrix: Matrix,
}

/// The committed vectors on every built-in backend, and a small matrix
/// (seed 5, 2 cases per profile, every negative case), run once.
fn runs() -> &'static Runs {
    static RUNS: OnceLock<Runs> = OnceLock::new();
    RUNS.get_or_init(|| {
        let files = vectors::load_dir(&vectors_dir()).expect("vectors load");
        let impls = builtins();
        let report = run_vectors(&files, &impls, &Quirks::bundled());
        let options = interop::Options {
            cases: 2,
            seed: 5,
            ..interop::Options::default()
        };
        let matrix = interop::run(&impls, &options, &Quirks::bundled(), &|_| {});
        Runs {
            files,
            report,
            matrix,
        }
    })
}

fn data() -> AuditData {
    let Runs {
        files,
        report,
        matrix,
    } = runs();
    audit::assemble(audit::Inputs {
        files,
        dir: &vectors_dir(),
        run: report.clone(),
        matrix: Some(matrix.clone()),
        quirks: Quirks::bundled(),
        wycheproof: None,
        rooterberg: None,
    })
    .expect("assembles")
}

/// Versions change with every update; snapshots pin the shape.
fn redact_versions(data: &mut AuditData) {
    data.versions.harness = "[version]".into();
    data.versions.openssl = "[openssl]".into();
    for i in &mut data.implementations {
        i.library = "[library versions]".into();
    }
    for row in &mut data.run.rows {
        row.library = "[library versions]".into();
    }
    if let Some(m) = &mut data.matrix {
        for member in &mut m.implementations {
            member.library = "[library versions]".into();
        }
    }
}

/// The JSON embedded in a page.
fn embedded(page: &str) -> Value {
    let start = page.find(DATA_OPEN).expect("the page embeds its data") + DATA_OPEN.len();
    let end = start
        + page[start..]
            .find("</script>")
            .expect("the data element ends");
    serde_json::from_str(&page[start..end]).expect("the embedded data is JSON")
}

/// The page without its data: the markup, style and script a browser runs.
fn markup(page: &str) -> String {
    let start = page.find(DATA_OPEN).expect("data") + DATA_OPEN.len();
    let end = start + page[start..].find("</script>").expect("end");
    format!("{}{}", &page[..start], &page[end..])
}

#[test]
fn markdown_summary() {
    let mut data = data();
    redact_versions(&mut data);
    let mut out = Vec::new();
    markdown::write(&data, &mut out).expect("writes");
    insta::assert_snapshot!("report_summary_markdown", String::from_utf8_lossy(&out));
}

#[test]
fn the_page_shows_every_vector_and_every_implementation_result() {
    let page = html::render(&data()).expect("renders");
    let embedded = embedded(&page);
    let cases = embedded["cases"].as_array().expect("cases");
    let Runs {
        files,
        report,
        matrix,
    } = runs();
    let mut count = 0;
    for (_, file) in files {
        for vector in &file.tests {
            count += 1;
            let case = cases
                .iter()
                .find(|c| c["id"] == vector.id.as_str())
                .unwrap_or_else(|| panic!("{} is not in the page", vector.id));
            assert_eq!(case["tcId"], vector.tc_id, "{}", vector.id);
            assert_eq!(case["token"], vector.token.as_str(), "{}", vector.id);
            assert_eq!(
                case["results"].as_array().map(Vec::len),
                Some(report.rows.len()),
                "{}: one result per implementation",
                vector.id
            );
        }
    }
    assert_eq!(cases.len(), count);
    let names: Vec<&str> = embedded["implementations"]
        .as_array()
        .expect("implementations")
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    for backend in jose_harness::backend::all() {
        assert!(names.contains(&backend.id()), "{} missing", backend.id());
    }
    assert_eq!(
        embedded["matrix"]["cells"].as_array().map(Vec::len),
        Some(matrix.cells.len())
    );
    for section in [
        "summary",
        "vectors",
        "interop",
        "rules",
        "quirks",
        "wycheproof",
        "rooterberg",
    ] {
        assert!(page.contains(&format!(r#"<section id="{section}">"#)));
    }
    assert_eq!(
        embedded["rules"].as_array().map(Vec::len),
        Some(jose_harness::rules::ALL.len())
    );
}

#[test]
fn failing_vectors_come_first_and_every_outcome_is_classified() {
    let data = data();
    assert!(data.passed(), "the committed vectors pass on every backend");
    let statuses: Vec<Status> = data.cases.iter().map(|c| c.status).collect();
    assert!(statuses
        .windows(2)
        .all(|w| w[0] <= w[1] || w[1] == Status::NotRun));
    // Every built-in backend consumes every vector.
    assert!(data
        .cases
        .iter()
        .all(|c| c.results.iter().all(|r| r.status == Status::AsExpected)));
    // An implementation with no outcome for a profile (a peer that does not
    // consume it) is "not run" on that profile's vectors, and says why.
    let Runs {
        files,
        report,
        matrix,
    } = runs();
    let mut run = report.clone();
    let iadvize_ids: Vec<String> = files
        .iter()
        .filter(|(_, f)| f.profile == "iadvize")
        .flat_map(|(_, f)| f.tests.iter().map(|t| t.id.clone()))
        .collect();
    for (id, per) in &mut run.outcomes {
        if iadvize_ids.contains(id) {
            per.retain(|(name, _)| name != "openssl");
        }
    }
    let partial = audit::assemble(audit::Inputs {
        files,
        dir: &vectors_dir(),
        run,
        matrix: Some(matrix.clone()),
        quirks: Quirks::bundled(),
        wycheproof: None,
        rooterberg: None,
    })
    .expect("assembles");
    let iadvize = partial
        .cases
        .iter()
        .find(|c| c.profile == "iadvize")
        .expect("an iadvize vector");
    let openssl = iadvize
        .results
        .iter()
        .find(|r| r.implementation == "openssl")
        .expect("openssl has an entry");
    assert_eq!(openssl.status, Status::NotRun);
    assert_eq!(openssl.outcome, "not run: openssl does not consume iadvize");
    // A negative vector shows the rule that must fire as fired.
    let negative = data
        .cases
        .iter()
        .find(|c| c.expect.verdict == Expected::Fail)
        .expect("a negative vector");
    assert!(negative
        .decoded
        .findings
        .iter()
        .any(|f| f.expected && negative.expect.errors.iter().any(|e| e == f.id)));
}

#[test]
fn the_page_loads_nothing_and_runs_only_its_own_script() {
    let page = html::render(&data()).expect("renders");
    let markup = markup(&page);
    for external in ["http://", "https://", "src=\"//", "href=\"//", "@import"] {
        assert!(
            !markup.contains(external),
            "the page's markup, style or script has {external}"
        );
    }
    assert!(!markup.contains(" src="), "the page has no src attribute");
    // The CSP allows the inline script and style by hash, and nothing else.
    let script = {
        let start = markup.rfind("<script>").expect("script") + "<script>".len();
        let end = start + markup[start..].find("</script>").expect("end");
        &markup[start..end]
    };
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
    assert!(
        markup.contains(&format!("script-src 'sha256-{hash}'")),
        "the CSP names the script's hash"
    );
    assert!(markup.contains("default-src 'none'"));
    assert_eq!(
        markup.matches("<script").count(),
        2,
        "the data and the script"
    );
}

/// A moveo vector whose claims, comment and id carry markup.
fn hostile_vector() -> (Vec<(PathBuf, VectorFile)>, run::RunReport) {
    let mut claims = claims(Profile::Moveo);
    claims.insert("sub".into(), json!(HOSTILE));
    claims.insert("name".into(), json!("<img src=x onerror=alert(2)>"));
    let token = moveo_token(&claims, None);
    let file = VectorFile {
        schema: vectors::SCHEMA_ID.into(),
        generator_version: "test".into(),
        seed: 1,
        profile: "moveo".into(),
        group: "hostile".into(),
        number_of_tests: 1,
        header: vec![HOSTILE.into()],
        notes: [(
            "Hostile".to_owned(),
            Note {
                bug_type: vectors::BugType::EdgeCase,
                description: HOSTILE.into(),
            },
        )]
        .into_iter()
        .collect(),
        tests: vec![Vector {
            tc_id: 1,
            id: format!("moveo/hostile{HOSTILE}"),
            comment: HOSTILE.into(),
            flags: vec!["Hostile".into()],
            now: NOW,
            token,
            keys: VectorKeys {
                verify: "customer-test".into(),
                decrypt: "recipient-test".into(),
            },
            // Wrong on purpose, so the vector is unexpected and shows in
            // the Markdown too.
            expect: Expect {
                verdict: Expected::Fail,
                errors: vec!["claims.exp.missing".into()],
                warnings: Vec::new(),
            },
            references: vec![HOSTILE.into()],
        }],
    };
    let files = vec![(vectors_dir().join("moveo/hostile.json"), file)];
    let reference: Vec<Implementation> = jose_harness::backend::by_name("reference")
        .into_iter()
        .map(Implementation::builtin)
        .collect();
    let report = run_vectors(&files, &reference, &Quirks::default());
    (files, report)
}

#[test]
fn a_hostile_claim_cannot_break_out_of_the_page() {
    let (files, report) = hostile_vector();
    assert_eq!(report.unexpected.len(), 1, "{report:#?}");
    let data = audit::assemble(audit::Inputs {
        files: &files,
        dir: &vectors_dir(),
        run: report,
        matrix: None,
        quirks: Quirks::default(),
        wycheproof: None,
        rooterberg: None,
    })
    .expect("assembles");
    assert_eq!(
        data.cases[0]
            .decoded
            .claims
            .as_ref()
            .map(|c| c["sub"].clone()),
        Some(json!(HOSTILE)),
        "the reference decoded the hostile claim"
    );
    let page = html::render(&data).expect("renders");
    assert_eq!(
        page.matches("</script").count(),
        2,
        "only the page's own script elements close"
    );
    assert!(!page.contains("<script>alert"));
    assert!(!page.contains("<img src=x"));
    assert!(!page.contains("<!--"));
    // The text is intact once the page's script parses it.
    let embedded = embedded(&page);
    assert_eq!(embedded["cases"][0]["decoded"]["claims"]["sub"], HOSTILE);
    assert_eq!(embedded["cases"][0]["comment"], HOSTILE);
    assert_eq!(
        embedded["cases"][0]["id"],
        format!("moveo/hostile{HOSTILE}")
    );

    let mut summary = Vec::new();
    markdown::write(&data, &mut summary).expect("writes");
    let summary = String::from_utf8(summary).expect("UTF-8");
    assert!(summary.contains("### Unexpected results"), "{summary}");
    for line in summary.lines().filter(|l| l.contains("hostile")) {
        // Inside a code span, markup is shown, not run.
        let outside: String = line.split('`').step_by(2).collect();
        assert!(!outside.contains('<'), "markup outside a code span: {line}");
    }
}

#[test]
fn runs_and_matrices_read_back_from_their_json() {
    let Runs { report, matrix, .. } = runs();
    let text = serde_json::to_string(report).expect("serializes");
    let back: run::RunReport = serde_json::from_str(&text).expect("reads back");
    assert_eq!(&back, report);
    let text = serde_json::to_string(matrix).expect("serializes");
    let back: Matrix = serde_json::from_str(&text).expect("reads back");
    assert_eq!(&back, matrix);
}

// ---- the command ------------------------------------------------------

fn harness() -> Command {
    let mut cmd = Command::new(harness_bin());
    cmd.current_dir(workspace());
    cmd.timeout(std::time::Duration::from_secs(300));
    cmd
}

fn run_to_file(args: &[&str], path: &Path) {
    let out = harness()
        .args(args)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    std::fs::write(path, out).expect("writes");
}

#[test]
fn saved_runs_give_the_same_page_every_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let vectors_json = dir.path().join("vectors.json");
    let interop_json = dir.path().join("interop.json");
    run_to_file(
        &[
            "vectors",
            "run",
            "--backend",
            "reference,openssl",
            "--format",
            "json",
        ],
        &vectors_json,
    );
    run_to_file(
        &[
            "interop",
            "--cases",
            "1",
            "--no-negative",
            "--backend",
            "reference,openssl",
            "--format",
            "json",
        ],
        &interop_json,
    );
    let saved = |path: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).expect("reads")).expect("JSON")
    };
    let mut pages = Vec::new();
    for out in ["one", "two"] {
        let out = dir.path().join(out);
        harness()
            .args(["report", "--out"])
            .arg(&out)
            .arg("--vectors-json")
            .arg(&vectors_json)
            .arg("--interop-json")
            .arg(&interop_json)
            .assert()
            .code(0);
        pages.push(std::fs::read_to_string(out.join("index.html")).expect("index.html"));
    }
    assert!(pages[0] == pages[1], "the same inputs give the same bytes");
    let embedded = embedded(&pages[0]);
    assert_eq!(embedded["run"], saved(&vectors_json));
    assert_eq!(embedded["matrix"], saved(&interop_json));
    assert_eq!(embedded["verdict"], "pass");

    // The Markdown summary: to stdout, or DIR/summary.md with --out.
    let out = harness()
        .args(["report", "--format", "markdown", "--vectors-json"])
        .arg(&vectors_json)
        .arg("--interop-json")
        .arg(&interop_json)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let summary = String::from_utf8(out).expect("UTF-8");
    assert!(
        summary.starts_with("## jose-harness report: PASS"),
        "{summary}"
    );
    let md_dir = dir.path().join("md");
    harness()
        .args(["report", "--format", "markdown", "--out"])
        .arg(&md_dir)
        .arg("--vectors-json")
        .arg(&vectors_json)
        .arg("--interop-json")
        .arg(&interop_json)
        .assert()
        .code(0)
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(md_dir.join("summary.md")).expect("summary.md"),
        summary
    );
}

#[test]
fn usage_errors_exit_2_and_say_what_is_wrong() {
    let out = harness()
        .args(["report"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("--out"), "{err}");

    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"not\": \"a run\"}").expect("writes");
    let out = harness()
        .args(["report", "--format", "markdown", "--vectors-json"])
        .arg(&bad)
        .arg("--interop-json")
        .arg(&bad)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("bad.json") && err.contains("vectors run"),
        "{err}"
    );
}
