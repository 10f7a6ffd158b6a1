//! `--redact`: a report that others may read. Claim and context values are
//! replaced by their JSON type and length (names, structure and array
//! lengths stay), and every finding's detail is scrubbed of those values.
//!
//! Kept as they are: the headers (algorithms and key ids, no personal
//! data) and the NumericDate claims `exp`, `iat` and `nbf`, which the time
//! findings are about and which say nothing about the person. Keys, AES
//! keys and IVs never appear in a report in the first place, redacted or
//! not.

use serde_json::{Map, Value};

use crate::findings::Report;

/// Claims whose values stay readable: times, not personal data.
pub const KEPT_CLAIMS: [&str; 3] = ["exp", "iat", "nbf"];

/// The placeholder of one value: its type and length, never its content.
pub fn value(value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        Value::Bool(_) => Value::String("‹redacted boolean›".into()),
        Value::Number(n) => Value::String(format!(
            "‹redacted number, {} characters›",
            n.to_string().chars().count()
        )),
        Value::String(s) => Value::String(format!(
            "‹redacted string, {} characters›",
            s.chars().count()
        )),
        Value::Array(items) => Value::Array(items.iter().map(self::value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(name, v)| (name.clone(), self::value(v)))
                .collect(),
        ),
    }
}

/// The claims with every value redacted but [`KEPT_CLAIMS`].
fn claims(claims: &Value) -> Value {
    match claims {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(name, v)| {
                    let kept = KEPT_CLAIMS.contains(&name.as_str()) && v.is_number();
                    (name.clone(), if kept { v.clone() } else { value(v) })
                })
                .collect::<Map<String, Value>>(),
        ),
        other => value(other),
    }
}

/// Every scalar of `value` as the texts a message could quote it in.
fn leaves(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) if !s.is_empty() => {
            let placeholder = format!("‹redacted string, {} characters›", s.chars().count());
            out.push((format!("{s:?}"), format!("{placeholder:?}")));
            out.push((
                Value::String(s.clone()).to_string(),
                format!("{placeholder:?}"),
            ));
            // Unquoted only when long enough not to hit ordinary words.
            if s.chars().count() >= 4 {
                out.push((s.clone(), placeholder));
            }
        }
        Value::Number(n) => {
            let text = n.to_string();
            if text.len() >= 4 {
                let placeholder = format!("‹redacted number, {} characters›", text.len());
                out.push((text, placeholder));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| leaves(v, out)),
        Value::Object(map) => map.values().for_each(|v| leaves(v, out)),
        _ => {}
    }
}

/// The same report with claim and context values redacted, and the
/// findings' details and the not-checked reasons scrubbed of them.
pub fn report(report: &Report) -> Report {
    let mut quoted = Vec::new();
    if let Some(Value::Object(map)) = &report.claims {
        for (name, v) in map {
            if !(KEPT_CLAIMS.contains(&name.as_str()) && v.is_number()) {
                leaves(v, &mut quoted);
            }
        }
    }
    if let Some(context) = &report.context {
        leaves(context, &mut quoted);
    }
    // Longest first, so a value inside another is not half-replaced.
    quoted.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    quoted.dedup_by(|a, b| a.0 == b.0);
    let scrub = |text: &str| {
        quoted
            .iter()
            .fold(text.to_owned(), |acc, (from, to)| acc.replace(from, to))
    };
    let mut out = report.clone();
    out.claims = report.claims.as_ref().map(claims);
    out.context = report.context.as_ref().map(value);
    for finding in &mut out.findings {
        finding.detail = scrub(&finding.detail);
    }
    for part in &mut out.not_checked {
        part.reason = scrub(&part.reason);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_keep_names_types_and_lengths_only() {
        let v = json!({"name": "Ada Lovelace", "card": 4111111111111111u64, "vip": true,
                       "tags": ["a", "bb"], "none": null});
        let r = value(&v);
        assert_eq!(r["name"], "‹redacted string, 12 characters›");
        assert_eq!(r["card"], "‹redacted number, 16 characters›");
        assert_eq!(r["vip"], "‹redacted boolean›");
        assert_eq!(r["tags"].as_array().map(Vec::len), Some(2));
        assert_eq!(r["none"], Value::Null);
        let text = r.to_string();
        assert!(!text.contains("Ada") && !text.contains("4111"));
    }

    #[test]
    fn time_claims_stay_and_the_rest_goes() {
        let c = claims(&json!({"sub": "alice-42", "exp": 1700000060, "iat": "soon"}));
        assert_eq!(c["exp"], 1700000060);
        assert_eq!(c["iat"], "‹redacted string, 4 characters›");
        assert_eq!(c["sub"], "‹redacted string, 8 characters›");
    }
}
