//! Project Wycheproof's JOSE results for people: per file and backend
//! the counts, then every unexpected result.

use std::io::{self, Write};

use crate::implementation::Outcome;
use crate::wycheproof::{is_wrong_plaintext, FileResults, WycheproofReport};

/// Writes a short summary for people: per file and backend, the cases run,
/// passed and unexpected, and the skipped ones by reason; then every
/// unexpected result with its case, expectation, outcome and library.
pub fn write_text(report: &WycheproofReport, out: &mut dyn Write) -> io::Result<()> {
    write_suite_text("wycheproof", &[], &report.files, report.unexpected, out)
}

/// [`write_text`] for any outside suite's files run as Wycheproof's are:
/// `suite` names it on the first line, `notes` follow it.
pub fn write_suite_text(
    suite: &str,
    notes: &[String],
    files: &[FileResults],
    unexpected: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let verdict = if unexpected == 0 { "PASS" } else { "FAIL" };
    writeln!(
        out,
        "{suite}: {verdict}  ({unexpected} unexpected result{})",
        if unexpected == 1 { "" } else { "s" }
    )?;
    for note in notes {
        writeln!(out, "  {note}")?;
    }
    for file in files {
        writeln!(out)?;
        writeln!(
            out,
            "{} ({} tests; {})",
            file.file, file.number_of_tests, file.runs
        )?;
        writeln!(out, "  read from {}", file.path)?;
        for b in &file.backends {
            let skipped: usize = b.skipped.values().sum();
            writeln!(
                out,
                "  {}: run {}, passed {}, unexpected {}, skipped {} ({} reached the backend)",
                b.backend,
                b.run,
                b.passed,
                b.unexpected.len(),
                skipped,
                b.reached_backend
            )?;
            writeln!(out, "    library: {}", b.library)?;
            for (reason, count) in &b.skipped {
                writeln!(out, "    skipped {count:>4}: {reason}")?;
            }
        }
        if file.backends.is_empty() {
            writeln!(out, "  no backend given can run these cases")?;
        }
        if !file.not_capable.is_empty() {
            writeln!(out, "  not capable: {}", file.not_capable.join(", "))?;
        }
    }
    writeln!(out)?;
    if unexpected == 0 {
        return writeln!(out, "unexpected results: none");
    }
    writeln!(out, "unexpected results:")?;
    for file in files {
        for b in &file.backends {
            for u in &b.unexpected {
                let flags = if u.flags.is_empty() {
                    "none".to_owned()
                } else {
                    u.flags.join(", ")
                };
                writeln!(
                    out,
                    "  {} tcId {} ({} / {}), flags {flags}",
                    file.file, u.tc_id, u.group, u.comment
                )?;
                writeln!(
                    out,
                    "    {} [{}]: expected {}, got {}",
                    b.backend,
                    b.library,
                    u.expected.as_str(),
                    describe(&u.actual)
                )?;
            }
        }
    }
    Ok(())
}

/// A Wycheproof case's outcome in words: `accepted`, `rejected (STAGE):
/// REASON`, `crashed: DETAIL`, or that a JWE decrypted to another
/// plaintext.
pub fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Crashed { detail } if is_wrong_plaintext(outcome) => detail.clone(),
        Outcome::Accepted { .. } => "accepted".to_owned(),
        Outcome::Rejected { class, detail } => format!("rejected ({class}): {detail}"),
        Outcome::Skipped { reason } => format!("skipped: {reason}"),
        Outcome::Crashed { detail } => format!("crashed: {detail}"),
    }
}
