//! Per-backend cost of each operation the profiles need, and of a whole
//! check of each profile: `cargo bench -p jose-harness --features full --bench crypto`
//! (a filter narrows it: `-- check/`, `-- josekit`).
//!
//! RSA-2048 with the bundled TEST keys. The whole-check figures use each
//! backend as `check --backend NAME` runs it ([`Stacked::for_checking`]);
//! `check/josekit` is the default. `openssl-key-load` is what the
//! per-thread key cache saves on every token.

// Fixtures that cannot fail (the bundled keys, minting with them): a
// failure is a broken benchmark, as in a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;

use jose_harness::backend::{self, Backend, Capabilities, JweParts, Stacked};
use jose_harness::check::{self, CheckOptions};
use jose_harness::findings::Verdict;
use jose_harness::forge::mint;
use jose_harness::jose::b64;
use jose_harness::jose::{self, Compact, Limits};
use jose_harness::keys::PrivateKey;
use jose_harness::profile::Profile;
use jose_harness::rng::HarnessRng;
use jose_harness::testkeys;

const NOW: i64 = 1_700_000_000;

fn key(name: &str) -> &'static PrivateKey {
    &testkeys::named(name).expect("bundled test key").key
}

fn reference() -> &'static dyn Backend {
    backend::by_name("reference").expect("reference")
}

fn with(needs: impl Fn(&Capabilities) -> bool) -> Vec<&'static dyn Backend> {
    backend::all()
        .into_iter()
        .filter(|b| needs(&b.capabilities()))
        .collect()
}

fn iadvize_token() -> String {
    let claims = mint::default_claims(Profile::Iadvize, NOW, 60, "bench-user");
    mint::iadvize(
        reference(),
        &claims,
        key("customer"),
        key("recipient").public(),
        &mut HarnessRng::from_seed(1),
    )
    .expect("mint")
}

fn moveo_token() -> String {
    let claims = mint::default_claims(Profile::Moveo, NOW, 60, "bench-user");
    let context = json!({"plan": "gold", "cart": [1, 2, 3]});
    mint::moveo(
        reference(),
        &claims,
        Some((&context, key("recipient").public(), 32)),
        key("customer"),
        &mut HarnessRng::from_seed(1),
    )
    .expect("mint")
}

/// The JWE parts and encoded header of an iAdvize token.
fn jwe_parts(token: &str) -> (String, JweParts) {
    let Compact::Jwe(jwe) = jose::split(token) else {
        panic!("an iadvize token is a JWE");
    };
    let decode = |s: &str| b64::decode(s, b64::Dialect::Url).bytes.expect("base64url");
    let parts = JweParts {
        encrypted_key: decode(jwe.encrypted_key),
        iv: decode(jwe.iv),
        ciphertext: decode(jwe.ciphertext),
        tag: decode(jwe.tag),
    };
    (jwe.header.to_owned(), parts)
}

fn primitives(c: &mut Criterion) {
    let customer = key("customer");
    let recipient = key("recipient");
    let input = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9";
    let signature = reference()
        .rs256_sign(customer, input)
        .expect("reference signs");
    let mut rng = HarnessRng::from_seed(2);
    let secret = [7u8; 32];
    let wrapped = reference()
        .rsa_oaep256_encrypt(recipient.public(), &secret, &mut rng)
        .expect("reference encrypts");
    let (protected, parts) = jwe_parts(&iadvize_token());
    let iv = [9u8; 16];
    let cbc = reference()
        .aes_cbc_encrypt(&secret, &iv, br#"{"plan":"gold","cart":[1,2,3]}"#)
        .expect("reference encrypts");
    let wrapped_iv = reference()
        .rsa_oaep256_encrypt(recipient.public(), &iv, &mut rng)
        .expect("reference encrypts");

    for b in with(|c| c.rs256_sign) {
        c.bench_function(&format!("sign/{}", b.id()), |bench| {
            bench.iter(|| b.rs256_sign(customer, black_box(input)).expect("signs"))
        });
    }
    for b in with(|c| c.rs256_verify) {
        c.bench_function(&format!("verify/{}", b.id()), |bench| {
            bench.iter(|| {
                b.rs256_verify(customer.public(), black_box(input), &signature)
                    .expect("verifies")
            })
        });
    }
    for b in with(|c| c.context_decrypt) {
        c.bench_function(&format!("oaep-decrypt/{}", b.id()), |bench| {
            bench.iter(|| {
                b.rsa_oaep256_decrypt(recipient, black_box(&wrapped))
                    .expect("decrypts")
            })
        });
    }
    for b in with(|c| c.jwe_decrypt) {
        c.bench_function(&format!("jwe-decrypt/{}", b.id()), |bench| {
            bench.iter(|| {
                b.jwe_decrypt(recipient, &protected, black_box(&parts))
                    .expect("decrypts")
            })
        });
    }
    // The whole context scheme: two RSA-OAEP decryptions and AES-CBC.
    for b in with(|c| c.context_decrypt) {
        c.bench_function(&format!("context-decrypt/{}", b.id()), |bench| {
            bench.iter(|| {
                let key = b.rsa_oaep256_decrypt(recipient, &wrapped).expect("key");
                let iv = b.rsa_oaep256_decrypt(recipient, &wrapped_iv).expect("iv");
                b.aes_cbc_decrypt(&key, &iv, black_box(&cbc))
                    .expect("decrypts")
            })
        });
    }
    // What each worker thread pays once per key: OpenSSL's decoders on
    // PKCS#8, against the openssl backend's copy built from the numbers.
    c.bench_function("openssl-key-load/pkcs8", |bench| {
        bench.iter(|| {
            openssl::pkey::PKey::private_key_from_pkcs8(&recipient.pkcs8_der()).expect("loads")
        })
    });
    c.bench_function("openssl-key-load/numbers", |bench| {
        bench.iter(|| backend::openssl::private_pkey(recipient).expect("loads"))
    });
}

fn whole_checks(c: &mut Criterion) {
    let customer = key("customer").public();
    let recipient = key("recipient");
    let tokens = [
        (Profile::Iadvize, iadvize_token()),
        (Profile::Moveo, moveo_token()),
    ];
    for primary in backend::all() {
        let stack = Stacked::for_checking(primary);
        for (profile, token) in &tokens {
            let options = CheckOptions {
                profile: *profile,
                verify_key: Some(customer),
                decrypt_key: Some(recipient),
                now: NOW,
                limits: Limits::default(),
                backend: &stack,
            };
            assert_eq!(check::check(token, &options).verdict, Verdict::Pass);
            c.bench_function(
                &format!("check/{}/{}", profile.as_str(), primary.id()),
                |bench| bench.iter(|| check::check(black_box(token), &options)),
            );
        }
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = primitives, whole_checks
}
criterion_main!(benches);
