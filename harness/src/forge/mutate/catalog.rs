//! The table of negative cases. Each entry: its description as a doc
//! comment (a vector's `comment`, byte for byte: the lines are joined with
//! one space), then `"id", profiles, rule`, the companion rules that fire
//! with it (`also [..]`), a verdict when the severities do not imply it,
//! and after `;` the generator that makes the token from a [`Recipe`].
//!
//! `Published` entries are the negative vectors, interop's negative cases
//! and the fuzzing model's choices, in this order: append, never reorder.
//! `RuleTests` entries are checked by `tests/rules.rs` only, until promoted
//! with regenerated vectors and snapshots.

use serde_json::{json, Map, Value};

use super::{
    deflate, header, non_canonical_tail, other, producer, raw, signer, Mutation, Reach, SecretText,
    BOTH, IADVIZE, MOVEO,
};
use crate::backend::{Primitives, RsaScheme};
use crate::forge::mint::{self, IADVIZE_JWE_HEADER};
use crate::jose::b64;
use crate::mistakes;
use crate::padding::BLOCK;
use crate::profile::{IADVIZE_USER_ID, IADVIZE_VISITOR_DATA};
use crate::rules as r;

mutations! {
Published {
    /// alg none with an empty signature
    "jws.alg.none", BOTH, r::JWS_ALG_NONE, also [r::JWS_SIGNATURE_EMPTY];
        |m| m.unsigned("none");
    /// alg NoNe: none in another casing
    "jws.alg.none_casing", BOTH, r::JWS_ALG_NONE, also [r::JWS_SIGNATURE_EMPTY];
        |m| m.unsigned("NoNe");
    /// HS256 keyed with the customer's public key PEM (key confusion)
    "jws.alg.hs256_public_key", BOTH, r::JWS_SIGNATURE_KEY_CONFUSION, also [r::JWS_ALG_HMAC], cause mistakes::JWS_HMAC_WITH_PUBLIC_KEY;
        |m| m.keyed_with_public_key("HS256");
    /// a PS256 signature under an RS256 header
    "jws.signature.pss", BOTH, r::JWS_SIGNATURE_PSS, cause mistakes::JWS_PSS_PADDING;
        |m| {
            let key = m.customer.clone();
            m.jws_with(&header(m, "RS256"), move |rng, input| raw().ps256_sign(&key, input, rng))
        };
    /// signed by another key
    "jws.signature.other_key", BOTH, r::JWS_SIGNATURE_INVALID;
        |m| {
            let key = m.other.clone();
            m.jws_with(&header(m, "RS256"), move |_, input| signer().rs256_sign(&key, input))
        };
    /// signed by another key that the header offers as `jwk` (never pick a key from the token)
    "jws.header.jwk_attacker", BOTH, r::JWS_SIGNATURE_INVALID, also [r::JOSE_KEY_IN_HEADER];
        |m| {
            let mut h = serde_json::from_str::<Map<String, Value>>(&header(m, "RS256")).unwrap_or_default();
            h.insert("jwk".into(), crate::keys::public_jwk(m.other.public()));
            let key = m.other.clone();
            m.jws_with(&Value::Object(h).to_string(), move |_, input| signer().rs256_sign(&key, input))
        };
    /// one bit of the signature flipped
    "jws.signature.bitflip", BOTH, r::JWS_SIGNATURE_INVALID;
        |m| m.jws_edited(|s| s[3].as_mut().map(|b| b[0] ^= 0x01));
    /// the signature's last byte cut off
    "jws.signature.truncated", BOTH, r::JWS_SIGNATURE_LENGTH;
        |m| m.jws_edited(|s| s[3].as_mut().map(|b| { b.pop(); }));
    /// an empty signature segment
    "jws.signature.empty", BOTH, r::JWS_SIGNATURE_EMPTY;
        |m| m.jws_edited(|s| s[3].as_mut().map(Vec::clear));
    /// claims changed after signing (exp one second later)
    "jws.payload.altered", BOTH, r::JWS_SIGNATURE_INVALID, also [r::IADVIZE_LIFETIME];
        |m| {
            let jws = m.good_jws()?;
            let mut claims = m.signed_claims()?;
            let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(m.now);
            claims.insert("exp".into(), json!(exp + 1));
            let parts: Vec<&str> = jws.split('.').collect();
            let payload = b64::encode_url(&serde_json::to_vec(&claims).unwrap_or_default());
            m.wrap(&format!("{}.{payload}.{}", parts[0], parts.get(2).unwrap_or(&"")))
        };
    /// `=` padding after the signature's base64url (another segment's when the signature needs
    /// none)
    "jws.b64.padding", BOTH, r::B64_PADDING, cause mistakes::ENCODING_SEGMENT_PADDING;
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
    /// the signature's last base64url character has non-zero unused bits
    "jws.b64.trailing_bits", BOTH, r::B64_TRAILING_BITS;
        |m| {
            let jws = m.good_jws()?;
            m.wrap(&non_canonical_tail(&jws))
        };
    /// the claims segment in the standard alphabet (`+`, `/`) instead of base64url
    "jws.b64.standard_alphabet", BOTH, r::B64_ALPHABET,
        also [r::JWS_SIGNATURE_INVALID, r::IADVIZE_UNPREFIXED];
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
    /// the claims name exp twice, the second far in the future
    "json.duplicate_member", BOTH, r::JSON_DUPLICATE,
        also [r::IADVIZE_LIFETIME, r::MOVEO_EXP_TOO_FAR];
        |m| {
            let claims = m.signed_claims()?;
            let mut text = serde_json::to_string(&claims).map_err(other)?;
            text.pop();
            text.push_str(&format!(",\"exp\":{}}}", m.now + 86_400 * 365));
            let h = header(m, "RS256");
            let jws = mint::jws_rs256(signer(), m.customer, h.as_bytes(), text.as_bytes())?;
            m.wrap(&jws)
        };
    /// crit names an extension no receiver knows
    "jose.crit", BOTH, r::JOSE_CRIT;
        |m| {
            let mut h = serde_json::from_str::<Map<String, Value>>(&header(m, "RS256")).unwrap_or_default();
            h.insert("crit".into(), json!(["x-unknown"]));
            h.insert("x-unknown".into(), json!(true));
            m.signed_with_header(&Value::Object(h).to_string())
        };
    /// one segment too many
    "token.segments.extra", BOTH, r::TOKEN_SEGMENTS;
        |m| {
            let token = m.good()?;
            Ok(format!("{token}.AAAA"))
        };
    /// exp equal to now: expired
    "claims.exp.expired", BOTH, r::CLAIMS_EXP_EXPIRED;
        |m| { let now = m.now; m.claims.insert("exp".into(), json!(now)); m.good() };
    /// no exp
    "claims.exp.missing", BOTH, r::CLAIMS_EXP_MISSING;
        |m| { m.claims.remove("exp"); m.good() };
    /// exp as a string of digits
    "claims.exp.string", BOTH, r::CLAIMS_TIME_TYPE;
        |m| {
            let exp = m.claims.get("exp").and_then(Value::as_i64).unwrap_or(m.now + 30);
            m.claims.insert("exp".into(), json!(exp.to_string()));
            m.good()
        };
    /// one bit of the GCM tag flipped
    "jwe.tag.bitflip", IADVIZE, r::JWE_INTEGRITY;
        |m| m.jwe_edited(|p| { if let Some(b) = p.tag.first_mut() { *b ^= 0x01 } }, None);
    /// the GCM tag cut to 15 bytes
    "jwe.tag.truncated", IADVIZE, r::JWE_TAG_LENGTH;
        |m| m.jwe_edited(|p| { p.tag.pop(); }, None);
    /// one bit of the ciphertext flipped
    "jwe.ciphertext.bitflip", IADVIZE, r::JWE_INTEGRITY;
        |m| m.jwe_edited(|p| { if let Some(b) = p.ciphertext.first_mut() { *b ^= 0x80 } }, None);
    /// a 16-byte IV where A256GCM takes 12
    "jwe.iv.length", IADVIZE, r::JWE_IV_LENGTH;
        |m| m.jwe_transformed(IADVIZE_JWE_HEADER, 16, |jws| Ok(jws.to_vec()));
    /// the protected header re-encoded after encryption (a space added): the AAD changed
    "jwe.header.aad", IADVIZE, r::JWE_INTEGRITY;
        |m| m.jwe_edited(|_| {}, Some(r#"{"alg":"RSA-OAEP-256", "enc":"A256GCM","cty":"JWT"}"#));
    /// one bit of the encrypted key flipped
    "jwe.encrypted_key.bitflip", IADVIZE, r::JWE_KEY_UNDECRYPTABLE;
        |m| m.jwe_edited(|p| { if let Some(b) = p.encrypted_key.get_mut(1) { *b ^= 0x01 } }, None);
    /// alg RSA-OAEP (SHA-1) instead of RSA-OAEP-256
    "jwe.alg.rsa_oaep", IADVIZE, r::JWE_ALG_RSA_OAEP, cause mistakes::HEADER_RSA_OAEP;
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::OaepSha1, 32);
    /// alg RSA1_5 (PKCS#1 v1.5 key transport)
    "jwe.alg.rsa1_5", IADVIZE, r::JWE_ALG_RSA1_5;
        |m| m.jwe_made(r#"{"alg":"RSA1_5","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::Pkcs1v15, 32);
    /// enc A128GCM instead of A256GCM
    "jwe.enc.a128gcm", IADVIZE, r::JWE_ENC;
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A128GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 16);
    /// zip DEF in the header, and the JWS compressed with raw DEFLATE as RFC 7516 §4.1.3 says
    "jwe.zip", IADVIZE, r::JWE_ZIP, also [r::IADVIZE_NOT_JWS];
        |m| m.jwe_transformed(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT","zip":"DEF"}"#, 12, deflate);
    /// the JWE carries the claims JSON instead of a signed JWS
    "iadvize.payload.bare_claims", IADVIZE, r::IADVIZE_BARE_CLAIMS, also [r::JWE_CTY_WRONG];
        |m| {
            let claims = serde_json::to_vec(&m.claims).map_err(other)?;
            mint::jwe(producer(), m.recipient, IADVIZE_JWE_HEADER.as_bytes(), &claims, &mut m.rng)
        };
    /// a bare signed JWS where a JWE is required
    "iadvize.jwe.required", IADVIZE, r::IADVIZE_JWE_REQUIRED;
        |m| m.good_jws();
    /// a userId of 256 characters
    "iadvize.userid.length", IADVIZE, r::IADVIZE_USERID_LENGTH;
        |m| { m.claims.insert(IADVIZE_USER_ID.into(), json!("é".repeat(256))); m.good() };
    /// no userId
    "iadvize.userid.missing", IADVIZE, r::IADVIZE_USERID_MISSING;
        |m| { m.claims.remove(IADVIZE_USER_ID); m.good() };
    /// exp 301 seconds ahead
    "moveo.exp.too_far", MOVEO, r::MOVEO_EXP_TOO_FAR;
        |m| { let exp = m.now + 301; m.claims.insert("exp".into(), json!(exp)); m.good() };
    /// no sub
    "moveo.sub.missing", MOVEO, r::MOVEO_SUB_MISSING;
        |m| { m.claims.remove("sub"); m.good() };
    /// the context's last padding byte is 0
    "moveo.context.padding", MOVEO, r::MOVEO_CONTEXT_PADDING;
        |m| m.context_with(|c| { c.padding_last = Some(0); });
    /// padding bytes that disagree (…03 02 03)
    "moveo.context.padding_inconsistent", MOVEO, r::MOVEO_CONTEXT_PADDING;
        |m| m.context_with(|c| { c.padding_inconsistent = true; });
    /// key and IV encrypted with RSA-OAEP SHA-1 (a library default)
    "moveo.context.oaep_sha1", MOVEO, r::MOVEO_RSA_OAEP_SHA1, cause mistakes::RSA_OAEP_SHA1;
        |m| m.context_with(|c| c.scheme = RsaScheme::OaepSha1);
    /// key and IV encrypted with PKCS#1 v1.5
    "moveo.context.pkcs1v15", MOVEO, r::MOVEO_RSA_PKCS1V15, cause mistakes::RSA_PKCS1V15;
        |m| m.context_with(|c| c.scheme = RsaScheme::Pkcs1v15);
    /// a 24-byte AES key
    "moveo.context.key_24", MOVEO, r::MOVEO_AES_KEY_LENGTH;
        |m| m.context_with(|c| c.key_len = 24);
    /// a 15-byte IV
    "moveo.context.iv_15", MOVEO, r::MOVEO_AES_IV_LENGTH;
        |m| m.context_with(|c| c.iv_len = 15);
    /// key and IV encrypted for another key
    "moveo.context.wrong_key", MOVEO, r::MOVEO_RSA_UNDECRYPTABLE;
        |m| m.context_with(|c| c.for_other = true);
    /// the context in base64url instead of standard base64
    "moveo.context.base64url", MOVEO, r::MOVEO_CONTEXT_BASE64URL, cause mistakes::ENCODING_CONTEXT_BASE64URL;
        |m| m.context_with(|c| c.url_alphabet = true);
    /// context and encryption_key without init_vector
    "moveo.context.incomplete", MOVEO, r::MOVEO_CONTEXT_INCOMPLETE;
        |m| m.context_with(|c| c.drop_iv = true);
    /// a context that decrypts to text, not a JSON object
    "moveo.context.not_json", MOVEO, r::MOVEO_CONTEXT_JSON;
        |m| m.context_with(|c| c.plaintext = Some(b"not json".to_vec()));
    /// alg NONE
    "jws.alg.none_upper", BOTH, r::JWS_ALG_NONE, also [r::JWS_SIGNATURE_EMPTY];
        |m| m.unsigned("NONE");
    /// alg None
    "jws.alg.none_capital", BOTH, r::JWS_ALG_NONE, also [r::JWS_SIGNATURE_EMPTY];
        |m| m.unsigned("None");
    /// alg none over a real RS256 signature
    "jws.alg.none_signed", BOTH, r::JWS_ALG_NONE;
        |m| {
            let h = header(m, "none");
            m.signed_with_header(&h)
        };
    /// a header without alg
    "jws.alg.missing", BOTH, r::JWS_ALG_UNEXPECTED;
        |m| {
            let h = header(m, "RS256").replace(r#""alg":"RS256","#, "").replace(r#""alg":"RS256""#, "");
            m.signed_with_header(&h)
        };
    /// alg RS512 (the right key, another hash)
    "jws.alg.rs512", BOTH, r::JWS_ALG_UNEXPECTED, also [r::JWS_SIGNATURE_HASH];
        |m| {
            let key = m.customer.clone();
            m.jws_with(&header(m, "RS512"), move |_, input| raw().pkcs1v15_sign("RS512", &key, input))
        };
    /// HS512 keyed with the customer's public key PEM (key confusion)
    "jws.alg.hs512_public_key", BOTH, r::JWS_SIGNATURE_KEY_CONFUSION, also [r::JWS_ALG_HMAC];
        |m| m.keyed_with_public_key("HS512");
    /// a signature of zero bytes of the modulus' length (a null signature)
    "jws.signature.zero", BOTH, r::JWS_SIGNATURE_INVALID;
        |m| {
            let n = m.customer.public().size();
            m.jws_with(&header(m, "RS256"), move |_, _| Ok(vec![0; n]))
        };
    /// one byte appended to the signature
    "jws.signature.extended", BOTH, r::JWS_SIGNATURE_LENGTH;
        |m| m.jws_edited(|s| s[3].as_mut().map(|b| b.push(0)));
    /// one bit of the header's last byte flipped (`}` becomes `|`)
    "jws.header.bitflip", BOTH, r::JSON_SYNTAX, also [r::JWS_SIGNATURE_INVALID];
        |m| m.jws_edited(|s| s[1].as_mut().and_then(|b| b.last_mut()).map(|b| *b ^= 0x01));
    /// one bit of the claims' first byte flipped
    "jws.payload.bitflip", BOTH, r::JWS_SIGNATURE_INVALID, also [r::JSON_SYNTAX];
        |m| m.jws_edited(|s| s[2].as_mut().and_then(|b| b.first_mut()).map(|b| *b ^= 0x01));
    /// jku: a URL to fetch the verification key from
    "jws.header.jku", BOTH, r::JOSE_KEY_IN_HEADER;
        |m| m.jws_header_member("jku", json!("https://attacker.example/keys.json"));
    /// x5u: a URL to fetch a certificate from
    "jws.header.x5u", BOTH, r::JOSE_KEY_IN_HEADER;
        |m| m.jws_header_member("x5u", json!("https://attacker.example/cert.pem"));
    /// a kid in the header (informative only; never used to pick a key)
    "jws.header.kid", BOTH, r::JOSE_KID;
        |m| m.jws_header_member("kid", json!("../../dev/null"));
    /// the header names alg twice (RS256, then none)
    "jws.header.duplicate_alg", BOTH, r::JSON_DUPLICATE, also [r::JWS_ALG_NONE];
        |m| {
            let h = header(m, "RS256").replacen('}', r#","alg":"none"}"#, 1);
            m.signed_with_header(&h)
        };
    /// a line break inside the claims segment
    "jws.b64.whitespace", BOTH, r::B64_WHITESPACE, also [r::JWS_SIGNATURE_INVALID], cause mistakes::ENCODING_LINE_BREAKS;
        |m| {
            let jws = m.good_jws()?;
            let parts: Vec<&str> = jws.split('.').collect();
            let payload = parts.get(1).copied().unwrap_or_default();
            let cut = payload.len() / 2;
            let broken = format!("{}\n{}", &payload[..cut], &payload[cut..]);
            m.wrap(&format!("{}.{broken}.{}", parts[0], parts.get(2).unwrap_or(&"")))
        };
    /// the last segment removed
    "token.segments.missing", BOTH, r::TOKEN_SEGMENTS;
        |m| {
            let token = m.good()?;
            Ok(token.rsplit_once('.').map_or(token.clone(), |(head, _)| head.to_owned()))
        };
    /// claims with a byte that is not UTF-8 inside a string
    "json.claims.not_utf8", BOTH, r::JSON_UTF8;
        |m| {
            let mut payload = serde_json::to_vec(&m.signed_claims()?).map_err(other)?;
            payload.pop();
            payload.extend_from_slice(b",\"note\":\"\xff\"}");
            m.signed_payload(&payload)
        };
    /// claims that are a JSON array
    "json.claims.not_object", BOTH, r::JSON_NOT_OBJECT;
        |m| m.signed_payload(b"[\"exp\"]");
    /// exp of 10^20 seconds
    "claims.exp.huge", BOTH, r::CLAIMS_TIME_RANGE;
        |m| { m.claims.insert("exp".into(), json!(1e20)); m.good() };
    /// exp of -1
    "claims.exp.negative", BOTH, r::CLAIMS_TIME_RANGE;
        |m| { m.claims.insert("exp".into(), json!(-1)); m.good() };
    /// exp one second before now
    "claims.exp.before_now", BOTH, r::CLAIMS_EXP_EXPIRED;
        |m| { let exp = m.now - 1; m.claims.insert("exp".into(), json!(exp)); m.good() };
    /// exp with a fraction (RFC 7519 allows it; integer-only receivers reject it)
    "claims.exp.float", BOTH, r::CLAIMS_TIME_NON_INTEGER, also [r::IADVIZE_LIFETIME], cause mistakes::TIME_FLOAT;
        |m| {
            let exp = m.claims.get("exp").and_then(Value::as_i64).unwrap_or(m.now + 30);
            m.claims.insert("exp".into(), json!(exp as f64 + 0.5));
            m.good()
        };
    /// nbf ten seconds after now
    "claims.nbf.future", BOTH, r::CLAIMS_NBF_FUTURE;
        |m| { let nbf = m.now + 10; m.claims.insert("nbf".into(), json!(nbf)); m.good() };
    /// alg dir with an empty encrypted key
    "jwe.alg.dir", IADVIZE, r::JWE_ALG_UNSUPPORTED;
        |m| m.jwe_custom(r#"{"alg":"dir","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 32, |p| p.encrypted_key.clear());
    /// alg A128KW (a symmetric key wrap)
    "jwe.alg.a128kw", IADVIZE, r::JWE_ALG_UNSUPPORTED;
        |m| m.jwe_custom(r#"{"alg":"A128KW","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 32, |p| p.encrypted_key.truncate(40));
    /// enc A128CBC-HS256 (the content is A256GCM: a receiver must refuse on the header alone)
    "jwe.enc.a128cbc_hs256", IADVIZE, r::JWE_ENC;
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","cty":"JWT"}"#, RsaScheme::OaepSha256, 32);
    /// enc A256CBC-HS512 (the content is A256GCM: a receiver must refuse on the header alone)
    "jwe.enc.a256cbc_hs512", IADVIZE, r::JWE_ENC;
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256CBC-HS512","cty":"JWT"}"#, RsaScheme::OaepSha256, 32);
    /// header RSA-OAEP-256, but the key wrapped with RSA-OAEP SHA-1
    "jwe.key.oaep_sha1", IADVIZE, r::JWE_KEY_OAEP_SHA1, cause mistakes::RSA_OAEP_SHA1;
        |m| m.jwe_made(IADVIZE_JWE_HEADER, RsaScheme::OaepSha1, 32);
    /// header RSA-OAEP-256, but the key wrapped with OAEP SHA-256 and MGF1-SHA-1
    "jwe.key.oaep_mgf1_sha1", IADVIZE, r::JWE_KEY_OAEP_MGF1_SHA1, cause mistakes::RSA_OAEP_MGF1_SHA1;
        |m| m.jwe_made(IADVIZE_JWE_HEADER, RsaScheme::OaepSha256Mgf1Sha1, 32);
    /// header RSA-OAEP-256, but the key wrapped with PKCS#1 v1.5
    "jwe.key.pkcs1v15", IADVIZE, r::JWE_KEY_PKCS1V15;
        |m| m.jwe_made(IADVIZE_JWE_HEADER, RsaScheme::Pkcs1v15, 32);
    /// a 16-byte content key under A256GCM
    "jwe.cek.length", IADVIZE, r::JWE_CEK_LENGTH;
        |m| m.jwe_made(IADVIZE_JWE_HEADER, RsaScheme::OaepSha256, 16);
    /// an 8-byte IV
    "jwe.iv.short", IADVIZE, r::JWE_IV_LENGTH;
        |m| m.jwe_transformed(IADVIZE_JWE_HEADER, 8, |jws| Ok(jws.to_vec()));
    /// one bit of the IV flipped
    "jwe.iv.bitflip", IADVIZE, r::JWE_INTEGRITY;
        |m| m.jwe_edited(|p| { if let Some(b) = p.iv.first_mut() { *b ^= 0x01 } }, None);
    /// an empty tag
    "jwe.tag.empty", IADVIZE, r::JWE_TAG_LENGTH;
        |m| m.jwe_edited(|p| p.tag.clear(), None);
    /// one bit of the protected header flipped (`cty` becomes `cuy`)
    "jwe.header.bitflip", IADVIZE, r::JWE_INTEGRITY, also [r::JWE_CTY_MISSING];
        |m| m.jwe_edited(|_| {}, Some(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cuy":"JWT"}"#));
    /// a kid in the JWE header (informative only; never used to pick a key)
    "jwe.header.kid", IADVIZE, r::JOSE_KID;
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT","kid":"../../dev/null"}"#, RsaScheme::OaepSha256, 32);
    /// a jwk in the JWE header
    "jwe.header.jwk", IADVIZE, r::JOSE_KEY_IN_HEADER;
        |m| {
            let jwk = crate::keys::public_jwk(m.other.public());
            let h = format!(r#"{{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT","jwk":{jwk}}}"#);
            m.jwe_made(&h, RsaScheme::OaepSha256, 32)
        };
    /// the JWE header names enc twice
    "jwe.header.duplicate_enc", IADVIZE, r::JSON_DUPLICATE, also [r::JWE_ENC, r::JWE_CEK_LENGTH];
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","enc":"A128GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 32);
    /// crit in the JWE header names an unknown extension
    "jwe.crit", IADVIZE, r::JOSE_CRIT;
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT","crit":["x-unknown"],"x-unknown":1}"#, RsaScheme::OaepSha256, 32);
    /// no cty in the JWE header (a nested JWT should say cty JWT)
    "jwe.cty.missing", IADVIZE, r::JWE_CTY_MISSING, cause mistakes::HEADER_CTY_MISSING;
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM"}"#, RsaScheme::OaepSha256, 32);
    /// the JWE carries text that is neither a JWS nor JSON
    "iadvize.payload.not_jws", IADVIZE, r::IADVIZE_NOT_JWS;
        |m| mint::jwe(producer(), m.recipient, IADVIZE_JWE_HEADER.as_bytes(), b"hello", &mut m.rng);
    /// an empty userId
    "iadvize.userid.empty", IADVIZE, r::IADVIZE_USERID_EMPTY;
        |m| { m.claims.insert(IADVIZE_USER_ID.into(), json!("")); m.good() };
    /// a userId that is a number
    "iadvize.userid.number", IADVIZE, r::IADVIZE_USERID_TYPE;
        |m| { m.claims.insert(IADVIZE_USER_ID.into(), json!(42)); m.good() };
    /// a visitorData field that is a number
    "iadvize.visitordata.field_number", IADVIZE, r::IADVIZE_VISITORDATA_FIELD;
        |m| { m.claims.insert(IADVIZE_VISITOR_DATA.into(), json!({"zipCode": 44000})); m.good() };
    /// visitorData that is a string, not an object
    "iadvize.visitordata.string", IADVIZE, r::IADVIZE_VISITORDATA_TYPE;
        |m| { m.claims.insert(IADVIZE_VISITOR_DATA.into(), json!("Ada")); m.good() };
    /// a lifetime of 61 seconds (over the recommended 60)
    "iadvize.exp.lifetime", IADVIZE, r::IADVIZE_LIFETIME;
        |m| {
            let now = m.now;
            m.claims.insert("iat".into(), json!(now));
            m.claims.insert("exp".into(), json!(now + 61));
            m.good()
        };
    /// no iss
    "moveo.iss.missing", MOVEO, r::MOVEO_ISS_MISSING;
        |m| { m.claims.remove("iss"); m.good() };
    /// an empty sub
    "moveo.sub.empty", MOVEO, r::MOVEO_SUB_EMPTY;
        |m| { m.claims.insert("sub".into(), json!("")); m.good() };
    /// a sub that is a number
    "moveo.sub.number", MOVEO, r::MOVEO_SUB_TYPE;
        |m| { m.claims.insert("sub".into(), json!(42)); m.good() };
    /// exp an hour ahead
    "moveo.exp.hour", MOVEO, r::MOVEO_EXP_TOO_FAR;
        |m| { let exp = m.now + 3600; m.claims.insert("exp".into(), json!(exp)); m.good() };
    /// a 17-byte IV
    "moveo.context.iv_17", MOVEO, r::MOVEO_AES_IV_LENGTH;
        |m| m.context_with(|c| c.iv_len = 17);
    /// a last padding byte of 17 (over the block size)
    "moveo.context.padding_over_block", MOVEO, r::MOVEO_CONTEXT_PADDING;
        |m| m.context_with(|c| { c.padding_last = Some(17); });
    /// key and IV encrypted with OAEP SHA-256 but MGF1-SHA-1
    "moveo.context.oaep_mgf1_sha1", MOVEO, r::MOVEO_RSA_OAEP_MGF1_SHA1, cause mistakes::RSA_OAEP_MGF1_SHA1;
        |m| m.context_with(|c| c.scheme = RsaScheme::OaepSha256Mgf1Sha1);
    /// the AES key sent as its base64 text instead of its raw bytes
    "moveo.context.key_as_base64_text", MOVEO, r::MOVEO_AES_KEY_AS_TEXT, cause mistakes::AES_SECRET_AS_TEXT;
        |m| m.context_with(|c| c.key_text = Some(SecretText::Base64));
    /// the IV sent as its base64 text instead of its raw bytes
    "moveo.context.iv_as_base64_text", MOVEO, r::MOVEO_AES_IV_AS_TEXT, cause mistakes::AES_SECRET_AS_TEXT;
        |m| m.context_with(|c| c.iv_text = Some(SecretText::Base64));
    /// an IV of 16 zero bytes (a fixed IV: equal contexts give equal ciphertexts)
    "moveo.context.iv_zero", MOVEO, r::MOVEO_AES_IV_ZERO, cause mistakes::AES_IV_ZERO;
        |m| m.context_with(|c| c.iv_zero = true);
    /// context and init_vector without encryption_key
    "moveo.context.missing_key", MOVEO, r::MOVEO_CONTEXT_INCOMPLETE;
        |m| m.context_with(|c| c.drop_key = true);
    /// a context ciphertext of 17 bytes (not whole AES blocks)
    "moveo.context.length", MOVEO, r::MOVEO_CONTEXT_LENGTH;
        |m| m.context_with(|c| c.ciphertext = |bytes| { bytes.truncate(16); bytes.push(0); });
    /// a context that is not base64 at all
    "moveo.context.not_base64", MOVEO, r::MOVEO_CONTEXT_BASE64;
        |m| m.context_with(|c| c.texts = |t| t.context = "%%% not base64 %%%".into());
    /// the AES key and IV of the vendor's sample code (printed in its documentation)
    "moveo.context.sample_key_and_iv", MOVEO, r::MOVEO_AES_KEY_PUBLISHED, also [r::MOVEO_AES_IV_PUBLISHED];
        |m| {
            let published = crate::published::all();
            let (Some(key), Some(iv)) = (published.aes_keys.first(), published.ivs.first()) else {
                return Err(other("no published AES key and IV"));
            };
            m.context_with(|c| { c.key = Some(key.bytes()); c.iv = Some(iv.bytes()); })
        };
    /// an AES key that is a 32-character password, not random bytes
    "moveo.context.key_printable", MOVEO, r::MOVEO_AES_KEY_PRINTABLE;
        |m| m.context_with(|c| { c.key_len = 32; c.key = Some(b"correct horse battery staple 123"); });
    /// an IV that is a 16-character string literal, not random bytes
    "moveo.context.iv_printable", MOVEO, r::MOVEO_AES_IV_PRINTABLE;
        |m| m.context_with(|c| c.iv = Some(b"my-fixed-iv-1234"));
    /// signed with the RFC 7515 Appendix A.2 example key, whose private half is in the RFC
    "jws.signature.rfc7515_a2_key", BOTH, r::KEY_PUBLISHED, also [r::JWS_SIGNATURE_INVALID];
        |m| {
            let key = crate::published::rsa_key_named("RFC 7515")
                .and_then(|k| k.private.clone())
                .ok_or_else(|| other("the RFC 7515 A.2 key is not listed"))?;
            m.jws_with(&header(m, "RS256"), move |_, input| signer().rs256_sign(&key, input))
        };
    /// a JWE whose 12-byte GCM IV is all zeros (a fixed nonce)
    "jwe.iv.zero", IADVIZE, r::JWE_IV_ZERO;
        |m| m.jwe_transformed_iv(IADVIZE_JWE_HEADER, 12, true, |jws| Ok(jws.to_vec()));
    /// key and IV encrypted with RSA-OAEP-SHA256 under the label "orders" (Go's crypto/rsa example)
    "moveo.context.oaep_label", MOVEO, r::MOVEO_RSA_OAEP_LABEL, cause mistakes::RSA_OAEP_LABEL;
        |m| m.context_with(|c| c.scheme = RsaScheme::OaepSha256Label("orders"));
    /// the context ciphertext base64-encoded twice (PHP openssl_encrypt without OPENSSL_RAW_DATA, then base64_encode)
    "moveo.context.base64_twice", MOVEO, r::MOVEO_CONTEXT_BASE64_TWICE, cause mistakes::ENCODING_BASE64_TWICE;
        |m| m.context_with(|c| c.texts = |t| t.context = b64::encode_std(t.context.as_bytes()));
    /// the encrypted AES key base64-encoded twice
    "moveo.context.key_base64_twice", MOVEO, r::MOVEO_CONTEXT_BASE64_TWICE, cause mistakes::ENCODING_BASE64_TWICE;
        |m| m.context_with(|c| c.texts = |t| t.encryption_key = b64::encode_std(t.encryption_key.as_bytes()));
    /// the AES key sent as base64 text, and the context encrypted under that text cut to 32 bytes (PHP openssl_encrypt given the text)
    "moveo.context.key_text_truncated", MOVEO, r::MOVEO_AES_TEXT_TRUNCATED, also [r::MOVEO_AES_KEY_AS_TEXT],
        cause mistakes::AES_KEY_TEXT_TRUNCATED;
        |m| m.context_with(|c| {
            c.key_len = 32;
            c.key_text = Some(SecretText::Base64);
            c.cipher_key_from_text = true;
        });
    /// an AES-128 key sent in init_vector and the IV in encryption_key
    "moveo.context.key_iv_swapped", MOVEO, r::MOVEO_AES_KEY_IV_SWAPPED, cause mistakes::AES_KEY_IV_SWAPPED;
        |m| m.context_with(|c| { c.key_len = 16; c.swap = true; });
    /// the context encrypted with AES-ECB (Java's Cipher.getInstance("AES")), the IV unused
    "moveo.context.ecb", MOVEO, r::MOVEO_AES_ECB, cause mistakes::AES_ECB;
        |m| m.context_with(|c| {
            c.ecb = true;
            c.plaintext = Some(br#"{"plan":"gold","language":"en","note":"two blocks or more of JSON"}"#.to_vec());
        });
    /// the IV written in front of the context ciphertext
    "moveo.context.iv_prepended", MOVEO, r::MOVEO_CONTEXT_IV_PREPENDED, cause mistakes::AES_IV_PREPENDED;
        |m| m.context_with(|c| c.iv_prepended = true);
    /// the context padded with zero bytes (.NET PaddingMode.Zeros)
    "moveo.context.zero_padding", MOVEO, r::MOVEO_CONTEXT_PADDING, cause mistakes::AES_ZERO_PADDING;
        |m| m.context_with(|c| c.pad = |p| {
            let mut v = p.to_vec();
            v.resize(p.len().div_ceil(BLOCK).max(1) * BLOCK, 0);
            if v.len() == p.len() { v.extend([0; BLOCK]); }
            v
        });
    /// a context of whole blocks sent with no padding block (padding added only when unaligned)
    "moveo.context.no_padding_aligned", MOVEO, r::MOVEO_CONTEXT_PADDING, cause mistakes::AES_NO_PADDING;
        |m| m.context_with(|c| {
            c.plaintext = Some(br#"{"plan":"gold","language":"fra"}"#.to_vec());
            c.pad = |p| if p.len() % BLOCK == 0 { p.to_vec() } else { crate::padding::pad(p) };
        });
    /// the context padded ANSI X9.23 style: zeros, then the count (.NET PaddingMode.ANSIX923)
    "moveo.context.ansi_x923_padding", MOVEO, r::MOVEO_CONTEXT_PADDING, cause mistakes::AES_OTHER_PADDING;
        |m| m.context_with(|c| {
            // 21 bytes: 11 of padding (one byte of it would be PKCS#7 too).
            c.plaintext = Some(br#"{"plan":"gold","n":1}"#.to_vec());
            c.pad = |p| {
                let n = BLOCK - p.len() % BLOCK;
                let mut v = p.to_vec();
                v.resize(p.len() + n - 1, 0);
                v.push(n as u8);
                v
            };
        });
    /// the context is Ruby's Hash#inspect, not JSON
    "moveo.context.ruby_inspect", MOVEO, r::MOVEO_CONTEXT_JSON, cause mistakes::CONTEXT_RUBY_INSPECT;
        |m| m.context_with(|c| c.plaintext = Some(br#"{:plan=>"gold", :language=>"en"}"#.to_vec()));
    /// the context is Python's repr of a dict, not JSON
    "moveo.context.python_repr", MOVEO, r::MOVEO_CONTEXT_JSON, cause mistakes::CONTEXT_PYTHON_REPR;
        |m| m.context_with(|c| c.plaintext = Some(br#"{'plan': 'gold', 'is_vip': True}"#.to_vec()));
    /// the context is a JSON string holding the JSON object (serialized twice)
    "moveo.context.json_in_string", MOVEO, r::MOVEO_CONTEXT_JSON, cause mistakes::CONTEXT_JSON_IN_STRING;
        |m| m.context_with(|c| c.plaintext = Some(br#""{\"plan\":\"gold\"}""#.to_vec()));
    /// the context JSON encoded as UTF-16LE (.NET Encoding.Unicode)
    "moveo.context.utf16", MOVEO, r::MOVEO_CONTEXT_JSON, cause mistakes::CONTEXT_UTF16;
        |m| m.context_with(|c| c.plaintext = Some(r#"{"plan":"gold"}"#.encode_utf16().flat_map(u16::to_le_bytes).collect()));
    /// the context is "[object Object]": JavaScript's String(object), not JSON
    "moveo.context.object_object", MOVEO, r::MOVEO_CONTEXT_JSON, cause mistakes::CONTEXT_STRINGIFIED;
        |m| m.context_with(|c| c.plaintext = Some(b"[object Object]".to_vec()));
    /// the context is Java's Map.toString(), {plan=gold, language=en}
    "moveo.context.java_map_tostring", MOVEO, r::MOVEO_CONTEXT_JSON, cause mistakes::CONTEXT_STRINGIFIED;
        |m| m.context_with(|c| c.plaintext = Some(b"{plan=gold, language=en}".to_vec()));
    /// the context is Go's fmt form of a map, map[language:en plan:gold]
    "moveo.context.go_map_sprint", MOVEO, r::MOVEO_CONTEXT_JSON, cause mistakes::CONTEXT_STRINGIFIED;
        |m| m.context_with(|c| c.plaintext = Some(b"map[language:en plan:gold]".to_vec()));
    /// an RS256 signature over the claims JSON instead of the signing input (a hand-made JWT)
    "jws.signature.over_claims_json", BOTH, r::JWS_SIGNATURE_INVALID, cause mistakes::JWS_SIGNED_WRONG_BYTES;
        |m| {
            let key = m.customer.clone();
            m.jws_with(&header(m, "RS256"), move |_, input| {
                let payload = input.split(|b| *b == b'.').nth(1).unwrap_or_default();
                let text = std::str::from_utf8(payload).unwrap_or_default();
                let claims = b64::decode(text, b64::Dialect::Url).bytes.unwrap_or_default();
                signer().rs256_sign(&key, &claims)
            })
        };
    /// a PS256 signature under a PS256 header (the library asked for PS256)
    "jws.signature.ps256_header", BOTH, r::JWS_SIGNATURE_PSS, also [r::JWS_ALG_UNEXPECTED], cause mistakes::JWS_PS256_CHOSEN;
        |m| {
            let key = m.customer.clone();
            m.jws_with(&header(m, "PS256"), move |rng, input| raw().ps256_sign(&key, input, rng))
        };
    /// an RSASSA-PKCS1-v1_5 signature with SHA-512 under an RS256 header
    "jws.signature.sha512", BOTH, r::JWS_SIGNATURE_HASH, cause mistakes::JWS_OTHER_HASH;
        |m| {
            let key = m.customer.clone();
            m.jws_with(&header(m, "RS256"), move |_, input| raw().pkcs1v15_sign("RS512", &key, input))
        };
    /// the signature's hex text base64url-encoded instead of its bytes (PHP bin2hex)
    "jws.signature.hex_text", BOTH, r::JWS_SIGNATURE_ENCODED, cause mistakes::JWS_SIGNATURE_AS_TEXT;
        |m| {
            let key = m.customer.clone();
            m.jws_with(&header(m, "RS256"), move |_, input| {
                signer().rs256_sign(&key, input).map(|s| s.iter().flat_map(|b| format!("{b:02x}").into_bytes()).collect())
            })
        };
    /// iat and exp an hour behind: a local clock read as UTC (Python datetime.utcnow().timestamp())
    "claims.time.local_clock", BOTH, r::CLAIMS_EXP_EXPIRED, cause mistakes::TIME_LOCAL_CLOCK;
        |m| {
            let iat = m.now - 3600;
            m.claims.insert("iat".into(), json!(iat));
            m.claims.insert("exp".into(), json!(iat + 30));
            m.good()
        };
    /// exp in milliseconds (Date.now() + 30000)
    "claims.time.milliseconds", BOTH, r::CLAIMS_TIME_RANGE, cause mistakes::TIME_MILLISECONDS;
        |m| { let exp = (m.now + 30) * 1000; m.claims.insert("exp".into(), json!(exp)); m.good() };
    /// exp equal to iat, minted a second ago (fast-jwt's expiresIn given seconds where it takes milliseconds)
    "claims.time.zero_lifetime", BOTH, r::CLAIMS_EXP_EXPIRED, cause mistakes::TIME_ZERO_LIFETIME;
        |m| {
            let then = m.now - 1;
            m.claims.insert("iat".into(), json!(then));
            m.claims.insert("exp".into(), json!(then));
            m.good()
        };
    /// a lifetime of 300000 s: milliseconds given to an API that takes seconds
    "moveo.exp.lifetime_in_milliseconds", MOVEO, r::MOVEO_EXP_TOO_FAR, cause mistakes::TIME_LIFETIME_IN_MILLISECONDS;
        |m| {
            let now = m.now;
            m.claims.insert("iat".into(), json!(now));
            m.claims.insert("exp".into(), json!(now + 300_000));
            m.good()
        };
    /// the content key encrypted with RSA-OAEP-SHA256 under the label "orders"
    "jwe.key.oaep_label", IADVIZE, r::JWE_KEY_OAEP_LABEL, cause mistakes::RSA_OAEP_LABEL;
        |m| m.jwe_made(IADVIZE_JWE_HEADER, RsaScheme::OaepSha256Label("orders"), 32);
    /// the JWE plaintext is the JWS as a JSON string (jose-jwt given an object)
    "iadvize.payload.quoted_jws", IADVIZE, r::IADVIZE_NOT_JWS, cause mistakes::CONTEXT_JSON_IN_STRING;
        |m| {
            let jws = m.good_jws()?;
            let quoted = serde_json::to_vec(&Value::String(jws)).map_err(|e| crate::backend::CryptoFailure::Other(e.to_string()))?;
            m.jwe_of(IADVIZE_JWE_HEADER, &quoted)
        };
    /// alg as an XML-Encryption URI (older Microsoft.IdentityModel)
    "jwe.alg.xmlenc_uri", IADVIZE, r::JWE_ALG_UNSUPPORTED, cause mistakes::HEADER_ALG_SPELLING;
        |m| m.jwe_made(r#"{"alg":"http://www.w3.org/2001/04/xmlenc#rsa-oaep","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 32);
}
RuleTests {
    // -- token shape, base64url, JSON
    /// a JWE (iAdvize's five segments) where a signed JWT is expected
    "token.segments.jwe", MOVEO, r::TOKEN_SEGMENTS;
        |m| {
            let jws = m.good_jws()?;
            m.jwe_of(IADVIZE_JWE_HEADER, jws.as_bytes())
        };
    /// a JWS's header and claims without its signature: two segments
    "token.segments.two", IADVIZE, r::TOKEN_SEGMENTS;
        |m| {
            let jws = m.good_jws()?;
            Ok(jws.rsplit_once('.').map_or(jws.clone(), |(input, _)| input.to_owned()))
        };
    /// the claims segment in the standard alphabet (`+`, `/`), signed as sent
    "jws.b64.standard_alphabet_signed", MOVEO, r::B64_ALPHABET;
        |m| {
            // `???` on a 3-byte boundary encodes to `Pz8/`, and five in a
            // row hold one in any alignment.
            m.claims.insert("jti".into(), json!("?????>>>>>"));
            m.signed_over(|_, payload| {
                if !payload.contains(['-', '_']) {
                    return Err(other("no `-` or `_` in the claims segment"));
                }
                *payload = payload.replace('-', "+").replace('_', "/");
                Ok(())
            })
        };
    /// a line break inside the claims segment, signed as sent
    "jws.b64.whitespace_signed", MOVEO, r::B64_WHITESPACE, cause mistakes::ENCODING_LINE_BREAKS;
        |m| m.signed_over(|_, payload| { payload.insert(payload.len().min(40), '\n'); Ok(()) });
    /// a `*` inside the signature segment
    "jws.b64.invalid_character", MOVEO, r::B64_INVALID;
        |m| m.signature_text(|s| s.replace_range(10..11, "*"));
    /// a signature segment of an impossible length (4n + 1 characters)
    "jws.b64.impossible_length", MOVEO, r::B64_INVALID;
        |m| m.signature_text(|s| s.truncate(s.len() - s.len() % 4 + 1));
    /// claims that are not JSON (the closing brace missing), signed as sent
    "json.claims.syntax", MOVEO, r::JSON_SYNTAX;
        |m| {
            let mut payload = serde_json::to_vec(&m.signed_claims()?).map_err(other)?;
            payload.pop();
            m.signed_payload(&payload)
        };
    /// a header written by hand with single quotes (`{'alg':'RS256',…}`), signed as sent
    "jws.header.single_quotes", MOVEO, r::JSON_SYNTAX;
        |m| {
            let h = header(m, "RS256").replace('"', "'");
            m.signed_with_header(&h)
        };
    /// claims that are a JSON string
    "json.claims.string", IADVIZE, r::JSON_NOT_OBJECT;
        |m| m.signed_payload(br#""user-1""#);
    /// the claims name userId twice, once with its slashes escaped
    /// (`https:\/\/iadvize.com\/userId`): one name to a JSON parser
    "json.duplicate_member.escaped", IADVIZE, r::JSON_DUPLICATE;
        |m| {
            let mut text = serde_json::to_string(&m.claims).map_err(other)?;
            text.pop();
            text.push_str(r#","https:\/\/iadvize.com\/userId":"bob"}"#);
            m.signed_payload(text.as_bytes())
        };
    // -- the JWS header and signature
    /// the header carries the customer's own public key as `jwk`: the signature verifies, but
    /// a receiver must not take keys from the token
    "jws.header.jwk", MOVEO, r::JOSE_KEY_IN_HEADER;
        |m| {
            let jwk = crate::keys::public_jwk(m.customer.public());
            m.jws_header_member("jwk", jwk)
        };
    /// HS256 with a shared secret
    "jws.alg.hs256", MOVEO, r::JWS_ALG_HMAC;
        |m| {
            let h = header(m, "HS256");
            m.jws_with(&h, |_, input| raw().hmac("HS256", b"a shared secret", input))
        };
    /// alg RS512 over an RS256 signature
    "jws.alg.rs512_header", MOVEO, r::JWS_ALG_UNEXPECTED;
        |m| {
            let h = header(m, "RS512");
            m.signed_with_header(&h)
        };
    /// alg PS256 with a PS256 signature
    "jws.alg.ps256", MOVEO, r::JWS_ALG_UNEXPECTED, also [r::JWS_SIGNATURE_PSS];
        |m| {
            let key = m.customer.clone();
            m.jws_with(&header(m, "PS256"), move |rng, input| raw().ps256_sign(&key, input, rng))
        };
    /// HS512 keyed with the customer's public key DER (key confusion)
    "jws.alg.hs512_public_key_der", IADVIZE, r::JWS_SIGNATURE_KEY_CONFUSION,
        also [r::JWS_ALG_HMAC];
        |m| {
            let der = m.customer.public().spki_der().to_vec();
            let h = header(m, "HS512");
            m.jws_with(&h, move |_, input| raw().hmac("HS512", &der, input))
        };
    // -- the iAdvize JWE
    /// zip DEF in the JWE header over a JWS that is not compressed
    "jwe.zip.uncompressed", IADVIZE, r::JWE_ZIP;
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT","zip":"DEF"}"#, RsaScheme::OaepSha256, 32);
    /// alg RSA-OAEP (SHA-1) in the header, but the key wrapped with RSA-OAEP-256
    "jwe.alg.rsa_oaep_header", IADVIZE, r::JWE_ALG_RSA_OAEP, also [r::JWE_KEY_UNDECRYPTABLE];
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 32);
    /// alg RSA_OAEP_256: RSA-OAEP-256 misspelt
    "jwe.alg.misspelt", IADVIZE, r::JWE_ALG_UNSUPPORTED, cause mistakes::HEADER_ALG_SPELLING;
        |m| m.jwe_made(r#"{"alg":"RSA_OAEP_256","enc":"A256GCM","cty":"JWT"}"#, RsaScheme::OaepSha256, 32);
    /// a JWE header without enc
    "jwe.enc.missing", IADVIZE, r::JWE_ENC;
        |m| {
            let jws = m.good_jws()?;
            m.jwe_of(r#"{"alg":"RSA-OAEP-256","cty":"JWT"}"#, jws.as_bytes())
        };
    /// cty JSON over a JWS (a nested JWT says cty JWT)
    "jwe.cty.json", IADVIZE, r::JWE_CTY_WRONG;
        |m| m.jwe_made(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JSON"}"#, RsaScheme::OaepSha256, 32);
    /// an encrypted key made for another RSA key than the recipient's
    "jwe.encrypted_key.other_key", IADVIZE, r::JWE_KEY_UNDECRYPTABLE;
        |m| {
            let cek = m.random(32);
            let to = m.other.public();
            let wrapped = raw().rsa_encrypt(to, RsaScheme::OaepSha256, &cek, &mut m.rng)?;
            let header = IADVIZE_JWE_HEADER;
            m.jwe_custom(header, RsaScheme::OaepSha256, 32, |p| p.encrypted_key = wrapped)
        };
    /// the encrypted key's last byte cut off
    "jwe.encrypted_key.truncated", IADVIZE, r::JWE_KEY_UNDECRYPTABLE;
        |m| {
            let header = IADVIZE_JWE_HEADER;
            m.jwe_custom(header, RsaScheme::OaepSha256, 32, |p| { p.encrypted_key.pop(); })
        };
    /// the JWE carries the claims JSON instead of a signed JWS, and its header no cty
    "iadvize.payload.bare_claims_no_cty", IADVIZE, r::IADVIZE_BARE_CLAIMS,
        also [r::JWE_CTY_MISSING];
        |m| {
            let claims = serde_json::to_vec(&m.claims).map_err(other)?;
            m.jwe_of(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM"}"#, &claims)
        };
    /// the JWE carries another JWE instead of a JWS
    "iadvize.payload.nested_jwe", IADVIZE, r::IADVIZE_NOT_JWS;
        |m| {
            let inner = m.good()?;
            m.jwe_of(IADVIZE_JWE_HEADER, inner.as_bytes())
        };
    /// the JWE carries bytes that are not UTF-8
    "iadvize.payload.not_utf8", IADVIZE, r::IADVIZE_NOT_JWS;
        |m| m.jwe_of(IADVIZE_JWE_HEADER, &[0xff, 0xfe, 0x00, 0x2e]);
    // -- claims
    /// iat as an RFC 3339 date string
    "claims.iat.date_string", IADVIZE, r::CLAIMS_TIME_TYPE;
        |m| { m.claims.insert("iat".into(), json!("2023-11-14T22:13:20Z")); m.good() };
    /// exp in milliseconds
    "claims.exp.milliseconds", MOVEO, r::CLAIMS_TIME_RANGE;
        |m| {
            let exp = m.claims.get("exp").and_then(Value::as_i64).unwrap_or(m.now + 60);
            m.claims.insert("exp".into(), json!(exp * 1000));
            m.good()
        };
    /// iat of -1
    "claims.iat.negative", MOVEO, r::CLAIMS_TIME_RANGE;
        |m| { m.claims.insert("iat".into(), json!(-1)); m.good() };
    /// nbf with a fraction (a quarter of a second before now)
    "claims.nbf.float", IADVIZE, r::CLAIMS_TIME_NON_INTEGER;
        |m| { let nbf = m.now as f64 - 0.25; m.claims.insert("nbf".into(), json!(nbf)); m.good() };
    /// iat thirty seconds after now
    "claims.iat.future", MOVEO, r::CLAIMS_IAT_FUTURE;
        |m| { let iat = m.now + 30; m.claims.insert("iat".into(), json!(iat)); m.good() };
    /// the user id sent as `userId`, without the `https://iadvize.com/` prefix
    "iadvize.userid.unprefixed", IADVIZE, r::IADVIZE_USERID_MISSING, also [r::IADVIZE_UNPREFIXED];
        |m| {
            let id = m.claims.remove(IADVIZE_USER_ID).unwrap_or_else(|| json!("user-1"));
            m.claims.insert("userId".into(), id);
            m.good()
        };
    /// a userId of 256 ASCII characters
    "iadvize.userid.length_ascii", IADVIZE, r::IADVIZE_USERID_LENGTH;
        |m| { m.claims.insert(IADVIZE_USER_ID.into(), json!("u".repeat(256))); m.good() };
    /// a visitorData field the vendor does not document (nickname)
    "iadvize.visitordata.unknown_field", IADVIZE, r::IADVIZE_VISITORDATA_UNKNOWN;
        |m| {
            let visitor = json!({"firstName": "Ada", "nickname": "ada"});
            m.claims.insert(IADVIZE_VISITOR_DATA.into(), visitor);
            m.good()
        };
    /// a custom claim without the `https://iadvize.com/` prefix
    "iadvize.claims.unprefixed", IADVIZE, r::IADVIZE_UNPREFIXED;
        |m| { m.claims.insert("plan".into(), json!("gold")); m.good() };
    /// an empty iss
    "moveo.iss.empty", MOVEO, r::MOVEO_ISS_TYPE;
        |m| { m.claims.insert("iss".into(), json!("")); m.good() };
    /// an iss that is a number
    "moveo.iss.number", MOVEO, r::MOVEO_ISS_TYPE;
        |m| { m.claims.insert("iss".into(), json!(7)); m.good() };
    // -- the moveo context
    /// context without encryption_key and init_vector
    "moveo.context.alone", MOVEO, r::MOVEO_CONTEXT_INCOMPLETE;
        |m| m.context_with(|c| { c.drop_key = true; c.drop_iv = true; });
    /// a context claim that is the JSON object itself, not its encryption
    "moveo.context.plain_object", MOVEO, r::MOVEO_CONTEXT_TYPE;
        |m| m.signed_claims_edited(|c| { c.insert("context".into(), json!({"plan": "gold"})); });
    /// context, encryption_key and init_vector all in unpadded base64url
    "moveo.context.base64url_all", MOVEO, r::MOVEO_CONTEXT_BASE64URL;
        |m| m.context_with(|c| c.texts = |t| {
            for text in [&mut t.context, &mut t.encryption_key, &mut t.init_vector] {
                *text = text.trim_end_matches('=').replace('+', "-").replace('/', "_");
            }
        });
    /// encryption_key's base64 broken after 76 characters by CRLF (a MIME encoder)
    "moveo.context.mime_lines", MOVEO, r::MOVEO_CONTEXT_BASE64;
        |m| m.context_with(|c| c.texts = |t| {
            if t.encryption_key.len() > 76 {
                t.encryption_key.insert_str(76, "\r\n");
            }
        });
    /// a `*` inside init_vector's base64
    "moveo.context.iv_not_base64", MOVEO, r::MOVEO_CONTEXT_BASE64;
        |m| m.context_with(|c| c.texts = |t| t.init_vector.replace_range(4..5, "*"));
    /// an AES-256 key sent as its hex text (64 bytes) instead of its raw bytes
    "moveo.context.key_as_hex_text", MOVEO, r::MOVEO_AES_KEY_AS_TEXT;
        |m| m.context_with(|c| { c.key_len = 32; c.key_text = Some(SecretText::Hex); });
    /// an AES-128 key sent as its hex text: 32 bytes, the length of an AES-256 key
    "moveo.context.key_128_as_hex_text", MOVEO, r::MOVEO_AES_KEY_AS_TEXT, cause mistakes::AES_SECRET_AS_TEXT;
        |m| m.context_with(|c| { c.key_len = 16; c.key_text = Some(SecretText::Hex); });
    /// the IV sent as its hex text instead of its raw bytes
    "moveo.context.iv_as_hex_text", MOVEO, r::MOVEO_AES_IV_AS_TEXT;
        |m| m.context_with(|c| c.iv_text = Some(SecretText::Hex));
    /// a context ciphertext cut by one byte
    "moveo.context.truncated", MOVEO, r::MOVEO_CONTEXT_LENGTH;
        |m| m.context_with(|c| c.ciphertext = |bytes| { bytes.pop(); });
    /// an empty context
    "moveo.context.empty", MOVEO, r::MOVEO_CONTEXT_LENGTH;
        |m| m.context_with(|c| c.ciphertext = Vec::clear);
    /// a context JSON padded with spaces to whole blocks and encrypted with no padding (NoPadding)
    "moveo.context.no_padding", MOVEO, r::MOVEO_CONTEXT_PADDING, cause mistakes::AES_NO_PADDING;
        |m| m.context_with(|c| c.pad = |json| {
            let mut aligned = json.to_vec();
            while !aligned.len().is_multiple_of(BLOCK) {
                aligned.insert(aligned.len().saturating_sub(1), b' ');
            }
            aligned
        });
    /// a good context under a signature by another key: a receiver must not decrypt it
    "moveo.context.unverified", MOVEO, r::MOVEO_CONTEXT_UNVERIFIED, also [r::JWS_SIGNATURE_INVALID];
        |m| {
            let key = m.other.clone();
            m.jws_with(&header(m, "RS256"), move |_, input| signer().rs256_sign(&key, input))
        };
    /// the IV of the vendor's sample code under a fresh random key
    "moveo.context.sample_iv", MOVEO, r::MOVEO_AES_IV_PUBLISHED;
        |m| {
            let Some(iv) = crate::published::all().ivs.first() else {
                return Err(other("no published IV"));
            };
            m.context_with(|c| c.iv = Some(iv.bytes()))
        };
}
}
