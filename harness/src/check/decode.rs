//! Lenient decoding: base64 segments and JSON objects read as far as they
//! go, each flaw a finding, so the checks after them still run.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::TokenCheck;
use crate::jose::b64::{self, B64Flaw, Dialect};
use crate::jose::json::{self, JsonProblem};
use crate::rules::{self as r, Rule};

impl TokenCheck<'_, '_> {
    /// Decodes one base64url segment, reporting each flaw.
    pub(super) fn segment(&mut self, name: &str, text: &str) -> Option<Vec<u8>> {
        let decoded = b64::decode(text, Dialect::Url);
        for flaw in &decoded.flaws {
            let rule = match flaw {
                B64Flaw::Padding => r::B64_PADDING,
                B64Flaw::StdAlphabet => r::B64_ALPHABET,
                B64Flaw::Whitespace => r::B64_WHITESPACE,
                B64Flaw::TrailingBits => r::B64_TRAILING_BITS,
                _ => r::B64_INVALID,
            };
            self.add(rule, format!("{name}: {}", flaw.describe()));
        }
        decoded.bytes
    }

    /// Decodes and parses a JSON-object segment.
    pub(super) fn json_segment(&mut self, name: &str, text: &str) -> Option<Map<String, Value>> {
        let bytes = self.segment(name, text)?;
        self.json_object(name, &bytes, r::JSON_NOT_OBJECT)
    }

    /// Parses bytes as a strict JSON object. On duplicate members the rest
    /// of the checks read the last value, as most parsers would.
    pub(super) fn json_object(
        &mut self,
        name: &str,
        bytes: &[u8],
        other: Rule,
    ) -> Option<Map<String, Value>> {
        match json::parse_object(bytes, self.o.limits.max_json_depth) {
            Ok(map) if map.len() > self.o.limits.max_json_members => {
                self.add(
                    r::JSON_MEMBERS,
                    format!(
                        "{name}: {} members; the limit is {}",
                        map.len(),
                        self.o.limits.max_json_members
                    ),
                );
                None
            }
            Ok(map) => Some(map),
            Err(JsonProblem::DuplicateMember(member)) => {
                self.add(
                    r::JSON_DUPLICATE,
                    format!("{name}: member {member:?} appears more than once; the checks below read the last one"),
                );
                serde_json::from_slice(bytes).ok()
            }
            Err(problem) => {
                let rule = match (&problem, other.id) {
                    (JsonProblem::TooDeep(_), _) => r::JSON_DEPTH,
                    (_, id) if id == r::MOVEO_CONTEXT_JSON.id => other,
                    (JsonProblem::NotUtf8 { .. }, _) => r::JSON_UTF8,
                    (JsonProblem::Syntax(_), _) => r::JSON_SYNTAX,
                    _ => other,
                };
                self.add(rule, format!("{name}: {problem}"));
                None
            }
        }
    }

    /// Decodes a moveo context claim: standard base64, reporting the
    /// base64url form and every other flaw.
    pub(super) fn std_base64(&mut self, name: &str, text: &str) -> Option<Vec<u8>> {
        let decoded = b64::decode(text, Dialect::Standard);
        let url: Vec<&str> = decoded
            .flaws
            .iter()
            .filter(|f| matches!(f, B64Flaw::UrlAlphabet | B64Flaw::MissingPadding))
            .map(|f| f.describe())
            .collect();
        if !url.is_empty() {
            self.add(
                r::MOVEO_CONTEXT_BASE64URL,
                format!("{name}: {}", url.join("; ")),
            );
        }
        for flaw in decoded
            .flaws
            .iter()
            .filter(|f| !matches!(f, B64Flaw::UrlAlphabet | B64Flaw::MissingPadding))
        {
            self.add(
                r::MOVEO_CONTEXT_BASE64,
                format!("{name}: {}", flaw.describe()),
            );
        }
        decoded.bytes
    }

    /// Checks a decrypted key or IV's length; recognises base64 or hex text
    /// of a right-sized secret and goes on with the decoded bytes.
    pub(super) fn secret_length(
        &mut self,
        secret: &[u8],
        sizes: &[usize],
        length_rule: Rule,
        text_rule: Rule,
        what: &str,
    ) -> Option<Zeroizing<Vec<u8>>> {
        if sizes.contains(&secret.len()) {
            return Some(Zeroizing::new(secret.to_vec()));
        }
        if let Ok(text) = std::str::from_utf8(secret) {
            let text = text.trim();
            let as_b64 = b64::decode(text, Dialect::Standard)
                .strict()
                .map(Zeroizing::new);
            let as_hex = decode_hex(text);
            for (form, bytes) in [("base64", as_b64), ("hex", as_hex)] {
                if let Some(bytes) = bytes.filter(|b| sizes.contains(&b.len())) {
                    self.add(
                        text_rule,
                        format!(
                            "{what} is {} characters of {form} text for {} bytes",
                            text.len(),
                            bytes.len()
                        ),
                    );
                    return Some(bytes);
                }
            }
        }
        let aes192 = if secret.len() == 24 && sizes.len() == 2 {
            " (AES-192)"
        } else {
            ""
        };
        self.add(
            length_rule,
            format!("{what} is {} bytes{aes192}", secret.len()),
        );
        None
    }
}

/// Hex text as bytes, zeroized when dropped (it is a key or an IV here).
pub(super) fn decode_hex(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect::<Option<Vec<u8>>>()
        .map(Zeroizing::new)
}
