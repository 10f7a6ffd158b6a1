//! The report for people: the verdict on the first line, then every
//! finding with what was found, how to fix it and where the rule comes
//! from, then what was not checked, then the decoded token.

use std::io::{self, Write};

use serde_json::Value;

use super::Reporter;
use crate::findings::{Report, Verdict};
use crate::mistakes::Status;
use crate::profile::Profile;
use crate::rules::Severity;
use crate::time::utc;

/// Text for a terminal; ANSI colour only when asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Text {
    /// Whether to use ANSI colours.
    pub color: bool,
}

const RED: &str = "\x1b[1;31m";
const GREEN: &str = "\x1b[1;32m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Text {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

impl Text {
    /// The decoded parts of the token: headers, claims, context.
    pub fn write_contents(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let outer = match report.profile {
            Profile::Iadvize => "JWE header",
            Profile::Moveo => "JWS header",
        };
        let sections = [
            (outer, &report.header),
            ("JWS header (inner)", &report.inner_header),
            ("Claims", &report.claims),
            ("Context (decrypted)", &report.context),
        ];
        for (title, value) in sections {
            if let Some(value) = value {
                writeln!(out)?;
                writeln!(out, "{}", self.paint(BOLD, title))?;
                write_json(out, value)?;
            }
        }
        Ok(())
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

impl Reporter for Text {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let errors = report.count(Severity::Error);
        let warnings = report.count(Severity::Warning);
        let profile = report.profile.as_str();
        let summary = match report.verdict {
            Verdict::Pass => format!(
                "{}  {profile} token conforms ({})",
                self.paint(GREEN, "PASS"),
                plural(warnings, "warning")
            ),
            Verdict::Fail => format!(
                "{}  {profile} token does not conform: {}, {}",
                self.paint(RED, "FAIL"),
                plural(errors, "error"),
                plural(warnings, "warning")
            ),
            Verdict::Incomplete => format!(
                "{}  {profile} token: no error in what could be checked, but {} not checked",
                self.paint(YELLOW, "INCOMPLETE"),
                plural(report.not_checked.len(), "part"),
            ),
        };
        writeln!(out, "{summary}")?;
        writeln!(
            out,
            "      checked at {} ({}) with backend {}",
            report.now,
            utc(report.now),
            report.backend
        )?;
        if !report.findings.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", self.paint(BOLD, "Findings"))?;
        }
        for f in &report.findings {
            let (style, label) = match f.severity {
                Severity::Error => (RED, "error  "),
                Severity::Warning => (YELLOW, "warning"),
                Severity::Info => (BLUE, "info   "),
            };
            writeln!(
                out,
                "  {} {}  {}",
                self.paint(style, label),
                f.id,
                f.message
            )?;
            writeln!(out, "          found: {}", f.detail)?;
            if let Some(cause) = &f.cause {
                writeln!(
                    out,
                    "          cause: {} ({}): {}",
                    match cause.status {
                        Status::Confirmed => "confirmed",
                        Status::Likely => "likely",
                    },
                    cause.id,
                    cause.message
                )?;
                if let Some(evidence) = &cause.evidence {
                    writeln!(out, "                 {evidence}")?;
                }
            }
            writeln!(out, "          fix:   {}", f.fix)?;
            if let Some(fixes) = &f.fixes {
                let all = fixes.ordered();
                let shown: Vec<_> = match fixes.preferred() {
                    Some(lang) if all.iter().any(|(l, _)| *l == lang) => {
                        all.into_iter().filter(|(l, _)| *l == lang).collect()
                    }
                    _ => all,
                };
                for (lang, fix) in shown {
                    writeln!(out, "          {:<12} {fix}", format!("{}:", lang.label()))?;
                }
            }
            writeln!(out, "          see:   {}", f.reference)?;
        }
        if !report.not_checked.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", self.paint(BOLD, "Not checked"))?;
            for n in &report.not_checked {
                writeln!(out, "  - {}: {}", n.part, n.reason)?;
            }
        }
        self.write_contents(report, out)
    }
}

/// Pretty JSON, indented by two spaces, with NumericDates annotated.
fn write_json(out: &mut dyn Write, value: &Value) -> io::Result<()> {
    let pretty = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    for line in pretty.lines() {
        let note = ["\"exp\": ", "\"iat\": ", "\"nbf\": "]
            .iter()
            .find_map(|k| line.trim_start().strip_prefix(k))
            .and_then(|v| v.trim_end_matches(',').parse::<i64>().ok())
            .map(|t| format!("   ({})", utc(t)))
            .unwrap_or_default();
        writeln!(out, "  {line}{note}")?;
    }
    Ok(())
}
