//! `jose-harness interop`: every producer × every consumer, then every
//! negative case to every consumer.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Args;

use jose_harness::forge::mutate;
use jose_harness::interop::{self, MatrixVerdict};
use jose_harness::profile::Profile;
use jose_harness::report;

use super::args::{profile_parser, ImplementationArgs, ResultsFormat};
use super::progress::run_interop_with_progress;
use super::{output, EXIT_FAIL, EXIT_PASS};

/// The `--help` epilogue.
pub const INTEROP_HELP: &str = "\
Every built-in backend takes part in the layers it implements (jws, jwe,
context); the reference does the layers it lacks. `--exec` adds a program
speaking the adapter protocol (one JSON request per line on stdin, one JSON
answer per line on stdout; see DESIGN.md). `--peers` adds the project's
Node and Python peers (jose, jsonwebtoken + node-rsa, jwcrypto, PyJWT,
pyca/cryptography), listed in scripts/peers/peers.json and installed by
scripts/peers/setup.sh.

A cell passes when the consumer accepts the producer's token and reads the
same claims and context. Every negative case must be rejected by every
consumer; one that accepts is a disagreement unless the quirks file lists it
with a reason. A listed quirk that no longer happens is stale. Any failure,
disagreement or stale quirk: exit 1. Each failure prints the command that
runs its case again.

Cases run on every core (`--jobs` to limit): the cases are drawn from the
seed up front and each producer's randomness is its case's, so the output
is the same for any number of jobs. A progress bar on a terminal shows the
tokens judged, the failures so far and the rate. 10,000 cases per profile
on the built-in backends take about 40 minutes of CPU; see the README.

Examples:
  jose-harness interop --cases 20
  jose-harness interop --cases 10000 --no-negative --jobs 8
  jose-harness interop --peers
  jose-harness interop --exec 'node my-adapter.mjs'
  jose-harness interop --seed 7 --profile moveo --case 12 --format json";

#[derive(Debug, Args)]
pub struct InteropArgs {
    /// Cases per profile.
    #[arg(long, default_value_t = interop::DEFAULT_CASES)]
    cases: usize,
    /// Seed of the cases and of the built-ins' random values.
    #[arg(long, default_value_t = interop::DEFAULT_SEED)]
    seed: u64,
    /// The time consumers judge at (fixed by default, so runs repeat).
    #[arg(long, value_name = "UNIX", default_value_t = interop::DEFAULT_NOW)]
    now: i64,
    /// Only this profile.
    #[arg(long, value_parser = profile_parser())]
    profile: Option<Profile>,
    /// Only the case with this index (to reproduce a failure).
    #[arg(long, value_name = "K")]
    case: Option<usize>,
    /// Only this negative case, e.g. iadvize/jwe.tag.bitflip.
    #[arg(long, value_name = "NAME", conflicts_with = "case")]
    negative: Option<String>,
    /// Skip the negative cases.
    #[arg(long, conflicts_with = "negative")]
    no_negative: bool,
    #[command(flatten)]
    implementations: ImplementationArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: ResultsFormat,
    /// Also write the matrix as JSON to FILE (what `report --interop-json`
    /// reads), whatever --format prints.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
}

impl InteropArgs {
    /// The options of the matrix, `--negative` and `--case` checked.
    fn options(&self) -> Result<interop::Options> {
        let options = interop::Options {
            cases: self.cases,
            seed: self.seed,
            now: self.now,
            only_case: self.case,
            profiles: self.profile.map_or(Profile::ALL.to_vec(), |p| vec![p]),
            negative: !self.no_negative,
            only_negative: self.negative.clone(),
            extra_args: self.implementations.as_args(),
        };
        if let Some(name) = &self.negative {
            let known = mutate::published().iter().any(|m| {
                options
                    .profiles
                    .iter()
                    .any(|p| m.profiles.contains(p) && m.name(*p) == *name)
            });
            if !known {
                bail!("no negative case called {name:?} (names look like iadvize/jwe.tag.bitflip)");
            }
        }
        if let Some(case) = self.case {
            if case >= self.cases {
                bail!("--case {case} is not below --cases {}", self.cases);
            }
        }
        Ok(options)
    }
}

/// Runs `interop`.
pub fn run_interop(args: InteropArgs) -> Result<ExitCode> {
    args.format.not_sarif("interop")?;
    let impls = args.implementations.start()?;
    let quirks = args.implementations.quirks()?;
    let options = args.options()?;
    let matrix = args
        .implementations
        .on_pool(|| run_interop_with_progress(&impls, &options, &quirks))?;
    if let Some(path) = &args.save {
        output::save_json(path, &matrix)?;
    }
    let mut out = io::stdout().lock();
    match args.format {
        ResultsFormat::Text => report::matrix::write_text(&matrix, &mut out)?,
        ResultsFormat::Json => report::matrix::write_json(&matrix, &mut out)?,
        ResultsFormat::Junit | ResultsFormat::Sarif => {
            let suites = report::junit::interop(&matrix, &args.implementations.as_args());
            report::junit::write("jose-harness interop", &suites, &mut out)?
        }
    }
    Ok(ExitCode::from(match matrix.verdict {
        MatrixVerdict::Pass => EXIT_PASS,
        MatrixVerdict::Fail => EXIT_FAIL,
    }))
}
