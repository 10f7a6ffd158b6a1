//! Arguments several commands share, in two forms (ripgrep's low and high
//! arguments): the `clap` groups as typed on the command line, and what
//! the commands use: loaded keys, the chosen backends, [`Limits`], the
//! time, the implementations to run. Every shared argument is checked
//! here, once.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};
use clap::builder::{EnumValueParser, TypedValueParser};
use clap::{Args, ValueEnum};
use serde_json::{Map, Value};

use jose_harness::backend::{self, Backend, Capabilities, Stacked};
use jose_harness::implementation::adapter::{self, Adapter};
use jose_harness::implementation::peers::Peers;
use jose_harness::implementation::{Implementation, Quirks};
use jose_harness::jose::json;
use jose_harness::jose::{self, Limits};
use jose_harness::keys::{self, KeyMaterial, LoadedKey, PrivateKey, PublicKey};
use jose_harness::profile::Profile;
use jose_harness::testkeys;

/// A token profile as `--profile` names it. The library's [`Profile`]
/// knows nothing of clap: this mirror gives clap each name and the line
/// `--help` prints for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProfileName {
    /// JWS (RS256) nested in a JWE (RSA-OAEP-256 + A256GCM).
    Iadvize,
    /// RS256 JWT with an optional AES-CBC encrypted context claim.
    Moveo,
}

impl From<ProfileName> for Profile {
    fn from(name: ProfileName) -> Self {
        match name {
            ProfileName::Iadvize => Profile::Iadvize,
            ProfileName::Moveo => Profile::Moveo,
        }
    }
}

/// The value parser of every `--profile`: the names of [`ProfileName`],
/// read as a [`Profile`].
pub fn profile_parser() -> impl TypedValueParser<Value = Profile> {
    EnumValueParser::<ProfileName>::new().map(Profile::from)
}

/// `--format` of the commands that print text or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `--format` of the commands whose results CI systems read (`vectors
/// run`, `interop`, `check`, `audit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResultsFormat {
    /// For people.
    Text,
    /// For programs: the JSON of DESIGN.md.
    Json,
    /// JUnit XML, for the test reporters of CI systems (GitLab, Jenkins,
    /// GitHub, CircleCI, Azure): a case per vector, cell, negative case or
    /// token line; a failure names its rules and how to reproduce it.
    Junit,
    /// SARIF 2.1.0 (`check` and `audit`), for GitHub code scanning and
    /// other SARIF viewers: every rule with its fixes, each error or
    /// warning finding a result at the token's file and line.
    Sarif,
}

impl ResultsFormat {
    /// Refuses SARIF where there are no findings to locate (`vectors run`,
    /// `interop`).
    pub fn not_sarif(self, command: &str) -> Result<Self> {
        if self == ResultsFormat::Sarif {
            bail!(
                "--format sarif applies to check and audit (findings about tokens); {command} writes text, json or junit"
            );
        }
        Ok(self)
    }
}

/// The input limits of `check` (`--max-token-bytes`, `--max-json-depth`,
/// `--max-json-members`).
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Longest token accepted, in bytes.
    #[arg(long, default_value_t = jose::DEFAULT_MAX_TOKEN_BYTES)]
    max_token_bytes: usize,
    /// Deepest JSON nesting accepted (at most 128, serde_json's own bound).
    #[arg(long, default_value_t = json::DEFAULT_MAX_DEPTH,
          value_parser = parse_depth)]
    max_json_depth: usize,
    /// Most members in one JSON object (header, claims or context).
    #[arg(long, default_value_t = jose::DEFAULT_MAX_JSON_MEMBERS)]
    max_json_members: usize,
}

impl LimitArgs {
    /// The limits given (each already in range: clap checked it).
    pub fn limits(&self) -> Limits {
        Limits {
            max_token_bytes: self.max_token_bytes,
            max_json_depth: self.max_json_depth,
            max_json_members: self.max_json_members,
        }
    }
}

/// A JSON depth limit: 1 to 128 (serde_json refuses deeper input itself).
fn parse_depth(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(depth) if (1..=128).contains(&depth) => Ok(depth),
        _ => Err(format!("{text:?} is not a depth between 1 and 128")),
    }
}

/// The keys of `check` (`--verify-key`, `--decrypt-key`).
#[derive(Debug, Args)]
pub struct CheckKeyArgs {
    /// Customer public key (verifies the RS256 signature).
    #[arg(long, value_name = "FILE")]
    verify_key: Option<PathBuf>,
    /// Recipient private key (decrypts the iadvize JWE or the moveo context).
    #[arg(long, value_name = "FILE")]
    decrypt_key: Option<PathBuf>,
}

impl CheckKeyArgs {
    /// These options as a reproduction command gives them again.
    pub fn as_args(&self) -> String {
        let mut command = String::new();
        if let Some(path) = &self.verify_key {
            command.push_str(&format!(" --verify-key {}", path.display()));
        }
        if let Some(path) = &self.decrypt_key {
            command.push_str(&format!(" --decrypt-key {}", path.display()));
        }
        command
    }
}

/// The keys of `check` and `check --batch`, each loaded once; the
/// recipient key is known to be private.
pub struct CheckKeys {
    verify: Option<LoadedKey>,
    decrypt: Option<LoadedKey>,
}

impl CheckKeys {
    /// Loads the key files given; an error when one cannot be read, or
    /// when `--decrypt-key` holds only a public key.
    pub fn load(args: &CheckKeyArgs) -> Result<Self> {
        let keys = Self {
            verify: args.verify_key.as_deref().map(load_key).transpose()?,
            decrypt: args.decrypt_key.as_deref().map(load_key).transpose()?,
        };
        if let Some(decrypt) = &keys.decrypt {
            decrypt.private("--decrypt-key")?;
        }
        Ok(keys)
    }

    /// The customer public key (the public half of whatever was given).
    pub fn verify(&self) -> Option<&PublicKey> {
        self.verify.as_ref().map(LoadedKey::public)
    }

    /// The recipient private key.
    pub fn decrypt(&self) -> Option<&PrivateKey> {
        match &self.decrypt.as_ref()?.material {
            KeyMaterial::Private(key) => Some(key),
            // `load` refused a public key.
            KeyMaterial::Public(_) => None,
        }
    }
}

/// Loads a key file; warns (as ssh does) when a private key is readable
/// by its group or others, unless it is one of the published test keys.
pub fn load_key(path: &Path) -> Result<LoadedKey> {
    let key = keys::load_file(path)?;
    if let Some(mode) = key.exposed_mode {
        if !testkeys::is_bundled(key.public()) {
            eprintln!(
                "warning: {} is a private key that others can read (mode {mode:04o}); \
                 keep it to yourself: chmod 600 {}",
                path.display(),
                path.display()
            );
        }
    }
    Ok(key)
}

/// The time `--now UNIX` pins, or the system clock's.
pub fn now_or_clock(now: Option<i64>) -> Result<i64> {
    match now {
        Some(now) => Ok(now),
        None => Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .context("the system clock is before 1970")?
            .as_secs() as i64),
    }
}

/// Reads an argument given as TEXT, @FILE or - (stdin), at most `limit`
/// bytes of it. `what` names it in errors; a `token` that is not UTF-8 is
/// read lossily, since a malformed token is a finding, not an error.
pub fn read_text_arg(arg: &str, what: &str, limit: usize) -> Result<String> {
    let mut bytes = Vec::new();
    let source = if arg == "-" {
        io::stdin()
            .lock()
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read the {what} from stdin"))?;
        "stdin".to_owned()
    } else if let Some(path) = arg.strip_prefix('@') {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes))
            .with_context(|| format!("cannot read the {what} from {path}"))?;
        path.to_owned()
    } else {
        return Ok(arg.to_owned());
    };
    if what == "token" {
        // Bytes that are not UTF-8 are a malformed token: a finding, not an error.
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "the {what} in {source} is not UTF-8 text (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A JSON object given as JSON, @FILE or - (`--claims`, `--context`).
pub fn read_object_arg(arg: &str, what: &str) -> Result<Map<String, Value>> {
    let text = read_text_arg(arg, what, 1 << 20)?;
    json::parse_value(&text, json::DEFAULT_MAX_DEPTH)
        .map_err(|p| anyhow!("the {what} is not acceptable JSON: {p}"))
        .and_then(|v| match v {
            Value::Object(map) => Ok(map),
            other => bail!(
                "the {what} must be a JSON object, not a {}",
                json::kind(&other)
            ),
        })
}

/// The built-in backend called `name`, if it can do what `needs` asks.
pub fn backend_named(
    name: &str,
    needs: impl Fn(&Capabilities) -> bool,
) -> Result<&'static dyn Backend> {
    let backend = backend::by_name(name).ok_or_else(|| {
        let names: Vec<_> = backend::all().iter().map(|b| b.id()).collect();
        match backend::feature_for_missing(name) {
            Some(feature) => anyhow!(
                "the {name} backend is not in this build (it needs OpenSSL, the cargo feature \
                 `{feature}`); rebuild with `--features full` (e.g. `cargo install --path harness \
                 --features full`), or use one of: {}",
                names.join(", ")
            ),
            None => anyhow!("no backend named {name:?}; available: {}", names.join(", ")),
        }
    })?;
    if !needs(&backend.capabilities()) {
        bail!("backend {name} cannot do what this command needs");
    }
    Ok(backend)
}

/// The built-in backends a `--backend` names: `all`, or names separated
/// by commas.
fn builtin_backends(names: &str) -> Result<Vec<&'static dyn Backend>> {
    if names == "all" {
        return Ok(backend::all());
    }
    names
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| backend_named(n, |_| true))
        .collect()
}

/// The backends `check --backend` names, each stacked as `check` runs it
/// ([`Stacked::for_checking`]).
pub fn check_backends(profile: Profile, name: &str) -> Result<Vec<Stacked>> {
    // A backend that does part of the profile checks with others doing the
    // rest (a JWS-only library verifies, openssl decrypts the context).
    let needs = |c: &Capabilities| {
        jose_harness::implementation::layers(profile)
            .iter()
            .any(|l| l.covered_by(c, false))
    };
    let backends: Vec<&'static dyn Backend> = if name == "all" {
        backend::all()
            .into_iter()
            .filter(|b| needs(&b.capabilities()))
            .collect()
    } else {
        vec![backend_named(name, needs)?]
    };
    if backends.is_empty() {
        bail!("no backend can check {} tokens", profile.as_str());
    }
    Ok(backends.into_iter().map(Stacked::for_checking).collect())
}

/// The implementations taking part in `vectors run`, `interop` and
/// `report`, and the quirks they are judged with.
#[derive(Debug, Args)]
pub struct ImplementationArgs {
    /// Built-in backends: `all`, or names separated by commas.
    #[arg(long, value_name = "NAMES|all", default_value = "all")]
    backend: String,
    /// Also run this adapter command (repeatable).
    #[arg(long, value_name = "CMD")]
    exec: Vec<String>,
    /// Also run the project's Node and Python peers (scripts/peers/peers.json;
    /// install them first with scripts/peers/setup.sh).
    #[arg(long)]
    peers: bool,
    /// Seconds an adapter may take to answer one request (fractions
    /// allowed). One that does not answer is killed and restarted; one that
    /// never answered its first request is given up.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = parse_seconds)]
    exec_timeout: f64,
    /// Longest answer line an adapter may write, in bytes; one that writes
    /// more is killed and restarted.
    #[arg(long, value_name = "BYTES", default_value_t = adapter::DEFAULT_MAX_ANSWER_BYTES)]
    exec_max_answer_bytes: usize,
    /// Known-quirks file (JSON) instead of the bundled one.
    #[arg(long, value_name = "FILE")]
    quirks: Option<PathBuf>,
    /// Worker threads [default: one per core]. Each adapter and peer runs
    /// up to this many processes (at most 16), one per busy worker. The
    /// results are the same for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

impl ImplementationArgs {
    /// Starts the built-in backends named by `--backend`, the `--exec`
    /// adapters and, with `--peers`, the project's peers.
    pub fn start(&self) -> Result<Vec<Implementation>> {
        let mut impls: Vec<Implementation> = self
            .builtin_backends()?
            .into_iter()
            .map(Implementation::builtin)
            .collect();
        let mut adapters: Vec<(String, Adapter)> = self
            .exec
            .iter()
            .map(|command| {
                (
                    format!("the adapter `{command}`"),
                    Adapter::new(command.clone()),
                )
            })
            .collect();
        if self.peers {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            let found = Peers::find(&cwd)?;
            for (peer, adapter) in found.adapters()? {
                adapters.push((
                    format!(
                        "the peer {} (`{}` in {})",
                        peer.name,
                        peer.command,
                        found.root.display()
                    ),
                    adapter,
                ));
            }
        }
        let timeout = Duration::from_secs_f64(self.exec_timeout);
        for (what, adapter) in adapters {
            let adapter = adapter
                .with_timeout(timeout)
                .with_max_answer(self.exec_max_answer_bytes)
                .with_processes(self.jobs());
            let implementation = Implementation::external(adapter)
                .with_context(|| format!("{what} does not work"))?;
            let name = implementation.name();
            if impls.iter().any(|i| i.name() == name) {
                bail!("two implementations are called {name}; run each adapter once");
            }
            impls.push(implementation);
        }
        if impls.is_empty() {
            bail!("no implementation to run: give --backend, --exec or --peers");
        }
        Ok(impls)
    }

    /// How many worker threads: `--jobs`, or one per core.
    pub fn jobs(&self) -> usize {
        self.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            usize::from,
        )
    }

    /// Runs `work` on a pool of [`Self::jobs`] threads (what the library's
    /// parallel loops run on).
    pub fn on_pool<T: Send>(&self, work: impl FnOnce() -> T + Send) -> Result<T> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs())
            .build()
            .context("cannot start the worker threads")?;
        Ok(pool.install(work))
    }

    /// The built-in backends named by `--backend` alone.
    pub fn builtin_backends(&self) -> Result<Vec<&'static dyn Backend>> {
        builtin_backends(&self.backend)
    }

    /// Whether `--exec` or `--peers` asks for programs beside the
    /// built-in backends.
    pub fn has_external(&self) -> bool {
        !self.exec.is_empty() || self.peers
    }

    /// The quirks file given, or the bundled one.
    pub fn quirks(&self) -> Result<Quirks> {
        let Some(path) = &self.quirks else {
            return Ok(Quirks::bundled());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the quirks file {}", path.display()))?;
        Quirks::parse(&text)
            .with_context(|| format!("the quirks file {} is not valid", path.display()))
    }

    /// These options as they are given again in a reproduction command.
    pub fn as_args(&self) -> String {
        let mut command = String::new();
        if self.backend != "all" {
            command.push_str(&format!(" --backend {}", self.backend));
        }
        for exec in &self.exec {
            command.push_str(&format!(" --exec '{}'", exec.replace('\'', "'\\''")));
        }
        if self.peers {
            command.push_str(" --peers");
        }
        if let Some(path) = &self.quirks {
            command.push_str(&format!(" --quirks {}", path.display()));
        }
        command
    }
}

/// A positive, finite number of seconds (`--exec-timeout 0.5`).
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 86400"
        )),
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;
    use jose_harness::profile::Profile;

    use super::ProfileName;

    #[test]
    fn every_profile_has_its_own_name_on_the_command_line() {
        let parsed: Vec<(String, Profile)> = ProfileName::value_variants()
            .iter()
            .filter_map(|v| Some((v.to_possible_value()?.get_name().to_owned(), (*v).into())))
            .collect();
        let expected: Vec<(String, Profile)> = Profile::ALL
            .iter()
            .map(|p| (p.as_str().to_owned(), *p))
            .collect();
        assert_eq!(parsed, expected);
    }
}
