//! Claim rules of both profiles: pure functions over decoded claims and
//! the time of the check. Each finding goes to `out` in the order the
//! rules run. The moveo context claims are decrypted by the check
//! pipeline after these run (`check::context`).

use serde_json::{Map, Value};

use super::{
    Profile, IADVIZE_MAX_LIFETIME, IADVIZE_PREFIX, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA,
    MAX_NUMERIC_DATE, MAX_USER_ID_CHARS, MOVEO_MAX_EXP_AHEAD, VISITOR_DATA_FIELDS,
};
use crate::findings::Finding;
use crate::jose;
use crate::jose::json;
use crate::rules as r;

/// The time rules both profiles share, then the profile's own claim
/// rules (for moveo, up to the context claims).
pub fn check(profile: Profile, claims: &Map<String, Value>, now: i64, out: &mut Vec<Finding>) {
    let now_f = now as f64;
    let mut times = [None, None, None];
    for (slot, name) in times.iter_mut().zip(["exp", "iat", "nbf"]) {
        *slot = claims.get(name).and_then(|v| numeric_date(name, v, out));
    }
    let [exp, iat, nbf] = times;
    if !claims.contains_key("exp") {
        out.push(Finding::new(r::CLAIMS_EXP_MISSING, "no exp claim"));
    }
    if let Some(exp) = exp {
        if exp <= now_f {
            out.push(Finding::new(
                r::CLAIMS_EXP_EXPIRED,
                format!(
                    "exp {} is {} s before now {}",
                    fmt_num(exp),
                    fmt_num(now_f - exp),
                    now
                ),
            ));
        }
    }
    if let Some(nbf) = nbf.filter(|nbf| *nbf > now_f) {
        out.push(Finding::new(
            r::CLAIMS_NBF_FUTURE,
            format!("nbf is {} s after now", fmt_num(nbf - now_f)),
        ));
    }
    if let Some(iat) = iat.filter(|iat| *iat > now_f) {
        out.push(Finding::new(
            r::CLAIMS_IAT_FUTURE,
            format!("iat is {} s after now", fmt_num(iat - now_f)),
        ));
    }
    match profile {
        Profile::Iadvize => iadvize(claims, exp, iat, now, out),
        Profile::Moveo => moveo(claims, exp, now, out),
    }
}

/// Reads a NumericDate, reporting type, range and fractions.
fn numeric_date(name: &str, value: &Value, out: &mut Vec<Finding>) -> Option<f64> {
    let Some(n) = value.as_f64() else {
        out.push(Finding::new(
            r::CLAIMS_TIME_TYPE,
            format!("{name} is a {} ({value})", json::kind(value)),
        ));
        return None;
    };
    if !(0.0..=MAX_NUMERIC_DATE).contains(&n) {
        out.push(Finding::new(
            r::CLAIMS_TIME_RANGE,
            format!("{name} is {value}"),
        ));
        return None;
    }
    // A whole value written with a fraction or exponent (1700000060.0,
    // Python's float timestamps) is rejected by integer parsers too.
    if n.fract() != 0.0 || value.is_f64() {
        out.push(Finding::new(
            r::CLAIMS_TIME_NON_INTEGER,
            format!("{name} is {value}"),
        ));
    }
    Some(n)
}

fn iadvize(
    claims: &Map<String, Value>,
    exp: Option<f64>,
    iat: Option<f64>,
    now: i64,
    out: &mut Vec<Finding>,
) {
    match claims.get(IADVIZE_USER_ID) {
        None => {
            let hint = ["userId", "userid", "user_id"]
                .into_iter()
                .find(|n| claims.contains_key(*n))
                .map(|n| format!("; there is an unprefixed {n:?}"))
                .unwrap_or_default();
            out.push(Finding::new(
                r::IADVIZE_USERID_MISSING,
                format!("no {IADVIZE_USER_ID:?}{hint}"),
            ));
        }
        Some(Value::String(id)) if id.is_empty() => {
            out.push(Finding::new(r::IADVIZE_USERID_EMPTY, "userId is \"\""))
        }
        Some(Value::String(id)) => {
            let chars = id.chars().count();
            if chars > MAX_USER_ID_CHARS {
                out.push(Finding::new(
                    r::IADVIZE_USERID_LENGTH,
                    format!("userId is {chars} characters ({} bytes)", id.len()),
                ));
            }
        }
        Some(other) => out.push(Finding::new(
            r::IADVIZE_USERID_TYPE,
            format!("userId is a {}", json::kind(other)),
        )),
    }
    match claims.get(IADVIZE_VISITOR_DATA) {
        None => {}
        Some(Value::Object(data)) => {
            for (field, value) in data {
                if !value.is_string() {
                    out.push(Finding::new(
                        r::IADVIZE_VISITORDATA_FIELD,
                        format!("visitorData.{field} is a {}", json::kind(value)),
                    ));
                }
                if !VISITOR_DATA_FIELDS.contains(&field.as_str()) {
                    out.push(Finding::new(
                        r::IADVIZE_VISITORDATA_UNKNOWN,
                        format!("visitorData.{field}"),
                    ));
                }
            }
        }
        Some(other) => out.push(Finding::new(
            r::IADVIZE_VISITORDATA_TYPE,
            format!("visitorData is a {}", json::kind(other)),
        )),
    }
    let unprefixed: Vec<&str> = claims
        .keys()
        .map(String::as_str)
        .filter(|k| !k.starts_with(IADVIZE_PREFIX) && !jose::REGISTERED_CLAIMS.contains(k))
        .collect();
    if !unprefixed.is_empty() {
        out.push(Finding::new(
            r::IADVIZE_UNPREFIXED,
            format!("unprefixed: {}", unprefixed.join(", ")),
        ));
    }
    if let Some(exp) = exp {
        let (start, from) = match iat {
            Some(iat) => (iat, "iat"),
            None => (now as f64, "now"),
        };
        let lifetime = exp - start;
        if lifetime > IADVIZE_MAX_LIFETIME {
            out.push(Finding::new(
                r::IADVIZE_LIFETIME,
                format!("exp is {} s after {from}", fmt_num(lifetime)),
            ));
        }
    }
}

fn moveo(claims: &Map<String, Value>, exp: Option<f64>, now: i64, out: &mut Vec<Finding>) {
    match claims.get("iss") {
        None => out.push(Finding::new(r::MOVEO_ISS_MISSING, "no iss claim")),
        Some(Value::String(s)) if !s.is_empty() => {}
        Some(other) => out.push(Finding::new(r::MOVEO_ISS_TYPE, format!("iss is {other}"))),
    }
    match claims.get("sub") {
        None => out.push(Finding::new(r::MOVEO_SUB_MISSING, "no sub claim")),
        Some(Value::String(s)) if s.is_empty() => {
            out.push(Finding::new(r::MOVEO_SUB_EMPTY, "sub is \"\""))
        }
        Some(Value::String(_)) => {}
        Some(other) => out.push(Finding::new(
            r::MOVEO_SUB_TYPE,
            format!("sub is a {}", json::kind(other)),
        )),
    }
    if let Some(exp) = exp {
        let ahead = exp - now as f64;
        if ahead > MOVEO_MAX_EXP_AHEAD {
            out.push(Finding::new(
                r::MOVEO_EXP_TOO_FAR,
                format!("exp is {} s after now", fmt_num(ahead)),
            ));
        }
    }
}

/// A number as findings show it: whole numbers without a fraction.
fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
