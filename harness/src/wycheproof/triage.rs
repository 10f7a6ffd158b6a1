//! What the harness decides of a case before any backend: whether the
//! profiles cover it (else it is skipped, with the reason), whether its
//! compact serialization parses strictly, whether the group's JWK may be
//! used for it (RFC 7517 `use`, `key_ops`, `alg`) and loads; what is left
//! is the operation a backend is asked to do.

use serde_json::{Map, Value};

use super::model::{JweCase, Jwk, JwsCase};
use super::results::Stage;
use super::{JWE_ALG, JWE_ENC, JWS_ALG};
use crate::backend::JweParts;
use crate::implementation::Outcome;
use crate::jose::b64;
use crate::jose::json;
use crate::jose::{self, Compact};
use crate::keys::{self, LoadedKey, PrivateKey, PublicKey};

/// What the harness makes of a case before any backend: decided (skipped,
/// or rejected by its own parsing or key checks), or handed to the
/// backends.
pub(crate) enum Triage<'k, I> {
    Decided(Outcome),
    ToBackend {
        key: &'k I,
        operation: BackendOperation,
    },
}

/// What a backend is asked to do with a case.
pub(crate) enum BackendOperation {
    /// Verify an RS256 signature; `payload` is the decoded payload, for a
    /// suite that says what it must be.
    Verify {
        signing_input: String,
        signature: Vec<u8>,
        payload: Vec<u8>,
    },
    /// Decrypt a JWE.
    Decrypt { protected: String, parts: JweParts },
    /// Decrypt AES-CBC with PKCS#7 padding (the moveo context's layer).
    CbcDecrypt { iv: Vec<u8>, ciphertext: Vec<u8> },
}

/// A case's key as the harness holds it.
pub(crate) enum GroupKey<'a> {
    /// Not an RSA key (or none): every case is skipped with this reason.
    Unusable(String),
    /// The RSA JWK and the key it loads to.
    Rsa {
        jwk: &'a Jwk,
        loaded: std::result::Result<LoadedKey, String>,
    },
}

pub(crate) fn group_key<'a>(jwk: Option<&'a Jwk>, origin: &str) -> GroupKey<'a> {
    let Some(jwk) = jwk else {
        return GroupKey::Unusable("no key".into());
    };
    match jwk.get("kty").and_then(Value::as_str) {
        Some("RSA") => {}
        Some(kty) => return GroupKey::Unusable(format!("key type {}", shown(kty))),
        None => return GroupKey::Unusable("key without kty".into()),
    }
    let loaded = serde_json::to_vec(jwk)
        .map_err(|e| e.to_string())
        .and_then(|bytes| keys::parse(&bytes, origin).map_err(|e| e.to_string()));
    GroupKey::Rsa { jwk, loaded }
}

/// A value from the input, bounded and escaped for a reason or a report.
pub(crate) fn shown(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text
        .chars()
        .take(MAX)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    out
}

fn is_json_serialization(token: &str, flags: &[String]) -> bool {
    token.trim_start().starts_with('{') || flags.iter().any(|f| f == "JsonSerialization")
}

pub(crate) fn parse_reject(reason: impl Into<String>) -> Outcome {
    Stage::Parse.reject(reason)
}

fn key_reject(reason: impl Into<String>) -> Outcome {
    Stage::Key.reject(reason)
}

/// A case the profiles do not cover, with the reason.
pub(crate) fn skip<'k, I>(reason: impl Into<String>) -> Triage<'k, I> {
    Triage::Decided(Outcome::Skipped {
        reason: reason.into(),
    })
}

/// Decodes one compact segment strictly; `Err` names it and says why.
fn segment(name: &str, text: &str) -> std::result::Result<Vec<u8>, String> {
    b64::decode_url_strict(text).map_err(|flaw| format!("{name}: {}", flaw.describe()))
}

/// The protected header as a JSON object.
fn header(text: &str) -> std::result::Result<Map<String, Value>, String> {
    let bytes = segment("protected header", text)?;
    json::parse_object(&bytes, json::DEFAULT_MAX_DEPTH)
        .map_err(|p| format!("protected header: {p}"))
}

/// A header parameter that must be a string.
fn header_str<'h>(
    header: &'h Map<String, Value>,
    name: &str,
) -> std::result::Result<&'h str, String> {
    match header.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!(
            "header parameter {name:?} is a {}, not a string",
            json::kind(other)
        )),
        None => Err(format!("no {name:?} header parameter")),
    }
}

/// What becomes of a token whose header names an algorithm outside the
/// profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OtherAlgorithm {
    /// Skipped and counted: Wycheproof's groups each hold a key for one
    /// algorithm, and the profiles use only some of them.
    Skip,
    /// Rejected by the harness's parsing: the file is about the profiles'
    /// algorithm and its key, so a token naming another (an algorithm
    /// swapped in the header) must be refused, as a consumer of the
    /// profiles refuses it.
    Reject,
}

impl OtherAlgorithm {
    fn decide<'k, I>(self, reason: String) -> Triage<'k, I> {
        match self {
            OtherAlgorithm::Skip => skip(reason),
            OtherAlgorithm::Reject => Triage::Decided(parse_reject(reason)),
        }
    }
}

/// What a key is for, for the JWK members `use` and `key_ops`.
#[derive(Clone, Copy)]
pub(super) enum Purpose {
    Verify,
    Decrypt,
}

/// The JWK's own limits on its use (RFC 7517 §4.2 `use`, §4.3 `key_ops`,
/// §4.4 `alg`): `Err` with the reason when they forbid using it for
/// `purpose` with `alg`.
pub(super) fn jwk_permits(
    jwk: &Jwk,
    purpose: Purpose,
    alg: &str,
) -> std::result::Result<(), String> {
    let (wanted_use, ops): (&str, &[&str]) = match purpose {
        Purpose::Verify => ("sig", &["verify"]),
        Purpose::Decrypt => ("enc", &["decrypt", "unwrapKey"]),
    };
    if let Some(key_use) = jwk.get("use") {
        if key_use.as_str() != Some(wanted_use) {
            return Err(format!(
                "the key's \"use\" is {}, not {wanted_use:?}",
                shown(&key_use.to_string())
            ));
        }
    }
    if let Some(key_ops) = jwk.get("key_ops") {
        let listed = key_ops.as_array().is_some_and(|a| {
            a.iter()
                .any(|op| op.as_str().is_some_and(|op| ops.contains(&op)))
        });
        if !listed {
            return Err(format!(
                "the key's \"key_ops\" {} do not include {}",
                shown(&key_ops.to_string()),
                ops.join(" or ")
            ));
        }
    }
    if let Some(key_alg) = jwk.get("alg") {
        if key_alg.as_str() != Some(alg) {
            return Err(format!(
                "the key's \"alg\" is {}, the header's {alg:?}",
                shown(&key_alg.to_string())
            ));
        }
    }
    Ok(())
}

pub(crate) fn triage_jws<'k>(
    key: &'k GroupKey<'_>,
    case: &JwsCase,
    other_alg: OtherAlgorithm,
) -> Triage<'k, PublicKey> {
    if is_json_serialization(&case.jws, &case.flags) {
        return skip("JSON serialization");
    }
    let (jwk, loaded) = match key {
        GroupKey::Unusable(reason) => return skip(reason.clone()),
        GroupKey::Rsa { jwk, loaded } => (*jwk, loaded),
    };
    let decided = |outcome| Triage::Decided(outcome);
    let jws = match jose::split(&case.jws) {
        Compact::Jws(jws) => jws,
        Compact::Jwe(_) => return decided(parse_reject("5 segments; a compact JWS has 3")),
        Compact::Other(n) => {
            return decided(parse_reject(format!("{n} segments; a compact JWS has 3")))
        }
    };
    let alg = match header(jws.header).and_then(|h| header_str(&h, "alg").map(str::to_owned)) {
        Ok(alg) => alg,
        Err(reason) => return decided(parse_reject(reason)),
    };
    if alg != JWS_ALG {
        return other_alg.decide(format!("alg {} not in the profiles", shown(&alg)));
    }
    if let Err(reason) = jwk_permits(jwk, Purpose::Verify, &alg) {
        return decided(key_reject(reason));
    }
    let key = match loaded {
        Ok(key) => key.public(),
        Err(e) => return decided(key_reject(format!("the key does not load: {e}"))),
    };
    let payload = match segment("payload", jws.payload) {
        Ok(p) => p,
        Err(reason) => return decided(parse_reject(reason)),
    };
    let signature = match segment("signature", jws.signature) {
        Ok(s) => s,
        Err(reason) => return decided(parse_reject(reason)),
    };
    Triage::ToBackend {
        key,
        operation: BackendOperation::Verify {
            signing_input: jws.signing_input().to_owned(),
            signature,
            payload,
        },
    }
}

pub(crate) fn triage_jwe<'k>(
    key: &'k GroupKey<'_>,
    case: &JweCase,
    other_alg: OtherAlgorithm,
) -> Triage<'k, PrivateKey> {
    if is_json_serialization(&case.jwe, &case.flags) {
        return skip("JSON serialization");
    }
    let (jwk, loaded) = match key {
        GroupKey::Unusable(reason) => return skip(reason.clone()),
        GroupKey::Rsa { jwk, loaded } => (*jwk, loaded),
    };
    let decided = |outcome| Triage::Decided(outcome);
    let jwe = match jose::split(&case.jwe) {
        Compact::Jwe(jwe) => jwe,
        Compact::Jws(_) => return decided(parse_reject("3 segments; a compact JWE has 5")),
        Compact::Other(n) => {
            return decided(parse_reject(format!("{n} segments; a compact JWE has 5")))
        }
    };
    let protected = match header(jwe.header) {
        Ok(h) => h,
        Err(reason) => return decided(parse_reject(reason)),
    };
    let alg = match header_str(&protected, "alg") {
        Ok(alg) => alg,
        Err(reason) => return decided(parse_reject(reason)),
    };
    if alg != JWE_ALG {
        return other_alg.decide(format!("alg {} not in the profiles", shown(alg)));
    }
    let enc = match header_str(&protected, "enc") {
        Ok(enc) => enc,
        Err(reason) => return decided(parse_reject(reason)),
    };
    if enc != JWE_ENC {
        return other_alg.decide(format!("enc {} not in the profiles", shown(enc)));
    }
    if let Err(reason) = jwk_permits(jwk, Purpose::Decrypt, alg) {
        return decided(key_reject(reason));
    }
    let key = match loaded.as_ref().map(|k| k.private("the JWE")) {
        Ok(Ok(key)) => key,
        Ok(Err(e)) => return decided(key_reject(e.to_string())),
        Err(e) => return decided(key_reject(format!("the key does not load: {e}"))),
    };
    let parts = (|| {
        Ok::<_, String>(JweParts {
            encrypted_key: segment("encrypted key", jwe.encrypted_key)?,
            iv: segment("IV", jwe.iv)?,
            ciphertext: segment("ciphertext", jwe.ciphertext)?,
            tag: segment("tag", jwe.tag)?,
        })
    })();
    match parts {
        Ok(parts) => Triage::ToBackend {
            key,
            operation: BackendOperation::Decrypt {
                protected: jwe.header.to_owned(),
                parts,
            },
        },
        Err(reason) => decided(parse_reject(reason)),
    }
}
