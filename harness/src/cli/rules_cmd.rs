//! `jose-harness checks`: the rules catalogue, all of it or one
//! profile's.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use jose_harness::mistakes::{self, Mistake};
use jose_harness::profile::Profile;
use jose_harness::rules::{self, Rule, Scope};
use serde::Serialize;

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
    /// List the catalogue of implementers' mistakes instead: for each, the
    /// layer whose failure it explains, the trial that confirms it (run
    /// only after a check failed), the rules it explains and the fix in
    /// each language.
    #[arg(long)]
    mistakes: bool,
}

/// A rule as `checks --format json` lists it: the rule and the mistakes
/// that can explain its findings.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    rule: &'a Rule,
    mistakes: Vec<&'static str>,
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
    if args.mistakes {
        let ids: Vec<&str> = selected.iter().map(|r| r.id).collect();
        let listed: Vec<&Mistake> = mistakes::all()
            .iter()
            .filter(|m| m.rules.iter().any(|r| ids.contains(&r.id)))
            .collect();
        match args.format {
            Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&listed)?)?,
            Format::Text => output::write_mistakes_text(&listed, &mut out)?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    match args.format {
        Format::Json => {
            let listed: Vec<Listed<'_>> = selected
                .iter()
                .map(|rule| Listed {
                    rule,
                    mistakes: mistakes::for_rule(rule.id).iter().map(|m| m.id).collect(),
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&listed)?)?
        }
        Format::Text => output::write_rules_text(&selected, &mut out)?,
    }
    Ok(ExitCode::SUCCESS)
}
