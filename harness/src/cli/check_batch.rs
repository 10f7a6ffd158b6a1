//! `check --batch FILE|-`: many tokens, one per line, through
//! [`jose_harness::batch`]; JSON Lines on stdout, a summary on stderr.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use jose_harness::backend::Backend;
use jose_harness::batch::{self, BatchOptions, Summary};
use jose_harness::jose::Limits;

use super::{check_backends, exit_for, now_or, CheckArgs, CheckKeys, Format};

/// Input whose read errors say what was being read, so they are told
/// apart from errors writing the output.
struct Source<R> {
    inner: R,
    name: String,
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let name = &self.name;
        self.inner.read(buf).map_err(|e| labelled(name, e))
    }
}

impl<R: BufRead> BufRead for Source<R> {
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

/// Runs `check --batch`.
pub(super) fn run(args: &CheckArgs, limits: Limits) -> Result<ExitCode> {
    let Some(path) = args.batch.as_deref() else {
        bail!("check needs --token or --batch");
    };
    if args.format == Some(Format::Text) {
        bail!("--batch writes JSON Lines: --format text does not apply (leave --format out)");
    }
    let keys = CheckKeys::load(args)?;
    let (verify_key, decrypt_key) = (keys.verify(), keys.decrypt()?);
    let stacks = check_backends(args.profile, &args.backend)?;
    let now = now_or(args.now)?;

    let (mut input, size): (Box<dyn BufRead>, Option<u64>) = if path == "-" {
        let stdin = Source {
            inner: io::stdin().lock(),
            name: "stdin".to_owned(),
        };
        (Box::new(stdin), None)
    } else {
        let file =
            File::open(path).with_context(|| format!("cannot read the batch from {path}"))?;
        let size = file.metadata().ok().map(|m| m.len());
        let file = Source {
            inner: BufReader::with_capacity(1 << 16, file),
            name: path.to_owned(),
        };
        (Box::new(file), size)
    };

    let mut options = BatchOptions::new(
        args.profile,
        limits,
        now,
        stacks.iter().map(|s| s as &dyn Backend).collect(),
    );
    options.verify_key = verify_key;
    options.decrypt_key = decrypt_key;
    options.redact = args.redact;

    let progress = io::stderr().is_terminal().then(|| progress_bar(size));
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let summary = batch::run(&mut input, &mut out, &options, &mut |s: &Summary| {
        if let Some(bar) = &progress {
            bar.set_position(s.bytes);
            bar.set_message(format!("{} tokens, {:.0}/s", s.tokens, s.rate()));
        }
    });
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let summary = summary?;
    out.flush()?;
    eprintln!("{}", summary_line(&summary, stacks[0].id()));
    Ok(exit_for(summary.verdict()))
}

fn progress_bar(size: Option<u64>) -> indicatif::ProgressBar {
    let bar = match size {
        Some(size) => indicatif::ProgressBar::with_draw_target(
            Some(size),
            indicatif::ProgressDrawTarget::stderr(),
        )
        .with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {msg} (eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{spinner} {bytes} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        ),
    };
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// `batch: N tokens in S s (R tokens/s): P pass, F fail, …`
fn summary_line(s: &Summary, backend: &str) -> String {
    let mut line = format!(
        "batch: {} tokens in {:.2} s ({:.0} tokens/s): {} pass, {} fail, {} incomplete",
        s.tokens,
        s.elapsed.as_secs_f64(),
        s.rate(),
        s.pass,
        s.fail,
        s.incomplete
    );
    if s.disagreements > 0 {
        line.push_str(&format!(", {} with backends disagreeing", s.disagreements));
    }
    if s.overlong > 0 {
        line.push_str(&format!(", {} line(s) over the length limit", s.overlong));
    }
    if s.blank > 0 {
        line.push_str(&format!("; {} blank line(s) skipped", s.blank));
    }
    line.push_str(&format!("; backend {backend}"));
    line
}
