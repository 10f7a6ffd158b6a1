//! Progress bars on stderr (indicatif), fed by the library's progress
//! callbacks: the vectors run, the interop matrix and `check --batch`.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use jose_harness::batch::Summary;
use jose_harness::implementation::{Implementation, Quirks};
use jose_harness::interop::{self, Matrix};
use jose_harness::vectors::run::RunReport;
use jose_harness::vectors::{self, VectorFile};

/// Runs every vector on every implementation, with a progress bar
/// (`vectors run` and `report`).
pub fn run_vectors_with_progress(
    files: &[(PathBuf, VectorFile)],
    keys: &Path,
    impls: &[Implementation],
    quirks: &Quirks,
) -> Result<RunReport> {
    let total: usize = files.iter().map(|(_, f)| f.tests.len()).sum::<usize>() * impls.len();
    let progress = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    let report = vectors::run::run(files, keys, impls, quirks, &|| progress.inc(1))?;
    progress.finish_and_clear();
    Ok(report)
}

/// Runs the interop matrix with a progress bar (`interop` and `report`).
pub fn run_interop_with_progress(
    impls: &[Implementation],
    options: &interop::Options,
    quirks: &Quirks,
) -> Matrix {
    // Hidden by indicatif itself when stderr is not a terminal.
    let progress = ProgressBar::with_draw_target(
        Some(interop::work(impls, options) as u64),
        ProgressDrawTarget::stderr(),
    );
    progress.set_style(
        ProgressStyle::with_template(
            "interop {bar:30} {pos}/{len} tokens judged, {msg}, {rate}, {elapsed} (ETA {eta})",
        )
        .map(|style| {
            style.with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0}/s", state.per_sec());
                },
            )
        })
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    progress.set_message("0 failures");
    progress.enable_steady_tick(Duration::from_millis(500));
    let failures = AtomicUsize::new(0);
    let matrix = interop::run(impls, options, quirks, &|failed| {
        if failed {
            let n = failures.fetch_add(1, Ordering::Relaxed) + 1;
            progress.set_message(format!("{n} failure{}", if n == 1 { "" } else { "s" }));
        }
        progress.inc(1);
    });
    progress.finish_and_clear();
    matrix
}

/// The bytes and tokens of `check --batch` done, shown only when stderr
/// is a terminal.
pub struct BatchProgress {
    bar: Option<ProgressBar>,
}

impl BatchProgress {
    /// A bar over `size` input bytes (a spinner when the size is not
    /// known, as on stdin), or nothing when stderr is not a terminal.
    pub fn on_terminal(size: Option<u64>) -> Self {
        Self {
            bar: io::stderr().is_terminal().then(|| batch_bar(size)),
        }
    }

    /// Shows the summary so far.
    pub fn update(&self, summary: &Summary) {
        if let Some(bar) = &self.bar {
            bar.set_position(summary.bytes);
            bar.set_message(format!(
                "{} tokens, {:.0}/s",
                summary.tokens,
                summary.rate()
            ));
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn batch_bar(size: Option<u64>) -> ProgressBar {
    let bar = match size {
        Some(size) => ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr())
            .with_style(
                ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {msg} (eta {eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {bytes} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
