//! The interop cases, drawn with proptest strategies from a seed: the same
//! seed gives the same cases on every machine.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::profile::{Profile, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA, VISITOR_DATA_FIELDS};

/// The longest iAdvize userId, in characters.
pub const USER_ID_MAX: usize = 255;
/// The largest context plaintext, in bytes.
pub const CONTEXT_MAX: usize = 8192;
/// RSA key sizes the cases use (bundled test keys).
pub const KEY_BITS: [usize; 3] = [2048, 3072, 4096];

/// One interop case: what every producer makes a token of.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// Position in the run (0-based).
    pub index: usize,
    /// The profile.
    pub profile: Profile,
    /// The claims (for moveo, without the context claims).
    pub claims: Map<String, Value>,
    /// The moveo context object, if any.
    pub context: Option<Value>,
    /// The moveo context's AES key length: 16 or 32 bytes.
    pub aes_key_bytes: usize,
    /// Size of the customer (signing) key.
    pub sign_bits: usize,
    /// Size of the recipient (encryption) key.
    pub recipient_bits: usize,
    /// Whether the claims JSON escapes `/` as `\/` (as Nimbus JOSE+JWT,
    /// which the iAdvize example comes from, does).
    pub escape_slashes: bool,
}

/// Characters that stress JSON and UTF-8 handling: ASCII, `/` and `"` and
/// `\`, accented letters, CJK, and characters outside the BMP (surrogate
/// pairs in `\u` escapes and in JavaScript strings).
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('0', '9'),
        2 => prop::sample::select(vec!['/', '"', '\\', ' ', '-', '_', '.', '@', '+', '\u{7f}', '\n', '\t', '\u{1}']),
        2 => prop::sample::select(vec!['é', 'ü', 'ß', 'ø', 'Ł', 'ж', '中', '文', 'ア', '\u{2028}', '\u{feff}']),
        1 => prop::sample::select(vec!['😀', '𝄞', '🦀', '\u{10ffff}']),
    ]
}

fn text(len: impl Into<prop::collection::SizeRange>) -> impl Strategy<Value = String> {
    prop::collection::vec(text_char(), len).prop_map(String::from_iter)
}

/// A userId: short, or long up to the 255-character limit.
fn user_id() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text(1..=24usize),
        1 => text(200..=USER_ID_MAX),
        1 => Just(USER_ID_MAX).prop_flat_map(text),
    ]
}

/// visitorData: any subset of the documented fields, every value a string.
fn visitor_data() -> impl Strategy<Value = Option<Value>> {
    let fields = prop::collection::vec(
        prop::option::of(text(0..=40usize)),
        VISITOR_DATA_FIELDS.len(),
    );
    prop::option::weighted(0.7, fields).prop_map(|values| {
        values.map(|values| {
            let map: Map<String, Value> = VISITOR_DATA_FIELDS
                .iter()
                .zip(values)
                .filter_map(|(name, v)| v.map(|v| ((*name).to_owned(), Value::String(v))))
                .collect();
            Value::Object(map)
        })
    })
}

/// A context object whose JSON is from 2 bytes (`{}`, the smallest object)
/// to [`CONTEXT_MAX`].
fn context() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(json!({})),
        3 => (text(0..=40usize), any::<bool>(), any::<i32>())
            .prop_map(|(s, b, n)| json!({"user": {"name": s, "vip": b}, "n": n})),
        2 => (64usize..=CONTEXT_MAX).prop_flat_map(|size| {
            text(0..=16usize).prop_map(move |s| {
                let mut object = json!({"note": s, "fill": ""});
                let len = object.to_string().len();
                let fill = "x".repeat(size.saturating_sub(len));
                object["fill"] = Value::String(fill);
                object
            })
        }),
    ]
}

fn iadvize(now: i64) -> impl Strategy<Value = Case> {
    (
        user_id(),
        visitor_data(),
        text(0..=16usize),
        1i64..=60,
        0i64..=5,
        prop::sample::select(KEY_BITS.to_vec()),
        prop::sample::select(KEY_BITS.to_vec()),
        any::<bool>(),
    )
        .prop_map(
            move |(user, visitor, iss, ttl, age, sign_bits, recipient_bits, escape)| {
                let mut claims = Map::new();
                claims.insert(
                    "iss".into(),
                    json!(format!("https://customer.example/{iss}")),
                );
                claims.insert(IADVIZE_USER_ID.into(), Value::String(user));
                if let Some(visitor) = visitor {
                    claims.insert(IADVIZE_VISITOR_DATA.into(), visitor);
                }
                claims.insert("iat".into(), json!(now - age));
                claims.insert("exp".into(), json!(now + ttl));
                Case {
                    index: 0,
                    profile: Profile::Iadvize,
                    claims,
                    context: None,
                    aes_key_bytes: 32,
                    sign_bits,
                    recipient_bits,
                    escape_slashes: escape,
                }
            },
        )
}

fn moveo(now: i64) -> impl Strategy<Value = Case> {
    (
        text(1..=24usize),
        user_id(),
        prop_oneof![4 => 1i64..=299, 1 => Just(300i64)],
        prop::option::weighted(0.8, context()),
        prop::sample::select(vec![16usize, 32]),
        prop::sample::select(KEY_BITS.to_vec()),
        prop::sample::select(KEY_BITS.to_vec()),
        any::<bool>(),
    )
        .prop_map(
            move |(iss, sub, ttl, context, aes, sign_bits, recipient_bits, escape)| {
                let mut claims = Map::new();
                claims.insert("iss".into(), Value::String(iss));
                claims.insert("sub".into(), Value::String(sub));
                claims.insert("iat".into(), json!(now));
                claims.insert("exp".into(), json!(now + ttl));
                Case {
                    index: 0,
                    profile: Profile::Moveo,
                    claims,
                    context,
                    aes_key_bytes: aes,
                    sign_bits,
                    recipient_bits,
                    escape_slashes: escape,
                }
            },
        )
}

/// `count` cases of `profile` from `seed`, with `now` as the time.
pub fn draw(profile: Profile, count: usize, seed: u64, now: i64) -> Vec<Case> {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = match profile {
        Profile::Iadvize => 1,
        Profile::Moveo => 2,
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = match profile {
        Profile::Iadvize => iadvize(now).boxed(),
        Profile::Moveo => moveo(now).boxed(),
    };
    (0..count)
        .filter_map(|index| {
            let tree = strategy.new_tree(&mut runner).ok()?;
            let mut case = tree.current();
            case.index = index;
            Some(case)
        })
        .collect()
}

/// The claims as JSON bytes, with `/` escaped when the case asks for it.
pub fn serialize_claims(claims: &Map<String, Value>, escape_slashes: bool) -> Vec<u8> {
    let text = Value::Object(claims.clone()).to_string();
    if escape_slashes {
        // In JSON text a `/` only occurs inside strings, where `\/` means
        // the same; a `\` before it would be an escaped backslash, and
        // serde_json writes that as `\\`, so `\\/` becomes `\\\/`: still
        // right.
        text.replace('/', "\\/").into_bytes()
    } else {
        text.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_cases_other_seed_other_cases() {
        let a = draw(Profile::Moveo, 20, 42, 1_700_000_000);
        assert_eq!(a, draw(Profile::Moveo, 20, 42, 1_700_000_000));
        assert_ne!(a, draw(Profile::Moveo, 20, 43, 1_700_000_000));
    }

    #[test]
    fn cases_stay_within_the_profiles_limits() {
        let now = 1_700_000_000;
        for case in draw(Profile::Iadvize, 100, 1, now) {
            let user = case.claims[IADVIZE_USER_ID].as_str().unwrap_or_default();
            assert!(
                (1..=USER_ID_MAX).contains(&user.chars().count()),
                "{user:?}"
            );
            assert!(case.claims["exp"].as_i64() <= Some(now + 60));
        }
        let moveo = draw(Profile::Moveo, 100, 1, now);
        assert!(moveo
            .iter()
            .all(|c| c.claims["exp"].as_i64() <= Some(now + 300)));
        let sizes: Vec<usize> = moveo
            .iter()
            .filter_map(|c| c.context.as_ref().map(|v| v.to_string().len()))
            .collect();
        assert!(
            sizes.iter().all(|s| (2..=CONTEXT_MAX).contains(s)),
            "{sizes:?}"
        );
        assert!(
            sizes.iter().any(|s| *s > 1024),
            "no large context in 100 cases"
        );
    }

    #[test]
    fn escaped_slashes_parse_back_to_the_same_claims() {
        let claims = draw(Profile::Iadvize, 10, 3, 0);
        for case in claims {
            let bytes = serialize_claims(&case.claims, true);
            let back: Map<String, Value> = serde_json::from_slice(&bytes).expect("valid JSON");
            assert_eq!(back, case.claims);
            assert!(!String::from_utf8_lossy(&bytes).contains("//"));
        }
    }
}
