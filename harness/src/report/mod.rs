//! Writing reports: one small trait, one file per format; and the
//! auditors' report of a whole run ([`audit`], as [`html`] or [`markdown`]).

use std::io::{self, Write};

use crate::findings::Report;

pub mod audit;
pub mod html;
pub mod json;
pub mod markdown;
pub mod matrix;
pub mod text;

/// A way of writing a [`Report`].
pub trait Reporter {
    /// Writes one report.
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}
