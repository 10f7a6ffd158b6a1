//! Shared fixtures for the integration tests: the bundled test keys, a
//! pinned clock, and helpers to mint and check tokens.

use std::path::PathBuf;
use std::sync::OnceLock;

use jose_harness::backend::{self, Backend};
use jose_harness::check::{self, CheckOptions, Profile, Report};
use jose_harness::jose::Limits;
use jose_harness::keys::{self, LoadedKey, PrivateKey, PublicKey};
use jose_harness::mint;
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
    mint::iadvize(reference(), claims, &k.customer, k.recipient.public(), &mut rng()).expect("mint")
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
pub fn check_with(
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
    check_with(reference(), profile, token, Some(k.customer.public()), Some(&k.recipient))
}

/// Runs `$body` once per backend that has the capabilities `$needs`
/// asks for, binding the backend to `$b`.
#[macro_export]
macro_rules! for_each_backend {
    (|$b:ident| $needs:expr, $body:block) => {
        for $b in jose_harness::backend::all() {
            if ($needs)(&$b.capabilities()) {
                $body
            }
        }
    };
}

/// The `jose-harness` binary, built if this test run has not built it.
///
/// `cargo test --workspace` builds it; `cargo test -p jose-harness-tests`
/// alone would run the CLI tests against a stale binary, so the first call
/// asks cargo to bring it up to date (a no-op when it already is).
pub fn harness_bin() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = std::process::Command::new(cargo)
                .args(["build", "--quiet", "-p", "jose-harness", "--bin", "jose-harness"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building the jose-harness binary failed");
            assert_cmd::cargo::cargo_bin("jose-harness")
        })
        .clone()
}
