//! `jose-harness audit`: a set of tokens from one sender, each checked as
//! `check --batch` checks it, then the set judged as a whole by
//! [`jose_harness::sender`]. The tokens come from a file (`--tokens`) or
//! from running the sender's own minting command (`--mint`).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::json;

use jose_harness::backend::{self, Backend};
use jose_harness::batch::{self, BatchOptions, TokenFacts};
use jose_harness::findings::Verdict;
use jose_harness::profile::Profile;
use jose_harness::report::{junit, sarif};
use jose_harness::rules::Severity;
use jose_harness::sender::mint::{MintInput, MintLog, MintOptions};
use jose_harness::sender::{SetAudit, SetFinding};

use super::args::{
    check_backends, now_or_clock, profile_parser, CheckKeyArgs, CheckKeys, LimitArgs, ResultsFormat,
};
use super::check_batch::{Finished, TokenSink};
use super::check_cmd::command_line;
use super::exit_for;

pub const AUDIT_HELP: &str = "\
Each token is checked as `check --batch` checks it; then the set: the same
moveo AES key, IV or context ciphertext in two tokens, the same JWE content
key or GCM IV (nonce reuse under one key breaks GCM), lifetimes (exp - iat)
that vary or exceed the profile's, and with --mint the sender's clock (iat
against the time the command ran). Secrets are compared by fingerprint and
never printed: a repeated key is named by its SHA-256 prefix and the lines.

Examples:
  jose-harness audit --profile moveo --tokens tokens.txt \\
      --verify-key customer-public.pem --decrypt-key recipient-private.pem
  jose-harness audit --profile moveo --mint 'node mint.js' --count 20 \\
      --verify-key customer-public.pem --decrypt-key recipient-private.pem

Exit codes: 0 every token and the set conform (warnings allowed); 1 a token
or the set does not; 2 the harness could not run (a key unreadable, the
command does not start); 3 no error, but parts were not checked (a key is
missing).";

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["tokens", "mint"])))]
pub struct AuditArgs {
    /// Token profile of every token.
    #[arg(long, value_parser = profile_parser())]
    profile: Profile,
    /// The tokens: one per line of FILE (or of stdin with -), as for
    /// `check --batch`. Lines are numbered from 1, blank lines included.
    #[arg(long, value_name = "FILE|-")]
    tokens: Option<String>,
    /// Run this shell command once per token (--count times): it must
    /// print one token on one line and exit 0. Runs are numbered from 1.
    #[arg(long, value_name = "CMD")]
    mint: Option<String>,
    /// With --mint: how many runs.
    #[arg(long, value_name = "N", default_value_t = 10, requires = "mint")]
    count: u64,
    /// With --mint: milliseconds to wait between two runs.
    #[arg(long, value_name = "MS", default_value_t = 0, requires = "mint")]
    interval: u64,
    /// With --mint: seconds one run may take before it is killed (and
    /// counted as a run that gave no token).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, requires = "mint")]
    mint_timeout: u64,
    #[command(flatten)]
    keys: CheckKeyArgs,
    /// Implementation doing the cryptography (as for `check`).
    #[arg(long, value_name = "NAME", default_value = backend::DEFAULT_FOR_CHECKING)]
    backend: String,
    /// Check as if the time were this (seconds since the epoch); not with
    /// --mint, whose tokens are judged at the time they are made.
    #[arg(long, value_name = "UNIX", conflicts_with = "mint")]
    now: Option<i64>,
    /// Output: text (the verdict counts, then the set's findings), or one
    /// JSON object with every token's result (`check --batch`'s objects,
    /// streamed as they are checked) and the set's findings.
    /// junit: a test case per token, and one per finding about the set;
    /// sarif: a result per error or warning finding, at its line.
    #[arg(long, value_enum, default_value = "text")]
    format: ResultsFormat,
    #[command(flatten)]
    limits: LimitArgs,
    /// Mask claim and context values in the JSON results.
    #[arg(long)]
    redact: bool,
}

/// Turns the JSON Lines the batch writes into the elements of a JSON
/// array: a comma before every line but the first.
struct ArrayLines<W> {
    inner: W,
    first: bool,
    pending_newline: bool,
}

impl<W: Write> Write for ArrayLines<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for (i, part) in buf.split(|b| *b == b'\n').enumerate() {
            if i > 0 {
                self.pending_newline = true;
            }
            if part.is_empty() {
                continue;
            }
            if self.pending_newline {
                self.inner.write_all(b",\n")?;
                self.pending_newline = false;
            } else if self.first {
                self.inner.write_all(b"\n")?;
            }
            self.first = false;
            self.inner.write_all(part)?;
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Runs `audit`.
pub fn run_audit(args: AuditArgs) -> Result<ExitCode> {
    let keys = CheckKeys::load(&args.keys)?;
    let backends = check_backends(args.profile, &args.backend)?;
    let now = now_or_clock(args.now)?;
    let mut options = BatchOptions::new(
        args.profile,
        args.limits.limits(),
        now,
        backends.iter().map(|s| s as &dyn Backend).collect(),
    );
    options.verify_key = keys.verify();
    options.decrypt_key = keys.decrypt();
    options.redact = args.redact;
    options.prints = true;

    let (mut input, log, lines_are): (Box<dyn BufRead>, Option<MintLog>, &str) =
        match (&args.tokens, &args.mint) {
            (Some(path), _) if path == "-" => (Box::new(io::stdin().lock()), None, "lines"),
            (Some(path), _) => {
                let file = File::open(path)
                    .with_context(|| format!("cannot read the tokens from {path}"))?;
                (
                    Box::new(BufReader::with_capacity(1 << 16, file)),
                    None,
                    "lines",
                )
            }
            (None, Some(command)) => {
                if args.count == 0 {
                    bail!("--count must be at least 1");
                }
                let (input, log) = MintInput::new(MintOptions {
                    command: command.clone(),
                    count: args.count,
                    interval: Duration::from_millis(args.interval),
                    timeout: Duration::from_secs(args.mint_timeout.max(1)),
                    max_output: jose_harness::sender::mint::DEFAULT_MAX_OUTPUT,
                });
                options.now_from_clock = true;
                (Box::new(input), Some(log), "runs")
            }
            (None, None) => bail!("audit needs --tokens or --mint"),
        };

    let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    if args.format == ResultsFormat::Json {
        let verdict = write_json(&mut input, &mut stdout, &options, log.as_ref(), lines_are)?;
        stdout.flush()?;
        return Ok(exit_for(verdict));
    }
    let mut audit = SetAudit::new(args.profile);
    let profile = args.profile.as_str();
    let classname = format!("jose-harness.audit.{profile}");
    let source = match (&args.tokens, &args.mint) {
        (Some(path), _) if path != "-" => Some(path.clone()),
        _ => None,
    };
    // SARIF has its own handle on stdout (the lock is reentrant), written
    // only in that format.
    let mut sarif_out = io::BufWriter::with_capacity(1 << 16, io::stdout());
    let uri = source.as_deref().map(sarif::artifact_uri);
    let mut sink = match args.format {
        ResultsFormat::Junit => Some(TokenSink::junit(
            format!("audit {profile} · tokens"),
            classname.clone(),
            source,
            if args.mint.is_some() {
                "the minting command's runs"
            } else {
                "stdin"
            },
            format!(
                "jose-harness check --profile {profile}{} --token -",
                args.keys.as_args()
            ),
        )),
        ResultsFormat::Sarif => Some(TokenSink::sarif(
            sarif::Log::start(&mut sarif_out, &command_line())?,
            uri.clone(),
        )),
        _ => None,
    };
    let mut observe = |facts: &TokenFacts| {
        if let Some(log) = &log {
            take_runs(log, &mut audit, Some(facts));
        }
        audit.add(facts);
        if let Some(sink) = sink.as_mut() {
            sink.observe(facts);
        }
    };
    let summary = batch::run_observed(
        &mut input,
        &mut io::sink(),
        &options,
        &mut |_| {},
        &mut observe,
    )?;
    if let Some(log) = &log {
        take_runs(log, &mut audit, None);
    }
    let finished = sink.map(TokenSink::finish).transpose()?;
    let findings = audit.findings(lines_are);
    let verdict = audit.verdict(&findings);
    if let Some(Finished::Sarif(mut log)) = finished {
        for finding in &findings {
            if finding.severity == Severity::Info {
                continue;
            }
            let mut result = sarif::result(
                finding.id,
                finding.severity,
                &format!("{} ({})", finding.message, finding.detail),
                None,
                Some(json!({"tokens": finding.tokens, "lines": finding.lines})),
            );
            if let Some(uri) = &uri {
                // Where the set shows it: the lines named (the first 20).
                result["locations"] = finding
                    .lines
                    .iter()
                    .take(20)
                    .map(|line| {
                        json!({"physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {"startLine": (*line).max(1)},
                        }})
                    })
                    .collect();
            }
            log.result(&result)?;
        }
        log.finish()?;
        sarif_out.flush()?;
    } else if let Some(Finished::Junit(spool)) = finished {
        let set = junit::Suite {
            name: format!("audit {profile} · the set"),
            cases: findings.iter().map(|f| set_case(&classname, f)).collect(),
        };
        spool.finish("jose-harness audit", &[set], &mut stdout)?;
    } else {
        write_text(
            &mut stdout,
            args.profile,
            &audit,
            &findings,
            verdict,
            summary.tokens,
            lines_are,
        )?;
    }
    stdout.flush()?;
    Ok(exit_for(verdict))
}

/// `audit --format json` of the tokens `input` holds, one per line: every
/// token's result (`check --batch`'s objects, streamed as they are
/// checked), then the set's verdict, counts and findings. `log` is the
/// minting command's, with `--mint`. `serve`'s batch endpoint writes the
/// same bytes through this function.
pub fn write_json(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    options: &BatchOptions<'_>,
    log: Option<&MintLog>,
    lines_are: &str,
) -> Result<Verdict> {
    let mut audit = SetAudit::new(options.profile);
    write!(
        out,
        r#"{{"profile":"{}","results":["#,
        options.profile.as_str()
    )?;
    let mut lines = ArrayLines {
        inner: &mut *out,
        first: true,
        pending_newline: false,
    };
    batch::run_observed(
        input,
        &mut lines,
        options,
        &mut |_| {},
        &mut |facts: &TokenFacts| {
            if let Some(log) = log {
                take_runs(log, &mut audit, Some(facts));
            }
            audit.add(facts);
        },
    )?;
    if let Some(log) = log {
        take_runs(log, &mut audit, None);
    }
    let findings = audit.findings(lines_are);
    let verdict = audit.verdict(&findings);
    let tail = json!({
        "verdict": verdict,
        "tokens": {"pass": audit.pass, "fail": audit.fail, "incomplete": audit.incomplete},
        "set_findings": findings,
    });
    let tail = tail.to_string();
    writeln!(out, "\n],{}", tail.strip_prefix('{').unwrap_or(&tail))?;
    Ok(verdict)
}

/// The JUnit case of a finding about the whole set: a failure when it is
/// an error, a passing case with the note otherwise.
fn set_case(classname: &str, finding: &SetFinding) -> junit::Case {
    let text = format!(
        "{}: {}\n{}\nfix: {}\nreference: {}",
        finding.id, finding.message, finding.detail, finding.fix, finding.reference
    );
    junit::Case {
        name: finding.id.to_owned(),
        classname: format!("{classname}.set"),
        outcome: if finding.severity == Severity::Error {
            junit::Outcome::Failed {
                message: format!("{}: {}", finding.id, finding.message),
                detail: text.clone(),
            }
        } else {
            junit::Outcome::Passed
        },
        output: (finding.severity != Severity::Error).then_some(text),
    }
}

/// Hands the audit the runs of the minting command up to the token
/// `facts` (all of them at the end): the failed ones, and the clock of
/// the one that made this token.
fn take_runs(log: &MintLog, audit: &mut SetAudit, facts: Option<&TokenFacts>) {
    let Ok(mut runs) = log.lock() else { return };
    let upto = facts.map_or(u64::MAX, |f| f.line);
    let taken = runs.iter().take_while(|r| r.number <= upto).count();
    for run in runs.drain(..taken) {
        match (&run.failure, facts) {
            (Some(why), _) => audit.add_failed_run(run.number, why),
            (None, Some(f)) if f.line == run.number => {
                audit.add_clock(run.number, f.iat, run.started, run.ended)
            }
            _ => {}
        }
    }
}

fn write_text(
    out: &mut dyn Write,
    profile: Profile,
    audit: &SetAudit,
    findings: &[SetFinding],
    verdict: Verdict,
    tokens: u64,
    lines_are: &str,
) -> io::Result<()> {
    let word = match verdict {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Incomplete => "INCOMPLETE",
    };
    writeln!(
        out,
        "{word}  audit of {tokens} {} token(s) from one sender: {} pass, {} fail, {} incomplete; {} finding(s) about the set",
        profile.as_str(),
        audit.pass,
        audit.fail,
        audit.incomplete,
        findings.len()
    )?;
    let per_token = audit.token_findings();
    if !per_token.is_empty() {
        writeln!(
            out,
            "\nFindings in the tokens (run `check` on one for the details)"
        )?;
        for (id, severity, count, lines) in per_token {
            let shown: Vec<String> = lines.iter().map(u64::to_string).collect();
            let more = if count > lines.len() as u64 {
                ", …"
            } else {
                ""
            };
            writeln!(
                out,
                "  {:<7} {id}  in {count} token(s) ({lines_are} {}{more})",
                severity.as_str(),
                shown.join(", ")
            )?;
        }
    }
    if !findings.is_empty() {
        writeln!(out, "\nFindings about the set")?;
        for f in findings {
            writeln!(out, "  {:<7} {}  {}", f.severity.as_str(), f.id, f.message)?;
            writeln!(out, "          found: {}", f.detail)?;
            writeln!(out, "          fix:   {}", f.fix)?;
            writeln!(out, "          see:   {}", f.reference)?;
        }
    }
    Ok(())
}
