//! `completions` and `man`: the shell completion scripts and the manual
//! pages, generated from the same clap definitions as `--help`, so they
//! never fall behind the commands.

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, EXIT_PASS};

pub const COMPLETIONS_HELP: &str = "\
Install (the script goes to standard output), then open a new shell:
  bash        jose-harness completions bash >> ~/.bash_completion
  zsh         jose-harness completions zsh > ~/.zfunc/_jose-harness
              and in ~/.zshrc: fpath+=~/.zfunc; autoload -Uz compinit; compinit
  fish        jose-harness completions fish > ~/.config/fish/completions/jose-harness.fish
  powershell  jose-harness completions powershell >> $PROFILE
  elvish      jose-harness completions elvish >> ~/.config/elvish/rc.elv";

pub const MAN_HELP: &str = "\
Without --dir the page of jose-harness itself goes to standard output:
  jose-harness man | man -l -
With --dir, one page per command (jose-harness.1, jose-harness-check.1, …):
  jose-harness man --dir ~/.local/share/man/man1 && man jose-harness-check";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write a page for jose-harness and for each of its commands into this
    /// folder (created if missing) instead of the main page to standard
    /// output.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run_completions(args: CompletionsArgs) -> Result<ExitCode> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "jose-harness", &mut out);
    write_stdout(&out)?;
    Ok(ExitCode::from(EXIT_PASS))
}

pub fn run_man(args: ManArgs) -> Result<ExitCode> {
    let command = Cli::command();
    match args.dir {
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .context("cannot render the manual page")?;
            write_stdout(&out)?;
        }
        Some(dir) => {
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(command, &dir)
                .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
            let mut pages: Vec<_> = fs::read_dir(&dir)
                .with_context(|| format!("cannot read {}", dir.display()))?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("jose-harness") && n.ends_with(".1"))
                .collect();
            pages.sort();
            eprintln!(
                "wrote {} manual pages into {}: {}",
                pages.len(),
                dir.display(),
                pages.join(", ")
            );
        }
    }
    Ok(ExitCode::from(EXIT_PASS))
}

/// Standard output (a closed pipe, `| head`, is no error: see
/// [`super::is_broken_pipe`]).
fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")
}
