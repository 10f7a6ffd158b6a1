//! An external program as producer and consumer: the `produce` and
//! `consume` requests of the adapter protocol, and its answers read as an
//! [`Outcome`].

use serde_json::{json, Map, Value};

use super::adapter::Adapter;
use super::{Outcome, TokenRequest};
use crate::keys::{PrivateKey, PublicKey};
use crate::profile::Profile;

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Asks the adapter for the token `request` describes.
pub fn produce(
    adapter: &Adapter,
    request: &TokenRequest<'_>,
    sign: &PrivateKey,
    encrypt: &PublicKey,
) -> Result<String, String> {
    let request = json!({
        "op": "produce",
        "profile": request.profile.as_str(),
        "claims": request.claims,
        "context": request.context,
        "aes_key_bytes": request.aes_key_bytes,
        "keys": {
            "sign": sign.pkcs8_pem().as_str(),
            "encrypt": encrypt.spki_pem(),
        },
    });
    let answer = adapter.call(object(request)).map_err(|e| e.to_string())?;
    if let Some(at) = answer.replaced_in("token").first() {
        return Err(format!(
            "the answer's token is not text: {at} holds a lone surrogate \
             escape or bytes that are not UTF-8"
        ));
    }
    answer
        .get("token")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "the answer has no token".to_owned())
}

/// Asks the adapter to judge `token`; its answer's `verdict` decides.
pub fn consume(
    adapter: &Adapter,
    profile: Profile,
    token: &str,
    customer: &PrivateKey,
    recipient: &PrivateKey,
    now: i64,
) -> Outcome {
    let request = json!({
        "op": "consume",
        "profile": profile.as_str(),
        "token": token,
        "keys": {
            "verify": customer.public().spki_pem(),
            "decrypt": recipient.pkcs8_pem().as_str(),
        },
        "now": now,
    });
    match adapter.call(object(request)) {
        Err(e) => Outcome::Crashed {
            detail: e.to_string(),
        },
        Ok(answer) => match answer.get("verdict").and_then(Value::as_str) {
            Some("pass") => Outcome::Accepted {
                claims: answer.get("claims").cloned().unwrap_or(Value::Null),
                context: answer.get("context").cloned().filter(|c| !c.is_null()),
                not_unicode: ["claims", "context"]
                    .iter()
                    .flat_map(|m| answer.replaced_in(m))
                    .map(str::to_owned)
                    .collect(),
            },
            Some("fail") => Outcome::Rejected {
                class: "rejected".into(),
                detail: answer
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("no reason given")
                    .to_owned(),
            },
            _ => Outcome::Crashed {
                detail: format!(
                    "answer without a verdict: {}",
                    Value::Object(answer.into_members())
                ),
            },
        },
    }
}
