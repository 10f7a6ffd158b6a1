//! External implementations through the adapter protocol of DESIGN.md.
//!
//! The harness starts the adapter's command (through `sh -c`) when it is
//! first needed, writes one JSON request per line to its standard input
//! and reads one JSON response per line from its standard output. A
//! parallel run starts up to one process per worker thread
//! ([`Adapter::with_processes`]), each serving one request at a time. An
//! adapter that dies, hangs or answers garbage is reported as such for
//! that request, and restarted for the next one; after [`MAX_RESTARTS`]
//! deaths (of all its processes together) it is given up and every later
//! request is answered with an error without asking.
//!
//! Everything the adapter sends is bounded: one answer may take
//! [`DEFAULT_TIMEOUT`] (a deadline for the whole answer, however many stale
//! lines come first) and hold [`DEFAULT_MAX_ANSWER_BYTES`]; at most a few
//! lines wait unread (the adapter blocks on its full pipe, the harness's
//! memory does not grow); its standard error is kept to the last 4 KiB. An
//! adapter that hangs or floods is killed and reported. One that never
//! answered its first request is given up at once: restarting it would
//! only repeat the wait.
//!
//! Answers are read by [`parse_answer`]: every line a conforming JSON
//! writer can produce, lone surrogate escapes included; [`Answer`] says
//! where one was replaced, for the callers that compare what they read.
//!
//! One extension of the protocol, which adapters may ignore: a
//! `{"id":N,"op":"describe"}` request, answered with the adapter's `name`,
//! its `library` versions and its `capabilities`
//! (`{"produce":[profiles],"consume":[profiles]}`). An adapter that answers
//! it with an error is assumed to do everything, and is named after its
//! command.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;
use std::time::Instant;

use serde_json::{json, Map, Value};

use crate::profile::Profile;

mod answer;

pub use answer::{parse_answer, Answer};

/// How many times a dead adapter is started again before it is given up.
pub const MAX_RESTARTS: usize = 3;

/// How long one answer may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest answer (one line) read from an adapter by default: tokens
/// and claims are a few KiB.
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 1 << 20;

/// How many answer lines may wait unread before the reader stops reading
/// (and the adapter blocks on its pipe).
const QUEUED_LINES: usize = 16;

/// How much of the adapter's standard error is kept for reports.
const STDERR_TAIL: usize = 4096;

/// What went wrong talking to an adapter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AdapterError {
    /// The command could not be started.
    #[error("could not start `{command}`: {reason}")]
    Spawn {
        /// The command line.
        command: String,
        /// Why.
        reason: String,
    },
    /// The adapter exited or closed its output.
    #[error("the adapter died{}", tail(.stderr))]
    Died {
        /// The end of what it wrote to standard error.
        stderr: String,
    },
    /// No answer within the time limit.
    #[error("no answer within {0:?} (raise --exec-timeout if it is just slow)")]
    Timeout(Duration),
    /// An answer line longer than the limit: the adapter is killed.
    #[error("answered a line longer than {0} bytes; killed (raise --exec-max-answer-bytes if that is legitimate)")]
    TooLong(usize),
    /// An answer that is not the JSON object the protocol describes.
    #[error("answered garbage: {0}")]
    Garbage(String),
    /// The adapter answered with an `error` member.
    #[error("{0}")]
    Refused(String),
    /// It died too often and is no longer asked.
    #[error("given up after {0} restarts")]
    GivenUp(usize),
    /// It failed its first request (named), so it is no longer asked.
    #[error("given up: it never answered ({0})")]
    NeverAnswered(String),
}

fn tail(stderr: &str) -> String {
    let stderr = stderr.trim();
    if stderr.is_empty() {
        String::new()
    } else {
        format!("; its last words: {stderr}")
    }
}

/// What an adapter says about itself (the `describe` extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    /// Short name for reports.
    pub name: String,
    /// Libraries and versions underneath.
    pub library: String,
    /// Profiles it can produce.
    pub produce: Vec<Profile>,
    /// Profiles it can consume.
    pub consume: Vec<Profile>,
}

/// What the reader thread hands over: an answer line (its bytes, as
/// written), or why reading stopped.
enum Line {
    Text(Vec<u8>),
    TooLong,
    Failed,
}

struct Running {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Line>,
    stderr: Arc<Mutex<String>>,
    stderr_closed: Receiver<()>,
}

impl Running {
    fn stderr_tail(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Its last words: waits (a little) for standard error to close, so a
    /// message written just before dying is not lost.
    fn last_words(&self) -> String {
        let _ = self.stderr_closed.recv_timeout(Duration::from_secs(2));
        self.stderr_tail()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // The adapter runs in its own process group: kill the group, so a
        // pipeline's other processes do not outlive it.
        #[cfg(unix)]
        if let Some(pid) = i32::try_from(self.child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One process of an adapter's pool: started on first use, serving one
/// caller at a time.
#[derive(Default)]
struct Slot {
    running: Option<Running>,
    next_id: u64,
}

/// What every process of an adapter has shown: how often one died, whether
/// any ever answered, why it was given up.
#[derive(Default)]
struct Health {
    deaths: usize,
    /// Whether it ever answered (anything, even an error or garbage).
    answered: bool,
    /// Why it was given up after failing its first request.
    never_answered: Option<String>,
}

/// The most processes of one adapter that run at once.
pub const MAX_PROCESSES: usize = 16;

/// One external implementation: a small pool of processes of its command,
/// each started on first use and serving one caller at a time (one by
/// default; [`Adapter::with_processes`] for parallel runs).
pub struct Adapter {
    command: String,
    dir: Option<std::path::PathBuf>,
    timeout: Duration,
    max_answer: usize,
    slots: Vec<Mutex<Slot>>,
    health: Mutex<Health>,
}

impl std::fmt::Debug for Adapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Adapter")
            .field("command", &self.command)
            .finish()
    }
}

impl Adapter {
    /// An adapter running `command` (a shell command line).
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            dir: None,
            timeout: DEFAULT_TIMEOUT,
            max_answer: DEFAULT_MAX_ANSWER_BYTES,
            slots: vec![Mutex::new(Slot::default())],
            health: Mutex::new(Health::default()),
        }
    }

    /// The same with up to `n` processes (1 to [`MAX_PROCESSES`]), so that
    /// `n` callers are served at once; each starts when first needed.
    pub fn with_processes(mut self, n: usize) -> Self {
        self.slots = (0..n.clamp(1, MAX_PROCESSES))
            .map(|_| Mutex::new(Slot::default()))
            .collect();
        self
    }

    /// How many processes it may run at once.
    pub fn processes(&self) -> usize {
        self.slots.len()
    }

    /// The same with another time limit per answer.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The same with another limit on one answer's size, in bytes.
    pub fn with_max_answer(mut self, bytes: usize) -> Self {
        self.max_answer = bytes;
        self
    }

    /// The same, run in `dir` instead of the current directory.
    pub fn in_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// The command line.
    pub fn command(&self) -> &str {
        &self.command
    }

    fn spawn(&self) -> Result<Running, AdapterError> {
        let spawn_error = |reason: String| AdapterError::Spawn {
            command: self.command.clone(),
            reason,
        };
        let mut command = Command::new("sh");
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .arg("-c")
            .arg(&self.command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| spawn_error(e.to_string()))?;
        let (Some(stdin), Some(stdout), Some(mut err)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            return Err(spawn_error("its standard streams are not pipes".into()));
        };
        // A bounded queue: an adapter that writes faster than it is read
        // blocks on its pipe instead of filling the harness's memory.
        let (sender, lines) = mpsc::sync_channel(QUEUED_LINES);
        let max = self.max_answer;
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut buffer = Vec::new();
            loop {
                buffer.clear();
                let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
                let line = match (&mut reader).take(limit).read_until(b'\n', &mut buffer) {
                    Ok(0) => break,
                    Ok(_) if buffer.last() == Some(&b'\n') => {
                        buffer.pop();
                        Line::Text(std::mem::take(&mut buffer))
                    }
                    // No newline within the limit: too long, unless the
                    // output ended (a last line without its newline).
                    Ok(_) if buffer.len() > max => Line::TooLong,
                    Ok(_) => Line::Text(std::mem::take(&mut buffer)),
                    Err(_) => Line::Failed,
                };
                let stop = !matches!(line, Line::Text(_));
                if sender.send(line).is_err() || stop {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let (closed, stderr_closed) = mpsc::channel();
        thread::spawn(move || {
            let mut buffer = [0u8; 1024];
            while let Ok(n) = err.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                if let Ok(mut text) = sink.lock() {
                    text.push_str(&String::from_utf8_lossy(&buffer[..n]));
                    if text.len() > STDERR_TAIL {
                        let mut cut = text.len() - STDERR_TAIL;
                        while !text.is_char_boundary(cut) {
                            cut += 1;
                        }
                        text.drain(..cut);
                    }
                }
            }
            let _ = closed.send(());
        });
        Ok(Running {
            child,
            stdin,
            lines,
            stderr,
            stderr_closed,
        })
    }

    /// Sends one request (its `id` is set here) to a free process of the
    /// pool (waiting for one when all are busy) and returns the answer, or
    /// why there is none.
    pub fn call(&self, mut request: Map<String, Value>) -> Result<Answer, AdapterError> {
        let health = || self.health.lock().unwrap_or_else(|p| p.into_inner());
        {
            let health = health();
            if let Some(why) = &health.never_answered {
                return Err(AdapterError::NeverAnswered(why.clone()));
            }
            if health.deaths > MAX_RESTARTS {
                return Err(AdapterError::GivenUp(MAX_RESTARTS));
            }
        }
        let mut slot = self.free_slot();
        if slot.running.is_none() {
            match self.spawn() {
                Ok(running) => slot.running = Some(running),
                Err(e) => {
                    health().deaths = MAX_RESTARTS + 1;
                    return Err(e);
                }
            }
        }
        slot.next_id += 1;
        let id = slot.next_id;
        request.insert("id".into(), json!(id));
        let line = Value::Object(request).to_string();
        let result = match slot.running.as_mut() {
            Some(running) => exchange(running, &line, id, self.timeout, self.max_answer),
            None => Err(AdapterError::Died {
                stderr: String::new(),
            }),
        };
        match &result {
            Err(
                error @ (AdapterError::Died { .. }
                | AdapterError::Timeout(_)
                | AdapterError::TooLong(_)),
            ) => {
                // Dead, stuck or flooding: killed (dropped); the next
                // request gets a fresh process, unless none ever answered.
                slot.running = None;
                let mut health = health();
                health.deaths += 1;
                if !health.answered {
                    health.never_answered = Some(error.to_string());
                }
            }
            _ => health().answered = true,
        }
        result
    }

    /// The first process of the pool that no caller holds; when every one
    /// is busy, waits for one chosen by the calling thread (callers on
    /// different threads spread over the pool).
    fn free_slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        for slot in &self.slots {
            match slot.try_lock() {
                Ok(guard) => return guard,
                Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        let pick = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
        self.slots[pick].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Asks the adapter to describe itself; `None` when it does not know
    /// the `describe` request.
    pub fn describe(&self) -> Result<Option<Description>, AdapterError> {
        let answer = match self.call(object(json!({"op": "describe"}))) {
            Ok(answer) => answer,
            // Not an adapter that knows `describe` (or one that answers
            // garbage: the requests that matter will say so).
            Err(AdapterError::Refused(_) | AdapterError::Garbage(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let text = |name: &str| answer.get(name).and_then(Value::as_str).map(str::to_owned);
        let profiles = |role: &str| -> Vec<Profile> {
            let listed = answer
                .get("capabilities")
                .and_then(|c| c.get(role))
                .and_then(Value::as_array);
            match listed {
                None => vec![Profile::Iadvize, Profile::Moveo],
                Some(list) => list
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(Profile::from_name)
                    .collect(),
            }
        };
        Ok(Some(Description {
            name: text("name").unwrap_or_else(|| self.command.clone()),
            library: text("library").unwrap_or_else(|| "unknown".into()),
            produce: profiles("produce"),
            consume: profiles("consume"),
        }))
    }
}

/// A JSON value known to be an object, as a map.
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn exchange(
    running: &mut Running,
    line: &str,
    id: u64,
    timeout: Duration,
    max_answer: usize,
) -> Result<Answer, AdapterError> {
    let died = |running: &Running| AdapterError::Died {
        stderr: running.last_words(),
    };
    if writeln!(running.stdin, "{line}")
        .and_then(|()| running.stdin.flush())
        .is_err()
    {
        return Err(died(running));
    }
    // One deadline for the answer, however many stale lines come first.
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let received = match running.lines.recv_timeout(left) {
            Ok(Line::Text(received)) => received,
            Ok(Line::TooLong) => return Err(AdapterError::TooLong(max_answer)),
            Ok(Line::Failed) | Err(RecvTimeoutError::Disconnected) => return Err(died(running)),
            Err(RecvTimeoutError::Timeout) => return Err(AdapterError::Timeout(timeout)),
        };
        if received.trim_ascii().is_empty() {
            continue;
        }
        let answer = parse_answer(&received).map_err(|e| {
            let text = String::from_utf8_lossy(&received);
            AdapterError::Garbage(format!("{e}: {}", clip(&text)))
        })?;
        match answer.get("id").and_then(Value::as_u64) {
            // An answer to an earlier request that timed out: skip it.
            Some(other) if other < id => continue,
            Some(other) if other == id => {}
            _ => {
                return Err(AdapterError::Garbage(format!(
                    "answer for id {:?} to request {id}",
                    answer.get("id")
                )))
            }
        }
        if let Some(error) = answer.get("error").filter(|e| !e.is_null()) {
            if answer.get("verdict").is_none() {
                let text = error
                    .as_str()
                    .map_or_else(|| error.to_string(), str::to_owned);
                return Err(AdapterError::Refused(text));
            }
        }
        return Ok(answer);
    }
}

fn clip(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
