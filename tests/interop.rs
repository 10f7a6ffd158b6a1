//! The interop matrix: independent implementations agree on every case;
//! a deliberately broken one makes the run fail with a reproduction;
//! quirks and stale quirks; external adapters through the protocol,
//! including ones that answer garbage or die.

use assert_cmd::Command;
use jose_harness::backend::reference::{self, Reference};
use jose_harness::backend::{Backend, Capabilities, CryptoFailure, JweParts};
use jose_harness::implementation::{Implementation, Quirks};
use jose_harness::interop::{self, Judgement, MatrixVerdict, Options};
use jose_harness::keys::{PrivateKey, PublicKey};
use jose_harness::profile::Profile;
use jose_harness::report::matrix;
use jose_harness::rules::Severity;
use jose_harness_tests::{builtins, harness_bin, python_with_cryptography, workspace};
use serde_json::Value;
use zeroize::Zeroizing;

/// Decrypts A256GCM without checking the tag: the keystream is the GCM
/// encryption of zeros, so plaintext = ciphertext XOR keystream.
#[derive(Debug)]
struct SkipsTagCheck;

impl Backend for SkipsTagCheck {
    fn id(&self) -> &'static str {
        "skips-tag-check"
    }
    fn library(&self) -> String {
        "a deliberately broken test backend".into()
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            jwe_decrypt: true,
            ..Capabilities::default()
        }
    }
    fn jwe_decrypt(
        &self,
        key: &PrivateKey,
        protected_b64: &str,
        parts: &JweParts,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        let cek = Reference.rsa_oaep256_decrypt(key, &parts.encrypted_key)?;
        let zeros = vec![0u8; parts.ciphertext.len()];
        let (keystream, _) =
            reference::gcm_encrypt(&cek, &parts.iv, protected_b64.as_bytes(), &zeros)?;
        Ok(Zeroizing::new(
            parts
                .ciphertext
                .iter()
                .zip(keystream)
                .map(|(c, k)| c ^ k)
                .collect(),
        ))
    }
}

/// Signs with whatever key it is given, but PSS instead of PKCS#1 v1.5.
#[derive(Debug)]
struct SignsPss;

impl Backend for SignsPss {
    fn id(&self) -> &'static str {
        "signs-pss"
    }
    fn library(&self) -> String {
        "a deliberately broken test backend".into()
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            rs256_sign: true,
            ..Capabilities::default()
        }
    }
    fn rs256_sign(&self, key: &PrivateKey, input: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        reference::ps256_sign(key, input, &mut jose_harness::rng::HarnessRng::from_seed(1))
    }
    fn rs256_verify(&self, _: &PublicKey, _: &[u8], _: &[u8]) -> Result<(), CryptoFailure> {
        Err(CryptoFailure::Unsupported("RS256 verification"))
    }
}

static SKIPS_TAG_CHECK: SkipsTagCheck = SkipsTagCheck;
static SIGNS_PSS: SignsPss = SignsPss;

fn options(cases: usize, profiles: &[Profile]) -> Options {
    Options {
        cases,
        seed: 5,
        profiles: profiles.to_vec(),
        ..Options::default()
    }
}

fn text(m: &interop::Matrix) -> String {
    let mut out = Vec::new();
    matrix::write_text(m, &mut out).expect("writes to memory");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn every_builtin_agrees_on_every_cell_and_rejects_every_negative_case() {
    let impls = builtins();
    let m = interop::run(
        &impls,
        &options(6, &Profile::ALL),
        &Quirks::default(),
        &|_| {},
    );
    assert_eq!(m.verdict, MatrixVerdict::Pass, "{}", text(&m));
    // Every backend takes part in both profiles, as producer and consumer.
    let cells = |p: Profile| m.cells.iter().filter(|c| c.profile == p).count();
    let n = impls.len();
    assert_eq!(cells(Profile::Moveo), n * n);
    assert_eq!(cells(Profile::Iadvize), n * n);
    assert!(m.cells.iter().all(|c| c.passed == 6 && c.failed == 0));
    let catalog = jose_harness::forge::mutate::published();
    let expected: usize = Profile::ALL
        .iter()
        .map(|p| {
            catalog
                .iter()
                .filter(|x| x.profiles.contains(p) && x.rule.severity == Severity::Error)
                .count()
        })
        .sum();
    assert_eq!(m.negative.len(), expected);
    for n in &m.negative {
        for o in &n.outcomes {
            assert_eq!(
                o.judgement,
                Judgement::Rejected,
                "{} by {}: {}",
                n.case,
                o.consumer,
                o.detail
            );
        }
    }
}

#[test]
fn a_backend_that_skips_the_tag_check_fails_the_run_with_a_reproduction() {
    let impls = vec![
        Implementation::builtin(&Reference),
        Implementation::builtin(&SKIPS_TAG_CHECK),
    ];
    let m = interop::run(
        &impls,
        &options(2, &[Profile::Iadvize]),
        &Quirks::default(),
        &|_| {},
    );
    assert_eq!(m.verdict, MatrixVerdict::Fail);
    // Good tokens still pass: only the negative cases catch it.
    assert!(m.cells.iter().all(|c| c.failed == 0), "{}", text(&m));
    let failure = m
        .failures
        .iter()
        .find(|f| f.case == "iadvize/jwe.tag.bitflip")
        .unwrap_or_else(|| panic!("no failure for the flipped tag:\n{}", text(&m)));
    assert_eq!(failure.consumer, "skips-tag-check");
    assert!(
        failure.problem.contains("jwe.integrity"),
        "{}",
        failure.problem
    );
    assert_eq!(failure.token.split('.').count(), 5);
    assert!(failure
        .reproduce
        .contains("--negative iadvize/jwe.tag.bitflip"));
    assert!(failure.reproduce.contains("--seed 5"));
    let report = text(&m);
    assert!(
        report.contains(
            "DISAGREEMENT: skips-tag-check [a deliberately broken test backend] on iadvize/jwe.tag.bitflip"
        ),
        "{report}"
    );
    assert!(
        report.contains("reproduce: jose-harness interop --seed 5"),
        "{report}"
    );
    // The reference still rejected it.
    let bitflip = m
        .negative
        .iter()
        .find(|n| n.case == "iadvize/jwe.tag.bitflip");
    let reference = bitflip.and_then(|n| n.outcomes.iter().find(|o| o.consumer == "reference"));
    assert_eq!(reference.map(|o| &o.judgement), Some(&Judgement::Rejected));
}

#[test]
fn a_producer_that_signs_pss_fails_its_cells_with_case_reproductions() {
    let impls = vec![
        Implementation::builtin(&Reference),
        Implementation::builtin(&SIGNS_PSS),
    ];
    let mut o = options(3, &[Profile::Moveo]);
    o.negative = false;
    let m = interop::run(&impls, &o, &Quirks::default(), &|_| {});
    assert_eq!(m.verdict, MatrixVerdict::Fail);
    for cell in &m.cells {
        let broken = cell.producer == "signs-pss";
        assert_eq!(cell.failed, if broken { 3 } else { 0 }, "{cell:?}");
    }
    // signs-pss cannot verify, so only the reference consumes.
    assert_eq!(m.failure_count, 3);
    let f = &m.failures[0];
    assert!(f.problem.contains("jws.signature.pss"), "{}", f.problem);
    assert!(
        f.reproduce
            .ends_with(&format!("--profile moveo --case {}", f.case)),
        "{}",
        f.reproduce
    );
    assert!(f.keys.customer.starts_with("customer"), "{:?}", f.keys);
}

#[test]
fn a_listed_quirk_is_not_a_failure_and_a_quirk_that_stopped_is_stale() {
    let impls = vec![
        Implementation::builtin(&Reference),
        Implementation::builtin(&SKIPS_TAG_CHECK),
    ];
    let quirks = Quirks::parse(
        r#"{"quirks": [
            {"implementation": "skips-tag-check", "case": "iadvize/jwe.*",
             "reason": "this test backend never checks the GCM tag"},
            {"implementation": "reference", "case": "*/jws.alg.none",
             "reason": "a quirk that never happens: it must be reported stale"}
        ]}"#,
    )
    .expect("quirks parse");
    let m = interop::run(&impls, &options(2, &[Profile::Iadvize]), &quirks, &|_| {});
    let bitflip = m
        .negative
        .iter()
        .find(|n| n.case == "iadvize/jwe.tag.bitflip");
    let skips = bitflip.and_then(|n| n.outcomes.iter().find(|o| o.consumer == "skips-tag-check"));
    assert_eq!(skips.map(|o| &o.judgement), Some(&Judgement::Quirk));
    assert_eq!(m.failure_count, 0, "{}", text(&m));
    assert_eq!(m.stale_quirks.len(), 1, "{:?}", m.stale_quirks);
    assert_eq!(m.stale_quirks[0].quirk.implementation, "reference");
    assert_eq!(m.stale_quirks[0].rejected, vec!["iadvize/jws.alg.none"]);
    assert_eq!(
        m.verdict,
        MatrixVerdict::Fail,
        "a stale quirk fails the run"
    );
}

#[test]
fn the_same_seed_gives_the_same_matrix() {
    let impls = builtins();
    let o = options(3, &Profile::ALL);
    let first = interop::run(&impls, &o, &Quirks::default(), &|_| {});
    let second = interop::run(&impls, &o, &Quirks::default(), &|_| {});
    assert_eq!(first, second);
}

#[test]
fn matrix_snapshot_for_a_fixed_seed() {
    let mut m = interop::run(
        &builtins(),
        &options(4, &Profile::ALL),
        &Quirks::default(),
        &|_| {},
    );
    // Versions change with every update; the snapshot pins the shape.
    for member in &mut m.implementations {
        member.library = "[library versions]".into();
    }
    insta::assert_snapshot!("interop_matrix_seed_5", text(&m));
}

// ---- external adapters through the CLI --------------------------------

fn interop_cmd(args: &[&str]) -> Command {
    let mut cmd = Command::new(harness_bin());
    cmd.current_dir(workspace()).arg("interop").args(args);
    cmd.timeout(std::time::Duration::from_secs(300));
    cmd
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The `--exec` command of the project's Python adapter, when a Python with
/// pyca/cryptography is there (the caller skips otherwise).
fn python_adapter() -> Option<String> {
    let (python, _) = python_with_cryptography("python adapter")?;
    Some(format!(
        "'{}' scripts/peers/python-adapter.py",
        std::path::Path::new(&python).display()
    ))
}

#[test]
fn the_python_adapter_produces_and_consumes_both_profiles() {
    let Some(exec) = python_adapter() else {
        return;
    };
    let output = interop_cmd(&["--cases", "4", "--backend", "reference", "--exec", &exec])
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let m = json_of(&output);
    assert_eq!(m["verdict"], "pass", "{m:#}");
    assert_eq!(output.status.code(), Some(0));
    let cells = m["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 8, "2 profiles × 2 producers × 2 consumers");
    for cell in cells {
        assert_eq!(cell["passed"], 4, "{cell}");
    }
    let python = &m["implementations"][1];
    assert_eq!(python["name"], "python-cryptography");
    assert!(
        python["library"]
            .as_str()
            .is_some_and(|l| l.contains("cryptography")),
        "{python}"
    );
    let answers: Vec<&Value> = m["negative"]
        .as_array()
        .expect("negative")
        .iter()
        .flat_map(|n| n["outcomes"].as_array().into_iter().flatten())
        .filter(|o| o["consumer"] == "python-cryptography")
        .collect();
    assert!(answers.len() > 40, "{}", answers.len());
    assert!(answers
        .iter()
        .all(|o| o["judgement"] == "rejected" || o["judgement"] == "quirk"));
}

#[test]
fn an_adapter_that_answers_garbage_is_reported_and_the_run_goes_on() {
    let exec = "python3 -c 'import sys\nfor line in sys.stdin: print(\"not json\", flush=True)'";
    let output = interop_cmd(&["--cases", "2", "--backend", "reference", "--exec", exec])
        .args(["--profile", "moveo", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let m = json_of(&output);
    let failures = m["failures"].as_array().expect("failures");
    assert!(!failures.is_empty());
    assert!(
        failures
            .iter()
            .any(|f| f["problem"].as_str().is_some_and(|p| p.contains("garbage"))),
        "{failures:#?}"
    );
    // The reference's own cell still passed.
    let own = m["cells"].as_array().and_then(|c| {
        c.iter()
            .find(|c| c["producer"] == "reference" && c["consumer"] == "reference")
    });
    assert_eq!(own.map(|c| &c["passed"]), Some(&Value::from(2)));
}

#[test]
fn an_adapter_that_dies_is_restarted_then_given_up() {
    // Answers describe, then dies on the first real request, every time.
    let exec = "python3 -c 'import sys, json\nfor line in sys.stdin:\n r = json.loads(line)\n if r[\"op\"] != \"describe\": sys.exit(\"dying on purpose\")\n print(json.dumps({\"id\": r[\"id\"], \"name\": \"mortal\"}), flush=True)'";
    let output = interop_cmd(&["--cases", "3", "--backend", "reference", "--exec", exec])
        .args(["--profile", "iadvize", "--no-negative", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let m = json_of(&output);
    let problems: Vec<&str> = m["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .filter_map(|f| f["problem"].as_str())
        .collect();
    assert!(
        problems.iter().any(|p| p.contains("dying on purpose")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("given up")),
        "{problems:#?}"
    );
}

#[test]
fn a_missing_adapter_program_is_a_harness_error() {
    let output = interop_cmd(&["--cases", "1", "--exec", "no-such-adapter-program-xyz"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no-such-adapter-program-xyz"), "{stderr}");
    assert!(stderr.contains("not found"), "{stderr}");
}

#[test]
fn one_case_and_one_negative_case_can_be_run_again() {
    let output = interop_cmd(&["--cases", "5", "--case", "3", "--profile", "moveo"])
        .args(["--no-negative", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let m = json_of(&output);
    let judged: u64 = m["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .filter_map(|c| c["passed"].as_u64())
        .sum();
    assert_eq!(
        judged as usize,
        m["cells"].as_array().map_or(0, Vec::len),
        "one token per cell"
    );

    let output = interop_cmd(&["--cases", "2", "--negative", "moveo/moveo.exp.too_far"])
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let m = json_of(&output);
    assert_eq!(m["negative"].as_array().map(Vec::len), Some(1));
    assert_eq!(m["negative"][0]["rule"], "moveo.exp.too_far");

    let output = interop_cmd(&["--negative", "moveo/no.such.case"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no negative case"));
}

/// The output does not depend on the number of jobs: cases are drawn up
/// front and gathered in case order, every producer's randomness is its
/// case's, and an adapter's pool answers the same as one process.
#[test]
fn one_job_and_two_jobs_give_the_same_output() {
    let Some(exec) = python_adapter() else {
        return;
    };
    let run = |jobs: &str| {
        interop_cmd(&["--cases", "5", "--seed", "23", "--exec", &exec])
            .args(["--format", "json", "--jobs", jobs])
            .output()
            .expect("runs")
    };
    let one = run("1");
    let two = run("2");
    assert_eq!(one.status.code(), Some(0), "{}", json_of(&one));
    assert_eq!(two.status.code(), Some(0), "{}", json_of(&two));
    assert!(
        one.stdout == two.stdout,
        "--jobs 1 and --jobs 2 differ:\n{}\n{}",
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&two.stdout)
    );
    let m = json_of(&two);
    assert!(m["cells"].as_array().is_some_and(|c| c.len() > 8), "{m:#}");
}

#[test]
fn jobs_must_be_a_positive_number() {
    let output = interop_cmd(&["--cases", "1", "--jobs", "0"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--jobs"), "{stderr}");
}
