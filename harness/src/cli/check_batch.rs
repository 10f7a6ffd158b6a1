//! `check --batch FILE|-`: many tokens, one per line, through
//! [`jose_harness::batch`]; JSON Lines on stdout, a summary on stderr.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};

use jose_harness::backend::Backend;
use jose_harness::batch::{self, BatchOptions, Summary, TokenFacts};
use jose_harness::report::junit;

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

/// `check --batch --format junit`: a test case per token line.
pub struct JunitCase {
    /// The command that checks one token given on stdin, with this run's
    /// profile and keys.
    pub reproduce: String,
}

/// Runs `check --batch PATH` (`-`: stdin) with what `check` set up: JSON
/// Lines, or JUnit XML with `junit`.
pub fn run_check_batch(
    path: &str,
    setup: &CheckSetup,
    junit: Option<JunitCase>,
) -> Result<ExitCode> {
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
    let summary = match &junit {
        None => batch::run(&mut input, &mut out, &options, &mut |s: &Summary| {
            progress.update(s)
        }),
        Some(case) => {
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
                        "-" => format!("(line {} of stdin) | {}", facts.line, case.reproduce),
                        _ => format!("sed -n '{}p' {path} | {}", facts.line, case.reproduce),
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
