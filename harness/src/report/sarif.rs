//! SARIF 2.1.0 (`--format sarif`): the findings of `check`, `check --batch`
//! and `audit` as static-analysis results, which GitHub code scanning and
//! other SARIF viewers show beside the file the tokens came from.
//!
//! `tool.driver.rules` holds every rule of the catalogue (id, message,
//! fix, the fixes per language of the mistakes behind it, the vendor page
//! or RFC section as `helpUri`); each error or warning finding is a
//! `result` at the token's file and line when the token came from a file.
//! The results are written as they come, so a batch of a million tokens
//! is never held in memory.

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::mistakes;
use crate::rules::{self, Rule, Severity};

/// The SARIF schema this output follows.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where the iAdvize and Moveo.AI pages behind the rules are.
const IADVIZE_URI: &str = "https://docs.iadvize.dev/technologies/authenticated-messaging/web-backend-implementation/signature-and-encryption-detailed-process";
const MOVEO_URI: &str = "https://docs.moveo.ai/docs/integrations/web-client/user-authentication";

/// The web page of a rule's reference: the first RFC section it names
/// (at the RFC Editor), else the vendor page it names.
pub fn reference_uri(reference: &str) -> Option<String> {
    if let Some(at) = reference.find("RFC ") {
        let rest = &reference[at + 4..];
        let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !number.is_empty() {
            let after = &rest[number.len()..];
            let section: String = after
                .strip_prefix(" §")
                .map(|s| {
                    s.chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '.')
                        .collect::<String>()
                        .trim_end_matches('.')
                        .to_owned()
                })
                .unwrap_or_default();
            return Some(if section.is_empty() {
                format!("https://www.rfc-editor.org/rfc/rfc{number}")
            } else {
                format!("https://www.rfc-editor.org/rfc/rfc{number}#section-{section}")
            });
        }
    }
    if reference.contains("iAdvize") {
        Some(IADVIZE_URI.to_owned())
    } else if reference.contains("Moveo") {
        Some(MOVEO_URI.to_owned())
    } else {
        None
    }
}

/// SARIF's level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A rule's help: its fix, then, per mistake of the catalogue behind it,
/// the fix in each language.
fn help(rule: &Rule) -> (String, String) {
    let mut text = format!("Fix: {}", rule.fix);
    let mut markdown = format!("**Fix:** {}", rule.fix);
    for mistake in mistakes::for_rule(rule.id) {
        text.push_str(&format!(
            "\n\nWhen the cause is {}: {}",
            mistake.id, mistake.message
        ));
        markdown.push_str(&format!(
            "\n\n**When the cause is `{}`:** {}\n",
            mistake.id, mistake.message
        ));
        for (lang, fix) in mistake.fixes {
            text.push_str(&format!("\n  {}: {fix}", lang.label()));
            markdown.push_str(&format!("\n- *{}*: {fix}", lang.label()));
        }
    }
    text.push_str(&format!("\n\nReference: {}", rule.reference));
    markdown.push_str(&format!("\n\n**Reference:** {}", rule.reference));
    (text, markdown)
}

fn rule_descriptor(rule: &Rule) -> Value {
    let (text, markdown) = help(rule);
    let mut descriptor = json!({
        "id": rule.id,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": format!("{} ({})", rule.message, rule.reference)},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"reference": rule.reference, "tags": ["jose", "conformance"]},
    });
    if let Some(uri) = reference_uri(rule.reference) {
        descriptor["helpUri"] = Value::String(uri);
    }
    descriptor
}

/// A path as a SARIF artifact URI: relative paths as they are (with `/`),
/// absolute ones as `file://` URIs; characters URIs reserve are escaped.
pub fn artifact_uri(path: &str) -> String {
    let mut escaped = String::new();
    for c in path.replace('\\', "/").chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '.' | '_' | '~' | '/' | ':' => {
                escaped.push(c)
            }
            _ => {
                let mut bytes = [0u8; 4];
                for b in c.encode_utf8(&mut bytes).bytes() {
                    escaped.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    if escaped.starts_with('/') {
        format!("file://{escaped}")
    } else {
        escaped
    }
}

/// A result: finding `id` at `severity` with `message`, at `location`
/// (a file's URI and a line) when the token came from a file.
pub fn result(
    id: &str,
    severity: Severity,
    message: &str,
    location: Option<(&str, u64)>,
    properties: Option<Value>,
) -> Value {
    let mut result = json!({
        "ruleId": id,
        "level": level(severity),
        "message": {"text": message},
    });
    if let Some(index) = rules::ALL.iter().position(|r| r.id == id) {
        result["ruleIndex"] = json!(index);
    }
    if let Some((uri, line)) = location {
        result["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": {"startLine": line.max(1)},
            }
        }]);
    }
    if let Some(properties) = properties {
        result["properties"] = properties;
    }
    result
}

/// A SARIF log written as its results come: [`Log::start`] writes the run
/// and the rules, [`Log::result`] each result, [`Log::finish`] the rest.
pub struct Log<'w> {
    out: &'w mut dyn Write,
    tail: String,
    first: bool,
}

impl<'w> Log<'w> {
    /// Starts the log of one run of `command_line`.
    pub fn start(out: &'w mut dyn Write, command_line: &str) -> io::Result<Self> {
        const HOLE: &str = "\u{0}results\u{0}";
        let log = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "jose-harness",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://www.rfc-editor.org/rfc/rfc8725",
                    "rules": rules::ALL.iter().map(rule_descriptor).collect::<Vec<_>>(),
                }},
                "invocations": [{"commandLine": command_line, "executionSuccessful": true}],
                "columnKind": "unicodeCodePoints",
                "results": HOLE,
            }],
        });
        let text = serde_json::to_string_pretty(&log).map_err(io::Error::other)?;
        let hole = serde_json::to_string(HOLE).map_err(io::Error::other)?;
        let (head, tail) = text
            .split_once(&hole)
            .ok_or_else(|| io::Error::other("the SARIF skeleton lost its results"))?;
        out.write_all(head.as_bytes())?;
        out.write_all(b"[")?;
        Ok(Log {
            out,
            tail: tail.to_owned(),
            first: true,
        })
    }

    /// Writes one result.
    pub fn result(&mut self, result: &Value) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        self.out.write_all(b"\n        ")?;
        serde_json::to_writer(&mut *self.out, result).map_err(io::Error::other)
    }

    /// Ends the log.
    pub fn finish(self) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b"\n      ")?;
        }
        self.out.write_all(b"]")?;
        self.out.write_all(self.tail.as_bytes())?;
        self.out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_point_to_the_rfc_section_or_the_vendor_page() {
        assert_eq!(
            reference_uri("RFC 7519 §4.1.4 and §4.1.6").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4")
        );
        assert_eq!(
            reference_uri("RFC 8259").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc8259")
        );
        assert_eq!(
            reference_uri("Moveo.AI, User authentication").as_deref(),
            Some(MOVEO_URI)
        );
        assert_eq!(reference_uri("our rule: resource bound"), None);
    }

    #[test]
    fn paths_become_uris() {
        assert_eq!(artifact_uri("tokens/a b.txt"), "tokens/a%20b.txt");
        assert_eq!(artifact_uri("/tmp/x#1"), "file:///tmp/x%231");
    }

    #[test]
    fn a_streamed_log_is_one_json_document() {
        let mut out = Vec::new();
        let mut log = Log::start(&mut out, "jose-harness check").unwrap();
        log.result(&result(
            "jws.alg.none",
            Severity::Error,
            "m",
            Some(("t.txt", 2)),
            None,
        ))
        .unwrap();
        log.result(&result("key.test_key", Severity::Warning, "w", None, None))
            .unwrap();
        log.finish().unwrap();
        let value: Value = serde_json::from_slice(&out).unwrap();
        let results = value["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            2
        );
        let rules = value["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), rules::ALL.len());
        let index = results[0]["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], "jws.alg.none");
    }
}
