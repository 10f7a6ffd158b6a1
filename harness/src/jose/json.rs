//! Strict JSON for headers, claims and contexts: UTF-8, an object at the
//! top, no duplicate member names, bounded nesting.
//!
//! Duplicate names are a parser-differential attack: one library keeps the
//! first value, another the last, so two receivers read different claims
//! from the same signed bytes. serde_json alone keeps the last one silently.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The default maximum nesting depth of objects and arrays.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// Why a JSON text was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonProblem {
    /// The bytes are not UTF-8; `valid_up_to` is the offset of the first bad byte.
    NotUtf8 {
        /// Offset of the first byte that is not UTF-8.
        valid_up_to: usize,
    },
    /// Not JSON at all, or trailing data: serde_json's message.
    Syntax(String),
    /// JSON, but the top level is not an object; names what it is.
    NotObject(&'static str),
    /// The same member name twice in one object.
    DuplicateMember(String),
    /// Objects or arrays nested deeper than the limit.
    TooDeep(usize),
}

impl fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonProblem::NotUtf8 { valid_up_to } => {
                write!(f, "not UTF-8 (first invalid byte at offset {valid_up_to})")
            }
            JsonProblem::Syntax(msg) => write!(f, "not valid JSON: {msg}"),
            JsonProblem::NotObject(kind) => write!(f, "JSON {kind}, not an object"),
            JsonProblem::DuplicateMember(name) => write!(f, "member {name:?} appears twice"),
            JsonProblem::TooDeep(max) => write!(f, "nested deeper than {max} levels"),
        }
    }
}

/// Parses `bytes` as a JSON object under the strict rules.
pub fn parse_object(bytes: &[u8], max_depth: usize) -> Result<Map<String, Value>, JsonProblem> {
    let text = std::str::from_utf8(bytes).map_err(|e| JsonProblem::NotUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    match parse_value(text, max_depth)? {
        Value::Object(map) => Ok(map),
        other => Err(JsonProblem::NotObject(kind(&other))),
    }
}

/// Parses any JSON value under the strict rules (no duplicates, bounded depth).
pub fn parse_value(text: &str, max_depth: usize) -> Result<Value, JsonProblem> {
    let problem = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = Strict {
        depth: 0,
        max_depth,
        problem: &problem,
    };
    let result = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match result {
        Ok(value) => Ok(value),
        Err(e) => Err(problem
            .into_inner()
            .unwrap_or_else(|| JsonProblem::Syntax(e.to_string()))),
    }
}

/// The JSON type name of a value, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[derive(Clone, Copy)]
struct Strict<'a> {
    depth: usize,
    max_depth: usize,
    problem: &'a RefCell<Option<JsonProblem>>,
}

impl<'a> Strict<'a> {
    fn nested<E: serde::de::Error>(&self) -> Result<Strict<'a>, E> {
        if self.depth >= self.max_depth {
            *self.problem.borrow_mut() = Some(JsonProblem::TooDeep(self.max_depth));
            return Err(E::custom("too deep"));
        }
        Ok(Strict {
            depth: self.depth + 1,
            max_depth: self.max_depth,
            problem: self.problem,
        })
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.nested::<A::Error>()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let inner = self.nested::<A::Error>()?;
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                *self.problem.borrow_mut() = Some(JsonProblem::DuplicateMember(key));
                return Err(A::Error::custom("duplicate member"));
            }
            let value = access.next_value_seed(inner)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_slashes_read_as_slashes() {
        let map = parse_object(br#"{"https:\/\/iadvize.com\/userId":"u"}"#, 8).unwrap();
        assert_eq!(map["https://iadvize.com/userId"], "u");
    }

    #[test]
    fn duplicates_are_found_at_any_depth() {
        assert_eq!(
            parse_object(br#"{"a":1,"a":2}"#, 8),
            Err(JsonProblem::DuplicateMember("a".into()))
        );
        assert_eq!(
            parse_object(br#"{"o":{"b":1,"\u0062":2}}"#, 8),
            Err(JsonProblem::DuplicateMember("b".into()))
        );
    }

    #[test]
    fn depth_is_bounded() {
        assert!(parse_object(br#"{"a":[[1]]}"#, 3).is_ok());
        assert_eq!(
            parse_object(br#"{"a":[[[1]]]}"#, 3),
            Err(JsonProblem::TooDeep(3))
        );
    }

    #[test]
    fn other_problems() {
        assert_eq!(
            parse_object(b"[1]", 8),
            Err(JsonProblem::NotObject("array"))
        );
        assert!(matches!(
            parse_object(b"{\"a\":1} x", 8),
            Err(JsonProblem::Syntax(_))
        ));
        assert_eq!(
            parse_object(b"{\"a\":\"\xff\"}", 8),
            Err(JsonProblem::NotUtf8 { valid_up_to: 6 })
        );
    }

    #[test]
    fn surrogate_pairs_decode() {
        let map = parse_object(br#"{"u":"\ud83d\ude00"}"#, 8).unwrap();
        assert_eq!(map["u"], "\u{1F600}");
    }
}
