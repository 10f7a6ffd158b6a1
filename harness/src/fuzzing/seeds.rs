//! The seed corpus of every target and the libFuzzer dictionary, both
//! generated here and committed under `fuzz/` (`scripts/fuzz.sh --seed`).

use rand::RngCore;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

use super::impls;
use super::{hex, test_key, MAX_LEN, NOW};
use crate::forge::mint;
use crate::jose::b64::{self, Dialect};
use crate::jose::json;
use crate::keys::{self, KeyMaterial};
use crate::padding;
use crate::profile::{Profile, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA, VISITOR_DATA_FIELDS};
use crate::rng::HarnessRng;
use crate::testkeys;

/// The file name libFuzzer gives an input: the SHA-1 of its bytes, in hex.
pub fn corpus_name(data: &[u8]) -> String {
    hex(&Sha1::digest(data))
}

/// Every token of the committed vectors, with its profile.
fn vector_tokens() -> Vec<(Profile, String)> {
    const FILES: [(Profile, &str); 4] = [
        (
            Profile::Iadvize,
            include_str!("../../../vectors/iadvize/valid.json"),
        ),
        (
            Profile::Iadvize,
            include_str!("../../../vectors/iadvize/invalid.json"),
        ),
        (
            Profile::Moveo,
            include_str!("../../../vectors/moveo/valid.json"),
        ),
        (
            Profile::Moveo,
            include_str!("../../../vectors/moveo/invalid.json"),
        ),
    ];
    let mut out = Vec::new();
    for (profile, text) in FILES {
        let Ok(file) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        for test in file["tests"].as_array().into_iter().flatten() {
            if let Some(token) = test["token"].as_str() {
                out.push((profile, token.to_owned()));
            }
        }
    }
    out
}

/// Tokens minted here (seeded, so the same every time): both profiles,
/// with and without visitorData and context.
fn minted_tokens() -> Vec<(Profile, String)> {
    let customer = test_key("customer");
    let recipient = test_key("recipient");
    let mut rng = HarnessRng::from_seed(2024);
    let producer = impls::reference();
    let mut out = Vec::new();
    let mut iadvize = mint::default_claims(Profile::Iadvize, NOW, 60, "user-1");
    if let Ok(token) = mint::iadvize(producer, &iadvize, customer, recipient.public(), &mut rng) {
        out.push((Profile::Iadvize, token));
    }
    iadvize.insert(
        IADVIZE_VISITOR_DATA.into(),
        json!({"firstName": "Zoë", "email": "z@example.com", "country": "FR"}),
    );
    if let Ok(token) = mint::iadvize(producer, &iadvize, customer, recipient.public(), &mut rng) {
        out.push((Profile::Iadvize, token));
    }
    let moveo = mint::default_claims(Profile::Moveo, NOW, 60, "user-1");
    let contexts = [
        None,
        Some((json!({}), 16)),
        Some((json!({"plan": "gold", "user": {"vip": true}}), 32)),
    ];
    for context in contexts {
        let context = context
            .as_ref()
            .map(|(c, aes)| (c, recipient.public(), *aes));
        if let Ok(token) = mint::moveo(producer, &moveo, context, customer, &mut rng) {
            out.push((Profile::Moveo, token));
        }
    }
    out
}

/// The seed corpus of every target, as (target name, input): tokens of the
/// committed vectors and minted ones, their segments and JSON, the bundled
/// keys in every form, paddings, and a few byte strings for the
/// structure-aware targets. `tests/fuzz_corpus.rs` writes them into
/// `fuzz/corpus/<target>/` on request.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let mut out: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let tokens: Vec<(Profile, String)> =
        vector_tokens().into_iter().chain(minted_tokens()).collect();
    for (profile, token) in &tokens {
        out.push(("compact", token.clone().into_bytes()));
        let target = match profile {
            Profile::Iadvize => "check_iadvize",
            Profile::Moveo => "check_moveo",
        };
        out.push((target, token.clone().into_bytes()));
        for segment in token.split('.') {
            out.push(("base64url", segment.as_bytes().to_vec()));
            if let Some(bytes) = b64::decode(segment, Dialect::Url).bytes {
                if json::parse_value(&String::from_utf8_lossy(&bytes), 64).is_ok() {
                    // The moveo context claims are standard base64.
                    if let Ok(Value::Object(claims)) = serde_json::from_slice(&bytes) {
                        for name in ["context", "encryption_key", "init_vector"] {
                            if let Some(text) = claims.get(name).and_then(Value::as_str) {
                                out.push(("base64url", text.as_bytes().to_vec()));
                            }
                        }
                    }
                    out.push(("json", bytes));
                }
            }
        }
    }
    for text in [
        r#"{"a":1,"a":2}"#,
        r#"{"o":{"b":1,"\u0062":2}}"#,
        r#"{"https:\/\/iadvize.com\/userId":"u"}"#,
        r#"{"u":"\ud83d\ude00","n":-0.0,"e":1e308,"i":-9223372036854775808,"big":18446744073709551615}"#,
        r#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"#,
        r#"{"a":[{"b":{"c":[null,true,false,"x"]}}]} "#,
        "{\"a\":\"\u{7f}\"}",
        "\u{feff}{}",
    ] {
        out.push(("json", text.as_bytes().to_vec()));
    }
    for (file, pem) in testkeys::PEMS {
        let Ok(loaded) = keys::parse(pem.as_bytes(), file) else {
            continue;
        };
        out.push(("keys", pem.as_bytes().to_vec()));
        let public = loaded.public();
        out.push(("keys", public.spki_pem().into_bytes()));
        if file.starts_with("customer-") || file.starts_with("weak") {
            out.push(("keys", public.spki_der().to_vec()));
            out.push(("keys", public.pkcs1_der()));
            out.push((
                "keys",
                keys::pem("RSA PUBLIC KEY", &public.pkcs1_der()).into_bytes(),
            ));
            out.push(("keys", b64::encode_std(public.spki_der()).into_bytes()));
            out.push(("keys", keys::public_jwk(public).to_string().into_bytes()));
            out.push((
                "keys",
                json!({"keys": [keys::public_jwk(public)]})
                    .to_string()
                    .into_bytes(),
            ));
            if let KeyMaterial::Private(private) = &loaded.material {
                out.push(("keys", private.pkcs8_der().to_vec()));
            }
        }
    }
    out.push(("keys", keys::IADVIZE_PRODUCTION_KEY.as_bytes().to_vec()));
    out.push((
        "keys",
        b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".to_vec(),
    ));
    out.push((
        "keys",
        br#"{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQAB"}"#.to_vec(),
    ));
    out.push(("keys", br#"{"kty":"EC","crv":"P-256"}"#.to_vec()));
    for len in [0usize, 1, 15, 16, 17, 31, 32] {
        let data: Vec<u8> = (0..len as u8).collect();
        out.push(("pkcs7", padding::pad(&data)));
        out.push(("pkcs7", data));
    }
    out.push(("pkcs7", vec![16; 16]));
    out.push(("pkcs7", vec![17; 16]));
    out.push(("pkcs7", [vec![1; 13], vec![3, 2, 3]].concat()));
    // The structure-aware targets read bytes through `arbitrary`: a few
    // byte strings of different lengths and contents to start from.
    let mut rng = HarnessRng::from_seed(7);
    for name in [
        "moveo_context",
        "jwe_content",
        "jwe_decrypt",
        "jws_verify",
        "token_model",
    ] {
        out.push((name, vec![0; 64]));
        out.push((name, vec![0xff; 64]));
        for len in [16usize, 64, 256, 1024] {
            let mut bytes = vec![0u8; len];
            rng.fill_bytes(&mut bytes);
            out.push((name, bytes));
        }
    }
    // Long base64 texts add no coverage a short one lacks, and slow every
    // run that mutates them.
    out.retain(|(target, data)| {
        data.len()
            <= if *target == "base64url" {
                2048
            } else {
                MAX_LEN
            }
    });
    out.sort();
    out.dedup();
    out
}

/// The dictionary of JOSE tokens for libFuzzer (`-dict=`), one quoted
/// token per line: header names, alg and enc values, claim names, and the
/// base64url of common header beginnings.
pub fn dictionary() -> String {
    let names = [
        "alg",
        "enc",
        "cty",
        "typ",
        "kid",
        "zip",
        "crit",
        "jwk",
        "jku",
        "x5u",
        "x5c",
        "RS256",
        "RS384",
        "RS512",
        "PS256",
        "HS256",
        "HS384",
        "HS512",
        "ES256",
        "none",
        "None",
        "NONE",
        "RSA-OAEP-256",
        "RSA-OAEP",
        "RSA1_5",
        "dir",
        "A128KW",
        "A256GCM",
        "A192GCM",
        "A128GCM",
        "A128CBC-HS256",
        "A256CBC-HS512",
        "DEF",
        "JWT",
        "iss",
        "sub",
        "aud",
        "exp",
        "nbf",
        "iat",
        "jti",
        "context",
        "encryption_key",
        "init_vector",
        IADVIZE_USER_ID,
        IADVIZE_VISITOR_DATA,
        "https:\\/\\/iadvize.com\\/",
    ];
    // Then the visitorData fields, then key and text forms.
    let keys_and_texts = [
        "kty",
        "RSA",
        "EC",
        "n",
        "e",
        "d",
        "p",
        "q",
        "keys",
        "-----BEGIN ",
        "-----END ",
        "PRIVATE KEY-----",
        "PUBLIC KEY-----",
        "RSA PRIVATE KEY",
        "RSA PUBLIC KEY",
        "ENCRYPTED PRIVATE KEY",
        "CERTIFICATE",
        "MIIBIjANBgkqhkiG9w0BAQEFAAOC",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        "eyJ",
        "eyJhbGciOi",
        "eyJhbGciOiJSUzI1NiJ9",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9",
        "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIiwiY3R5IjoiSldUIn0",
        "\\u0000",
        "\\ud83d\\ude00",
        "1700000000",
        "1700000060",
        "1e20",
        "-1",
        "==",
        "\r\n",
    ];
    let mut words: Vec<String> = names
        .iter()
        .chain(VISITOR_DATA_FIELDS.iter())
        .chain(keys_and_texts.iter())
        .map(|w| (*w).to_owned())
        .collect();
    words.dedup();
    let mut out = String::from(
        "# JOSE tokens for libFuzzer's -dict= (generated by jose_harness::fuzzing::dictionary)\n",
    );
    for word in words {
        let escaped: String = word
            .bytes()
            .map(|b| match b {
                b'"' => "\\\"".to_owned(),
                b'\\' => "\\\\".to_owned(),
                0x20..=0x7e => char::from(b).to_string(),
                _ => format!("\\x{b:02X}"),
            })
            .collect();
        out.push_str(&format!("\"{escaped}\"\n"));
    }
    out
}
