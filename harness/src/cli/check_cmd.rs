//! `jose-harness check`: one token (`--token`) checked by every backend
//! asked for, or many (`--batch`, in [`super::check_batch`]).

use std::io;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Args;

use jose_harness::backend::{self, Stacked};
use jose_harness::check::{self, CheckOptions};
use jose_harness::findings::Report;
use jose_harness::jose::Limits;
use jose_harness::mistakes::Lang;
use jose_harness::profile::Profile;
use jose_harness::redact;
use jose_harness::report::sarif;
use jose_harness::rules::Severity;

use super::args::{
    check_backends, now_or_clock, profile_parser, read_text_arg, CheckKeyArgs, CheckKeys, Format,
    LimitArgs, ResultsFormat,
};
use super::{check_batch, exit_for, output, EXIT_FAIL};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["token", "batch"])))]
pub struct CheckArgs {
    /// Token profile to check against.
    #[arg(long, value_parser = profile_parser())]
    profile: Profile,
    /// The token: the text itself, @FILE to read it from a file, or - for stdin.
    #[arg(long, value_name = "TOKEN|@FILE|-")]
    token: Option<String>,
    /// Check many tokens: one per line of FILE (or of stdin with -), with
    /// the same profile and keys. Writes JSON Lines in input order, one
    /// `check --format json` object per token plus its "line" number, and
    /// a summary on stderr. Exit 1 if any token fails, 0 if all pass (3
    /// if none fails but some were not wholly checked: a key is missing).
    #[arg(long, value_name = "FILE|-")]
    batch: Option<String>,
    #[command(flatten)]
    keys: CheckKeyArgs,
    /// Implementation doing the cryptography, or `all` to run every capable
    /// one and report disagreements (with --batch too: per token). The
    /// default, openssl, does both profiles through OpenSSL's EVP calls
    /// with contexts kept per key and thread: the fastest here, about 5× as
    /// fast as the reference (RustCrypto's rsa crate) per private-key
    /// operation. What NAME cannot do falls to openssl, then to the
    /// reference; `reference` runs alone, as the independent cross-check.
    #[arg(long, value_name = "NAME|all", default_value = backend::DEFAULT_FOR_CHECKING)]
    backend: String,
    /// Check as if the time were this (seconds since the epoch).
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
    /// Output format [default: text; with --batch, JSON Lines]. junit
    /// applies to --batch: a test case per line.
    #[arg(long, value_enum)]
    format: Option<ResultsFormat>,
    #[command(flatten)]
    limits: LimitArgs,
    /// Mask claim and context values (keeping names, types and lengths;
    /// exp, iat and nbf stay) for a report that others will read.
    #[arg(long)]
    redact: bool,
    /// The language your backend is written in: node, python, java (also
    /// Kotlin), php, dotnet (C#), go or ruby. Where a finding has a fix per
    /// language, text output shows only yours and JSON puts yours first in
    /// "fixes". Without it, text shows every language's line.
    #[arg(long, value_name = "LANG", env = "JOSE_HARNESS_LANG", value_parser = lang_parser)]
    lang: Option<Lang>,
}

/// Parses `--lang`, naming the languages on a mistake.
fn lang_parser(text: &str) -> std::result::Result<Lang, String> {
    text.parse()
}

/// What checking needs, whether one token or a batch: the arguments of
/// `check` with the keys loaded, the backends chosen and the time fixed.
pub struct CheckSetup {
    /// The profile of every token.
    pub profile: Profile,
    /// The customer and recipient keys.
    pub keys: CheckKeys,
    /// The backends, the first one's report written, the others compared
    /// with it.
    pub backends: Vec<Stacked>,
    /// The time every check uses.
    pub now: i64,
    /// Bounds of one token.
    pub limits: Limits,
    /// Mask claim and context values (`--redact`).
    pub redact: bool,
    /// The language whose fix comes first (`--lang`).
    pub lang: Option<Lang>,
}

impl CheckArgs {
    /// Loads the keys, chooses the backends and fixes the time, in that
    /// order (the first failure is the one reported).
    fn setup(&self) -> Result<CheckSetup> {
        let keys = CheckKeys::load(&self.keys)?;
        let backends = check_backends(self.profile, &self.backend)?;
        let now = now_or_clock(self.now)?;
        Ok(CheckSetup {
            profile: self.profile,
            keys,
            backends,
            now,
            limits: self.limits.limits(),
            redact: self.redact,
            lang: self.lang,
        })
    }
}

/// The command line as it was given (for SARIF's `invocations`).
pub fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

/// Runs `check`.
pub fn run_check(args: CheckArgs) -> Result<ExitCode> {
    let Some(token_arg) = &args.token else {
        let Some(path) = args.batch.as_deref() else {
            bail!("check needs --token or --batch");
        };
        if args.format == Some(ResultsFormat::Text) {
            bail!("--batch writes JSON Lines, JUnit XML or SARIF: --format text does not apply (leave --format out, or say junit or sarif)");
        }
        let reproduce = format!(
            "jose-harness check --profile {}{} --token -",
            args.profile.as_str(),
            args.keys.as_args()
        );
        let output = match args.format {
            Some(ResultsFormat::Junit) => check_batch::BatchOutput::Junit { reproduce },
            Some(ResultsFormat::Sarif) => check_batch::BatchOutput::Sarif {
                command_line: command_line(),
            },
            _ => check_batch::BatchOutput::JsonLines,
        };
        return check_batch::run_check_batch(path, &args.setup()?, output);
    };
    let format = match args.format {
        None | Some(ResultsFormat::Text) => Format::Text,
        Some(ResultsFormat::Json | ResultsFormat::Sarif) => Format::Json,
        Some(ResultsFormat::Junit) => {
            bail!("--format junit applies to --batch (a test case per token line); one token prints text or json")
        }
    };
    let limits = args.limits.limits();
    // Read a little past the limit, so an oversized token is a finding.
    let token = read_text_arg(
        token_arg,
        "token",
        limits.max_token_bytes.saturating_add(16),
    )?;
    let setup = args.setup()?;
    let reports: Vec<Report> = setup
        .backends
        .iter()
        .map(|backend| {
            check::check(
                &token,
                &CheckOptions {
                    profile: setup.profile,
                    verify_key: setup.keys.verify(),
                    decrypt_key: setup.keys.decrypt(),
                    now: setup.now,
                    limits: setup.limits,
                    backend,
                },
            )
        })
        .collect();
    let mut reports: Vec<Report> = if setup.redact {
        reports.iter().map(redact::report).collect()
    } else {
        reports
    };
    for report in &mut reports {
        report.prefer(setup.lang);
    }
    let first = &reports[0];
    if args.format == Some(ResultsFormat::Sarif) {
        let location = token_arg
            .strip_prefix('@')
            .map(|path| (sarif::artifact_uri(path), 1));
        let mut out = io::stdout().lock();
        let mut log = sarif::Log::start(&mut out, &command_line())?;
        for finding in first
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
        {
            let properties = finding
                .cause
                .as_ref()
                .map(|cause| serde_json::json!({"cause": cause, "fixes": finding.fixes}));
            let message = match &finding.cause {
                Some(cause) => format!(
                    "{} ({}). {}",
                    finding.message, finding.detail, cause.message
                ),
                None => format!("{} ({})", finding.message, finding.detail),
            };
            log.result(&sarif::result(
                finding.id,
                finding.severity,
                &message,
                location.as_ref().map(|(uri, line)| (uri.as_str(), *line)),
                properties,
            ))?;
        }
        log.finish()?;
    } else {
        output::reporter(format).write(first, &mut io::stdout().lock())?;
    }
    let disagreeing: Vec<&Report> = reports[1..]
        .iter()
        .filter(|r| r.verdict != first.verdict || r.ids() != first.ids())
        .collect();
    if !disagreeing.is_empty() {
        for r in &disagreeing {
            eprintln!("{}", output::disagreement_line(first, r));
        }
        return Ok(ExitCode::from(EXIT_FAIL));
    }
    Ok(exit_for(first.verdict))
}
