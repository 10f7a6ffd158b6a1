//! `check --batch FILE|-`: many tokens, one per line, through
//! [`jose_harness::batch`]; JSON Lines on stdout, a summary on stderr.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};

use jose_harness::backend::Backend;
use jose_harness::batch::{self, BatchOptions, Summary, TokenFacts};
use jose_harness::report::{junit, sarif};
use jose_harness::rules::Severity;

use super::check_cmd::CheckSetup;
use super::progress::BatchProgress;
use super::{exit_for, output};

/// Input whose read errors say what was being read, so they are told
/// apart from errors writing the output.
struct BatchInput<R> {
    inner: R,
    name: String,
}

impl<R: Read> Read for BatchInput<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let name = &self.name;
        self.inner.read(buf).map_err(|e| labelled(name, e))
    }
}

impl<R: BufRead> BufRead for BatchInput<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let name = &self.name;
        self.inner.fill_buf().map_err(|e| labelled(name, e))
    }
    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount)
    }
}

fn labelled(name: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot read the batch from {name}: {e}"))
}

/// What `check --batch` writes.
pub enum BatchOutput {
    /// One `check --format json` object per line (the default).
    JsonLines,
    /// JUnit XML: a test case per token line.
    Junit {
        /// The command that checks one token given on stdin, with this
        /// run's profile and keys.
        reproduce: String,
    },
    /// SARIF: a result per error or warning finding, at its line.
    Sarif {
        /// The command line, for the log's invocation.
        command_line: String,
    },
}

/// Runs `check --batch PATH` (`-`: stdin) with what `check` set up: JSON
/// Lines, JUnit XML or SARIF.
pub fn run_check_batch(path: &str, setup: &CheckSetup, output: BatchOutput) -> Result<ExitCode> {
    let (mut input, size): (Box<dyn BufRead>, Option<u64>) = if path == "-" {
        let stdin = BatchInput {
            inner: io::stdin().lock(),
            name: "stdin".to_owned(),
        };
        (Box::new(stdin), None)
    } else {
        let file =
            File::open(path).with_context(|| format!("cannot read the batch from {path}"))?;
        let size = file.metadata().ok().map(|m| m.len());
        let file = BatchInput {
            inner: BufReader::with_capacity(1 << 16, file),
            name: path.to_owned(),
        };
        (Box::new(file), size)
    };

    let mut options = BatchOptions::new(
        setup.profile,
        setup.limits,
        setup.now,
        setup.backends.iter().map(|s| s as &dyn Backend).collect(),
    );
    options.verify_key = setup.keys.verify();
    options.decrypt_key = setup.keys.decrypt();
    options.redact = setup.redact;
    options.lang = setup.lang;

    let progress = BatchProgress::on_terminal(size);
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let summary = match &output {
        BatchOutput::JsonLines => batch::run(&mut input, &mut out, &options, &mut |s: &Summary| {
            progress.update(s)
        }),
        BatchOutput::Sarif { command_line } => {
            let uri = (path != "-").then(|| sarif::artifact_uri(path));
            let mut log = sarif::Log::start(&mut out, command_line)?;
            let mut written = Ok(());
            let summary = batch::run_observed(
                &mut input,
                &mut io::sink(),
                &options,
                &mut |s: &Summary| progress.update(s),
                &mut |facts: &TokenFacts| {
                    for result in token_results(facts, uri.as_deref()) {
                        if written.is_ok() {
                            written = log.result(&result);
                        }
                    }
                },
            );
            written.context("cannot write the SARIF results")?;
            if summary.is_ok() {
                log.finish()?;
            }
            summary
        }
        BatchOutput::Junit { reproduce } => {
            let profile = setup.profile.as_str();
            let mut spool = junit::Spool::new(format!("check --batch {profile}"));
            let mut spooled = Ok(());
            let classname = format!("jose-harness.check.{profile}");
            let summary = batch::run_observed(
                &mut input,
                &mut io::sink(),
                &options,
                &mut |s: &Summary| progress.update(s),
                &mut |facts: &TokenFacts| {
                    let reproduce = match path {
                        "-" => format!("(line {} of stdin) | {reproduce}", facts.line),
                        _ => format!("sed -n '{}p' {path} | {reproduce}", facts.line),
                    };
                    let case = junit::token_case(
                        &classname,
                        facts.line,
                        facts.verdict,
                        &facts.findings,
                        &reproduce,
                    );
                    if spooled.is_ok() {
                        spooled = spool.add(&case);
                    }
                },
            );
            spooled.context("cannot spool the JUnit test cases")?;
            if summary.is_ok() {
                spool.finish("jose-harness check --batch", &[], &mut out)?;
            }
            summary
        }
    };
    progress.finish();
    let summary = summary?;
    out.flush()?;
    eprintln!(
        "{}",
        output::batch_summary_line(&summary, setup.backends[0].id())
    );
    Ok(exit_for(summary.verdict()))
}

/// The SARIF results of one token of a batch: each error or warning rule
/// once, at the token's line of the file `uri` (none from stdin).
pub fn token_results(facts: &TokenFacts, uri: Option<&str>) -> Vec<serde_json::Value> {
    let mut seen: Vec<&str> = Vec::new();
    let mut results = Vec::new();
    for (id, severity) in &facts.findings {
        if *severity == Severity::Info || seen.contains(id) {
            continue;
        }
        seen.push(id);
        let message = match jose_harness::rules::by_id(id) {
            Some(rule) => format!("line {}: {}", facts.line, rule.message),
            None => format!("line {}: {id}", facts.line),
        };
        results.push(sarif::result(
            id,
            *severity,
            &message,
            uri.map(|u| (u, facts.line)),
            None,
        ));
    }
    results
}
