//! `jose-harness vectors generate` (write the vector files from a seed)
//! and `vectors run` (run them, or Project Wycheproof's or Rooterberg's,
//! against every implementation).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};

use jose_harness::report::junit;
use jose_harness::rooterberg;
use jose_harness::vectors;
use jose_harness::wycheproof;

use super::args::{ImplementationArgs, ResultsFormat};
use super::progress::run_vectors_with_progress;
use super::{output, EXIT_FAIL, EXIT_PASS};

#[derive(Debug, Subcommand)]
pub enum VectorsCommand {
    /// Write every vector file from a seed (the same seed gives the same
    /// bytes on every machine), plus schema.json and README.md.
    Generate(VectorsGenerateArgs),
    /// Run every vector against every implementation that can judge it.
    Run(VectorsRunArgs),
}

#[derive(Debug, Args)]
pub struct VectorsGenerateArgs {
    /// Directory to write into (its keys/ subdirectory is left alone).
    #[arg(long, default_value = "vectors")]
    out: PathBuf,
    /// Seed of every random value (IVs, keys, OAEP).
    #[arg(long, default_value_t = vectors::DEFAULT_SEED)]
    seed: u64,
}

#[derive(Debug, Args)]
pub struct VectorsRunArgs {
    /// The vectors directory (with keys/).
    #[arg(long, default_value = "vectors")]
    dir: PathBuf,
    #[command(flatten)]
    implementations: ImplementationArgs,
    /// One line per vector and implementation, not only the summary.
    #[arg(long)]
    all: bool,
    /// Run Project Wycheproof's JOSE vectors from this directory instead
    /// (json_web_signature_test.json, json_web_encryption_test.json).
    #[arg(long, value_name = "DIR")]
    wycheproof: Option<PathBuf>,
    /// Run Project Rooterberg's vectors for the profiles' layers from this
    /// directory instead: jwt_rs256_*.json (RS256 verification),
    /// jwe_rsa_oaep_256_a256gcm_*.json (the iadvize envelope) and
    /// aes_cbc_pkcs7_*.json (the moveo context), found up to 4 levels
    /// below DIR (a Rooterberg checkout keeps them in test_vectors/).
    #[arg(long, value_name = "DIR", conflicts_with = "wycheproof")]
    rooterberg: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: ResultsFormat,
    /// Also write the results as JSON to FILE (what `report --vectors-json`
    /// reads), whatever --format prints.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
}

/// Runs `vectors generate` or `vectors run`.
pub fn run_vectors(command: VectorsCommand) -> Result<ExitCode> {
    match command {
        VectorsCommand::Generate(args) => run_vectors_generate(args),
        VectorsCommand::Run(args) => run_vectors_run(args),
    }
}

fn run_vectors_generate(args: VectorsGenerateArgs) -> Result<ExitCode> {
    let files =
        vectors::generate::generate(args.seed).context("the vectors could not be generated")?;
    for (relative, contents) in &files {
        let path = args.out.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let count: usize = files
        .iter()
        .filter(|(p, _)| p.ends_with(".json") && p != "schema.json")
        .map(|(_, c)| c.matches("\"tcId\"").count())
        .sum();
    eprintln!(
        "wrote {count} vectors in {} files under {} (seed {})",
        files.len(),
        args.out.display(),
        args.seed
    );
    Ok(ExitCode::from(EXIT_PASS))
}

fn run_vectors_run(args: VectorsRunArgs) -> Result<ExitCode> {
    args.format.not_sarif("vectors run")?;
    if let Some(dir) = &args.wycheproof {
        return run_wycheproof(dir, &args);
    }
    if let Some(dir) = &args.rooterberg {
        return run_rooterberg(dir, &args);
    }
    let files = vectors::load_dir(&args.dir)?;
    let impls = args.implementations.start()?;
    let quirks = args.implementations.quirks()?;
    let report = args
        .implementations
        .on_pool(|| run_vectors_with_progress(&files, &args.dir.join("keys"), &impls, &quirks))??;
    let mut out = io::stdout().lock();
    if let Some(path) = &args.save {
        output::save_json(path, &report)?;
    }
    match args.format {
        ResultsFormat::Text => {
            jose_harness::report::vectors::write_text(&report, args.all, &mut out)?
        }
        ResultsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        ResultsFormat::Junit | ResultsFormat::Sarif => {
            let reproduce = format!(
                "jose-harness vectors run --dir {}{} --all",
                args.dir.display(),
                args.implementations.as_args()
            );
            let suites = junit::vectors_run(&report, &reproduce);
            junit::write("jose-harness vectors run", &suites, &mut out)?;
        }
    }
    Ok(ExitCode::from(if report.unexpected.is_empty() {
        EXIT_PASS
    } else {
        EXIT_FAIL
    }))
}

/// `vectors run --wycheproof DIR`: Project Wycheproof's JOSE files on the
/// built-in backends.
fn run_wycheproof(dir: &Path, args: &VectorsRunArgs) -> Result<ExitCode> {
    if args.implementations.has_external() {
        bail!("--wycheproof runs the built-in backends only; leave out --exec and --peers");
    }
    if args.save.is_some() {
        bail!("--save writes a run of the vector files; with --wycheproof use --format json");
    }
    if args.format == ResultsFormat::Junit {
        bail!(
            "--format junit covers the vector files; with --wycheproof use --format text or json"
        );
    }
    let suite = wycheproof::load(dir).with_context(|| {
        format!(
            "cannot read Wycheproof's JOSE vectors from {}",
            dir.display()
        )
    })?;
    let backends = args.implementations.builtin_backends()?;
    let report = wycheproof::run(&suite, &backends);
    let mut out = io::stdout().lock();
    match args.format {
        ResultsFormat::Text => jose_harness::report::wycheproof::write_text(&report, &mut out)?,
        ResultsFormat::Json | ResultsFormat::Junit | ResultsFormat::Sarif => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
    }
    Ok(ExitCode::from(if report.unexpected == 0 {
        EXIT_PASS
    } else {
        EXIT_FAIL
    }))
}

/// `vectors run --rooterberg DIR`: Project Rooterberg's files for the
/// profiles' layers on the built-in backends.
fn run_rooterberg(dir: &Path, args: &VectorsRunArgs) -> Result<ExitCode> {
    if args.implementations.has_external() {
        bail!("--rooterberg runs the built-in backends only; leave out --exec and --peers");
    }
    if args.save.is_some() {
        bail!("--save writes a run of the vector files; with --rooterberg use --format json");
    }
    if args.format == ResultsFormat::Junit {
        bail!(
            "--format junit covers the vector files; with --rooterberg use --format text or json"
        );
    }
    let suite = rooterberg::load(dir)
        .with_context(|| format!("cannot read Rooterberg's vectors from {}", dir.display()))?;
    let backends = args.implementations.builtin_backends()?;
    let report = rooterberg::run(&suite, &backends);
    let mut out = io::stdout().lock();
    match args.format {
        ResultsFormat::Text => jose_harness::report::rooterberg::write_text(&report, &mut out)?,
        ResultsFormat::Json | ResultsFormat::Junit | ResultsFormat::Sarif => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
    }
    Ok(ExitCode::from(if report.unexpected == 0 {
        EXIT_PASS
    } else {
        EXIT_FAIL
    }))
}
