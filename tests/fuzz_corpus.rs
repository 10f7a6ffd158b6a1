//! The committed fuzz corpus (`fuzz/corpus/<target>/`) and every crash
//! kept as a regression input (`fuzz/regressions/<target>/<name>`), replayed
//! through the fuzz targets' own entry points (`jose_harness::fuzzing`): CI
//! without a fuzzer still runs every target on every input it ever found
//! interesting, and a crash that came back fails here, naming its file.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use jose_harness::fuzzing::{self, TARGETS};
use jose_harness_tests::workspace;

fn fuzz_dir() -> PathBuf {
    workspace().join("fuzz")
}

/// The files directly in `dir`, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Runs every file under `root/<target>/` through its target; returns how
/// many ran and the failures, each naming its file and the panic.
fn replay(root: &Path) -> (usize, Vec<String>) {
    let mut ran = 0;
    let mut failures = Vec::new();
    for dir in fs::read_dir(root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let dir = dir.path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let Some(target) = fuzzing::target(name) else {
            failures.push(format!("{}: no fuzz target of that name", dir.display()));
            continue;
        };
        for file in files(&dir) {
            let data = fs::read(&file).expect("a corpus file reads");
            ran += 1;
            if let Err(panic) = panic::catch_unwind(AssertUnwindSafe(|| (target.run)(&data))) {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{}: {message}", file.display()));
            }
        }
    }
    (ran, failures)
}

#[test]
fn every_committed_corpus_input_replays_without_a_finding() {
    let (ran, failures) = replay(&fuzz_dir().join("corpus"));
    assert!(
        failures.is_empty(),
        "{} of {ran} corpus inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(ran >= TARGETS.len(), "only {ran} corpus inputs");
}

#[test]
fn every_regression_input_replays_without_a_finding() {
    let (_, failures) = replay(&fuzz_dir().join("regressions"));
    assert!(
        failures.is_empty(),
        "{} regression inputs fail again:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_target_has_a_corpus_and_a_fuzz_target_file() {
    for target in TARGETS {
        let corpus = fuzz_dir().join("corpus").join(target.name);
        assert!(
            !files(&corpus).is_empty(),
            "{} has no committed corpus (scripts/fuzz.sh --seed)",
            target.name
        );
        let source = fuzz_dir()
            .join("fuzz_targets")
            .join(format!("{}.rs", target.name));
        let text =
            fs::read_to_string(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
        assert!(
            text.contains(&format!("jose_harness::fuzzing::{}(", target.name)),
            "{} does not call its entry point",
            source.display()
        );
    }
}

#[test]
fn the_committed_dictionary_is_the_generated_one() {
    let committed = fs::read_to_string(fuzz_dir().join("jose.dict")).unwrap_or_default();
    assert_eq!(
        committed,
        fuzzing::dictionary(),
        "fuzz/jose.dict is stale: run scripts/fuzz.sh --seed"
    );
}

#[test]
fn every_seed_is_accepted_by_its_target() {
    for (name, data) in fuzzing::seeds() {
        let target = fuzzing::target(name).expect("a seed of a known target");
        (target.run)(&data);
    }
}

/// Writes the seed corpus and the dictionary (`scripts/fuzz.sh --seed`).
/// Seeds are named by their SHA-1, as libFuzzer names inputs, so writing
/// them again adds nothing twice; nothing is removed.
#[test]
#[ignore = "writes fuzz/corpus and fuzz/jose.dict; run by scripts/fuzz.sh --seed"]
fn write_seed_corpus() {
    assert!(
        std::env::var_os("JOSE_HARNESS_WRITE_FUZZ_SEEDS").is_some(),
        "set JOSE_HARNESS_WRITE_FUZZ_SEEDS=1 (scripts/fuzz.sh --seed does)"
    );
    let mut written = 0;
    for (name, data) in fuzzing::seeds() {
        let dir = fuzz_dir().join("corpus").join(name);
        fs::create_dir_all(&dir).expect("create the corpus directory");
        let path = dir.join(fuzzing::corpus_name(&data));
        if !path.exists() {
            fs::write(&path, &data).expect("write a seed");
            written += 1;
        }
    }
    fs::write(fuzz_dir().join("jose.dict"), fuzzing::dictionary()).expect("write the dictionary");
    eprintln!("{written} new seed inputs written");
}
