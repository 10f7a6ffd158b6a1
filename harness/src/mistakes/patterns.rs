//! The trials that need no cryptography: what a plaintext that is not
//! JSON really is, what a time claim's distance from now says, how an
//! unknown `alg` is spelled. Pure functions; [`crate::check`] calls them
//! only after the regular path failed.

use serde_json::{Map, Value};

use super::catalogue as m;
use super::Mistake;
use crate::jose::json;

/// What a plaintext that is not a JSON object is, when a trial recovers
/// the object from it: the mistake and the object.
pub fn plaintext_form(plaintext: &[u8]) -> Option<(&'static Mistake, Map<String, Value>)> {
    if let Some(object) = json_in_string(plaintext) {
        return Some((&m::CONTEXT_JSON_IN_STRING, object));
    }
    if let Some(object) = utf16(plaintext) {
        return Some((&m::CONTEXT_UTF16, object));
    }
    let text = std::str::from_utf8(plaintext).ok()?.trim();
    if !text.starts_with('{') {
        return None;
    }
    if text.contains("=>") {
        return literal(text, Dialect::Ruby).map(|o| (&m::CONTEXT_RUBY_INSPECT, o));
    }
    if text.contains('\'')
        || text.contains("True")
        || text.contains("False")
        || text.contains("None")
    {
        if let Some(object) = literal(text, Dialect::Python) {
            return Some((&m::CONTEXT_PYTHON_REPR, object));
        }
    }
    // Ruby 3.4's inspect: {user: {is_vip: true}}.
    literal(text, Dialect::Ruby).map(|o| (&m::CONTEXT_RUBY_INSPECT, o))
}

/// A language's default string form of an object, sent instead of JSON:
/// which form it is. Names the form, never the values.
pub fn stringified(plaintext: &[u8]) -> Option<&'static str> {
    let text = std::str::from_utf8(plaintext).ok()?.trim();
    let form = if text == "[object Object]" {
        "JavaScript's String(object), \"[object Object]\""
    } else if text == "Array" {
        "PHP's (string) $array, \"Array\""
    } else if text.starts_with("Array\n(") || text.starts_with("Array (") {
        "PHP's print_r"
    } else if text.starts_with("a:") && text.contains(":{") && text.ends_with('}') {
        "PHP's serialize"
    } else if text.starts_with("map[") && text.ends_with(']') {
        "Go's fmt form of a map, map[key:value]"
    } else if text.starts_with("System.") || text.starts_with("Newtonsoft.") {
        "a .NET type name from ToString()"
    } else if java_map(text) {
        "Java's Map.toString(), {key=value}"
    } else {
        return None;
    };
    Some(form)
}

/// `{key=value, key2=value2}`: Java's (and Kotlin's) `Map.toString()`.
fn java_map(text: &str) -> bool {
    let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) else {
        return false;
    };
    !inner.contains('"')
        && inner.split(", ").all(|pair| {
            pair.split_once('=').is_some_and(|(k, _)| {
                !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            })
        })
}

/// A JSON string whose text is a JSON object: serialized twice.
fn json_in_string(plaintext: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(plaintext).ok()? {
        Value::String(inner) => json::parse_object(inner.as_bytes(), 32).ok(),
        _ => None,
    }
}

/// A JSON string whose text is a compact JWS: the JWE's plaintext
/// serialized as JSON instead of sent as the JWS itself.
pub fn quoted_text(plaintext: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(plaintext).ok()? {
        Value::String(inner) => Some(inner),
        _ => None,
    }
}

/// UTF-16 text (with or without a byte-order mark) of a JSON object.
fn utf16(plaintext: &[u8]) -> Option<Map<String, Value>> {
    if plaintext.len() < 4 || !plaintext.len().is_multiple_of(2) {
        return None;
    }
    let (body, little) = match plaintext {
        [0xFF, 0xFE, rest @ ..] => (rest, true),
        [0xFE, 0xFF, rest @ ..] => (rest, false),
        [_, 0, ..] => (plaintext, true),
        [0, _, ..] => (plaintext, false),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let text: String = char::decode_utf16(units).collect::<Result<_, _>>().ok()?;
    json::parse_object(text.as_bytes(), 32).ok()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Ruby,
    Python,
}

/// Rewrites a Ruby `Hash#inspect` or a Python `repr` of a dict as JSON
/// and parses it: strings in either quote, `=>`, `:symbol` and `symbol:`
/// keys, `nil`/`None`, `True`/`False`. `None` unless the result is a JSON
/// object.
fn literal(text: &str, dialect: Dialect) -> Option<Map<String, Value>> {
    let mut out = String::with_capacity(text.len() + 16);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' => {
                let (s, next) = quoted(&chars, i)?;
                out.push_str(&Value::String(s).to_string());
                i = next;
            }
            '=' if chars.get(i + 1) == Some(&'>') && dialect == Dialect::Ruby => {
                out.push(':');
                i += 2;
            }
            ':' if dialect == Dialect::Ruby
                && chars
                    .get(i + 1)
                    .is_some_and(|n| n.is_alphabetic() || *n == '_') =>
            {
                let end = ident_end(&chars, i + 1);
                let name: String = chars[i + 1..end].iter().collect();
                out.push_str(&Value::String(name).to_string());
                i = end;
            }
            c if c.is_alphabetic() || c == '_' => {
                let end = ident_end(&chars, i);
                let word: String = chars[i..end].iter().collect();
                if dialect == Dialect::Ruby && chars.get(end) == Some(&':') {
                    // Ruby 3.4: {user: 1}
                    out.push_str(&Value::String(word).to_string());
                    out.push(':');
                    i = end + 1;
                    continue;
                }
                let mapped = match (dialect, word.as_str()) {
                    (Dialect::Ruby, "nil") | (Dialect::Python, "None") => "null",
                    (Dialect::Python, "True") | (Dialect::Ruby, "true") => "true",
                    (Dialect::Python, "False") | (Dialect::Ruby, "false") => "false",
                    _ => return None,
                };
                out.push_str(mapped);
                i = end;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    let object = json::parse_object(out.as_bytes(), 32).ok()?;
    (!object.is_empty() || text.trim() == "{}").then_some(object)
}

fn ident_end(chars: &[char], start: usize) -> usize {
    let mut end = start;
    while end < chars.len()
        && (chars[end].is_alphanumeric()
            || chars[end] == '_'
            || chars[end] == '?'
            || chars[end] == '!')
    {
        end += 1;
    }
    end
}

/// A string literal in either quote with backslash escapes; its text and
/// the index after its closing quote.
fn quoted(chars: &[char], start: usize) -> Option<(String, usize)> {
    let quote = chars[start];
    let mut s = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            c if c == quote => return Some((s, i + 1)),
            '\\' => {
                let e = *chars.get(i + 1)?;
                s.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    other => other,
                });
                i += 2;
            }
            c => {
                s.push(c);
                i += 1;
            }
        }
    }
    None
}

/// Whether an `alg` names RSA-OAEP-256 in a spelling JOSE does not
/// accept: another case, `_` for `-`, or an XML-Encryption URI.
pub fn alg_misspelled(alg: &str) -> Option<String> {
    let normalized = alg.trim().to_ascii_uppercase().replace('_', "-");
    if normalized == "RSA-OAEP-256" && alg != "RSA-OAEP-256" {
        return Some(format!("alg {alg:?} is RSA-OAEP-256 spelled another way"));
    }
    let lower = alg.to_ascii_lowercase();
    if lower.starts_with("http://www.w3.org/2001/04/xmlenc#")
        || lower.starts_with("http://www.w3.org/2009/xmlenc11#")
    {
        return Some(format!(
            "alg {alg:?} is an XML-Encryption URI, not a JOSE name"
        ));
    }
    None
}

/// The likely causes the time claims show, with their evidence: a
/// whole-hours offset, milliseconds, a zero lifetime, a lifetime in
/// milliseconds. The caller ties each to a finding of one of its rules.
pub fn time_causes(claims: &Map<String, Value>, now: i64) -> Vec<(&'static Mistake, String)> {
    let mut out = Vec::new();
    let number = |name: &str| claims.get(name).and_then(Value::as_f64);
    let (exp, iat, nbf) = (number("exp"), number("iat"), number("nbf"));
    let now_f = now as f64;
    for (name, value) in [("exp", exp), ("iat", iat), ("nbf", nbf)] {
        let Some(value) = value.filter(|v| *v > 1.0e11) else {
            continue;
        };
        let seconds = value / 1000.0;
        if (seconds - now_f).abs() <= 86_400.0 {
            out.push((
                &m::TIME_MILLISECONDS,
                format!(
                    "{name} / 1000 is {} s from now: a timestamp in milliseconds?",
                    (seconds - now_f).round()
                ),
            ));
        }
    }
    // A clock read in the wrong zone shifts iat and exp alike, so iat
    // shows it when there is one; exp alone only when it is past (an exp
    // hours ahead could as well be a long lifetime).
    let shifted = match (iat, exp) {
        (Some(iat), _) if iat <= 1.0e11 => Some(("iat", iat - now_f, (-120.0, 120.0))),
        (None, Some(exp)) if exp <= now_f => Some(("exp", exp - now_f, (-120.0, 420.0))),
        _ => None,
    };
    if let Some((name, d, (low, high))) = shifted {
        let hours = (1..=14i32)
            .flat_map(|h| [-h, h])
            .find(|h| (low..=high).contains(&(d - f64::from(*h) * 3600.0)));
        if let Some(h) = hours {
            out.push((
                &m::TIME_LOCAL_CLOCK,
                format!(
                    "{name} is {} s from now, {} h {} where it should be: a time-zone offset?",
                    d.round(),
                    h.abs(),
                    if h < 0 { "behind" } else { "ahead" }
                ),
            ));
        }
    }
    if let (Some(exp), Some(iat)) = (exp, iat) {
        let lifetime = exp - iat;
        if lifetime == 0.0 {
            out.push((
                &m::TIME_ZERO_LIFETIME,
                "exp equals iat: a lifetime of 0 s".to_owned(),
            ));
        } else if lifetime.fract() == 0.0
            && lifetime % 1000.0 == 0.0
            && (10_000.0..=3_600_000.0).contains(&lifetime)
        {
            out.push((
                &m::TIME_LIFETIME_IN_MILLISECONDS,
                format!(
                    "exp - iat is {lifetime} s, {} s if it were milliseconds",
                    lifetime / 1000.0
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(text: &[u8]) -> Option<&'static str> {
        plaintext_form(text).map(|(m, _)| m.id)
    }

    #[test]
    fn plaintexts_recovered_in_each_form() {
        assert_eq!(
            form(br#"{:user=>{:is_vip=>true, :tier=>nil}}"#),
            Some("context.ruby_inspect")
        );
        assert_eq!(
            form(br#"{"user"=>{"is_vip"=>true}}"#),
            Some("context.ruby_inspect")
        );
        assert_eq!(
            form(br#"{"user" => {"plan" => "gold"}}"#),
            Some("context.ruby_inspect")
        );
        assert_eq!(
            form(br#"{user: {is_vip: true, plan: "gold"}}"#),
            Some("context.ruby_inspect")
        );
        assert_eq!(
            form(br#"{'user': {'is_vip': True, 'n': None, "it's": 'x'}}"#),
            Some("context.python_repr")
        );
        assert_eq!(
            form(br#""{\"plan\":\"gold\"}""#),
            Some("context.json_in_string")
        );
        let utf16: Vec<u8> = "{\"plan\":\"gold\"}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(form(&utf16), Some("context.utf16"));
        let (_, object) = plaintext_form(br#"{:user=>{:is_vip=>true}}"#).unwrap();
        assert_eq!(
            Value::Object(object),
            serde_json::json!({"user": {"is_vip": true}})
        );
    }

    #[test]
    fn nothing_recovered_from_what_is_not_an_object() {
        for text in [
            &b"[object Object]"[..],
            b"\"just text\"",
            b"{not: [valid",
            b"gold",
            b"{'a': undefined_name}",
            b"\xff\xfe\x00",
        ] {
            assert_eq!(form(text), None, "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn default_string_forms() {
        for (text, form) in [
            ("[object Object]", "JavaScript"),
            ("{plan=gold, language=en}", "Java"),
            ("{user={is_vip=true}}", "Java"),
            ("map[language:en plan:gold]", "Go"),
            ("Array", "PHP"),
            ("a:1:{s:4:\"plan\";s:4:\"gold\";}", "serialize"),
            (
                "System.Collections.Generic.Dictionary`2[System.String,System.Object]",
                ".NET",
            ),
        ] {
            let found = stringified(text.as_bytes()).unwrap_or_else(|| panic!("{text}"));
            assert!(found.contains(form), "{text}: {found}");
        }
        for text in ["{\"plan\":\"gold\"}", "{}", "gold", "{a=}"] {
            assert_eq!(
                stringified(text.as_bytes()).filter(|_| text != "{a=}"),
                None,
                "{text}"
            );
        }
    }

    #[test]
    fn alg_spellings() {
        assert!(alg_misspelled("RSA_OAEP_256").is_some());
        assert!(alg_misspelled("rsa-oaep-256").is_some());
        assert!(alg_misspelled("http://www.w3.org/2001/04/xmlenc#rsa-oaep").is_some());
        assert!(alg_misspelled("RSA-OAEP-256").is_none());
        assert!(alg_misspelled("RSA-OAEP").is_none());
    }

    #[test]
    fn time_patterns() {
        let now = 1_700_000_000;
        let ids = |claims: serde_json::Value| -> Vec<&'static str> {
            time_causes(claims.as_object().unwrap(), now)
                .into_iter()
                .map(|(m, _)| m.id)
                .collect()
        };
        assert_eq!(
            ids(serde_json::json!({"exp": now - 3600 + 55})),
            ["time.local_clock"]
        );
        assert_eq!(
            ids(serde_json::json!({"iat": now + 7200, "exp": now + 7200 + 300})),
            ["time.local_clock"]
        );
        assert!(ids(serde_json::json!({"iat": now, "exp": now + 3600})).is_empty());
        assert!(ids(serde_json::json!({"exp": now + 3600})).is_empty());
        assert_eq!(
            ids(serde_json::json!({"exp": (now + 300) * 1000})),
            ["time.milliseconds"]
        );
        assert_eq!(
            ids(serde_json::json!({"exp": now, "iat": now})),
            ["time.zero_lifetime"]
        );
        assert_eq!(
            ids(serde_json::json!({"exp": now + 300_000, "iat": now})),
            ["time.lifetime_in_milliseconds"]
        );
        assert!(ids(serde_json::json!({"exp": now + 300, "iat": now})).is_empty());
        assert!(ids(serde_json::json!({"exp": now - 1800})).is_empty());
    }
}
