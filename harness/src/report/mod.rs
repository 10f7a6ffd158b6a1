//! Writing reports: one small trait with a file per format for a token's
//! report ([`text`], [`json`]); a file per kind of run for the runs'
//! results ([`vectors`], [`matrix`], [`wycheproof`], [`rooterberg`]); and
//! the auditors' report of a whole run ([`crate::audit`], as [`html`] or [`markdown`]). Every
//! writer here renders data the runners made; none runs anything.

use std::io::{self, Write};

use crate::findings::Report;

pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod matrix;
pub mod rooterberg;
pub mod sarif;
pub mod text;
pub mod vectors;
pub mod wycheproof;

/// A way of writing a [`Report`].
pub trait Reporter {
    /// Writes one report.
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}
