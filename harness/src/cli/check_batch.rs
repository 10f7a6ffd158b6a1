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
            let log = sarif::Log::start(&mut out, command_line)?;
            let mut sink = TokenSink::sarif(log, uri);
            let summary = batch::run_observed(
                &mut input,
                &mut io::sink(),
                &options,
                &mut |s: &Summary| progress.update(s),
                &mut |facts: &TokenFacts| sink.observe(facts),
            );
            if let (Finished::Sarif(log), true) = (sink.finish()?, summary.is_ok()) {
                log.finish()?;
            }
            summary
        }
        BatchOutput::Junit { reproduce } => {
            let profile = setup.profile.as_str();
            let source = (path != "-").then(|| path.to_owned());
            let mut sink = TokenSink::junit(
                format!("check --batch {profile}"),
                format!("jose-harness.check.{profile}"),
                source,
                "stdin",
                reproduce.clone(),
            );
            let summary = batch::run_observed(
                &mut input,
                &mut io::sink(),
                &options,
                &mut |s: &Summary| progress.update(s),
                &mut |facts: &TokenFacts| sink.observe(facts),
            );
            if let (Finished::Junit(spool), true) = (sink.finish()?, summary.is_ok()) {
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

/// Where each token of a batch goes in `--format junit` or `sarif`
/// (`check --batch`, `audit`): a case of a JUnit spool, or results of a
/// SARIF log. The first write error is kept and reported by
/// [`TokenSink::finish`]; later tokens are not written.
pub struct TokenSink<'w> {
    kind: SinkKind<'w>,
    error: io::Result<()>,
}

enum SinkKind<'w> {
    Junit {
        spool: junit::Spool,
        classname: String,
        /// The tokens' file (`None`: they came from `origin`).
        source: Option<String>,
        origin: &'static str,
        /// The command that checks one token given on stdin.
        reproduce: String,
    },
    Sarif {
        log: sarif::Log<'w>,
        uri: Option<String>,
    },
}

/// What a sink holds once the batch is done, for the caller to end.
pub enum Finished<'w> {
    /// The cases, counted, for [`junit::Spool::finish`].
    Junit(junit::Spool),
    /// The log, for more results and [`sarif::Log::finish`].
    Sarif(sarif::Log<'w>),
}

impl<'w> TokenSink<'w> {
    /// A JUnit suite `suite` of cases filed under `classname`; tokens from
    /// the file `source`, or else from `origin` ("stdin").
    pub fn junit(
        suite: String,
        classname: String,
        source: Option<String>,
        origin: &'static str,
        reproduce: String,
    ) -> Self {
        TokenSink {
            kind: SinkKind::Junit {
                spool: junit::Spool::new(suite),
                classname,
                source,
                origin,
                reproduce,
            },
            error: Ok(()),
        }
    }

    /// Results into `log`, at lines of the file `uri` (none from stdin).
    pub fn sarif(log: sarif::Log<'w>, uri: Option<String>) -> Self {
        TokenSink {
            kind: SinkKind::Sarif { log, uri },
            error: Ok(()),
        }
    }

    /// Writes one token's case or results.
    pub fn observe(&mut self, facts: &TokenFacts) {
        if self.error.is_err() {
            return;
        }
        self.error = match &mut self.kind {
            SinkKind::Junit {
                spool,
                classname,
                source,
                origin,
                reproduce,
            } => {
                let line = facts.line;
                let reproduce = match source {
                    Some(path) => format!("sed -n '{line}p' {path} | {reproduce}"),
                    None => format!("(line {line} of {origin}) | {reproduce}"),
                };
                let case =
                    junit::token_case(classname, line, facts.verdict, &facts.findings, &reproduce);
                spool.add(&case)
            }
            SinkKind::Sarif { log, uri } => token_results(facts, uri.as_deref())
                .iter()
                .try_for_each(|result| log.result(result)),
        };
    }

    /// The spool or the log once every token was written, or the first
    /// error writing them.
    pub fn finish(self) -> Result<Finished<'w>> {
        self.error.context("cannot write the results")?;
        Ok(match self.kind {
            SinkKind::Junit { spool, .. } => Finished::Junit(spool),
            SinkKind::Sarif { log, .. } => Finished::Sarif(log),
        })
    }
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
