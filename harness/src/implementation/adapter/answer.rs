//! Reading one answer line of the adapter protocol.
//!
//! An adapter is a program in any language, and the protocol asks it for
//! JSON: the reader accepts every line a conforming JSON writer can
//! produce. RFC 8259's grammar allows a `\u` escape of a lone UTF-16
//! surrogate (`"\ud83d"`), and JavaScript and Python write one whenever
//! their string holds half a pair (an error message cut at a fixed length
//! inside an emoji, say); serde_json refuses it, as the token parsers of
//! [`crate::json`] do. Here each lone surrogate escape, and each byte that
//! is not UTF-8 inside a string, becomes U+FFFD, and where that happened is
//! kept as a JSON pointer ([`Answer::replaced_in`]).
//!
//! Which members that matters for is the caller's to say, because it
//! knows which ones it compares: free text (`error`, `name`, `library`)
//! is shown to people and is read with the replacement; data (`claims`,
//! `context`, `token`) is compared with what the harness sent, and a
//! replacement there must not pass for what the adapter read. No case the
//! harness sends holds such a string (its strings are Rust strings, and
//! its token parsers refuse lone surrogates), so a consumer that answers
//! one read something else, and is judged so.

use serde_json::{Map, Value};

/// One answer, read: its members, and where something that is not Unicode
/// text was replaced by U+FFFD.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    members: Map<String, Value>,
    replaced: Vec<String>,
}

impl Answer {
    /// A member.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.get(name)
    }

    /// Every member.
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }

    /// Every member, owned.
    pub fn into_members(self) -> Map<String, Value> {
        self.members
    }

    /// The JSON pointers (RFC 6901) of every string, member name included,
    /// that held a lone surrogate escape or bytes that are not UTF-8,
    /// replaced by U+FFFD in [`Answer::members`].
    pub fn replaced(&self) -> &[String] {
        &self.replaced
    }

    /// Those of [`Answer::replaced`] in the member `name` (`/claims`,
    /// `/claims/iss`, `/claims/a~1b/0`…).
    pub fn replaced_in(&self, name: &str) -> Vec<&str> {
        let top = pointer_token(name);
        self.replaced
            .iter()
            .map(String::as_str)
            .filter(|p| {
                p.strip_prefix('/')
                    .and_then(|rest| rest.strip_prefix(top.as_str()))
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .collect()
    }
}

/// Reads one answer line: a JSON object, lone surrogate escapes and bytes
/// that are not UTF-8 inside strings replaced by U+FFFD (and their places
/// kept); anything else that is not JSON is an error, serde_json's message.
pub fn parse_answer(line: &[u8]) -> Result<Answer, String> {
    // The common case: strict JSON, nothing replaced.
    let strict = std::str::from_utf8(line)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(text).ok());
    let (value, replaced) = match strict {
        Some(value) => (value, Vec::new()),
        None => {
            let (text, replaced) = mend(line);
            let value = serde_json::from_str::<Value>(&text).map_err(|e| e.to_string())?;
            (value, replaced)
        }
    };
    match value {
        Value::Object(members) => Ok(Answer { members, replaced }),
        _ => Err("not a JSON object".into()),
    }
}

/// Deeper than this, serde_json refuses the line (its recursion limit):
/// the scan stops and leaves the refusal to it.
const MAX_DEPTH: usize = 128;

/// At most this many places are kept per top-level member: enough to judge
/// it, and a line of a million mended strings under long names cannot make
/// the list grow faster than the line.
const PLACES_PER_MEMBER: usize = 8;

/// Where the scan is: inside an object (its current member name, and
/// whether the next string is a name) or an array (the current index).
enum Frame {
    Object { name: String, expects_name: bool },
    Array { index: usize },
}

/// The line with every lone surrogate escape and every byte that is not
/// UTF-8 inside a string replaced by U+FFFD, and the pointers of those
/// strings. Outside strings nothing is changed: serde_json judges the
/// rest, so a line that is not JSON stays an error.
fn mend(line: &[u8]) -> (String, Vec<String>) {
    let mut out: Vec<u8> = Vec::with_capacity(line.len());
    let mut replaced = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    // Places kept in the current top-level member.
    let mut kept = 0;
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b'"' => {
                let start = out.len();
                let (end, mended) = string(line, i, &mut out);
                i = end;
                let is_name = matches!(
                    stack.last(),
                    Some(Frame::Object {
                        expects_name: true,
                        ..
                    })
                );
                if is_name {
                    let name = serde_json::from_slice::<String>(&out[start..])
                        .unwrap_or_else(|_| String::from_utf8_lossy(&out[start..]).into_owned());
                    if let Some(Frame::Object { name: current, .. }) = stack.last_mut() {
                        *current = name;
                    }
                    if stack.len() == 1 {
                        kept = 0;
                    }
                }
                if mended && kept < PLACES_PER_MEMBER {
                    replaced.push(pointer(&stack));
                    kept += 1;
                }
                continue;
            }
            b'{' | b'[' if stack.len() >= MAX_DEPTH => break,
            b'{' => stack.push(Frame::Object {
                name: String::new(),
                expects_name: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { expects_name, .. }) = stack.last_mut() {
                    *expects_name = false;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expects_name, .. }) => *expects_name = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        out.push(line[i]);
        i += 1;
    }
    // Cut short (too deep): the rest as it was, for serde_json to refuse.
    out.extend_from_slice(&line[i.min(line.len())..]);
    // Only strings were changed, and into UTF-8; anything left that is not
    // UTF-8 lies outside strings, where serde_json refuses U+FFFD too.
    let text = match String::from_utf8(out) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    (text, replaced)
}

/// Copies the string literal starting at `line[start]` (a `"`) into `out`,
/// mended; returns where it ends and whether anything was replaced.
fn string(line: &[u8], start: usize, out: &mut Vec<u8>) -> (usize, bool) {
    const REPLACEMENT: &[u8] = b"\\ufffd";
    let mut mended = false;
    out.push(b'"');
    let mut i = start + 1;
    while i < line.len() {
        let b = line[i];
        if b == b'"' {
            out.push(b);
            return (i + 1, mended);
        }
        if b == b'\\' {
            match surrogate_escape(line, i) {
                // A high surrogate followed by a low one: a pair, kept.
                Some(0xD800..=0xDBFF)
                    if matches!(surrogate_escape(line, i + 6), Some(0xDC00..=0xDFFF)) =>
                {
                    out.extend_from_slice(&line[i..i + 12]);
                    i += 12;
                }
                Some(_) => {
                    out.extend_from_slice(REPLACEMENT);
                    mended = true;
                    i += 6;
                }
                None => {
                    // Any other escape: its next byte cannot end the string.
                    out.extend_from_slice(&line[i..(i + 2).min(line.len())]);
                    i += 2;
                }
            }
            continue;
        }
        let width = match b {
            0x00..=0x7F => 1,
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        };
        match line.get(i..i + width.max(1)) {
            Some(char) if width > 0 && std::str::from_utf8(char).is_ok() => {
                out.extend_from_slice(char);
                i += width;
            }
            _ => {
                out.extend_from_slice(REPLACEMENT);
                mended = true;
                i += 1;
            }
        }
    }
    // No closing quote: serde_json says so.
    (i, mended)
}

/// The code unit of a `\uXXXX` escape at `line[at]` if it is a surrogate.
fn surrogate_escape(line: &[u8], at: usize) -> Option<u16> {
    let escape = line.get(at..at + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&escape[2..]).ok()?;
    let unit = u16::from_str_radix(hex, 16).ok()?;
    (0xD800..=0xDFFF).contains(&unit).then_some(unit)
}

/// The JSON pointer of the value (or member name) the scan is at.
fn pointer(stack: &[Frame]) -> String {
    let mut pointer = String::new();
    for frame in stack {
        pointer.push('/');
        match frame {
            Frame::Object { name, .. } => pointer.push_str(&pointer_token(name)),
            Frame::Array { index } => pointer.push_str(&index.to_string()),
        }
    }
    pointer
}

/// One reference token of a JSON pointer: `~` and `/` escaped.
fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(line: &str) -> Answer {
        parse_answer(line.as_bytes()).unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    #[test]
    fn a_lone_high_surrogate_in_the_error_is_replaced_and_located() {
        let answer = read(r#"{"id":1,"verdict":"fail","error":"i\ud83d\"...","claims":null}"#);
        assert_eq!(answer.get("error"), Some(&json!("i\u{fffd}\"...")));
        assert_eq!(answer.replaced(), ["/error"]);
        assert!(answer.replaced_in("claims").is_empty());
        assert_eq!(answer.get("claims"), Some(&Value::Null));
    }

    #[test]
    fn a_lone_low_surrogate_and_a_reversed_pair_are_replaced() {
        let answer = read(r#"{"error":"a\ude00b\ude00\ud83dc"}"#);
        assert_eq!(
            answer.get("error"),
            Some(&json!("a\u{fffd}b\u{fffd}\u{fffd}c"))
        );
    }

    #[test]
    fn a_pair_of_escapes_is_one_character_upper_or_lower_case() {
        let answer = read(r#"{"error":"\ud83d\ude00 \uD83D\uDE00"}"#);
        assert_eq!(answer.get("error"), Some(&json!("😀 😀")));
        assert!(answer.replaced().is_empty());
    }

    #[test]
    fn an_escaped_backslash_before_u_is_not_an_escape() {
        let answer = read(r#"{"error":"\\ud83d"}"#);
        assert_eq!(answer.get("error"), Some(&json!("\\ud83d")));
        assert!(answer.replaced().is_empty());
    }

    #[test]
    fn replacements_in_data_are_located_by_pointer() {
        let answer =
            read(r#"{"claims":{"iss":"x\udc00","a/b":["ok","\ud800"],"n\ud800":1},"error":null}"#);
        assert_eq!(
            answer.replaced(),
            ["/claims/iss", "/claims/a~1b/1", "/claims/n\u{fffd}"]
        );
        assert_eq!(answer.replaced_in("claims").len(), 3);
        assert!(answer.replaced_in("claim").is_empty());
        assert!(answer.replaced_in("error").is_empty());
    }

    #[test]
    fn bytes_that_are_not_utf8_inside_a_string_are_replaced() {
        let answer = parse_answer(b"{\"error\":\"a\xffb\xe2\x82\",\"id\":2}").unwrap();
        assert_eq!(
            answer.get("error"),
            Some(&json!("a\u{fffd}b\u{fffd}\u{fffd}"))
        );
        assert_eq!(answer.get("id"), Some(&json!(2)));
        assert_eq!(answer.replaced(), ["/error"]);
    }

    #[test]
    fn a_hostile_line_keeps_few_places_and_nesting_stays_bounded() {
        let many: Vec<String> = (0..10_000).map(|_| r#""\ud800""#.to_owned()).collect();
        let line = format!(
            r#"{{"error":[{}],"claims":{{"iss":"\ud800"}}}}"#,
            many.join(",")
        );
        let answer = read(&line);
        assert_eq!(answer.replaced_in("error").len(), PLACES_PER_MEMBER);
        assert_eq!(answer.replaced_in("claims"), ["/claims/iss"]);

        let deep = format!(
            r#"{{"error":"\ud800","x":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let refused = parse_answer(deep.as_bytes()).expect_err("too deep");
        assert!(refused.contains("recursion limit"), "{refused}");
    }

    #[test]
    fn what_is_not_json_stays_an_error() {
        for line in [
            b"{\"error\":\"\\ud83d\"" as &[u8],
            b"{\"error\":\"\\u12\"}",
            b"{\"error\":\"\\q\"}",
            b"[\"\\ud83d\"]",
            b"{\"id\":1}\xff",
            b"{\"id\":\xff}",
            b"not json",
        ] {
            assert!(
                parse_answer(line).is_err(),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }
}
