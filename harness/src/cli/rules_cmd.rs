//! `jose-harness checks`: the rules catalogue, all of it or one
//! profile's.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use jose_harness::profile::Profile;
use jose_harness::rules::{self, Rule, Scope};

use super::args::{profile_parser, Format};
use super::output;

#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Only the rules that apply to this profile.
    #[arg(long, value_parser = profile_parser())]
    profile: Option<Profile>,
}

/// Runs `checks`.
pub fn run_rules(args: ChecksArgs) -> Result<ExitCode> {
    let selected: Vec<&Rule> = rules::ALL
        .iter()
        .filter(|r| match args.profile {
            None => true,
            Some(Profile::Iadvize) => r.scope != Scope::Moveo,
            Some(Profile::Moveo) => r.scope != Scope::Iadvize,
        })
        .collect();
    let mut out = io::stdout().lock();
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&selected)?)?,
        Format::Text => output::write_rules_text(&selected, &mut out)?,
    }
    Ok(ExitCode::SUCCESS)
}
