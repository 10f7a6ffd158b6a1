//! Project Rooterberg's results for people, laid out as Wycheproof's: per
//! file and backend the counts, then every unexpected result.

use std::io::{self, Write};

use super::wycheproof::write_suite_text;
use crate::rooterberg::RooterbergReport;

/// Writes a short summary for people: where the files were found (and
/// which kinds were not), per file and backend the tests run, passed and
/// unexpected, and the skipped ones by reason; then every unexpected
/// result with its test, expectation, outcome and library.
pub fn write_text(report: &RooterbergReport, out: &mut dyn Write) -> io::Result<()> {
    let mut notes = vec![format!("searched {}", report.dir)];
    if !report.not_found.is_empty() {
        notes.push(format!("no file found for {}", report.not_found.join(", ")));
    }
    write_suite_text("rooterberg", &notes, &report.files, report.unexpected, out)
}
