//! Header rules: what a JOSE header of either profile must and must not
//! say. Pure functions over a decoded header; each finding goes to `out`
//! in the order the rules run.

use serde_json::{Map, Value};

use crate::backend::RsaScheme;
use crate::findings::Finding;
use crate::rules as r;

/// How the harness can decrypt a JWE whose header it has read: the RSA
/// scheme its `alg` names and the content key length its `enc` names.
pub type JwePlan = (RsaScheme, usize);

/// Rules every JOSE header shares (`name` is the header's, as findings
/// show it).
pub fn common(name: &str, header: &Map<String, Value>, out: &mut Vec<Finding>) {
    if let Some(crit) = header.get("crit") {
        out.push(Finding::new(
            r::JOSE_CRIT,
            format!("{name}: crit is {crit}"),
        ));
    }
    for member in ["jwk", "jku", "x5u", "x5c"] {
        if header.contains_key(member) {
            out.push(Finding::new(
                r::JOSE_KEY_IN_HEADER,
                format!("{name}: has {member:?}"),
            ));
        }
    }
    if let Some(kid) = header.get("kid") {
        out.push(Finding::new(r::JOSE_KID, format!("{name}: kid is {kid}")));
    }
}

/// Rules of a JWS header; returns its `alg` as text ("" when missing or
/// not a string).
pub fn jws(name: &str, header: &Map<String, Value>, out: &mut Vec<Finding>) -> String {
    let alg = header.get("alg");
    let alg_text = alg.and_then(Value::as_str).unwrap_or_default().to_owned();
    if alg_text != "RS256" {
        let found = alg.map_or("alg is missing".to_owned(), |a| format!("alg is {a}"));
        let rule = if alg_text.eq_ignore_ascii_case("none") {
            r::JWS_ALG_NONE
        } else if alg_text.to_ascii_uppercase().starts_with("HS") {
            r::JWS_ALG_HMAC
        } else {
            r::JWS_ALG_UNEXPECTED
        };
        out.push(Finding::new(rule, format!("{name}: {found}")));
    }
    common(name, header, out);
    alg_text
}

/// Rules of the iAdvize JWE header; returns how to decrypt the JWE, if
/// the harness can (a wrong but known `alg` or `enc` is still decrypted
/// the way it says, to check what is inside).
pub fn jwe(header: &Map<String, Value>, out: &mut Vec<Finding>) -> Option<JwePlan> {
    let alg = header.get("alg");
    let scheme = match alg.and_then(Value::as_str) {
        Some("RSA-OAEP-256") => Some(RsaScheme::OaepSha256),
        Some("RSA-OAEP") => {
            out.push(Finding::new(r::JWE_ALG_RSA_OAEP, "alg is \"RSA-OAEP\""));
            Some(RsaScheme::OaepSha1)
        }
        Some("RSA1_5") => {
            out.push(Finding::new(r::JWE_ALG_RSA1_5, "alg is \"RSA1_5\""));
            Some(RsaScheme::Pkcs1v15)
        }
        _ => {
            let found = alg.map_or("missing".to_owned(), |a| format!("alg is {a}"));
            out.push(Finding::new(r::JWE_ALG_UNSUPPORTED, found));
            None
        }
    };
    let enc = header.get("enc");
    let key_len = match enc.and_then(Value::as_str) {
        Some("A256GCM") => Some(32),
        other => {
            let found = enc.map_or("missing".to_owned(), |e| format!("enc is {e}"));
            out.push(Finding::new(r::JWE_ENC, found));
            match other {
                Some("A128GCM") => Some(16),
                Some("A192GCM") => Some(24),
                _ => None,
            }
        }
    };
    if !header.contains_key("cty") {
        out.push(Finding::new(r::JWE_CTY_MISSING, "no cty in the JWE header"));
    }
    if let Some(zip) = header.get("zip") {
        out.push(Finding::new(r::JWE_ZIP, format!("zip is {zip}")));
    }
    common("JWE header", header, out);
    scheme.zip(key_len)
}
