//! `jose-harness decode`: a token's headers and claims, verified by
//! nothing (and saying so).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Args;

use jose_harness::backend;
use jose_harness::check::{self, CheckOptions};
use jose_harness::jose::{self, Compact, Limits};
use jose_harness::profile::Profile;
use jose_harness::redact;

use super::args::{load_key, now_or_clock, read_text_arg, Format};
use super::output;

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The token: the text itself, @FILE, or - for stdin.
    #[arg(value_name = "TOKEN|@FILE|-")]
    token: String,
    /// Recipient private key, to look inside a JWE or a moveo context.
    #[arg(long, value_name = "FILE")]
    decrypt_key: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Mask claim and context values (keeping names, types and lengths;
    /// exp, iat and nbf stay).
    #[arg(long)]
    redact: bool,
}

/// Runs `decode`.
pub fn run_decode(args: DecodeArgs) -> Result<ExitCode> {
    let token = read_text_arg(&args.token, "token", jose::DEFAULT_MAX_TOKEN_BYTES + 16)?;
    let decrypt = args.decrypt_key.as_deref().map(load_key).transpose()?;
    let decrypt_key = decrypt
        .as_ref()
        .map(|k| k.private("--decrypt-key"))
        .transpose()?;
    let profile = match jose::split(token.trim()) {
        Compact::Jwe(_) => Profile::Iadvize,
        Compact::Jws(_) => Profile::Moveo,
        Compact::Other(n) => {
            bail!("this is not a compact JWS (3 segments) or JWE (5): it has {n} segment(s)")
        }
    };
    let report = check::check(
        &token,
        &CheckOptions {
            profile,
            verify_key: None,
            decrypt_key,
            now: now_or_clock(None)?,
            limits: Limits::default(),
            backend: backend::default_for(|c| c.jwe_decrypt && c.context_decrypt),
        },
    );
    let report = if args.redact {
        redact::report(&report)
    } else {
        report
    };
    let mut out = io::stdout().lock();
    match args.format {
        Format::Json => {
            let decoded = serde_json::json!({
                "verified": false,
                "form": if profile == Profile::Iadvize { "JWE" } else { "JWS" },
                "header": report.header,
                "inner_header": report.inner_header,
                "claims": report.claims,
                "context": report.context,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&decoded)?)?;
        }
        Format::Text => {
            let sealed_because =
                (profile == Profile::Iadvize && report.claims.is_none()).then(|| {
                    if decrypt_key.is_none() {
                        "pass --decrypt-key (the recipient private key) to see inside"
                    } else {
                        "it could not be decrypted; `check` says why"
                    }
                });
            output::write_decoded_text(&report, sealed_because, &mut out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
