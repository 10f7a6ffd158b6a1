//! The committed vectors: fresh from the generator, well-formed, passing on
//! every backend; the runner catches a wrong expectation; a snapshot pins
//! the full run.

use std::path::{Path, PathBuf};

use jose_harness::implementation::Quirks;
use jose_harness::rules::{self, Severity};
use jose_harness::vectors::{self, generate, Expected, VectorError};
use jose_harness_tests::{builtins, run_vectors, vectors_dir};

#[test]
fn the_committed_vectors_are_exactly_what_the_default_seed_generates() {
    let files = generate::generate(vectors::DEFAULT_SEED).expect("generates");
    let mut stale = Vec::new();
    for (relative, contents) in &files {
        let on_disk = std::fs::read_to_string(vectors_dir().join(relative)).unwrap_or_default();
        if &on_disk != contents {
            stale.push(relative.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; run `cargo run -p jose-harness -- vectors generate` and commit"
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_tokens() {
    let a = generate::generate(11).expect("generates");
    let b = generate::generate(11).expect("generates");
    assert_eq!(a, b);
    let c = generate::generate(12).expect("generates");
    let token = |files: &[(String, String)]| {
        files
            .iter()
            .find(|(p, _)| p == "moveo/valid.json")
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    };
    assert_ne!(
        token(&a),
        token(&c),
        "the seed must reach IVs, keys and OAEP"
    );
}

#[test]
fn every_file_is_well_formed_and_every_negative_names_an_error_rule() {
    let files = vectors::load_dir(&vectors_dir()).expect("loads");
    let total: usize = files.iter().map(|(_, f)| f.tests.len()).sum();
    assert!(total >= 150, "{total} vectors");
    let mut ids = std::collections::BTreeSet::new();
    for (_, file) in &files {
        for t in &file.tests {
            assert!(ids.insert(t.id.clone()), "{} twice", t.id);
            assert!(
                !t.comment.is_empty() && !t.references.is_empty(),
                "{}",
                t.id
            );
            match t.expect.verdict {
                Expected::Fail => {
                    assert!(!t.expect.errors.is_empty(), "{} names no rule", t.id);
                    for id in &t.expect.errors {
                        let rule =
                            rules::by_id(id).unwrap_or_else(|| panic!("{}: no rule {id}", t.id));
                        assert_eq!(rule.severity, Severity::Error, "{}", t.id);
                    }
                }
                Expected::Pass => {
                    for id in &t.expect.warnings {
                        let rule =
                            rules::by_id(id).unwrap_or_else(|| panic!("{}: no rule {id}", t.id));
                        assert_ne!(rule.severity, Severity::Error, "{}", t.id);
                    }
                }
            }
        }
    }
    let negatives = files
        .iter()
        .flat_map(|(_, f)| &f.tests)
        .filter(|t| t.expect.verdict == Expected::Fail)
        .count();
    assert!(negatives >= 100, "{negatives} negative vectors");
}

#[test]
fn vector_files_refuse_unknown_fields_and_wrong_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original =
        std::fs::read_to_string(vectors_dir().join("moveo/valid.json")).expect("committed");
    let write = |name: &str, text: &str| -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("writes");
        path
    };
    let unknown = write(
        "unknown.json",
        &original.replacen("\"seed\"", "\"sneaky\": 1,\n  \"seed\"", 1),
    );
    let miscount = write(
        "count.json",
        &original.replacen("\"numberOfTests\": ", "\"numberOfTests\": 1", 1),
    );
    for path in [unknown, miscount] {
        match vectors::load_file(&path) {
            Err(VectorError::Invalid { reason, .. }) => {
                assert!(
                    reason.contains("unknown field") || reason.contains("numberOfTests"),
                    "{reason}"
                )
            }
            other => panic!("{} loaded: {other:?}", path.display()),
        }
    }
    assert!(matches!(
        vectors::load_file(Path::new("no/such/file.json")),
        Err(VectorError::Io { .. })
    ));
}

#[test]
fn every_backend_gets_every_vector_right_and_a_wrong_expectation_is_caught() {
    let mut files = vectors::load_dir(&vectors_dir()).expect("loads");
    let impls = builtins();
    let report = run_vectors(&files, &impls, &Quirks::default());
    assert!(report.unexpected.is_empty(), "{:#?}", report.unexpected);
    for row in &report.rows {
        assert!(row.run > 0 && row.passed == row.run, "{row:?}");
    }
    // Turn the first vector's expectation around: every backend now
    // disagrees with it.
    let (_, file) = &mut files[0];
    let flipped = match file.tests[0].expect.verdict {
        Expected::Fail => Expected::Pass,
        Expected::Pass => Expected::Fail,
    };
    file.tests[0].expect.verdict = flipped;
    let id = file.tests[0].id.clone();
    let report = run_vectors(&files, &impls, &Quirks::default());
    let flagged: Vec<&str> = report
        .unexpected
        .iter()
        .filter(|u| u.id == id)
        .map(|u| u.implementation.as_str())
        .collect();
    assert!(flagged.contains(&"reference"), "{:#?}", report.unexpected);
}

#[test]
fn snapshot_of_the_full_run() {
    let files = vectors::load_dir(&vectors_dir()).expect("loads");
    let mut report = run_vectors(&files, &builtins(), &Quirks::default());
    for row in &mut report.rows {
        row.library = "[library versions]".into();
    }
    let mut out = Vec::new();
    jose_harness::report::vectors::write_text(&report, true, &mut out).expect("writes");
    insta::assert_snapshot!("vectors_full_run", String::from_utf8_lossy(&out));
}
