//! The text reports of a passing and a failing token of each profile,
//! pinned with insta. Tokens come from a seeded RNG and the clock is
//! pinned, so any change in what a person reads shows as a snapshot diff.

use jose_harness::backend::reference::{self, RsaScheme};
use jose_harness::forge::mint;
use jose_harness::jose::b64;
use jose_harness::padding;
use jose_harness::profile::Profile;
use jose_harness_tests::*;
use rand::RngCore;
use serde_json::{json, Value};

fn report(profile: &str, token: &str) -> String {
    let out = check_cmd(profile, token).output().expect("runs");
    String::from_utf8(out.stdout).expect("UTF-8 report")
}

#[test]
fn iadvize_pass() {
    let mut claims = claims(Profile::Iadvize);
    claims.insert(
        "https://iadvize.com/visitorData".into(),
        json!({"firstName": "Ada", "email": "ada@example.com"}),
    );
    insta::assert_snapshot!(report("iadvize", &iadvize_token(&claims)));
}

#[test]
fn iadvize_fail() {
    // Expired, unprefixed userId, no cty, and the content key wrapped with
    // SHA-1 OAEP under an RSA-OAEP-256 header: four mistakes, one run.
    let payload = json!({"userId": "u-1", "exp": NOW - 30}).to_string();
    let token = iadvize_token_wrapped_with(
        RsaScheme::OaepSha1,
        br#"{"alg":"RSA-OAEP-256","enc":"A256GCM"}"#,
        payload.as_bytes(),
        &mut rng(),
    );
    insta::assert_snapshot!(report("iadvize", &token));
}

#[test]
fn moveo_pass() {
    let context = json!({"user": {"is_vip": true, "language": "en"}});
    insta::assert_snapshot!(report(
        "moveo",
        &moveo_token(&claims(Profile::Moveo), Some(&context))
    ));
}

#[test]
fn moveo_fail() {
    // exp ten minutes ahead, the AES key encrypted with Node's default
    // SHA-1 OAEP, and the context in base64url: three mistakes, one run.
    let k = keys();
    let mut rng = rng();
    let mut key = [0u8; 32];
    rng.fill_bytes(&mut key);
    let mut iv = [0u8; 16];
    rng.fill_bytes(&mut iv);
    let plaintext = br#"{"plan":"gold"}"#;
    let context = reference::cbc_encrypt_raw(&key, &iv, &padding::pad(plaintext)).unwrap();
    let mut claims = mint::default_claims(Profile::Moveo, NOW, 600, "user-1");
    claims.insert("context".into(), Value::String(b64::encode_url(&context)));
    let encrypted_key =
        reference::rsa_encrypt(k.recipient.public(), RsaScheme::OaepSha1, &key, &mut rng).unwrap();
    let encrypted_iv =
        reference::rsa_encrypt(k.recipient.public(), RsaScheme::OaepSha256, &iv, &mut rng).unwrap();
    claims.insert(
        "encryption_key".into(),
        Value::String(b64::encode_std(&encrypted_key)),
    );
    claims.insert(
        "init_vector".into(),
        Value::String(b64::encode_std(&encrypted_iv)),
    );
    let token = mint::jws_rs256(
        reference(),
        &k.customer,
        mint::MOVEO_JWS_HEADER.as_bytes(),
        serde_json::to_string(&claims).unwrap().as_bytes(),
    )
    .unwrap();
    insta::assert_snapshot!(report("moveo", &token));
}
