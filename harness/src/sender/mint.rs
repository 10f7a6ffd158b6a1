//! `audit --mint`: the sender's own minting command, run once per token.
//! Each run is a shell command (`sh -c`, in its own process group) that
//! must print one token and exit 0, within a time limit and an output
//! limit; one that does not is killed and recorded as a failed run. The
//! runs are read as the lines of a batch ([`MintInput`]), so they are
//! checked while the next ones run, and what each run says about the
//! sender's clock is kept in a shared [`MintLog`].

use std::io::{self, BufRead, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Time one run may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Output one run may print by default (a token is a few KiB).
pub const DEFAULT_MAX_OUTPUT: usize = 1 << 20;
/// Standard error kept per run, to say why it failed.
const STDERR_KEPT: usize = 2048;

/// How to run the minting command.
#[derive(Debug, Clone)]
pub struct MintOptions {
    /// The shell command line.
    pub command: String,
    /// How many runs.
    pub count: u64,
    /// Pause between two runs.
    pub interval: Duration,
    /// Time one run may take.
    pub timeout: Duration,
    /// Output one run may print, in bytes.
    pub max_output: usize,
}

/// One run: when it ran (seconds since the epoch, the start rounded down
/// and the end up), and why it gave no token, if it did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Run number, from 1: the token's line number.
    pub number: u64,
    /// When it started.
    pub started: i64,
    /// When it ended.
    pub ended: i64,
    /// Why it gave no token.
    pub failure: Option<String>,
}

/// The runs not yet taken by the audit, shared between the input (which
/// runs the command) and the audit (which reads them in order).
pub type MintLog = Arc<Mutex<Vec<Run>>>;

/// The output of one run, or why there is none.
fn run_once(options: &MintOptions) -> Result<String, String> {
    let mut command = Command::new("sh");
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .arg("-c")
        .arg(&options.command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        return Err("its output is not a pipe".into());
    };
    let max = options.max_output;
    let out = thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout
            .take(max as u64 + 1)
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    });
    let err = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.take(STDERR_KEPT as u64).read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).trim().to_owned()
    });
    let deadline = Instant::now() + options.timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => break None,
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("cannot wait for it: {e}")),
        }
    };
    if status.is_none() {
        kill(&mut child);
    }
    let output = out.join().ok().and_then(Result::ok).unwrap_or_default();
    if output.len() > max {
        kill(&mut child);
    }
    let stderr = err.join().unwrap_or_default();
    let said = if stderr.is_empty() {
        String::new()
    } else {
        format!("; it said: {}", clip(&stderr))
    };
    let Some(status) = status else {
        return Err(format!(
            "no token within {:.1} s (killed){said}",
            options.timeout.as_secs_f64()
        ));
    };
    if output.len() > max {
        return Err(format!("printed more than {max} bytes{said}"));
    }
    if !status.success() {
        return Err(format!("exited with {status}{said}"));
    }
    let text = String::from_utf8_lossy(&output);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.as_slice() {
        [token] => Ok((*token).to_owned()),
        [] => Err(format!("printed nothing{said}")),
        more => Err(format!("printed {} lines, not one token", more.len())),
    }
}

fn kill(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = i32::try_from(child.id())
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn clip(text: &str) -> String {
    let line = text.lines().last().unwrap_or_default();
    match line.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_owned(),
    }
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

/// The runs of the minting command as the lines of a batch: run N is
/// line N (an empty line when it gave no token, which the batch skips).
/// Only the current run's output is held.
pub struct MintInput {
    options: MintOptions,
    done: u64,
    buffer: Vec<u8>,
    at: usize,
    log: MintLog,
}

impl MintInput {
    /// Input that runs `options.command` `options.count` times, and the
    /// log its runs go to.
    pub fn new(options: MintOptions) -> (Self, MintLog) {
        let log = MintLog::default();
        let input = MintInput {
            options,
            done: 0,
            buffer: Vec::new(),
            at: 0,
            log: Arc::clone(&log),
        };
        (input, log)
    }

    fn next_run(&mut self) -> io::Result<()> {
        if self.done > 0 && !self.options.interval.is_zero() {
            thread::sleep(self.options.interval);
        }
        self.done += 1;
        let started = now();
        let result = run_once(&self.options);
        let ended = now();
        // The harness cannot run a command that never starts: that is its
        // error, not the sender's finding (127: the shell found no command).
        if self.done == 1 {
            if let Err(why) = &result {
                if why.starts_with("cannot start") || why.contains("exit status: 127") {
                    return Err(io::Error::other(format!(
                        "the minting command `{}` does not run: {why}",
                        self.options.command
                    )));
                }
            }
        }
        self.buffer.clear();
        self.at = 0;
        let failure = match result {
            Ok(token) => {
                self.buffer.extend_from_slice(token.as_bytes());
                None
            }
            Err(why) => Some(why),
        };
        self.buffer.push(b'\n');
        if let Ok(mut log) = self.log.lock() {
            log.push(Run {
                number: self.done,
                started: started.floor() as i64,
                ended: ended.ceil() as i64,
                failure,
            });
        }
        Ok(())
    }
}

impl Read for MintInput {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for MintInput {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.at >= self.buffer.len() && self.done < self.options.count {
            self.next_run()?;
        }
        Ok(&self.buffer[self.at.min(self.buffer.len())..])
    }
    fn consume(&mut self, amount: usize) {
        self.at = (self.at + amount).min(self.buffer.len());
    }
}
