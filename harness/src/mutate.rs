//! Negative cases: tokens made wrong on purpose, each naming the rule that
//! must fire when the harness checks it.
//!
//! A [`Mutation`] builds a whole token from a [`Recipe`] (claims, context,
//! keys): the mistake is made while building, with the library's low-level
//! builders, so a mutation of the inner JWS of an iAdvize token is still
//! wrapped in a good JWE, and a mutation of the JWE carries a good JWS. The
//! interop matrix sends every one of them to every consumer; every
//! consumer must reject every one (differential rejection).

use rand::RngCore;
use serde_json::{json, Map, Value};

use crate::b64;
use crate::backend::{
    self, Backend, CryptoFailure, JweParts, Primitives, RsaScheme, WithReference,
};
use crate::keys::{PrivateKey, PublicKey};
use crate::mint::{self, ContextClaims, IADVIZE_JWE_HEADER, IADVIZE_JWS_HEADER, MOVEO_JWS_HEADER};
use crate::profile::{Profile, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA};
use crate::rng::HarnessRng;
use crate::rules::{self as r, Rule};

/// What a negative token is made from.
#[derive(Debug)]
pub struct Recipe<'a> {
    /// The profile.
    pub profile: Profile,
    /// Good claims (for moveo, without the context claims).
    pub claims: Map<String, Value>,
    /// The moveo context object (one is made up when there is none).
    pub context: Option<Value>,
    /// The moveo context's AES key length (16 or 32).
    pub aes_key_bytes: usize,
    /// Signs.
    pub customer: &'a PrivateKey,
    /// Another signer: wrong-key cases.
    pub other: &'a PrivateKey,
    /// Encrypts (the JWE, the context).
    pub recipient: &'a PublicKey,
    /// The time the token is checked at.
    pub now: i64,
    /// Randomness for keys, IVs and OAEP.
    pub rng: HarnessRng,
}

type Build = fn(&mut Recipe<'_>) -> Result<String, CryptoFailure>;

/// One negative case.
#[derive(Debug, Clone, Copy)]
pub struct Mutation {
    /// Namespaced id, e.g. `jwe.tag.bitflip`.
    pub id: &'static str,
    /// The profiles it applies to.
    pub profiles: &'static [Profile],
    /// The rule that must fire.
    pub rule: Rule,
    /// What is wrong, for a reader.
    pub what: &'static str,
    build: Build,
}

impl Mutation {
    /// Builds the token for `recipe`.
    pub fn build(&self, recipe: &mut Recipe<'_>) -> Result<String, CryptoFailure> {
        (self.build)(recipe)
    }

    /// The case's name within a profile, e.g. `iadvize/jwe.tag.bitflip`.
    pub fn name(&self, profile: Profile) -> String {
        format!("{}/{}", profile.as_str(), self.id)
    }
}

const BOTH: &[Profile] = &[Profile::Iadvize, Profile::Moveo];
const IADVIZE: &[Profile] = &[Profile::Iadvize];
const MOVEO: &[Profile] = &[Profile::Moveo];

macro_rules! mutations {
    ($( $id:literal, $profiles:expr, $rule:expr, $what:literal, $build:expr; )*) => {
        /// Every negative case.
        pub fn catalog() -> Vec<Mutation> {
            vec![$( Mutation { id: $id, profiles: $profiles, rule: $rule, what: $what, build: $build } ),*]
        }
    };
}

mutations! {
    "jws.alg.none", BOTH, r::JWS_ALG_NONE,
        "alg none with an empty signature",
        |m| m.unsigned("none");
    "jws.alg.none_casing", BOTH, r::JWS_ALG_NONE,
        "alg NoNe: none in another casing",
        |m| m.unsigned("NoNe");
    "jws.alg.hs256_public_key", BOTH, r::JWS_SIGNATURE_KEY_CONFUSION,
        "HS256 keyed with the customer's public key PEM (key confusion)",
        |m| m.keyed_with_public_key("HS256");
    "jws.signature.pss", BOTH, r::JWS_SIGNATURE_PSS,
        "a PS256 signature under an RS256 header",
        |m| {
            let key = m.customer.clone();
            m.jws_with(&header(m, "RS256"), move |rng, input| raw().ps256_sign(&key, input, rng))
        };
    "jws.signature.other_key", BOTH, r::JWS_SIGNATURE_INVALID,
        "signed by another key",
        |m| {
            let key = m.other.clone();
            m.jws_with(&header(m, "RS256"), move |_, input| producer().rs256_sign(&key, input))
        };
    "jws.header.jwk_attacker", BOTH, r::JWS_SIGNATURE_INVALID,
        "signed by another key that the header offers as `jwk` (never pick a key from the token)",
        |m| {
            let mut h = serde_json::from_str::<Map<String, Value>>(&header(m, "RS256")).unwrap_or_default();
            h.insert("jwk".into(), crate::keys::public_jwk(m.other.public()));
            let key = m.other.clone();
            m.jws_with(&Value::Object(h).to_string(), move |_, input| producer().rs256_sign(&key, input))
        };
    "jws.signature.bitflip", BOTH, r::JWS_SIGNATURE_INVALID,
        "one bit of the signature flipped",
        |m| m.jws_edited(|s| s[3].as_mut().map(|b| b[0] ^= 0x01));
    "jws.signature.truncated", BOTH, r::JWS_SIGNATURE_LENGTH,
        "the signature's last byte cut off",
        |m| m.jws_edited(|s| s[3].as_mut().map(|b| { b.pop(); }));
    "jws.signature.empty", BOTH, r::JWS_SIGNATURE_EMPTY,
        "an empty signature segment",
        |m| m.jws_edited(|s| s[3].as_mut().map(Vec::clear));
    "jws.payload.altered", BOTH, r::JWS_SIGNATURE_INVALID,
        "claims changed after signing (exp one second later)",
        |m| {
            let jws = m.good_jws()?;
            let mut claims = m.signed_claims()?;
            let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(m.now);
            claims.insert("exp".into(), json!(exp + 1));
            let parts: Vec<&str> = jws.split('.').collect();
            let payload = b64::encode_url(&serde_json::to_vec(&claims).unwrap_or_default());
            m.wrap(&format!("{}.{payload}.{}", parts[0], parts.get(2).unwrap_or(&"")))
        };
    "jws.b64.padding", BOTH, r::B64_PADDING,
        "`=` padding after the signature's base64url (another segment's when the signature needs none)",
        |m| {
            for extra in 0..3 {
                let jws = m.good_jws()?;
                let padded: Vec<String> = jws.split('.').map(str::to_owned).collect();
                // The signature first: padding there leaves the signing
                // input alone, so only a strict decoder notices.
                if let Some(i) = [2, 1, 0].into_iter().find(|i| !padded[*i].len().is_multiple_of(4)) {
                    let mut padded = padded;
                    let pad = "=".repeat(4 - padded[i].len() % 4);
                    padded[i].push_str(&pad);
                    return m.wrap(&padded.join("."));
                }
                // Every segment a multiple of 4: lengthen the claims.
                m.claims.insert("pad".into(), json!("x".repeat(extra + 1)));
            }
            Err(other("no segment needs padding"))
        };
    "jws.b64.trailing_bits", BOTH, r::B64_TRAILING_BITS,
        "the signature's last base64url character has non-zero unused bits",
        |m| {
            let jws = m.good_jws()?;
            m.wrap(&non_canonical_tail(&jws))
        };
    "jws.b64.standard_alphabet", BOTH, r::B64_ALPHABET,
        "the claims segment in the standard alphabet (`+`, `/`) instead of base64url",
        |m| {
            // U+FFFD is EF BF BD: its base64 is full of `-` and `_` in
            // any alignment.
            for offset in 0..3 {
                m.claims.insert("note".into(), json!(format!("{}{}", "x".repeat(offset), "\u{fffd}".repeat(6))));
                let jws = m.good_jws()?;
                let parts: Vec<&str> = jws.split('.').collect();
                let payload = parts.get(1).copied().unwrap_or_default();
                if payload.contains(['-', '_']) {
                    let payload = payload.replace('-', "+").replace('_', "/");
                    return m.wrap(&format!("{}.{payload}.{}", parts[0], parts.get(2).unwrap_or(&"")));
                }
            }
            Err(other("no `-` or `_` in the claims segment"))
        };
    "json.duplicate_member", BOTH, r::JSON_DUPLICATE,
        "the claims name exp twice, the second far in the future",
        |m| {
            let claims = m.signed_claims()?;
            let mut text = serde_json::to_string(&claims).map_err(other)?;
            text.pop();
            text.push_str(&format!(",\"exp\":{}}}", m.now + 86_400 * 365));
            let h = header(m, "RS256");
            let jws = mint::jws_rs256(producer(), m.customer, h.as_bytes(), text.as_bytes())?;
            m.wrap(&jws)
        };
    "jose.crit", BOTH, r::JOSE_CRIT,
        "crit names an extension no receiver knows",
        |m| {
            let mut h = serde_json::from_str::<Map<String, Value>>(&header(m, "RS256")).unwrap_or_default();
            h.insert("crit".into(), json!(["x-unknown"]));
            h.insert("x-unknown".into(), json!(true));
            m.signed_with_header(&Value::Object(h).to_string())
        };
    "token.segments.extra", BOTH, r::TOKEN_SEGMENTS,
        "one segment too many",
        |m| {
            let token = m.good()?;
            Ok(format!("{token}.AAAA"))
        };
    "claims.exp.expired", BOTH, r::CLAIMS_EXP_EXPIRED,
        "exp equal to now: expired",
        |m| { let now = m.now; m.claims.insert("exp".into(), json!(now)); m.good() };
    "claims.exp.missing", BOTH, r::CLAIMS_EXP_MISSING,
        "no exp",
        |m| { m.claims.remove("exp"); m.good() };
    "claims.exp.string", BOTH, r::CLAIMS_TIME_TYPE,
        "exp as a string of digits",
        |m| {
            let exp = m.claims.get("exp").and_then(Value::as_i64).unwrap_or(m.now + 30);
            m.claims.insert("exp".into(), json!(exp.to_string()));
            m.good()
        };
    "jwe.tag.bitflip", IADVIZE, r::JWE_INTEGRITY,
        "one bit of the GCM tag flipped",
        |m| m.jwe_edited(|p| { if let Some(b) = p.tag.first_mut() { *b ^= 0x01 } }, None);
    "jwe.tag.truncated", IADVIZE, r::JWE_TAG_LENGTH,
        "the GCM tag cut to 15 bytes",
        |m| m.jwe_edited(|p| { p.tag.pop(); }, None);
    "jwe.ciphertext.bitflip", IADVIZE, r::JWE_INTEGRITY,
        "one bit of the ciphertext flipped",
        |m| m.jwe_edited(|p| { if let Some(b) = p.ciphertext.first_mut() { *b ^= 0x80 } }, None);
    "jwe.iv.length", IADVIZE, r::JWE_IV_LENGTH,
        "a 16-byte IV where A256GCM takes 12",
        |m| m.jwe_transformed(IADVIZE_JWE_HEADER, 16, |jws| Ok(jws.to_vec()));
    "jwe.header.aad", IADVIZE, r::JWE_INTEGRITY,
        "the protected header re-encoded after encryption (a space added): the AAD changed",
        |m| m.jwe_edited(|_| {}, Some(r#"{"alg":"RSA-OAEP-256", "enc":"A256GCM","cty":"JWT"}"#));
    "jwe.encrypted_key.bitflip", IADVIZE, r::JWE_KEY_UNDECRYPTABLE,
        "one bit of the encrypted key flipped",
        |m| m.jwe_edited(|p| { if let Some(b) = p.encrypted_key.get_mut(1) { *b ^= 0x01 } }, None);
    "jwe.alg.rsa_oaep", IADVIZE, r::JWE_ALG_RSA_OAEP,
        "alg RSA-OAEP (SHA-1) instead of RSA-OAEP-256",
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::OaepSha1, 32);
    "jwe.alg.rsa1_5", IADVIZE, r::JWE_ALG_RSA1_5,
        "alg RSA1_5 (PKCS#1 v1.5 key transport)",
        |m| m.jwe_made(r#"{"alg":"RSA1_5","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::Pkcs1v15, 32);
    "jwe.enc.a128gcm", IADVIZE, r::JWE_ENC,
        "enc A128GCM instead of A256GCM",
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A128GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 16);
    "jwe.zip", IADVIZE, r::JWE_ZIP,
        "zip DEF in the header, and the JWS compressed with raw DEFLATE as RFC 7516 §4.1.3 says",
        |m| m.jwe_transformed(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT","zip":"DEF"}"#, 12, deflate);
    "iadvize.payload.bare_claims", IADVIZE, r::IADVIZE_BARE_CLAIMS,
        "the JWE carries the claims JSON instead of a signed JWS",
        |m| {
            let claims = serde_json::to_vec(&m.claims).map_err(other)?;
            mint::jwe(producer(), m.recipient, IADVIZE_JWE_HEADER.as_bytes(), &claims, &mut m.rng)
        };
    "iadvize.jwe.required", IADVIZE, r::IADVIZE_JWE_REQUIRED,
        "a bare signed JWS where a JWE is required",
        |m| m.good_jws();
    "iadvize.userid.length", IADVIZE, r::IADVIZE_USERID_LENGTH,
        "a userId of 256 characters",
        |m| { m.claims.insert(IADVIZE_USER_ID.into(), json!("é".repeat(256))); m.good() };
    "iadvize.userid.missing", IADVIZE, r::IADVIZE_USERID_MISSING,
        "no userId",
        |m| { m.claims.remove(IADVIZE_USER_ID); m.good() };
    "moveo.exp.too_far", MOVEO, r::MOVEO_EXP_TOO_FAR,
        "exp 301 seconds ahead",
        |m| { let exp = m.now + 301; m.claims.insert("exp".into(), json!(exp)); m.good() };
    "moveo.sub.missing", MOVEO, r::MOVEO_SUB_MISSING,
        "no sub",
        |m| { m.claims.remove("sub"); m.good() };
    "moveo.context.padding", MOVEO, r::MOVEO_CONTEXT_PADDING,
        "the context's last padding byte is 0",
        |m| m.context_with(|c| { c.padding_last = Some(0); });
    "moveo.context.padding_inconsistent", MOVEO, r::MOVEO_CONTEXT_PADDING,
        "padding bytes that disagree (…03 02 03)",
        |m| m.context_with(|c| { c.padding_inconsistent = true; });
    "moveo.context.oaep_sha1", MOVEO, r::MOVEO_RSA_OAEP_SHA1,
        "key and IV encrypted with RSA-OAEP SHA-1 (a library default)",
        |m| m.context_with(|c| c.scheme = RsaScheme::OaepSha1);
    "moveo.context.pkcs1v15", MOVEO, r::MOVEO_RSA_PKCS1V15,
        "key and IV encrypted with PKCS#1 v1.5",
        |m| m.context_with(|c| c.scheme = RsaScheme::Pkcs1v15);
    "moveo.context.key_24", MOVEO, r::MOVEO_AES_KEY_LENGTH,
        "a 24-byte AES key",
        |m| m.context_with(|c| c.key_len = 24);
    "moveo.context.iv_15", MOVEO, r::MOVEO_AES_IV_LENGTH,
        "a 15-byte IV",
        |m| m.context_with(|c| c.iv_len = 15);
    "moveo.context.wrong_key", MOVEO, r::MOVEO_RSA_UNDECRYPTABLE,
        "key and IV encrypted for another key",
        |m| m.context_with(|c| c.for_other = true);
    "moveo.context.base64url", MOVEO, r::MOVEO_CONTEXT_BASE64URL,
        "the context in base64url instead of standard base64",
        |m| m.context_with(|c| c.url_alphabet = true);
    "moveo.context.incomplete", MOVEO, r::MOVEO_CONTEXT_INCOMPLETE,
        "context and encryption_key without init_vector",
        |m| m.context_with(|c| c.drop_iv = true);
    "moveo.context.not_json", MOVEO, r::MOVEO_CONTEXT_JSON,
        "a context that decrypts to text, not a JSON object",
        |m| m.context_with(|c| c.plaintext = Some(b"not json".to_vec()));
    "jws.alg.none_upper", BOTH, r::JWS_ALG_NONE,
        "alg NONE",
        |m| m.unsigned("NONE");
    "jws.alg.none_capital", BOTH, r::JWS_ALG_NONE,
        "alg None",
        |m| m.unsigned("None");
    "jws.alg.none_signed", BOTH, r::JWS_ALG_NONE,
        "alg none over a real RS256 signature",
        |m| {
            let h = header(m, "none");
            m.signed_with_header(&h)
        };
    "jws.alg.missing", BOTH, r::JWS_ALG_UNEXPECTED,
        "a header without alg",
        |m| {
            let h = header(m, "RS256").replace(r#""alg":"RS256","#, "").replace(r#""alg":"RS256""#, "");
            m.signed_with_header(&h)
        };
    "jws.alg.rs512", BOTH, r::JWS_ALG_UNEXPECTED,
        "alg RS512 (the right key, another hash)",
        |m| {
            let key = m.customer.clone();
            m.jws_with(&header(m, "RS512"), move |_, input| {
                use rsa::pkcs1v15::SigningKey;
                use rsa::signature::{SignatureEncoding, Signer};
                Ok(SigningKey::<sha2::Sha512>::new(key.rsa().clone()).sign(input).to_vec())
            })
        };
    "jws.alg.hs512_public_key", BOTH, r::JWS_SIGNATURE_KEY_CONFUSION,
        "HS512 keyed with the customer's public key PEM (key confusion)",
        |m| m.keyed_with_public_key("HS512");
    "jws.signature.zero", BOTH, r::JWS_SIGNATURE_INVALID,
        "a signature of zero bytes of the modulus' length (a null signature)",
        |m| {
            let n = m.customer.public().size();
            m.jws_with(&header(m, "RS256"), move |_, _| Ok(vec![0; n]))
        };
    "jws.signature.extended", BOTH, r::JWS_SIGNATURE_LENGTH,
        "one byte appended to the signature",
        |m| m.jws_edited(|s| s[3].as_mut().map(|b| b.push(0)));
    "jws.header.bitflip", BOTH, r::JSON_SYNTAX,
        "one bit of the header's last byte flipped (`}` becomes `|`)",
        |m| m.jws_edited(|s| s[1].as_mut().and_then(|b| b.last_mut()).map(|b| *b ^= 0x01));
    "jws.payload.bitflip", BOTH, r::JWS_SIGNATURE_INVALID,
        "one bit of the claims' first byte flipped",
        |m| m.jws_edited(|s| s[2].as_mut().and_then(|b| b.first_mut()).map(|b| *b ^= 0x01));
    "jws.header.jku", BOTH, r::JOSE_KEY_IN_HEADER,
        "jku: a URL to fetch the verification key from",
        |m| m.jws_header_member("jku", json!("https://attacker.example/keys.json"));
    "jws.header.x5u", BOTH, r::JOSE_KEY_IN_HEADER,
        "x5u: a URL to fetch a certificate from",
        |m| m.jws_header_member("x5u", json!("https://attacker.example/cert.pem"));
    "jws.header.kid", BOTH, r::JOSE_KID,
        "a kid in the header (informative only; never used to pick a key)",
        |m| m.jws_header_member("kid", json!("../../dev/null"));
    "jws.header.duplicate_alg", BOTH, r::JSON_DUPLICATE,
        "the header names alg twice (RS256, then none)",
        |m| {
            let h = header(m, "RS256").replacen('}', r#","alg":"none"}"#, 1);
            m.signed_with_header(&h)
        };
    "jws.b64.whitespace", BOTH, r::B64_WHITESPACE,
        "a line break inside the claims segment",
        |m| {
            let jws = m.good_jws()?;
            let parts: Vec<&str> = jws.split('.').collect();
            let payload = parts.get(1).copied().unwrap_or_default();
            let cut = payload.len() / 2;
            let broken = format!("{}\n{}", &payload[..cut], &payload[cut..]);
            m.wrap(&format!("{}.{broken}.{}", parts[0], parts.get(2).unwrap_or(&"")))
        };
    "token.segments.missing", BOTH, r::TOKEN_SEGMENTS,
        "the last segment removed",
        |m| {
            let token = m.good()?;
            Ok(token.rsplit_once('.').map_or(token.clone(), |(head, _)| head.to_owned()))
        };
    "json.claims.not_utf8", BOTH, r::JSON_UTF8,
        "claims with a byte that is not UTF-8 inside a string",
        |m| {
            let mut payload = serde_json::to_vec(&m.signed_claims()?).map_err(other)?;
            payload.pop();
            payload.extend_from_slice(b",\"note\":\"\xff\"}");
            m.signed_payload(&payload)
        };
    "json.claims.not_object", BOTH, r::JSON_NOT_OBJECT,
        "claims that are a JSON array",
        |m| m.signed_payload(b"[\"exp\"]");
    "claims.exp.huge", BOTH, r::CLAIMS_TIME_RANGE,
        "exp of 10^20 seconds",
        |m| { m.claims.insert("exp".into(), json!(1e20)); m.good() };
    "claims.exp.negative", BOTH, r::CLAIMS_TIME_RANGE,
        "exp of -1",
        |m| { m.claims.insert("exp".into(), json!(-1)); m.good() };
    "claims.exp.before_now", BOTH, r::CLAIMS_EXP_EXPIRED,
        "exp one second before now",
        |m| { let exp = m.now - 1; m.claims.insert("exp".into(), json!(exp)); m.good() };
    "claims.exp.float", BOTH, r::CLAIMS_TIME_NON_INTEGER,
        "exp with a fraction (RFC 7519 allows it; integer-only receivers reject it)",
        |m| {
            let exp = m.claims.get("exp").and_then(Value::as_i64).unwrap_or(m.now + 30);
            m.claims.insert("exp".into(), json!(exp as f64 + 0.5));
            m.good()
        };
    "claims.nbf.future", BOTH, r::CLAIMS_NBF_FUTURE,
        "nbf ten seconds after now",
        |m| { let nbf = m.now + 10; m.claims.insert("nbf".into(), json!(nbf)); m.good() };
    "jwe.alg.dir", IADVIZE, r::JWE_ALG_UNSUPPORTED,
        "alg dir with an empty encrypted key",
        |m| m.jwe_custom(r#"{"alg":"dir","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 32, |p| p.encrypted_key.clear());
    "jwe.alg.a128kw", IADVIZE, r::JWE_ALG_UNSUPPORTED,
        "alg A128KW (a symmetric key wrap)",
        |m| m.jwe_custom(r#"{"alg":"A128KW","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 32, |p| p.encrypted_key.truncate(40));
    "jwe.enc.a128cbc_hs256", IADVIZE, r::JWE_ENC,
        "enc A128CBC-HS256 (the content is A256GCM: a receiver must refuse on the header alone)",
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","cty":"JWT"}"#, RsaScheme::OaepSha256, 32);
    "jwe.enc.a256cbc_hs512", IADVIZE, r::JWE_ENC,
        "enc A256CBC-HS512 (the content is A256GCM: a receiver must refuse on the header alone)",
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256CBC-HS512","cty":"JWT"}"#, RsaScheme::OaepSha256, 32);
    "jwe.key.oaep_sha1", IADVIZE, r::JWE_KEY_OAEP_SHA1,
        "header RSA-OAEP-256, but the key wrapped with RSA-OAEP SHA-1",
        |m| m.jwe_made(IADVIZE_JWE_HEADER, RsaScheme::OaepSha1, 32);
    "jwe.key.oaep_mgf1_sha1", IADVIZE, r::JWE_KEY_OAEP_MGF1_SHA1,
        "header RSA-OAEP-256, but the key wrapped with OAEP SHA-256 and MGF1-SHA-1",
        |m| m.jwe_made(IADVIZE_JWE_HEADER, RsaScheme::OaepSha256Mgf1Sha1, 32);
    "jwe.key.pkcs1v15", IADVIZE, r::JWE_KEY_PKCS1V15,
        "header RSA-OAEP-256, but the key wrapped with PKCS#1 v1.5",
        |m| m.jwe_made(IADVIZE_JWE_HEADER, RsaScheme::Pkcs1v15, 32);
    "jwe.cek.length", IADVIZE, r::JWE_CEK_LENGTH,
        "a 16-byte content key under A256GCM",
        |m| m.jwe_made(IADVIZE_JWE_HEADER, RsaScheme::OaepSha256, 16);
    "jwe.iv.short", IADVIZE, r::JWE_IV_LENGTH,
        "an 8-byte IV",
        |m| m.jwe_transformed(IADVIZE_JWE_HEADER, 8, |jws| Ok(jws.to_vec()));
    "jwe.iv.bitflip", IADVIZE, r::JWE_INTEGRITY,
        "one bit of the IV flipped",
        |m| m.jwe_edited(|p| { if let Some(b) = p.iv.first_mut() { *b ^= 0x01 } }, None);
    "jwe.tag.empty", IADVIZE, r::JWE_TAG_LENGTH,
        "an empty tag",
        |m| m.jwe_edited(|p| p.tag.clear(), None);
    "jwe.header.bitflip", IADVIZE, r::JWE_INTEGRITY,
        "one bit of the protected header flipped (`cty` becomes `cuy`)",
        |m| m.jwe_edited(|_| {}, Some(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cuy":"JWT"}"#));
    "jwe.header.kid", IADVIZE, r::JOSE_KID,
        "a kid in the JWE header (informative only; never used to pick a key)",
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT","kid":"../../dev/null"}"#, RsaScheme::OaepSha256, 32);
    "jwe.header.jwk", IADVIZE, r::JOSE_KEY_IN_HEADER,
        "a jwk in the JWE header",
        |m| {
            let jwk = crate::keys::public_jwk(m.other.public());
            let h = format!(r#"{{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT","jwk":{jwk}}}"#);
            m.jwe_made(&h, RsaScheme::OaepSha256, 32)
        };
    "jwe.header.duplicate_enc", IADVIZE, r::JSON_DUPLICATE,
        "the JWE header names enc twice",
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","enc":"A128GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 32);
    "jwe.crit", IADVIZE, r::JOSE_CRIT,
        "crit in the JWE header names an unknown extension",
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT","crit":["x-unknown"],"x-unknown":1}"#, RsaScheme::OaepSha256, 32);
    "jwe.cty.missing", IADVIZE, r::JWE_CTY_MISSING,
        "no cty in the JWE header (a nested JWT should say cty JWT)",
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM"}"#, RsaScheme::OaepSha256, 32);
    "iadvize.payload.not_jws", IADVIZE, r::IADVIZE_NOT_JWS,
        "the JWE carries text that is neither a JWS nor JSON",
        |m| mint::jwe(producer(), m.recipient, IADVIZE_JWE_HEADER.as_bytes(), b"hello", &mut m.rng);
    "iadvize.userid.empty", IADVIZE, r::IADVIZE_USERID_EMPTY,
        "an empty userId",
        |m| { m.claims.insert(IADVIZE_USER_ID.into(), json!("")); m.good() };
    "iadvize.userid.number", IADVIZE, r::IADVIZE_USERID_TYPE,
        "a userId that is a number",
        |m| { m.claims.insert(IADVIZE_USER_ID.into(), json!(42)); m.good() };
    "iadvize.visitordata.field_number", IADVIZE, r::IADVIZE_VISITORDATA_FIELD,
        "a visitorData field that is a number",
        |m| { m.claims.insert(IADVIZE_VISITOR_DATA.into(), json!({"zipCode": 44000})); m.good() };
    "iadvize.visitordata.string", IADVIZE, r::IADVIZE_VISITORDATA_TYPE,
        "visitorData that is a string, not an object",
        |m| { m.claims.insert(IADVIZE_VISITOR_DATA.into(), json!("Ada")); m.good() };
    "iadvize.exp.lifetime", IADVIZE, r::IADVIZE_LIFETIME,
        "a lifetime of 61 seconds (over the recommended 60)",
        |m| {
            let now = m.now;
            m.claims.insert("iat".into(), json!(now));
            m.claims.insert("exp".into(), json!(now + 61));
            m.good()
        };
    "moveo.iss.missing", MOVEO, r::MOVEO_ISS_MISSING,
        "no iss",
        |m| { m.claims.remove("iss"); m.good() };
    "moveo.sub.empty", MOVEO, r::MOVEO_SUB_EMPTY,
        "an empty sub",
        |m| { m.claims.insert("sub".into(), json!("")); m.good() };
    "moveo.sub.number", MOVEO, r::MOVEO_SUB_TYPE,
        "a sub that is a number",
        |m| { m.claims.insert("sub".into(), json!(42)); m.good() };
    "moveo.exp.hour", MOVEO, r::MOVEO_EXP_TOO_FAR,
        "exp an hour ahead",
        |m| { let exp = m.now + 3600; m.claims.insert("exp".into(), json!(exp)); m.good() };
    "moveo.context.iv_17", MOVEO, r::MOVEO_AES_IV_LENGTH,
        "a 17-byte IV",
        |m| m.context_with(|c| c.iv_len = 17);
    "moveo.context.padding_over_block", MOVEO, r::MOVEO_CONTEXT_PADDING,
        "a last padding byte of 17 (over the block size)",
        |m| m.context_with(|c| { c.padding_last = Some(17); });
    "moveo.context.oaep_mgf1_sha1", MOVEO, r::MOVEO_RSA_OAEP_MGF1_SHA1,
        "key and IV encrypted with OAEP SHA-256 but MGF1-SHA-1",
        |m| m.context_with(|c| c.scheme = RsaScheme::OaepSha256Mgf1Sha1);
    "moveo.context.key_as_base64_text", MOVEO, r::MOVEO_AES_KEY_AS_TEXT,
        "the AES key sent as its base64 text instead of its raw bytes",
        |m| m.context_with(|c| c.key_as_text = true);
    "moveo.context.iv_as_base64_text", MOVEO, r::MOVEO_AES_IV_AS_TEXT,
        "the IV sent as its base64 text instead of its raw bytes",
        |m| m.context_with(|c| c.iv_as_text = true);
    "moveo.context.iv_zero", MOVEO, r::MOVEO_AES_IV_ZERO,
        "an IV of 16 zero bytes (a fixed IV: equal contexts give equal ciphertexts)",
        |m| m.context_with(|c| c.iv_zero = true);
    "moveo.context.missing_key", MOVEO, r::MOVEO_CONTEXT_INCOMPLETE,
        "context and init_vector without encryption_key",
        |m| m.context_with(|c| c.drop_key = true);
    "moveo.context.length", MOVEO, r::MOVEO_CONTEXT_LENGTH,
        "a context ciphertext of 17 bytes (not whole AES blocks)",
        |m| m.context_with(|c| c.extra_byte = true);
    "moveo.context.not_base64", MOVEO, r::MOVEO_CONTEXT_BASE64,
        "a context that is not base64 at all",
        |m| m.context_with(|c| c.garbage_text = true);
}

/// Who builds the tokens: the backend whose randomness is all the
/// recipe's RNG, so a seed gives the same negative tokens everywhere.
fn producer() -> &'static dyn Backend {
    backend::reproducible()
}

/// The producer's raw primitives (other RSA schemes, GCM of any size,
/// unpadded CBC, PS256, HMAC).
fn raw() -> WithReference<'static> {
    backend::primitives_of(producer())
}

/// Raw DEFLATE (RFC 1951, no zlib header), what `zip: DEF` means.
fn deflate(data: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
    use std::io::Write;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).map_err(other)?;
    encoder.finish().map_err(other)
}

fn other(e: impl std::fmt::Display) -> CryptoFailure {
    CryptoFailure::Other(e.to_string())
}

/// The profile's JWS header with another alg.
fn header(m: &Recipe<'_>, alg: &str) -> String {
    let base = match m.profile {
        Profile::Iadvize => IADVIZE_JWS_HEADER,
        Profile::Moveo => MOVEO_JWS_HEADER,
    };
    base.replacen("RS256", alg, 1)
}

/// Makes the last character of the last segment non-canonical (unused
/// low bits set) while decoding to the same bytes.
fn non_canonical_tail(token: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = token.as_bytes().to_vec();
    let last_len = token.rsplit('.').next().map_or(0, str::len);
    let unused = match last_len % 4 {
        2 => 4,
        3 => 2,
        _ => 0,
    };
    if let Some(last) = bytes.last_mut() {
        if let Some(pos) = ALPHABET.iter().position(|c| c == last) {
            if unused > 0 {
                *last = ALPHABET[pos | 1];
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Choices for a hand-made moveo context.
struct ContextMaking {
    scheme: RsaScheme,
    key_len: usize,
    iv_len: usize,
    for_other: bool,
    url_alphabet: bool,
    drop_iv: bool,
    padding_last: Option<u8>,
    padding_inconsistent: bool,
    plaintext: Option<Vec<u8>>,
    key_as_text: bool,
    iv_as_text: bool,
    iv_zero: bool,
    drop_key: bool,
    extra_byte: bool,
    garbage_text: bool,
}

impl Recipe<'_> {
    /// The claims that get signed: moveo's with a good context.
    fn signed_claims(&mut self) -> Result<Map<String, Value>, CryptoFailure> {
        let mut claims = self.claims.clone();
        if self.profile == Profile::Moveo {
            let context = self.context_object();
            let plaintext = serde_json::to_vec(&context).map_err(other)?;
            mint::context(
                producer(),
                self.recipient,
                &plaintext,
                self.aes_key_bytes,
                &mut self.rng,
            )?
            .insert_into(&mut claims);
        }
        Ok(claims)
    }

    fn context_object(&self) -> Value {
        self.context
            .clone()
            .unwrap_or_else(|| json!({"plan": "gold", "language": "en"}))
    }

    /// A good JWS of the profile (moveo's whole token, iAdvize's inner one).
    fn good_jws(&mut self) -> Result<String, CryptoFailure> {
        let claims = self.signed_claims()?;
        let h = header(self, "RS256");
        let payload = serde_json::to_vec(&claims).map_err(other)?;
        mint::jws_rs256(producer(), self.customer, h.as_bytes(), &payload)
    }

    /// A good token of the profile (with the recipe's claims as edited).
    fn good(&mut self) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        self.wrap(&jws)
    }

    /// iAdvize: the JWS in a good JWE; moveo: the JWS itself.
    fn wrap(&mut self, jws: &str) -> Result<String, CryptoFailure> {
        match self.profile {
            Profile::Moveo => Ok(jws.to_owned()),
            Profile::Iadvize => mint::jwe(
                producer(),
                self.recipient,
                IADVIZE_JWE_HEADER.as_bytes(),
                jws.as_bytes(),
                &mut self.rng,
            ),
        }
    }

    /// A JWS with this header and a signature from `sign` over the
    /// signing input, wrapped for the profile.
    fn jws_with(
        &mut self,
        header: &str,
        sign: impl FnOnce(&mut HarnessRng, &[u8]) -> Result<Vec<u8>, CryptoFailure>,
    ) -> Result<String, CryptoFailure> {
        let claims = self.signed_claims()?;
        let payload = serde_json::to_vec(&claims).map_err(other)?;
        let input = mint::signing_input(header.as_bytes(), &payload);
        let signature = sign(&mut self.rng, input.as_bytes())?;
        let jws = mint::jws_with_signature(&input, &signature);
        self.wrap(&jws)
    }

    /// An unsigned JWS under `alg` (none in some casing).
    fn unsigned(&mut self, alg: &str) -> Result<String, CryptoFailure> {
        let h = header(self, alg);
        self.jws_with(&h, |_, _| Ok(Vec::new()))
    }

    /// An HMAC under `alg` keyed with the customer's public key PEM: what a
    /// receiver that lets the header choose the algorithm would verify.
    fn keyed_with_public_key(&mut self, alg: &str) -> Result<String, CryptoFailure> {
        let pem = self.customer.public().spki_pem();
        let h = header(self, alg);
        self.jws_with(&h, move |_, input| raw().hmac(alg, pem.as_bytes(), input))
    }

    /// A JWS under this header with a real RS256 signature by the customer.
    fn signed_with_header(&mut self, header: &str) -> Result<String, CryptoFailure> {
        let key = self.customer.clone();
        self.jws_with(header, move |_, input| producer().rs256_sign(&key, input))
    }

    /// A JWS of these payload bytes, correctly signed, wrapped for the
    /// profile.
    fn signed_payload(&mut self, payload: &[u8]) -> Result<String, CryptoFailure> {
        let h = header(self, "RS256");
        let jws = mint::jws_rs256(producer(), self.customer, h.as_bytes(), payload)?;
        self.wrap(&jws)
    }

    /// A correctly signed JWS whose header has one more member.
    fn jws_header_member(&mut self, name: &str, value: Value) -> Result<String, CryptoFailure> {
        let mut h =
            serde_json::from_str::<Map<String, Value>>(&header(self, "RS256")).unwrap_or_default();
        h.insert(name.into(), value);
        self.signed_with_header(&Value::Object(h).to_string())
    }

    /// A JWE under another header, key transport and CEK size, its parts
    /// then edited.
    fn jwe_custom(
        &mut self,
        header: &str,
        scheme: RsaScheme,
        cek_len: usize,
        edit: impl FnOnce(&mut JweParts),
    ) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        let protected = b64::encode_url(header.as_bytes());
        let mut parts = backend::jwe_parts_with(
            &raw(),
            self.recipient,
            scheme,
            cek_len,
            &protected,
            jws.as_bytes(),
            &mut self.rng,
        )?;
        edit(&mut parts);
        Ok(mint::jwe_compact(&protected, &parts))
    }

    /// A good JWS with its decoded segments edited (index 3 is the
    /// signature; 1 and 2 the header and payload), wrapped for the profile.
    fn jws_edited(
        &mut self,
        edit: impl FnOnce(&mut [Option<Vec<u8>>; 4]) -> Option<()>,
    ) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        let mut segments: [Option<Vec<u8>>; 4] = [None, None, None, None];
        for (slot, text) in segments.iter_mut().skip(1).zip(jws.split('.')) {
            *slot = b64::decode_url_strict(text).ok();
        }
        edit(&mut segments);
        let [_, h, p, s] = segments;
        let text = |b: Option<Vec<u8>>| b.map(|b| b64::encode_url(&b)).unwrap_or_default();
        let edited = format!("{}.{}.{}", text(h), text(p), text(s));
        self.wrap(&edited)
    }

    /// A good iAdvize JWE with its parts edited, and optionally its
    /// protected header replaced after encryption.
    fn jwe_edited(
        &mut self,
        edit: impl FnOnce(&mut JweParts),
        header_after: Option<&str>,
    ) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        let protected = b64::encode_url(IADVIZE_JWE_HEADER.as_bytes());
        let mut parts =
            producer().jwe_encrypt(self.recipient, &protected, jws.as_bytes(), &mut self.rng)?;
        edit(&mut parts);
        let protected = header_after.map_or(protected, |h| b64::encode_url(h.as_bytes()));
        Ok(mint::jwe_compact(&protected, &parts))
    }

    /// A well-made JWE (RSA-OAEP-256, a 32-byte CEK, a valid GCM tag) of a
    /// good JWS transformed by `transform`, under `header`, with an IV of
    /// `iv_len` bytes: the token's only faults are the ones asked for, so a
    /// receiver that rejects it for a broken tag or stream shows nothing.
    fn jwe_transformed(
        &mut self,
        header: &str,
        iv_len: usize,
        transform: impl FnOnce(&[u8]) -> Result<Vec<u8>, CryptoFailure>,
    ) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        let plaintext = transform(jws.as_bytes())?;
        let protected = b64::encode_url(header.as_bytes());
        let mut cek = zeroize::Zeroizing::new([0u8; 32]);
        self.rng.fill_bytes(cek.as_mut());
        let mut iv = vec![0u8; iv_len];
        self.rng.fill_bytes(&mut iv);
        let encrypted_key = raw().rsa_encrypt(
            self.recipient,
            RsaScheme::OaepSha256,
            cek.as_ref(),
            &mut self.rng,
        )?;
        let (ciphertext, tag) =
            raw().gcm_encrypt(cek.as_ref(), &iv, protected.as_bytes(), &plaintext)?;
        let parts = JweParts {
            encrypted_key,
            iv,
            ciphertext,
            tag,
        };
        Ok(mint::jwe_compact(&protected, &parts))
    }

    /// A JWE under another header, key transport and CEK size.
    fn jwe_made(
        &mut self,
        header: &str,
        scheme: RsaScheme,
        cek_len: usize,
    ) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        let protected = b64::encode_url(header.as_bytes());
        let parts = backend::jwe_parts_with(
            &raw(),
            self.recipient,
            scheme,
            cek_len,
            &protected,
            jws.as_bytes(),
            &mut self.rng,
        )?;
        Ok(mint::jwe_compact(&protected, &parts))
    }

    /// A moveo token whose context is made by hand with `choose`'s changes.
    fn context_with(
        &mut self,
        choose: impl FnOnce(&mut ContextMaking),
    ) -> Result<String, CryptoFailure> {
        let mut making = ContextMaking {
            scheme: RsaScheme::OaepSha256,
            key_len: self.aes_key_bytes,
            iv_len: 16,
            for_other: false,
            url_alphabet: false,
            drop_iv: false,
            padding_last: None,
            padding_inconsistent: false,
            plaintext: None,
            key_as_text: false,
            iv_as_text: false,
            iv_zero: false,
            drop_key: false,
            extra_byte: false,
            garbage_text: false,
        };
        choose(&mut making);
        let plaintext = match making.plaintext.take() {
            Some(p) => p,
            None => serde_json::to_vec(&self.context_object()).map_err(other)?,
        };
        let mut key = vec![0u8; making.key_len];
        self.rng.fill_bytes(&mut key);
        let mut iv = vec![0u8; making.iv_len];
        if !making.iv_zero {
            self.rng.fill_bytes(&mut iv);
        }
        let mut padded = crate::padding::pad(&plaintext);
        let n = padded.len();
        if let Some(last) = making.padding_last {
            padded[n - 1] = last;
        }
        if making.padding_inconsistent {
            // Whatever the padding length, make it claim 3 with a 2 inside.
            padded[n - 1] = 3;
            padded[n - 2] = 2;
            padded[n - 3] = 3;
        }
        // The reference CBC takes only AES-128/256 keys and 16-byte IVs:
        // with other sizes, encrypt under a right-sized key (the receiver
        // must stop at the length check anyway).
        let cbc_key = if matches!(key.len(), 16 | 32) {
            key.clone()
        } else {
            vec![7; 32]
        };
        let cbc_iv = if iv.len() == 16 {
            iv.clone()
        } else {
            vec![9; 16]
        };
        let mut ciphertext = raw().cbc_encrypt_raw(&cbc_key, &cbc_iv, &padded)?;
        if making.extra_byte {
            ciphertext.truncate(16);
            ciphertext.push(0);
        }
        let target = if making.for_other {
            self.other.public()
        } else {
            self.recipient
        };
        // The mistake of sending the base64 text of a secret instead of its
        // bytes (Node's `Buffer.from(key.toString('base64'))`).
        let sent_key = if making.key_as_text {
            b64::encode_std(&key).into_bytes()
        } else {
            key.clone()
        };
        let sent_iv = if making.iv_as_text {
            b64::encode_std(&iv).into_bytes()
        } else {
            iv.clone()
        };
        let encrypted_key = raw().rsa_encrypt(target, making.scheme, &sent_key, &mut self.rng)?;
        let encrypted_iv = raw().rsa_encrypt(target, making.scheme, &sent_iv, &mut self.rng)?;
        let mut context = ContextClaims {
            context: b64::encode_std(&ciphertext),
            encryption_key: b64::encode_std(&encrypted_key),
            init_vector: b64::encode_std(&encrypted_iv),
        };
        if making.url_alphabet {
            context.context = b64::encode_url(&ciphertext);
            if !context.context.contains(['-', '_']) {
                // Make sure the alphabet shows: a ciphertext whose
                // base64 has no `+` or `/` is the same in both.
                context.context.push('_');
            }
        }
        if making.garbage_text {
            context.context = "%%% not base64 %%%".into();
        }
        let mut claims = self.claims.clone();
        context.insert_into(&mut claims);
        if making.drop_iv {
            claims.remove("init_vector");
        }
        if making.drop_key {
            claims.remove("encryption_key");
        }
        let payload = serde_json::to_vec(&claims).map_err(other)?;
        mint::jws_rs256(
            producer(),
            self.customer,
            MOVEO_JWS_HEADER.as_bytes(),
            &payload,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_namespaced() {
        let mut ids: Vec<_> = catalog().iter().map(|m| m.id).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate mutation ids");
        assert!(ids.iter().all(|id| id.contains('.')), "{ids:?}");
    }

    #[test]
    fn non_canonical_tail_changes_only_unused_bits() {
        let token = "a.b.QUI"; // "AB": 3 chars, 2 unused bits
        let edited = non_canonical_tail(token);
        assert_ne!(edited, token);
        let last = edited.rsplit('.').next().unwrap_or_default();
        assert_eq!(
            b64::decode(last, b64::Dialect::Url).bytes.as_deref(),
            Some(&b"AB"[..])
        );
    }
}
