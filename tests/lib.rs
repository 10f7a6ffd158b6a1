//! Shared fixtures for the integration tests: the bundled test keys, a
//! pinned clock, and helpers to mint and check tokens.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::OnceLock;

use jose_harness::backend::{self, Backend};
use jose_harness::check::{self, CheckOptions};
use jose_harness::findings::Report;
use jose_harness::forge::mint;
use jose_harness::jose::Limits;
use jose_harness::keys::{self, LoadedKey, PrivateKey, PublicKey};
use jose_harness::profile::Profile;
use jose_harness::rng::HarnessRng;
use serde_json::{Map, Value};

/// The pinned "now" of every test: 2023-11-14T22:13:20Z.
pub const NOW: i64 = 1_700_000_000;

/// The repository's `vectors/keys` directory.
pub fn keys_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors/keys")
}

/// Path of a bundled test key, e.g. `key_path("customer", "private")`.
pub fn key_path(name: &str, half: &str) -> PathBuf {
    keys_dir().join(format!("{name}-test-{half}.pem"))
}

fn load(name: &str) -> LoadedKey {
    keys::load_file(&key_path(name, "private")).expect("bundled test key loads")
}

/// A bundled private test key by name (`customer3072`, `recipient4096`, …).
pub fn private(name: &str) -> PrivateKey {
    let path = key_path(name, "private");
    keys::load_file(&path)
        .unwrap_or_else(|e| panic!("{} should load: {e}", path.display()))
        .private("test")
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .clone()
}

/// The bundled test key pairs.
pub struct TestKeys {
    /// Signs tokens (customer side).
    pub customer: PrivateKey,
    /// Receives tokens (vendor side).
    pub recipient: PrivateKey,
    /// Another customer: wrong-key cases.
    pub customer2: PrivateKey,
    /// A 1024-bit key: the key.size rule.
    pub weak1024: PrivateKey,
}

/// The bundled test keys, loaded once.
pub fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys {
        customer: load("customer").private("test").expect("private").clone(),
        recipient: load("recipient").private("test").expect("private").clone(),
        customer2: load("customer2").private("test").expect("private").clone(),
        weak1024: load("weak1024").private("test").expect("private").clone(),
    })
}

/// The reference backend.
pub fn reference() -> &'static dyn Backend {
    backend::by_name("reference").expect("reference backend")
}

/// A seeded RNG, so tests are reproducible.
pub fn rng() -> HarnessRng {
    HarnessRng::from_seed(7)
}

/// Default valid claims of a profile, exp = NOW + 60.
pub fn claims(profile: Profile) -> Map<String, Value> {
    mint::default_claims(profile, NOW, 60, "user-1")
}

/// A correct iadvize token for `claims` with the bundled keys.
pub fn iadvize_token(claims: &Map<String, Value>) -> String {
    let k = keys();
    mint::iadvize(
        reference(),
        claims,
        &k.customer,
        k.recipient.public(),
        &mut rng(),
    )
    .expect("mint")
}

/// An iadvize token whose 32-byte content key is wrapped with `scheme`
/// under the JWE header `jwe_header` (RSA-OAEP-256 with a SHA-1 wrap is
/// the wrong-variant mistake), its JWS signing `payload` with the customer
/// key.
pub fn iadvize_token_wrapped_with(
    scheme: jose_harness::backend::reference::RsaScheme,
    jwe_header: &[u8],
    payload: &[u8],
    rng: &mut HarnessRng,
) -> String {
    let k = keys();
    let jws = mint::jws_rs256(
        reference(),
        &k.customer,
        mint::IADVIZE_JWS_HEADER.as_bytes(),
        payload,
    )
    .expect("signs");
    let protected = jose_harness::jose::b64::encode_url(jwe_header);
    let parts = jose_harness::backend::reference::jwe_encrypt_with(
        k.recipient.public(),
        scheme,
        32,
        &protected,
        jws.as_bytes(),
        rng,
    )
    .expect("encrypts");
    mint::jwe_compact(&protected, &parts)
}

/// A correct moveo token for `claims`, with `context` encrypted (AES-256)
/// to the recipient when given.
pub fn moveo_token(claims: &Map<String, Value>, context: Option<&Value>) -> String {
    let k = keys();
    mint::moveo(
        reference(),
        claims,
        context.map(|c| (c, k.recipient.public(), 32)),
        &k.customer,
        &mut rng(),
    )
    .expect("mint")
}

/// Checks with explicit keys and the pinned clock, through `backend`.
/// The tests use the bundled TEST keys, which every token then reports
/// (`key.test_key`, a warning): dropped here, so each test sees what it
/// is about. [`check_with_test_keys`] keeps it.
pub fn check_with(
    backend: &dyn Backend,
    profile: Profile,
    token: &str,
    verify: Option<&PublicKey>,
    decrypt: Option<&PrivateKey>,
) -> Report {
    let mut report = check_with_test_keys(backend, profile, token, verify, decrypt);
    report
        .findings
        .retain(|f| f.id != jose_harness::rules::KEY_TEST_KEY.id);
    report
}

/// [`check_with`], the `key.test_key` warnings kept.
pub fn check_with_test_keys(
    backend: &dyn Backend,
    profile: Profile,
    token: &str,
    verify: Option<&PublicKey>,
    decrypt: Option<&PrivateKey>,
) -> Report {
    check::check(
        token,
        &CheckOptions {
            profile,
            verify_key: verify,
            decrypt_key: decrypt,
            now: NOW,
            limits: Limits::default(),
            backend,
        },
    )
}

/// Checks with the bundled customer and recipient keys and the pinned clock.
pub fn check(profile: Profile, token: &str) -> Report {
    let k = keys();
    check_with(
        reference(),
        profile,
        token,
        Some(k.customer.public()),
        Some(&k.recipient),
    )
}

/// Runs `$body` once per backend that has any of the capabilities `$needs`
/// asks for (write it with `||`), binding `$b` to that backend stacked on
/// the reference: a JWS-only library signs, the reference encrypts.
#[macro_export]
macro_rules! for_each_backend {
    (|$b:ident| $needs:expr, $body:block) => {
        for primary in jose_harness::backend::all() {
            if ($needs)(&primary.capabilities()) {
                let stacked = jose_harness::backend::Stacked::over_reference(primary);
                let $b: &dyn jose_harness::backend::Backend = &stacked;
                $body
            }
        }
    };
}

/// The profile `cargo build` takes for the directory a test executable was
/// built into (`target/debug/deps` → `dev`).
fn build_profile() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?.file_name()?.to_str()?;
    Some(if dir == "debug" {
        "dev".into()
    } else {
        dir.into()
    })
}

/// `jose-harness check` of a token with the bundled customer and recipient
/// keys and the pinned clock; callers add options.
pub fn check_cmd(profile: &str, token: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(harness_bin());
    cmd.args([
        "check",
        "--profile",
        profile,
        "--token",
        token,
        "--now",
        &NOW.to_string(),
    ])
    .args([
        "--verify-key",
        &key_path("customer", "public").display().to_string(),
    ])
    .args([
        "--decrypt-key",
        &key_path("recipient", "private").display().to_string(),
    ]);
    cmd
}

/// The `jose-harness` binary, fresh.
///
/// This test crate does not own the binary, so cargo neither sets
/// `CARGO_BIN_EXE_jose-harness` for it nor builds it before running the
/// tests: a binary left in the target directory may be missing or stale.
/// So build it (a no-op when it is up to date) and take its path from
/// cargo's own report; fall back to the one next to the test executable
/// only when cargo cannot be run.
///
/// `JOSE_HARNESS_BIN`, when set, names a binary built elsewhere to test
/// instead: CI runs the example workflows' test on the default build
/// (RustCrypto alone), which is what their `cargo install` makes.
pub fn harness_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(given) = std::env::var_os("JOSE_HARNESS_BIN") {
            let path = PathBuf::from(given);
            assert!(
                path.is_file(),
                "JOSE_HARNESS_BIN={} is not a file",
                path.display()
            );
            return path;
        }
        let cargo = std::env::var_os("CARGO")
            .or_else(|| option_env!("CARGO").map(OsString::from))
            .unwrap_or_else(|| "cargo".into());
        let mut build = StdCommand::new(cargo);
        build
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
            .args(["build", "--quiet", "--package", "jose-harness"])
            // Every backend: the tests compare them all.
            .args(["--features", "full"])
            .args(["--bin", "jose-harness", "--message-format", "json"]);
        if let Some(profile) = build_profile() {
            build.args(["--profile", &profile]);
        }
        let built = build.output().ok().and_then(|output| {
            if !output.status.success() {
                eprintln!(
                    "tests: building jose-harness failed ({}):\n{}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                );
                return None;
            }
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter_map(|line| serde_json::from_str::<Value>(line).ok())
                .filter(|m| m["reason"] == "compiler-artifact")
                .filter(|m| m["target"]["name"] == "jose-harness")
                .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        });
        if let Some(path) = built {
            return path;
        }
        // Next to the test executable: target/<profile>/jose-harness.
        let exe = std::env::current_exe().expect("the test executable's path");
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>");
        let path = dir.join(format!("jose-harness{}", std::env::consts::EXE_SUFFIX));
        assert!(
            path.is_file(),
            "cannot build or find the jose-harness binary (looked in {}); run `cargo build -p jose-harness --features full`",
            path.display()
        );
        eprintln!(
            "tests: could not build jose-harness; using {}, which may be stale",
            path.display()
        );
        path
    })
}

/// Environment variable naming the Python to run the Python peers with.
pub const PYTHON_ENV: &str = "JOSE_HARNESS_PYTHON";

/// The workspace root: script paths are relative to it.
pub fn workspace() -> PathBuf {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    tests.parent().unwrap_or(tests).to_path_buf()
}

/// Whether we run under CI, where a missing interpreter is a failure.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Reports a peer that cannot run: a skip, or a failure under CI.
pub fn unavailable(peer: &str, message: &str) {
    assert!(
        !in_ci(),
        "{peer} peer: {message} (CI is set, so this is a failure)"
    );
    eprintln!("{peer} peer: {message}; skipping");
}

/// The first interpreter among `candidates` (each with where it came from)
/// for which `interpreter probe...` succeeds, with the probe's output; or
/// why each one failed.
pub fn first_working(
    candidates: &[(OsString, String)],
    probe: &[&str],
) -> Result<(OsString, String), Vec<String>> {
    let mut reasons = Vec::new();
    for (interpreter, origin) in candidates {
        let shown = Path::new(interpreter).display();
        match StdCommand::new(interpreter).args(probe).output() {
            Ok(output) if output.status.success() => {
                let found = String::from_utf8_lossy(&output.stdout).trim().to_owned();
                return Ok((interpreter.clone(), found));
            }
            Ok(output) => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let last = stderr.lines().last().unwrap_or("no message").trim();
                reasons.push(format!("{shown} ({origin}): {last}"));
            }
            Err(err) if err.kind() == ErrorKind::NotFound => {
                reasons.push(format!("{shown} ({origin}): not found"));
            }
            Err(err) => reasons.push(format!("{shown} ({origin}): cannot run it: {err}")),
        }
    }
    Err(reasons)
}

/// The first Python that can import pyca/`cryptography`: the one
/// `JOSE_HARNESS_PYTHON` names, then the workspace's `.venv` (made by
/// `scripts/peers/setup-python.sh`), then `python3` from PATH; with the
/// versions a report should name. `None` (after [`unavailable`]) when there
/// is none.
pub fn python_with_cryptography(peer: &str) -> Option<(OsString, String)> {
    let venv_python = if cfg!(windows) {
        ".venv/Scripts/python.exe"
    } else {
        ".venv/bin/python"
    };
    let mut candidates = Vec::new();
    if let Some(python) = std::env::var_os(PYTHON_ENV).filter(|p| !p.is_empty()) {
        candidates.push((python, PYTHON_ENV.to_owned()));
    }
    candidates.push((
        workspace().join(venv_python).into_os_string(),
        "the workspace's .venv".to_owned(),
    ));
    candidates.push((OsString::from("python3"), "on PATH".to_owned()));
    // Needs `cryptography`; prints the Python, cryptography and the OpenSSL
    // under it (if this version still says).
    let probe = "import platform, cryptography\n\
                 try:\n\
                 \x20   from cryptography.hazmat.backends.openssl import backend\n\
                 \x20   openssl = backend.openssl_version_text()\n\
                 except Exception:\n\
                 \x20   openssl = 'OpenSSL version unknown'\n\
                 print('Python', platform.python_version(), '/ cryptography',\n\
                 \x20     cryptography.__version__, '/', openssl)";
    match first_working(&candidates, &["-c", probe]) {
        Ok(found) => Some(found),
        Err(reasons) => {
            unavailable(
                peer,
                &format!(
                    "no Python that can import `cryptography` (tried {}); run \
                     scripts/peers/setup-python.sh (or set {PYTHON_ENV} to such a Python)",
                    reasons.join("; ")
                ),
            );
            None
        }
    }
}

/// The committed vectors' directory.
pub fn vectors_dir() -> PathBuf {
    workspace().join("vectors")
}

/// Every built-in backend as an implementation of the interop matrix and
/// the vector runner.
pub fn builtins() -> Vec<jose_harness::implementation::Implementation> {
    backend::all()
        .into_iter()
        .map(jose_harness::implementation::Implementation::builtin)
        .collect()
}

/// `vectors run` of `files` (with the committed keys) on `impls`.
pub fn run_vectors(
    files: &[(PathBuf, jose_harness::vectors::VectorFile)],
    impls: &[jose_harness::implementation::Implementation],
    quirks: &jose_harness::implementation::Quirks,
) -> jose_harness::vectors::run::RunReport {
    jose_harness::vectors::run::run(files, &vectors_dir().join("keys"), impls, quirks, &|| {})
        .expect("the vectors run")
}

/// The recipe every catalogue entry is built from here: the default
/// claims, the bundled keys (`customer2` the other signer), the pinned
/// clock and a seeded RNG.
pub fn recipe(profile: Profile) -> jose_harness::forge::mutate::Recipe<'static> {
    let k = keys();
    jose_harness::forge::mutate::Recipe {
        profile,
        claims: claims(profile),
        context: None,
        aes_key_bytes: 32,
        customer: &k.customer,
        other: &k.customer2,
        recipient: k.recipient.public(),
        now: NOW,
        rng: rng(),
    }
}
