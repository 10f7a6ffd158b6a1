//! The interop cases, drawn from a seed with the harness's own generator
//! ([`HarnessRng`], ChaCha20): the same seed gives the same cases on every
//! machine.

use std::ops::RangeInclusive;

use rand::Rng;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::profile::{Profile, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA, VISITOR_DATA_FIELDS};
use crate::rng::HarnessRng;

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

/// Index of one of `weights`, each drawn in proportion to its weight.
fn weighted(rng: &mut HarnessRng, weights: &[u32]) -> usize {
    let mut ticket = rng.gen_range(0..weights.iter().sum::<u32>());
    for (i, weight) in weights.iter().enumerate() {
        if ticket < *weight {
            return i;
        }
        ticket -= weight;
    }
    weights.len() - 1
}

/// One of `items` (not empty), each as likely.
fn one_of<T: Copy>(rng: &mut HarnessRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

/// Punctuation JSON escapes or treats specially, and control characters.
const PUNCTUATION: [char; 13] = [
    '/', '"', '\\', ' ', '-', '_', '.', '@', '+', '\u{7f}', '\n', '\t', '\u{1}',
];
/// Letters outside ASCII in the BMP, and two characters JavaScript and
/// byte-order handling trip on.
const BMP: [char; 11] = [
    'é', 'ü', 'ß', 'ø', 'Ł', 'ж', '中', '文', 'ア', '\u{2028}', '\u{feff}',
];
/// Characters outside the BMP.
const ASTRAL: [char; 4] = ['😀', '𝄞', '🦀', '\u{10ffff}'];

/// Characters that stress JSON and UTF-8 handling: ASCII, `/` and `"` and
/// `\`, accented letters, CJK, and characters outside the BMP (surrogate
/// pairs in `\u` escapes and in JavaScript strings).
fn text_char(rng: &mut HarnessRng) -> char {
    match weighted(rng, &[6, 2, 2, 2, 1]) {
        0 => rng.gen_range('a'..='z'),
        1 => rng.gen_range('0'..='9'),
        2 => one_of(rng, &PUNCTUATION),
        3 => one_of(rng, &BMP),
        _ => one_of(rng, &ASTRAL),
    }
}

/// Text of a length in `chars` (in characters).
fn text(rng: &mut HarnessRng, chars: RangeInclusive<usize>) -> String {
    let len = rng.gen_range(chars);
    (0..len).map(|_| text_char(rng)).collect()
}

/// A userId: short, or long up to the 255-character limit.
fn user_id(rng: &mut HarnessRng) -> String {
    match weighted(rng, &[3, 1, 1]) {
        0 => text(rng, 1..=24),
        1 => text(rng, 200..=USER_ID_MAX),
        _ => text(rng, USER_ID_MAX..=USER_ID_MAX),
    }
}

/// visitorData, seven times in ten: any subset of the documented fields
/// (each one time in two), every value a string.
fn visitor_data(rng: &mut HarnessRng) -> Option<Value> {
    if !rng.gen_bool(0.7) {
        return None;
    }
    let mut map = Map::new();
    for name in VISITOR_DATA_FIELDS {
        if rng.gen_bool(0.5) {
            map.insert((*name).to_owned(), Value::String(text(rng, 0..=40)));
        }
    }
    Some(Value::Object(map))
}

/// A context object whose JSON is from 2 bytes (`{}`, the smallest object)
/// to [`CONTEXT_MAX`].
fn context(rng: &mut HarnessRng) -> Value {
    match weighted(rng, &[1, 3, 2]) {
        0 => json!({}),
        1 => {
            let name = text(rng, 0..=40);
            let vip: bool = rng.gen();
            let n: i32 = rng.gen();
            json!({"user": {"name": name, "vip": vip}, "n": n})
        }
        _ => {
            let size = rng.gen_range(64..=CONTEXT_MAX);
            let mut object = json!({"note": text(rng, 0..=16), "fill": ""});
            let len = object.to_string().len();
            object["fill"] = Value::String("x".repeat(size.saturating_sub(len)));
            object
        }
    }
}

fn iadvize(rng: &mut HarnessRng, now: i64) -> Case {
    let user = user_id(rng);
    let visitor = visitor_data(rng);
    let iss = text(rng, 0..=16);
    let ttl = rng.gen_range(1i64..=60);
    let age = rng.gen_range(0i64..=5);
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
        sign_bits: one_of(rng, &KEY_BITS),
        recipient_bits: one_of(rng, &KEY_BITS),
        escape_slashes: rng.gen(),
    }
}

fn moveo(rng: &mut HarnessRng, now: i64) -> Case {
    let iss = text(rng, 1..=24);
    let sub = user_id(rng);
    // The 300 s limit itself one time in five.
    let ttl = match weighted(rng, &[4, 1]) {
        0 => rng.gen_range(1i64..=299),
        _ => 300,
    };
    let context = rng.gen_bool(0.8).then(|| context(rng));
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
        aes_key_bytes: one_of(rng, &[16, 32]),
        sign_bits: one_of(rng, &KEY_BITS),
        recipient_bits: one_of(rng, &KEY_BITS),
        escape_slashes: rng.gen(),
    }
}

/// `count` cases of `profile` from `seed`, with `now` as the time. Each
/// profile has its own stream of the seed, so the cases of one do not
/// depend on how many the other draws.
pub fn draw(profile: Profile, count: usize, seed: u64, now: i64) -> Vec<Case> {
    let stream: u64 = match profile {
        Profile::Iadvize => 0x6961_6476_697a_6500, // "iadvize"
        Profile::Moveo => 0x6d6f_7665_6f00_0000,   // "moveo"
    };
    let mut rng = HarnessRng::from_seed(seed ^ stream);
    (0..count)
        .map(|index| {
            let mut case = match profile {
                Profile::Iadvize => iadvize(&mut rng, now),
                Profile::Moveo => moveo(&mut rng, now),
            };
            case.index = index;
            case
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
    fn a_few_hundred_cases_draw_every_kind_of_value() {
        let now = 1_700_000_000;
        let iadvize = draw(Profile::Iadvize, 200, 9, now);
        let moveo = draw(Profile::Moveo, 200, 9, now);
        let all: Vec<&Case> = iadvize.iter().chain(&moveo).collect();
        for bits in KEY_BITS {
            assert!(all.iter().any(|c| c.sign_bits == bits), "{bits}");
            assert!(all.iter().any(|c| c.recipient_bits == bits), "{bits}");
        }
        assert!(all.iter().any(|c| c.escape_slashes));
        assert!(all.iter().any(|c| !c.escape_slashes));
        let visitor = |c: &&Case| c.claims.contains_key(IADVIZE_VISITOR_DATA);
        assert!(iadvize.iter().any(|c| visitor(&c)));
        assert!(!iadvize.iter().all(|c| visitor(&c)));
        assert!(moveo.iter().any(|c| c.context.is_none()));
        assert!(moveo.iter().any(|c| c.context == Some(json!({}))));
        assert!(moveo.iter().any(|c| c.aes_key_bytes == 16));
        assert!(moveo.iter().any(|c| c.aes_key_bytes == 32));
        assert!(moveo
            .iter()
            .any(|c| c.claims["exp"].as_i64() == Some(now + 300)));
        let subjects: Vec<&str> = all
            .iter()
            .filter_map(|c| {
                c.claims
                    .get(IADVIZE_USER_ID)
                    .or_else(|| c.claims.get("sub"))
                    .and_then(Value::as_str)
            })
            .collect();
        assert!(subjects.iter().any(|s| s.chars().count() == USER_ID_MAX));
        let text: String = subjects.concat();
        for class in [&PUNCTUATION[..], &BMP, &ASTRAL] {
            assert!(class.iter().any(|c| text.contains(*c)), "{class:?}");
        }
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
