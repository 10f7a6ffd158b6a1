//! The `jose-harness` command line.
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::parse_and_run() {
        Ok(code) => code,
        Err(err) => {
            if cli::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("jose-harness: error: {err:#}");
            ExitCode::from(cli::EXIT_HARNESS)
        }
    }
}
