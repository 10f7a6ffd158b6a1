//! Properties over generated inputs (proptest), beside the ones in
//! `robustness` and `roundtrip`: round trips of arbitrary claims and
//! contexts through every producer and consumer, single-byte changes
//! refused by every consumer, PKCS#7 and base64url canonical both ways,
//! RSA-OAEP-256 across key sizes and backends, and the report as a pure
//! function of token, keys and now.
//!
//! Case counts are kept small: every token costs RSA private-key
//! operations, and the module runs in a few seconds in the dev profile.

use std::sync::OnceLock;

use jose_harness::backend::{self, Backend, Capabilities, CryptoFailure};
use jose_harness::check::{self, CheckOptions};
use jose_harness::findings::Verdict;
use jose_harness::forge::mint;
use jose_harness::forge::mutate::{self, Recipe};
use jose_harness::jose::b64::{self, Dialect};
use jose_harness::jose::Limits;
use jose_harness::keys::{self, PrivateKey};
use jose_harness::padding::{self, PaddingFlaw, BLOCK};
use jose_harness::profile::{
    Profile, IADVIZE_PREFIX, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA, VISITOR_DATA_FIELDS,
};
use jose_harness::rng::HarnessRng;
use jose_harness::testkeys;
use jose_harness_tests::*;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde_json::{Map, Value};

/// Backends that have any of `needs`, each stacked on the reference.
fn stacked(needs: impl Fn(&Capabilities) -> bool) -> Vec<backend::Stacked> {
    backend::all()
        .into_iter()
        .filter(|b| needs(&b.capabilities()))
        .map(backend::Stacked::over_reference)
        .collect()
}

/// JSON values without floats (whose text serde_json may not round-trip
/// to the last bit), nested a little.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(".{0,12}", json_value(), 0..6).prop_map(|m| m.into_iter().collect())
}

/// Valid iAdvize claims: any userId of 1 to 255 characters, any documented
/// visitorData fields, prefixed custom claims, exp within 60 s.
fn iadvize_claims() -> impl Strategy<Value = Map<String, Value>> {
    (
        prop_oneof![".{1,40}", ".{255}"],
        prop::option::of(prop::collection::btree_map(
            select(VISITOR_DATA_FIELDS.to_vec()),
            ".{0,30}",
            0..=8,
        )),
        prop::collection::btree_map("[a-zA-Z0-9_]{1,10}", json_value(), 0..3),
        1i64..=60,
        any::<bool>(),
    )
        .prop_map(|(user, visitor, extra, ttl, with_iat)| {
            let mut claims = Map::new();
            claims.insert(IADVIZE_USER_ID.into(), Value::from(user));
            if let Some(visitor) = visitor {
                let data: Map<String, Value> = visitor
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), Value::from(v)))
                    .collect();
                claims.insert(IADVIZE_VISITOR_DATA.into(), Value::Object(data));
            }
            for (name, value) in extra {
                claims.insert(format!("{IADVIZE_PREFIX}x-{name}"), value);
            }
            claims.insert("exp".into(), Value::from(NOW + ttl));
            if with_iat {
                claims.insert("iat".into(), Value::from(NOW));
            }
            claims
        })
}

/// Valid Moveo claims: any iss and sub, custom claims, exp within 300 s.
fn moveo_claims() -> impl Strategy<Value = Map<String, Value>> {
    (
        ".{1,40}",
        ".{1,40}",
        prop::collection::btree_map("[a-z]{1,10}", json_value(), 0..3),
        1i64..=300,
    )
        .prop_map(|(iss, sub, extra, ttl)| {
            let mut claims = Map::new();
            claims.insert("iss".into(), Value::from(iss));
            claims.insert("sub".into(), Value::from(sub));
            for (name, value) in extra {
                claims.insert(format!("x-{name}"), value);
            }
            claims.insert("exp".into(), Value::from(NOW + ttl));
            claims
        })
}

/// A valid token of each profile (the moveo one with a context).
fn valid_tokens() -> &'static [(Profile, String); 2] {
    static TOKENS: OnceLock<[(Profile, String); 2]> = OnceLock::new();
    TOKENS.get_or_init(|| {
        let context = serde_json::json!({"tier": "gold", "n": 1});
        [
            (Profile::Iadvize, iadvize_token(&claims(Profile::Iadvize))),
            (
                Profile::Moveo,
                moveo_token(&claims(Profile::Moveo), Some(&context)),
            ),
        ]
    })
}

/// The flaw PKCS#7 unpadding must name, from the definition.
fn padding_by_definition(data: &[u8]) -> Result<&[u8], PaddingFlaw> {
    let Some(&last) = data.last() else {
        return Err(PaddingFlaw::Empty);
    };
    let n = usize::from(last);
    match n {
        0 => Err(PaddingFlaw::Zero),
        n if n > BLOCK => Err(PaddingFlaw::OverBlockSize(last)),
        n if n > data.len() || data[data.len() - n..].iter().any(|&b| b != last) => {
            Err(PaddingFlaw::Inconsistent)
        }
        n => Ok(&data[..data.len() - n]),
    }
}

fn recipient(bits: usize) -> &'static PrivateKey {
    &testkeys::sized("recipient", bits)
        .expect("a bundled recipient key")
        .key
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any valid claims, minted by any producer and checked by any consumer,
    /// pass with no finding and read back unchanged.
    #[test]
    fn iadvize_generate_then_check_round_trips(
        claims in iadvize_claims(),
        producer in any::<Index>(),
        consumer in any::<Index>(),
    ) {
        let k = keys();
        let producers = stacked(|c| c.rs256_sign || c.jwe_encrypt);
        let consumers = stacked(|c| c.rs256_verify || c.jwe_decrypt);
        let producer = producer.get(&producers);
        let consumer = consumer.get(&consumers);
        let token = mint::iadvize(producer, &claims, &k.customer, k.recipient.public(), &mut rng())
            .expect("mint");
        let report = check_with(consumer, Profile::Iadvize, &token, Some(k.customer.public()), Some(&k.recipient));
        prop_assert_eq!(report.verdict, Verdict::Pass, "{} -> {}: {:?}", producer.id(), consumer.id(), report.ids());
        prop_assert!(report.findings.is_empty(), "{:?}", report.ids());
        prop_assert_eq!(report.claims, Some(Value::Object(claims)));
    }

    /// Any valid claims and any context object, AES-128 or AES-256, minted
    /// by any producer and checked by any consumer, pass with no finding
    /// and read back unchanged.
    #[test]
    fn moveo_generate_then_check_round_trips(
        claims in moveo_claims(),
        context in prop::option::of(json_object()),
        aes in select(vec![16usize, 32]),
        producer in any::<Index>(),
        consumer in any::<Index>(),
    ) {
        let k = keys();
        let producers = stacked(|c| c.rs256_sign || c.context_encrypt);
        let consumers = stacked(|c| c.rs256_verify || c.context_decrypt);
        let producer = producer.get(&producers);
        let consumer = consumer.get(&consumers);
        let context = context.map(Value::Object);
        let token = mint::moveo(
            producer,
            &claims,
            context.as_ref().map(|c| (c, k.recipient.public(), aes)),
            &k.customer,
            &mut rng(),
        )
        .expect("mint");
        let report = check_with(consumer, Profile::Moveo, &token, Some(k.customer.public()), Some(&k.recipient));
        prop_assert_eq!(report.verdict, Verdict::Pass, "{} -> {}: {:?}", producer.id(), consumer.id(), report.ids());
        prop_assert!(report.findings.is_empty(), "{:?}", report.ids());
        let mut read = report.claims.clone().and_then(|c| c.as_object().cloned()).unwrap_or_default();
        for name in ["context", "encryption_key", "init_vector"] {
            read.remove(name);
        }
        prop_assert_eq!(read, claims);
        prop_assert_eq!(report.context, context);
    }

    /// Replacing any one byte of a valid token by any other character is
    /// refused by every consumer of the profile.
    #[test]
    fn any_single_byte_change_is_refused_by_every_consumer(
        which in 0usize..2,
        position in any::<Index>(),
        replacement in any::<char>(),
    ) {
        let (profile, token) = &valid_tokens()[which];
        let i = position.index(token.len());
        prop_assume!(char::from(token.as_bytes()[i]) != replacement);
        let mut changed = token[..i].to_owned();
        changed.push(replacement);
        changed.push_str(&token[i + 1..]);
        let k = keys();
        let consumers = match profile {
            Profile::Iadvize => stacked(|c| c.rs256_verify || c.jwe_decrypt),
            Profile::Moveo => stacked(|c| c.rs256_verify || c.context_decrypt),
        };
        for consumer in &consumers {
            let report = check_with(consumer, *profile, &changed, Some(k.customer.public()), Some(&k.recipient));
            prop_assert_eq!(
                report.verdict, Verdict::Fail,
                "{}: byte {} of the {:?} token set to {:?}: {:?}",
                consumer.id(), i, profile, replacement, report.ids()
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn pkcs7_pad_then_unpad_is_identity(data in prop::collection::vec(any::<u8>(), 0..80)) {
        let padded = padding::pad(&data);
        prop_assert_eq!(padded.len() % BLOCK, 0);
        prop_assert!(padded.len() - data.len() >= 1 && padded.len() - data.len() <= BLOCK);
        prop_assert_eq!(padding::unpad(&padded), Ok(&data[..]));
    }

    /// unpad accepts exactly the well-formed paddings and names the flaw of
    /// every other input as the definition does.
    #[test]
    fn pkcs7_unpad_follows_the_definition(data in prop::collection::vec(any::<u8>(), 0..48)) {
        prop_assert_eq!(padding::unpad(&data), padding_by_definition(&data));
    }

    /// Every corruption of a good padding is refused: a padding byte other
    /// than the last changed (inconsistent), the last one set to 0 (zero)
    /// or above the block size.
    #[test]
    fn pkcs7_unpad_refuses_every_corrupted_padding(
        data in prop::collection::vec(any::<u8>(), 0..40),
        position in any::<Index>(),
        value in any::<u8>(),
    ) {
        let mut padded = padding::pad(&data);
        let len = padded.len();
        let n = usize::from(padded[len - 1]);
        if n > 1 {
            let i = len - n + position.index(n - 1);
            prop_assume!(padded[i] != value);
            padded[i] = value;
            prop_assert_eq!(padding::unpad(&padded), Err(PaddingFlaw::Inconsistent));
        }
        let mut last = padding::pad(&data);
        last[len - 1] = 0;
        prop_assert_eq!(padding::unpad(&last), Err(PaddingFlaw::Zero));
        let over = value.max(17);
        last[len - 1] = over;
        prop_assert_eq!(padding::unpad(&last), Err(PaddingFlaw::OverBlockSize(over)));
    }

    /// Encoding then decoding gives the bytes back, in both dialects.
    #[test]
    fn base64_encode_then_decode_is_identity(bytes in prop::collection::vec(any::<u8>(), 0..100)) {
        prop_assert_eq!(b64::decode_url_strict(&b64::encode_url(&bytes)), Ok(bytes.clone()));
        prop_assert_eq!(b64::decode(&b64::encode_std(&bytes), Dialect::Standard).strict(), Some(bytes));
    }

    /// A base64url text decodes strictly exactly when it is the canonical
    /// encoding of what it decodes to: one text per byte string.
    #[test]
    fn base64url_strict_decoding_accepts_only_canonical_text(text in "[A-Za-z0-9_-]{0,40}") {
        let lenient = b64::decode(&text, Dialect::Url).bytes;
        let canonical = lenient.as_deref().map(b64::encode_url);
        let strict = b64::decode_url_strict(&text);
        prop_assert_eq!(strict.is_ok(), canonical.as_deref() == Some(text.as_str()), "{:?}", strict);
        if let Ok(bytes) = strict {
            prop_assert_eq!(b64::encode_url(&bytes), text);
        }
    }

    /// Any character outside the base64url alphabet anywhere in a canonical
    /// text makes the strict decoding fail.
    #[test]
    fn base64url_strict_decoding_refuses_foreign_characters(
        bytes in prop::collection::vec(any::<u8>(), 1..60),
        position in any::<Index>(),
        foreign in select(vec!['=', '+', '/', ' ', '\n', '\t', '.', '*', '\u{e9}']),
    ) {
        let mut text = b64::encode_url(&bytes);
        text.insert(position.index(text.len() + 1), foreign);
        prop_assert!(b64::decode_url_strict(&text).is_err(), "{:?}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// RSA-OAEP-256 of any short secret to a 2048, 3072 or 4096-bit key, by
    /// any backend that encrypts, decrypts to the same bytes with every
    /// backend that decrypts, and with no other key.
    #[test]
    fn oaep256_round_trips_across_key_sizes_and_backends(
        bits in select(vec![2048usize, 3072, 4096]),
        data in prop::collection::vec(any::<u8>(), 0..=64),
        producer in any::<Index>(),
        seed in any::<u64>(),
    ) {
        let encrypters: Vec<&dyn Backend> = backend::all().into_iter().filter(|b| b.capabilities().context_encrypt).collect();
        let decrypters: Vec<&dyn Backend> = backend::all().into_iter().filter(|b| b.capabilities().context_decrypt).collect();
        let producer = *producer.get(&encrypters);
        let key = recipient(bits);
        let ciphertext = producer
            .rsa_oaep256_encrypt(key.public(), &data, &mut HarnessRng::from_seed(seed))
            .expect("encrypt");
        prop_assert_eq!(ciphertext.len(), key.public().size());
        let other = recipient(if bits == 2048 { 3072 } else { 2048 });
        for consumer in &decrypters {
            let plain = consumer.rsa_oaep256_decrypt(key, &ciphertext).map(|p| p.to_vec());
            prop_assert_eq!(plain, Ok(data.clone()), "{} -> {} ({} bits)", producer.id(), consumer.id(), bits);
            prop_assert_eq!(
                consumer.rsa_oaep256_decrypt(other, &ciphertext).map(|p| p.to_vec()),
                Err(CryptoFailure::RsaDecrypt)
            );
        }
    }

    /// A report depends on the token, the keys and `now` only: checking
    /// twice, with keys loaded anew from their PEM, gives the same report.
    #[test]
    fn a_report_is_a_pure_function_of_token_keys_and_now(
        which in 0usize..2,
        mutation in prop::option::of(any::<Index>()),
        skew in -400i64..400,
        seed in any::<u64>(),
    ) {
        let profile = [Profile::Iadvize, Profile::Moveo][which];
        let k = keys();
        let token = match mutation {
            None => valid_tokens()[which].1.clone(),
            Some(index) => {
                let catalog: Vec<_> = mutate::published().into_iter().filter(|m| m.profiles.contains(&profile)).collect();
                let mut recipe = Recipe {
                    profile,
                    claims: claims(profile),
                    context: None,
                    aes_key_bytes: 32,
                    customer: &k.customer,
                    other: &k.customer2,
                    recipient: k.recipient.public(),
                    now: NOW,
                    rng: HarnessRng::from_seed(seed),
                };
                index.get(&catalog).build(&mut recipe).expect("build")
            }
        };
        let reload = |name: &str| -> PrivateKey {
            let pem = std::fs::read(key_path(name, "private")).expect("read");
            keys::parse(&pem, name).expect("parse").private("test").expect("private").clone()
        };
        let (customer, recipient) = (reload("customer"), reload("recipient"));
        let options = |verify, decrypt| CheckOptions {
            profile,
            verify_key: Some(verify),
            decrypt_key: Some(decrypt),
            now: NOW + skew,
            limits: Limits::default(),
            backend: reference(),
        };
        let first = check::check(&token, &options(k.customer.public(), &k.recipient));
        let second = check::check(&token, &options(customer.public(), &recipient));
        prop_assert_eq!(first.now, NOW + skew);
        prop_assert_eq!(
            serde_json::to_string(&first).expect("serialize"),
            serde_json::to_string(&second).expect("serialize")
        );
        prop_assert_eq!(first, second);
    }
}
