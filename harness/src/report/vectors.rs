//! A vectors run for people: one line per implementation, then every
//! known quirk and unexpected outcome.

use std::io::{self, Write};

use crate::vectors::run::RunReport;

/// Writes the run as text: one line per implementation, then every
/// unexpected outcome; with `all`, one line per vector too.
pub fn write_text(report: &RunReport, all: bool, out: &mut dyn Write) -> io::Result<()> {
    let verdict = if report.unexpected.is_empty() {
        "PASS"
    } else {
        "FAIL"
    };
    writeln!(
        out,
        "vectors: {verdict}  ({} vectors, {} unexpected outcomes)",
        report.vectors,
        report.unexpected.len()
    )?;
    let width = report
        .rows
        .iter()
        .map(|r| r.implementation.len())
        .max()
        .unwrap_or(0);
    for row in &report.rows {
        writeln!(
            out,
            "  {:<width$}  {}/{} as expected  ({})",
            row.implementation, row.passed, row.run, row.library
        )?;
    }
    if all {
        writeln!(out)?;
        for (id, per) in &report.outcomes {
            let cells: Vec<String> = per.iter().map(|(i, o)| format!("{i}: {o}")).collect();
            writeln!(out, "  {id}  {}", cells.join("; "))?;
        }
    }
    if !report.quirks.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "known quirks (listed in the quirks file, not failures):"
        )?;
        for u in &report.quirks {
            writeln!(
                out,
                "  {} on {}: expected {}, got {}",
                u.implementation, u.id, u.expected, u.actual
            )?;
        }
    }
    if !report.unexpected.is_empty() {
        writeln!(out)?;
        writeln!(out, "unexpected:")?;
        for u in &report.unexpected {
            writeln!(
                out,
                "  {} on {}: expected {}, got {}",
                u.implementation, u.id, u.expected, u.actual
            )?;
        }
    }
    Ok(())
}
