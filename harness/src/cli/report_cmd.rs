//! `jose-harness report`: runs `vectors run` and `interop` (or reads their
//! saved JSON), then writes the auditors' page or the Markdown summary.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};

use jose_harness::audit;
use jose_harness::interop;
use jose_harness::report::{html, markdown};
use jose_harness::vectors::run::RunReport;

use super::args::ImplementationArgs;
use super::progress::{run_interop_with_progress, run_vectors_with_progress};
use super::{EXIT_FAIL, EXIT_PASS};

/// Interop cases per profile of a report: fewer than `interop`'s default,
/// so the page is quick to make; `--cases 200` gives CI's full matrix.
const REPORT_CASES: usize = 50;

/// The `--help` epilogue.
pub const REPORT_HELP: &str = "\
Runs every vector on every implementation (as `vectors run`) and the
interop matrix (as `interop`, 50 cases per profile unless --cases), or
reads their saved JSON with --vectors-json / --interop-json, then writes:

  --format html       DIR/index.html: one self-contained page (inline CSS,
                      JavaScript and data; loads nothing; works from file://)
                      with the summary, the vectors table with filters and a
                      detail view per vector, the interop heat map, the rules
                      catalogue, the known quirks, and Wycheproof's and
                      Rooterberg's results.
  --format markdown   the summary for a CI comment: to stdout, or to
                      DIR/summary.md when --out is given.

The same inputs give the same bytes (no clock in the report), so it can be
snapshotted.

Exit codes: 0 written and everything as expected; 1 written, but a vector,
interop cell, negative case, Wycheproof or Rooterberg case came out
unexpected (or a quirk is stale), as `vectors run` and `interop` would
exit; 2 the report could not be made.

Examples:
  jose-harness report --out target/report
  jose-harness report --out target/report --exec '.venv/bin/python scripts/peers/python-adapter.py'
  jose-harness vectors run --format json > vectors.json
  jose-harness interop --format json > interop.json
  jose-harness report --out target/report --vectors-json vectors.json --interop-json interop.json
  jose-harness report --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  jose-harness report --out target/report --rooterberg ../Rooterberg";

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// DIR/index.html, one self-contained page.
    Html,
    /// The summary as Markdown.
    Markdown,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Directory to write into (created if missing): index.html, or
    /// summary.md with --format markdown. Required for html.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// What to write.
    #[arg(long, value_enum, default_value = "html")]
    format: ReportFormat,
    /// The vectors directory (with keys/).
    #[arg(long, default_value = "vectors")]
    dir: PathBuf,
    #[command(flatten)]
    implementations: ImplementationArgs,
    /// Interop cases per profile.
    #[arg(long, default_value_t = REPORT_CASES)]
    cases: usize,
    /// Seed of the interop cases.
    #[arg(long, default_value_t = interop::DEFAULT_SEED)]
    seed: u64,
    /// Also run Project Wycheproof's JOSE files from this directory on the
    /// built-in backends.
    #[arg(long, value_name = "DIR")]
    wycheproof: Option<PathBuf>,
    /// Also run Project Rooterberg's files for the profiles' layers
    /// (jwt_rs256_*.json, jwe_rsa_oaep_256_a256gcm_*.json,
    /// aes_cbc_pkcs7_*.json, found up to 4 levels below DIR) on the
    /// built-in backends.
    #[arg(long, value_name = "DIR")]
    rooterberg: Option<PathBuf>,
    /// Read the vectors run from this file (`vectors run --format json`)
    /// instead of running it.
    #[arg(long, value_name = "FILE")]
    vectors_json: Option<PathBuf>,
    /// Read the interop matrix from this file (`interop --format json`)
    /// instead of running it.
    #[arg(long, value_name = "FILE")]
    interop_json: Option<PathBuf>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {what} from {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not {what} (write it with the same version of jose-harness)",
            path.display()
        )
    })
}

/// Runs `report`.
pub fn run_report(args: ReportArgs) -> Result<ExitCode> {
    if args.format == ReportFormat::Html && args.out.is_none() {
        bail!("--out DIR is required: the page is written to DIR/index.html");
    }
    let files = jose_harness::vectors::load_dir(&args.dir)?;
    let quirks = args.implementations.quirks()?;
    // Start the implementations (and their adapters) once, for both runs.
    let impls = if args.vectors_json.is_none() || args.interop_json.is_none() {
        args.implementations.start()?
    } else {
        Vec::new()
    };
    let run: RunReport = match &args.vectors_json {
        Some(path) => read_json(path, "a vectors run (vectors run --format json)")?,
        None => args.implementations.on_pool(|| {
            run_vectors_with_progress(&files, &args.dir.join("keys"), &impls, &quirks)
        })??,
    };
    let matrix: interop::Matrix = match &args.interop_json {
        Some(path) => read_json(path, "an interop matrix (interop --format json)")?,
        None => {
            let options = interop::Options {
                cases: args.cases,
                seed: args.seed,
                extra_args: args.implementations.as_args(),
                ..interop::Options::default()
            };
            args.implementations
                .on_pool(|| run_interop_with_progress(&impls, &options, &quirks))?
        }
    };
    drop(impls);
    let wycheproof = match &args.wycheproof {
        None => None,
        Some(dir) => {
            let suite = jose_harness::wycheproof::load(dir).with_context(|| {
                format!(
                    "cannot read Wycheproof's JOSE vectors from {}",
                    dir.display()
                )
            })?;
            eprintln!("running Wycheproof's JOSE files from {}", dir.display());
            Some(jose_harness::wycheproof::run(
                &suite,
                &args.implementations.builtin_backends()?,
            ))
        }
    };
    let rooterberg = match &args.rooterberg {
        None => None,
        Some(dir) => {
            let suite = jose_harness::rooterberg::load(dir).with_context(|| {
                format!("cannot read Rooterberg's vectors from {}", dir.display())
            })?;
            eprintln!("running Rooterberg's files from {}", dir.display());
            Some(jose_harness::rooterberg::run(
                &suite,
                &args.implementations.builtin_backends()?,
            ))
        }
    };
    let data = audit::assemble(audit::Inputs {
        files: &files,
        dir: &args.dir,
        run,
        matrix: Some(matrix),
        quirks,
        wycheproof,
        rooterberg,
    })?;

    let (name, bytes) = match args.format {
        ReportFormat::Html => ("index.html", html::render(&data)?.into_bytes()),
        ReportFormat::Markdown => {
            let mut text = Vec::new();
            markdown::write(&data, &mut text)?;
            ("summary.md", text)
        }
    };
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let path = dir.join(name);
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote {}: {} vectors, {} implementations, {}",
                path.display(),
                data.vectors.count,
                data.implementations.len(),
                if data.passed() {
                    "everything as expected"
                } else {
                    "UNEXPECTED results (see the page)"
                }
            );
        }
        None => io::stdout().lock().write_all(&bytes)?,
    }
    Ok(ExitCode::from(if data.passed() {
        EXIT_PASS
    } else {
        EXIT_FAIL
    }))
}
