//! The command line: the commands and their dispatch, and the exit codes.
//!
//! Arguments are read by clap into each command's `*Args` (the shared
//! groups in [`args`]), turned there into what the command needs (loaded
//! keys, chosen backends, limits, the time), then run by the command's own
//! file, `*_cmd.rs`. What is printed beyond the library's reporters is in
//! [`output`], the progress bars in [`progress`].

use std::io;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use jose_harness::findings::Verdict;

mod args;
mod audit_cmd;
mod check_batch;
mod check_cmd;
mod decode_cmd;
mod demo_cmd;
mod interop_cmd;
mod key_files;
mod keygen_cmd;
mod mint_cmd;
mod mint_many;
mod output;
mod progress;
mod report_cmd;
mod rules_cmd;
mod serve;
mod shell_cmd;
mod vectors_cmd;

/// The token conforms.
pub const EXIT_PASS: u8 = 0;
/// The token does not conform.
pub const EXIT_FAIL: u8 = 1;
/// The harness could not do its job.
pub const EXIT_HARNESS: u8 = 2;
/// No error found, but parts could not be checked (a key was not given).
pub const EXIT_INCOMPLETE: u8 = 3;

const AFTER_HELP: &str = "\
Exit codes:
  0  the token conforms (warnings allowed)
  1  it does not: at least one error finding
  2  the harness could not do its job (usage, unreadable key, I/O)
  3  no error found, but parts were not checked (a key was missing)

Keys: PEM (PKCS#8, PKCS#1, SPKI), DER, bare base64 of DER, or JWK.
Start with `jose-harness demo`, then see `jose-harness help check`.";

/// Conformance test harness for the identity tokens web-chat vendors ask
/// their customers' backends to mint: iAdvize (RS256 JWS inside an
/// RSA-OAEP-256/A256GCM JWE) and Moveo.AI (RS256 JWT with an AES-CBC
/// encrypted context).
#[derive(Debug, Parser)]
#[command(name = "jose-harness", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a token: every problem, how to fix it, and a verdict.
    Check(check_cmd::CheckArgs),
    /// Mint a correct token of a profile (for your own tests).
    Generate(mint_cmd::GenerateArgs),
    /// Generate an RSA key pair as PEM files.
    Keygen(keygen_cmd::KeygenArgs),
    /// Show a token's headers and claims WITHOUT verifying anything.
    Decode(decode_cmd::DecodeArgs),
    /// List every rule: id, severity, message, fix, reference.
    Checks(rules_cmd::ChecksArgs),
    /// Mint a token of each profile with the bundled test keys and check it.
    Demo(demo_cmd::DemoArgs),
    /// Run the interop matrix: every producer × every consumer, then every
    /// negative case to every consumer.
    #[command(after_help = interop_cmd::INTEROP_HELP)]
    Interop(interop_cmd::InteropArgs),
    /// Test vectors: generate them, or run them against every implementation.
    #[command(subcommand)]
    Vectors(vectors_cmd::VectorsCommand),
    /// Write the report for auditors: one self-contained HTML page (or a
    /// Markdown summary) of the vectors, the interop matrix, the rules and
    /// the known quirks.
    #[command(after_help = report_cmd::REPORT_HELP)]
    Report(report_cmd::ReportArgs),
    /// Judge a set of tokens from one sender: each token, then the set
    /// (secrets reused across tokens, lifetimes, the sender's clock).
    #[command(after_help = audit_cmd::AUDIT_HELP)]
    Audit(audit_cmd::AuditArgs),
    /// Serve a page on 127.0.0.1 where a token and its keys are pasted and
    /// every layer of the check is shown (the keys stay on this machine).
    #[command(after_help = serve::SERVE_HELP)]
    Serve(serve::ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = shell_cmd::COMPLETIONS_HELP)]
    Completions(shell_cmd::CompletionsArgs),
    /// Write the manual pages (roff), generated from this help.
    #[command(after_help = shell_cmd::MAN_HELP)]
    Man(shell_cmd::ManArgs),
}

/// Parses the command line and runs the command.
pub fn parse_and_run() -> Result<ExitCode> {
    match Cli::parse().command {
        Command::Check(args) => check_cmd::run_check(args),
        Command::Generate(args) => mint_cmd::run_mint(args),
        Command::Keygen(args) => keygen_cmd::run_keygen(args),
        Command::Decode(args) => decode_cmd::run_decode(args),
        Command::Checks(args) => rules_cmd::run_rules(args),
        Command::Demo(args) => demo_cmd::run_demo(args),
        Command::Interop(args) => interop_cmd::run_interop(args),
        Command::Vectors(command) => vectors_cmd::run_vectors(command),
        Command::Report(args) => report_cmd::run_report(args),
        Command::Audit(args) => audit_cmd::run_audit(args),
        Command::Serve(args) => serve::run_serve(args),
        Command::Completions(args) => shell_cmd::run_completions(args),
        Command::Man(args) => shell_cmd::run_man(args),
    }
}

/// Whether an error is a closed stdout (`| head`): exit quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The exit code of a verdict.
fn exit_for(verdict: Verdict) -> ExitCode {
    ExitCode::from(match verdict {
        Verdict::Pass => EXIT_PASS,
        Verdict::Fail => EXIT_FAIL,
        Verdict::Incomplete => EXIT_INCOMPLETE,
    })
}
