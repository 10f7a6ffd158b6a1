//! Arguments as typed (clap), turned into what each command needs, then run.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{Map, Value};

use jose_harness::backend::{self, Backend, Capabilities, Stacked};
use jose_harness::check::{self, CheckOptions};
use jose_harness::findings::{Report, Verdict};
use jose_harness::jose::{self, Compact, Limits};
use jose_harness::keys::{self, LoadedKey};
use jose_harness::profile::Profile;
use jose_harness::report::{json::Json, text::Text, Reporter};
use jose_harness::rng::HarnessRng;
use jose_harness::rules::{self, Scope};
use jose_harness::{interop, json, mint, profile, redact};

mod batch;
mod generate;
mod report;

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
    Check(CheckArgs),
    /// Mint a correct token of a profile (for your own tests).
    Generate(GenerateArgs),
    /// Generate an RSA key pair as PEM files.
    Keygen(KeygenArgs),
    /// Show a token's headers and claims WITHOUT verifying anything.
    Decode(DecodeArgs),
    /// List every rule: id, severity, message, fix, reference.
    Checks(ChecksArgs),
    /// Mint a token of each profile with the bundled test keys and check it.
    Demo(DemoArgs),
    /// Run the interop matrix: every producer × every consumer, then every
    /// negative case to every consumer.
    #[command(after_help = INTEROP_HELP)]
    Interop(InteropArgs),
    /// Test vectors: generate them, or run them against every implementation.
    #[command(subcommand)]
    Vectors(VectorsCommand),
    /// Write the report for auditors: one self-contained HTML page (or a
    /// Markdown summary) of the vectors, the interop matrix, the rules and
    /// the known quirks.
    #[command(after_help = report::HELP)]
    Report(report::ReportArgs),
}

#[derive(Debug, Subcommand)]
enum VectorsCommand {
    /// Write every vector file from a seed (the same seed gives the same
    /// bytes on every machine), plus schema.json and README.md.
    Generate(VectorsGenerateArgs),
    /// Run every vector against every implementation that can judge it.
    Run(VectorsRunArgs),
}

#[derive(Debug, Args)]
struct VectorsGenerateArgs {
    /// Directory to write into (its keys/ subdirectory is left alone).
    #[arg(long, default_value = "vectors")]
    out: PathBuf,
    /// Seed of every random value (IVs, keys, OAEP).
    #[arg(long, default_value_t = jose_harness::vectors::DEFAULT_SEED)]
    seed: u64,
}

/// Who takes part in `vectors run`, `interop` and `report`, and the
/// quirks they are judged with.
#[derive(Debug, Args)]
struct Who {
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
    #[arg(long, value_name = "BYTES", default_value_t = jose_harness::adapter::DEFAULT_MAX_ANSWER_BYTES)]
    exec_max_answer_bytes: usize,
    /// Known-quirks file (JSON) instead of the bundled one.
    #[arg(long, value_name = "FILE")]
    quirks: Option<PathBuf>,
}

impl Who {
    /// The built-in backends named by `--backend`, the `--exec` adapters
    /// and, with `--peers`, the project's peers.
    fn implementations(&self) -> Result<Vec<interop::Implementation>> {
        implementations(
            &self.backend,
            &self.exec,
            self.peers,
            std::time::Duration::from_secs_f64(self.exec_timeout),
            self.exec_max_answer_bytes,
        )
    }

    /// The quirks file given, or the bundled one.
    fn quirks(&self) -> Result<interop::Quirks> {
        load_quirks(self.quirks.as_deref())
    }

    /// These options as they are given again in a reproduction command.
    fn as_args(&self) -> String {
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

#[derive(Debug, Args)]
struct VectorsRunArgs {
    /// The vectors directory (with keys/).
    #[arg(long, default_value = "vectors")]
    dir: PathBuf,
    #[command(flatten)]
    who: Who,
    /// One line per vector and implementation, not only the summary.
    #[arg(long)]
    all: bool,
    /// Run Project Wycheproof's JOSE vectors from this directory instead
    /// (json_web_signature_test.json, json_web_encryption_test.json).
    #[arg(long, value_name = "DIR")]
    wycheproof: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also write the results as JSON to FILE (what `report --vectors-json`
    /// reads), whatever --format prints.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
}

const INTEROP_HELP: &str = "\
Every built-in backend takes part in the layers it implements (jws, jwe,
context); the reference does the layers it lacks. `--exec` adds a program
speaking the adapter protocol (one JSON request per line on stdin, one JSON
answer per line on stdout; see DESIGN.md). `--peers` adds the project's
Node and Python peers (jose, jsonwebtoken + node-rsa, jwcrypto, PyJWT,
pyca/cryptography), listed in scripts/peers/peers.json and installed by
scripts/peers/setup.sh.

A cell passes when the consumer accepts the producer's token and reads the
same claims and context. Every negative case must be rejected by every
consumer; one that accepts is a disagreement unless the quirks file lists it
with a reason. A listed quirk that no longer happens is stale. Any failure,
disagreement or stale quirk: exit 1. Each failure prints the command that
runs its case again.

Examples:
  jose-harness interop --cases 20
  jose-harness interop --peers
  jose-harness interop --exec 'node my-adapter.mjs'
  jose-harness interop --seed 7 --profile moveo --case 12 --format json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["token", "batch"])))]
struct CheckArgs {
    /// Token profile to check against.
    #[arg(long, value_enum)]
    profile: Profile,
    /// The token: the text itself, @FILE to read it from a file, or - for stdin.
    #[arg(long, value_name = "TOKEN|@FILE|-")]
    token: Option<String>,
    /// Check many tokens: one per line of FILE (or of stdin with -), with
    /// the same profile and keys. Writes JSON Lines in input order, one
    /// `check --format json` object per token plus its "line" number, and
    /// a summary on stderr. Exit 1 if any token fails, 0 if all pass (3
    /// if none fails but some were not wholly checked: a key is missing).
    #[arg(long, value_name = "FILE|-")]
    batch: Option<String>,
    /// Customer public key (verifies the RS256 signature).
    #[arg(long, value_name = "FILE")]
    verify_key: Option<PathBuf>,
    /// Recipient private key (decrypts the iadvize JWE or the moveo context).
    #[arg(long, value_name = "FILE")]
    decrypt_key: Option<PathBuf>,
    /// Implementation doing the cryptography, or `all` to run every capable
    /// one and report disagreements (with --batch too: per token). The
    /// default, openssl, does both profiles through OpenSSL's EVP calls
    /// with contexts kept per key and thread: the fastest here, about 5× as
    /// fast as the reference (RustCrypto's rsa crate) per private-key
    /// operation. What NAME cannot do falls to openssl, then to the
    /// reference; `reference` runs alone, as the independent cross-check.
    #[arg(long, value_name = "NAME|all", default_value = backend::DEFAULT_FOR_CHECKING)]
    backend: String,
    /// Check as if the time were this (seconds since the epoch).
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
    /// Output format [default: text]. --batch always writes JSON Lines.
    #[arg(long, value_enum)]
    format: Option<Format>,
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
    /// Mask claim and context values (keeping names, types and lengths;
    /// exp, iat and nbf stay) for a report that others will read.
    #[arg(long)]
    redact: bool,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// Token profile to mint.
    #[arg(long, value_enum)]
    profile: Profile,
    /// Customer private key (signs the token).
    #[arg(long, value_name = "FILE")]
    sign_key: PathBuf,
    /// Recipient public key (iadvize: encrypts the JWE; moveo: encrypts the context).
    #[arg(long, value_name = "FILE")]
    encrypt_key: Option<PathBuf>,
    /// Claims to add or replace, as a JSON object or @FILE; a null value
    /// removes a default claim.
    #[arg(long, value_name = "JSON|@FILE")]
    claims: Option<String>,
    /// moveo: a context object to encrypt, as JSON or @FILE.
    #[arg(long, value_name = "JSON|@FILE")]
    context: Option<String>,
    /// Lifetime: exp = now + TTL.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    ttl: i64,
    /// The user id (iadvize userId, moveo sub).
    #[arg(long, default_value = "test-user-1")]
    user: String,
    /// moveo: AES key size for the context.
    #[arg(long, value_parser = ["128", "256"], default_value = "256")]
    aes_bits: String,
    /// Mint as if the time were this (seconds since the epoch).
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
    /// Seed the random values (IVs, keys, OAEP): reproducible tokens for
    /// tests. Never for real tokens.
    #[arg(long)]
    seed: Option<u64>,
    /// Implementation doing the cryptography.
    #[arg(long, default_value = "reference")]
    backend: String,
    /// Mint N tokens, one per line (for `check --batch`), in parallel. The
    /// user id gets the line number as a suffix (USER-1, USER-2, ...);
    /// with --seed, token N is the same in every run.
    #[arg(long, value_name = "N")]
    count: Option<u64>,
}

#[derive(Debug, Args)]
struct KeygenArgs {
    /// Modulus size in bits (2048 to 4096).
    #[arg(long, default_value_t = 2048)]
    bits: usize,
    /// Directory to write NAME-private.pem and NAME-public.pem into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// File name prefix.
    #[arg(long, default_value = "test")]
    name: String,
    /// Allow keys under 2048 bits (only to test the key.size rule).
    #[arg(long)]
    allow_weak: bool,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
    /// Seed the key generation: reproducible TEST keys only.
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Debug, Args)]
struct DecodeArgs {
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

#[derive(Debug, Args)]
struct ChecksArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Only the rules that apply to this profile.
    #[arg(long, value_enum)]
    profile: Option<Profile>,
}

#[derive(Debug, Args)]
struct InteropArgs {
    /// Cases per profile.
    #[arg(long, default_value_t = interop::DEFAULT_CASES)]
    cases: usize,
    /// Seed of the cases and of the built-ins' random values.
    #[arg(long, default_value_t = interop::DEFAULT_SEED)]
    seed: u64,
    /// The time consumers judge at (fixed by default, so runs repeat).
    #[arg(long, value_name = "UNIX", default_value_t = interop::DEFAULT_NOW)]
    now: i64,
    /// Only this profile.
    #[arg(long, value_enum)]
    profile: Option<Profile>,
    /// Only the case with this index (to reproduce a failure).
    #[arg(long, value_name = "K")]
    case: Option<usize>,
    /// Only this negative case, e.g. iadvize/jwe.tag.bitflip.
    #[arg(long, value_name = "NAME", conflicts_with = "case")]
    negative: Option<String>,
    /// Skip the negative cases.
    #[arg(long, conflicts_with = "negative")]
    no_negative: bool,
    #[command(flatten)]
    who: Who,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also write the matrix as JSON to FILE (what `report --interop-json`
    /// reads), whatever --format prints.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// Output format of the reports.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

/// Whether an error is a closed stdout (`| head`): exit quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Parses the command line and runs the command.
pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => run_check(args),
        Command::Generate(args) => run_generate(args),
        Command::Keygen(args) => run_keygen(args),
        Command::Decode(args) => run_decode(args),
        Command::Checks(args) => run_checks(args),
        Command::Demo(args) => run_demo(args),
        Command::Interop(args) => run_interop(args),
        Command::Vectors(VectorsCommand::Generate(args)) => run_vectors_generate(args),
        Command::Vectors(VectorsCommand::Run(args)) => run_vectors_run(args),
        Command::Report(args) => report::run(args),
    }
}

fn now_or(now: Option<i64>) -> Result<i64> {
    match now {
        Some(now) => Ok(now),
        None => Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .context("the system clock is before 1970")?
            .as_secs() as i64),
    }
}

/// Reads TEXT, @FILE or - (stdin), at most `limit` bytes of it.
fn read_arg(arg: &str, what: &str, limit: usize) -> Result<String> {
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

/// The keys of `check` and `check --batch`, each loaded once.
struct CheckKeys {
    verify: Option<LoadedKey>,
    decrypt: Option<LoadedKey>,
}

impl CheckKeys {
    fn load(args: &CheckArgs) -> Result<Self> {
        Ok(Self {
            verify: args.verify_key.as_deref().map(load_key).transpose()?,
            decrypt: args.decrypt_key.as_deref().map(load_key).transpose()?,
        })
    }

    /// The customer public key (the public half of whatever was given).
    fn verify(&self) -> Option<&keys::PublicKey> {
        self.verify.as_ref().map(LoadedKey::public)
    }

    /// The recipient private key; an error when a public key was given.
    fn decrypt(&self) -> Result<Option<&keys::PrivateKey>> {
        Ok(self
            .decrypt
            .as_ref()
            .map(|k| k.private("--decrypt-key"))
            .transpose()?)
    }
}

/// Loads a key file; warns (as ssh does) when a private key is readable
/// by its group or others, unless it is one of the published test keys.
fn load_key(path: &Path) -> Result<LoadedKey> {
    let key = keys::load_file(path)?;
    if let Some(mode) = key.exposed_mode {
        if !jose_harness::testkeys::is_bundled(key.public()) {
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

fn backend_named(
    name: &str,
    needs: impl Fn(&Capabilities) -> bool,
) -> Result<&'static dyn Backend> {
    let backend = backend::by_name(name).ok_or_else(|| {
        let names: Vec<_> = backend::all().iter().map(|b| b.id()).collect();
        anyhow!("no backend named {name:?}; available: {}", names.join(", "))
    })?;
    if !needs(&backend.capabilities()) {
        bail!("backend {name} cannot do what this command needs");
    }
    Ok(backend)
}

fn exit_for(verdict: Verdict) -> ExitCode {
    ExitCode::from(match verdict {
        Verdict::Pass => EXIT_PASS,
        Verdict::Fail => EXIT_FAIL,
        Verdict::Incomplete => EXIT_INCOMPLETE,
    })
}

/// Colour only on a terminal, and never with NO_COLOR set.
fn use_color() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn reporter(format: Format) -> Box<dyn Reporter> {
    match format {
        Format::Text => Box::new(Text { color: use_color() }),
        Format::Json => Box::new(Json),
    }
}

/// The backends `check --backend` names, each stacked as `check` runs it
/// ([`Stacked::for_checking`]).
fn check_backends(profile: Profile, name: &str) -> Result<Vec<Stacked>> {
    // A backend that does part of the profile checks with others doing the
    // rest (a JWS-only library verifies, openssl decrypts the context).
    let needs = |c: &Capabilities| {
        interop::layers(profile)
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

fn run_check(args: CheckArgs) -> Result<ExitCode> {
    let limits = Limits {
        max_token_bytes: args.max_token_bytes,
        max_json_depth: args.max_json_depth,
        max_json_members: args.max_json_members,
    };
    let Some(token_arg) = &args.token else {
        return batch::run(&args, limits);
    };
    // Read a little past the limit, so an oversized token is a finding.
    let token = read_arg(
        token_arg,
        "token",
        limits.max_token_bytes.saturating_add(16),
    )?;
    let keys = CheckKeys::load(&args)?;
    let (verify_key, decrypt_key) = (keys.verify(), keys.decrypt()?);
    let stacks = check_backends(args.profile, &args.backend)?;
    let now = now_or(args.now)?;
    let reports: Vec<Report> = stacks
        .iter()
        .map(|backend| {
            check::check(
                &token,
                &CheckOptions {
                    profile: args.profile,
                    verify_key,
                    decrypt_key,
                    now,
                    limits,
                    backend,
                },
            )
        })
        .collect();
    let reports: Vec<Report> = if args.redact {
        reports.iter().map(redact::report).collect()
    } else {
        reports
    };
    let first = &reports[0];
    let mut out = io::stdout().lock();
    reporter(args.format.unwrap_or(Format::Text)).write(first, &mut out)?;
    let disagreeing: Vec<&Report> = reports[1..]
        .iter()
        .filter(|r| r.verdict != first.verdict || r.ids() != first.ids())
        .collect();
    if !disagreeing.is_empty() {
        for r in &disagreeing {
            eprintln!(
                "DISAGREEMENT: backend {} says {:?} with {:?}; backend {} says {:?} with {:?}",
                first.backend,
                first.verdict,
                first.ids(),
                r.backend,
                r.verdict,
                r.ids()
            );
        }
        return Ok(ExitCode::from(EXIT_FAIL));
    }
    Ok(exit_for(first.verdict))
}

fn parse_object_arg(arg: &str, what: &str) -> Result<Map<String, Value>> {
    let text = read_arg(arg, what, 1 << 20)?;
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

fn run_generate(args: GenerateArgs) -> Result<ExitCode> {
    let sign = load_key(&args.sign_key)?;
    let sign_key = sign.private("--sign-key")?;
    let encrypt = args.encrypt_key.as_deref().map(load_key).transpose()?;
    let encrypt_key = encrypt.as_ref().map(LoadedKey::public);
    let backend = backend_named(&args.backend, |c| {
        c.rs256_sign && (c.jwe_encrypt || args.profile == Profile::Moveo)
    })?;
    let now = now_or(args.now)?;
    let mut claims = mint::default_claims(args.profile, now, args.ttl, &args.user);
    if let Some(extra) = &args.claims {
        for (name, value) in parse_object_arg(extra, "--claims")? {
            if value.is_null() {
                claims.remove(&name);
            } else {
                claims.insert(name, value);
            }
        }
    }
    let warn_ttl = |limit: i64, rule: &str| {
        if args.ttl > limit {
            eprintln!(
                "note: a TTL of {} s will trip {rule} (limit {limit} s)",
                args.ttl
            );
        }
    };
    let mint_one: Box<generate::Mint<'_>> = match args.profile {
        Profile::Iadvize => {
            if args.context.is_some() {
                bail!("--context is for moveo; iadvize claims go in --claims");
            }
            let recipient = encrypt_key.ok_or_else(|| {
                anyhow!("iadvize needs --encrypt-key: the recipient's (iAdvize's) public key")
            })?;
            warn_ttl(60, "iadvize.exp.lifetime");
            if recipient.is_iadvize_production() {
                eprintln!(
                        "note: this token is encrypted to iAdvize's production key: only iAdvize can decrypt it, \
                         so `jose-harness check` cannot check it. Use a test recipient key to check your tokens."
                    );
            }
            Box::new(move |claims, rng| {
                Ok(mint::iadvize(backend, claims, sign_key, recipient, rng)?)
            })
        }
        Profile::Moveo => {
            warn_ttl(300, "moveo.exp.too_far");
            let context = args
                .context
                .as_deref()
                .map(|c| parse_object_arg(c, "--context"))
                .transpose()?
                .map(Value::Object);
            let aes_len = if args.aes_bits == "128" { 16 } else { 32 };
            let recipient = match &context {
                Some(_) => Some(encrypt_key.ok_or_else(|| {
                    anyhow!("--context needs --encrypt-key: the recipient's (Moveo's) public key")
                })?),
                None => None,
            };
            Box::new(move |claims, rng| {
                let with_context = context
                    .as_ref()
                    .zip(recipient)
                    .map(|(object, recipient)| (object, recipient, aes_len));
                Ok(mint::moveo(backend, claims, with_context, sign_key, rng)?)
            })
        }
    };
    if let Some(count) = args.count {
        return generate::many(
            count,
            args.seed,
            &args.user,
            args.profile,
            &claims,
            &*mint_one,
        );
    }
    let mut rng = match args.seed {
        Some(seed) => HarnessRng::from_seed(seed),
        None => HarnessRng::from_entropy(),
    };
    let token = mint_one(&claims, &mut rng)?;
    writeln!(io::stdout().lock(), "{token}")?;
    Ok(ExitCode::SUCCESS)
}

fn run_keygen(args: KeygenArgs) -> Result<ExitCode> {
    if args.bits > keys::MAX_MODULUS_BITS
        || (args.bits < profile::MIN_RSA_BITS && !args.allow_weak)
        || args.bits < 512
    {
        bail!(
            "--bits {} is outside 2048..={} (add --allow-weak for a small key to test the key.size rule)",
            args.bits,
            keys::MAX_MODULUS_BITS
        );
    }
    let private_path = args.out.join(format!("{}-private.pem", args.name));
    let public_path = args.out.join(format!("{}-public.pem", args.name));
    for path in [&private_path, &public_path] {
        if path.exists() && !args.force {
            bail!("{} exists; pass --force to overwrite it", path.display());
        }
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut rng = match args.seed {
        Some(seed) => HarnessRng::from_seed(seed),
        None => HarnessRng::from_entropy(),
    };
    let rsa = rsa::RsaPrivateKey::new(&mut rng, args.bits).context("key generation failed")?;
    let key = keys::PrivateKey::new(rsa);
    write_private(&private_path, key.pkcs8_pem().as_bytes())?;
    std::fs::write(&public_path, key.public().spki_pem())
        .with_context(|| format!("cannot write {}", public_path.display()))?;
    eprintln!(
        "wrote {} (keep it secret) and {} ({} bits, {})",
        private_path.display(),
        public_path.display(),
        args.bits,
        key.public().fingerprint()
    );
    Ok(ExitCode::SUCCESS)
}

fn write_private(path: &Path, pem: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(pem)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // An existing file (--force) keeps its mode through open(): set it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict {} to its owner", path.display()))?;
    }
    Ok(())
}

fn run_decode(args: DecodeArgs) -> Result<ExitCode> {
    let token = read_arg(&args.token, "token", jose::DEFAULT_MAX_TOKEN_BYTES + 16)?;
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
            now: now_or(None)?,
            limits: Limits::default(),
            backend: backend::default_for(|c| c.jwe_decrypt && c.context_decrypt),
        },
    );
    let report = if args.redact {
        redact::report(&report)
    } else {
        report
    };
    let decoded = serde_json::json!({
        "verified": false,
        "form": if profile == Profile::Iadvize { "JWE" } else { "JWS" },
        "header": report.header,
        "inner_header": report.inner_header,
        "claims": report.claims,
        "context": report.context,
    });
    let mut out = io::stdout().lock();
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&decoded)?)?,
        Format::Text => {
            writeln!(
                out,
                "NOT VERIFIED: decoded without checking any signature; do not trust these values."
            )?;
            writeln!(out, "Run `jose-harness check` for a verdict.")?;
            Text { color: use_color() }.write_contents(&report, &mut out)?;
            if profile == Profile::Iadvize && report.claims.is_none() {
                let why = if decrypt_key.is_none() {
                    "pass --decrypt-key (the recipient private key) to see inside"
                } else {
                    "it could not be decrypted; `check` says why"
                };
                writeln!(out, "\nThe payload is encrypted: {why}.")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_checks(args: ChecksArgs) -> Result<ExitCode> {
    let selected: Vec<&rules::Rule> = rules::ALL
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
        Format::Text => {
            for r in selected {
                let scope = match r.scope {
                    Scope::Both => "both",
                    Scope::Iadvize => "iadvize",
                    Scope::Moveo => "moveo",
                };
                writeln!(
                    out,
                    "{:<30} {:<8} {:<8} {}",
                    r.id,
                    r.severity.as_str(),
                    scope,
                    r.message
                )?;
                writeln!(out, "{:<48} fix: {}", "", r.fix)?;
                writeln!(out, "{:<48} see: {}", "", r.reference)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

const DEMO_CUSTOMER_PRIVATE: &str = include_str!("../../vectors/keys/customer-test-private.pem");
const DEMO_RECIPIENT_PRIVATE: &str = include_str!("../../vectors/keys/recipient-test-private.pem");

fn run_demo(args: DemoArgs) -> Result<ExitCode> {
    let customer = keys::parse(
        DEMO_CUSTOMER_PRIVATE.as_bytes(),
        "customer-test-private.pem",
    )?;
    let recipient = keys::parse(
        DEMO_RECIPIENT_PRIVATE.as_bytes(),
        "recipient-test-private.pem",
    )?;
    let customer = customer.private("the demo")?;
    let recipient = recipient.private("the demo")?;
    let backend = backend::default_for(|c| c.rs256_sign && c.jwe_encrypt && c.context_encrypt);
    let now = now_or(None)?;
    let mut rng = HarnessRng::from_entropy();
    let iadvize_claims = {
        let mut c = mint::default_claims(Profile::Iadvize, now, 60, "demo-user-42");
        c.insert(
            profile::IADVIZE_VISITOR_DATA.into(),
            serde_json::json!({"firstName": "Ada", "city": "Nantes"}),
        );
        c
    };
    let context = serde_json::json!({"user": {"is_vip": true, "language": "en"}});
    let tokens = [
        (
            Profile::Iadvize,
            mint::iadvize(
                backend,
                &iadvize_claims,
                customer,
                recipient.public(),
                &mut rng,
            )?,
        ),
        (
            Profile::Moveo,
            mint::moveo(
                backend,
                &mint::default_claims(Profile::Moveo, now, 60, "demo-user-42"),
                Some((&context, recipient.public(), 32)),
                customer,
                &mut rng,
            )?,
        ),
    ];
    let reporter = reporter(args.format);
    let mut out = io::stdout().lock();
    let mut all_pass = true;
    for (profile, token) in tokens {
        if args.format == Format::Text {
            writeln!(
                out,
                "=== {} token minted with the bundled TEST keys (vectors/keys/) ===\n{token}\n",
                profile.as_str()
            )?;
        }
        let report = check::check(
            &token,
            &CheckOptions {
                profile,
                verify_key: Some(customer.public()),
                decrypt_key: Some(recipient),
                now,
                limits: Limits::default(),
                backend,
            },
        );
        all_pass &= report.verdict == Verdict::Pass;
        reporter.write(&report, &mut out)?;
        writeln!(out)?;
    }
    if args.format == Format::Text {
        writeln!(
            out,
            "Next: check your own token with\n  jose-harness check --profile iadvize --token @token.txt \\\n      --verify-key customer-public.pem --decrypt-key recipient-private.pem"
        )?;
    }
    Ok(ExitCode::from(if all_pass { EXIT_PASS } else { EXIT_FAIL }))
}

/// The built-in backends `--backend` names: `all`, or names separated by
/// commas.
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

/// The built-in backends named by `--backend`, the `--exec` adapters and,
/// with `--peers`, the project's peers.
fn implementations(
    backends: &str,
    exec: &[String],
    peers: bool,
    timeout: std::time::Duration,
    max_answer: usize,
) -> Result<Vec<interop::Implementation>> {
    let mut impls: Vec<interop::Implementation> = builtin_backends(backends)?
        .into_iter()
        .map(interop::Implementation::builtin)
        .collect();
    let mut adapters: Vec<(String, jose_harness::adapter::Adapter)> = exec
        .iter()
        .map(|command| {
            (
                format!("the adapter `{command}`"),
                jose_harness::adapter::Adapter::new(command.clone()),
            )
        })
        .collect();
    if peers {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let found = jose_harness::peers::Peers::find(&cwd)?;
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
    for (what, adapter) in adapters {
        let adapter = adapter.with_timeout(timeout).with_max_answer(max_answer);
        let implementation = interop::Implementation::external(adapter)
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

/// A JSON depth limit: 1 to 128 (serde_json refuses deeper input itself).
fn parse_depth(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(depth) if (1..=128).contains(&depth) => Ok(depth),
        _ => Err(format!("{text:?} is not a depth between 1 and 128")),
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

/// Writes `value` as pretty JSON to `path` (`--save`).
fn save_json(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The quirks file given, or the bundled one.
fn load_quirks(path: Option<&Path>) -> Result<interop::Quirks> {
    let Some(path) = path else {
        return Ok(interop::Quirks::bundled());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the quirks file {}", path.display()))?;
    interop::Quirks::parse(&text)
        .with_context(|| format!("the quirks file {} is not valid", path.display()))
}

fn run_vectors_generate(args: VectorsGenerateArgs) -> Result<ExitCode> {
    let files = jose_harness::vectors::generate::generate(args.seed)
        .context("the vectors could not be generated")?;
    for (relative, contents) in &files {
        let path = args.out.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let count: usize = files
        .iter()
        .filter(|(p, _)| p.ends_with(".json") && p != "schema.json")
        .map(|(_, c)| c.matches("\"tcId\"").count())
        .sum();
    eprintln!(
        "wrote {count} vectors in {} files under {} (seed {})",
        files.len(),
        args.out.display(),
        args.seed
    );
    Ok(ExitCode::from(EXIT_PASS))
}

fn run_vectors_run(args: VectorsRunArgs) -> Result<ExitCode> {
    if let Some(dir) = &args.wycheproof {
        return run_wycheproof(dir, &args);
    }
    let files = jose_harness::vectors::load_dir(&args.dir)?;
    let impls = args.who.implementations()?;
    let quirks = args.who.quirks()?;
    let report = run_vectors_with_progress(&files, &args.dir.join("keys"), &impls, &quirks)?;
    let mut out = io::stdout().lock();
    if let Some(path) = &args.save {
        save_json(path, &report)?;
    }
    match args.format {
        Format::Text => jose_harness::vectors::run::write_text(&report, args.all, &mut out)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
    }
    Ok(ExitCode::from(if report.unexpected.is_empty() {
        EXIT_PASS
    } else {
        EXIT_FAIL
    }))
}

/// Runs every vector on every implementation, with a progress bar on
/// stderr (`vectors run` and `report`).
fn run_vectors_with_progress(
    files: &[(PathBuf, jose_harness::vectors::VectorFile)],
    keys: &Path,
    impls: &[interop::Implementation],
    quirks: &interop::Quirks,
) -> Result<jose_harness::vectors::run::RunReport> {
    let total: usize = files.iter().map(|(_, f)| f.tests.len()).sum::<usize>() * impls.len();
    let progress = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let report = jose_harness::vectors::run::run(files, keys, impls, quirks, &|| progress.inc(1))?;
    progress.finish_and_clear();
    Ok(report)
}

fn run_wycheproof(dir: &Path, args: &VectorsRunArgs) -> Result<ExitCode> {
    if !args.who.exec.is_empty() || args.who.peers {
        bail!("--wycheproof runs the built-in backends only; leave out --exec and --peers");
    }
    if args.save.is_some() {
        bail!("--save writes a run of the vector files; with --wycheproof use --format json");
    }
    let suite = jose_harness::wycheproof::load(dir).with_context(|| {
        format!(
            "cannot read Wycheproof's JOSE vectors from {}",
            dir.display()
        )
    })?;
    let backends = builtin_backends(&args.who.backend)?;
    let report = jose_harness::wycheproof::run(&suite, &backends);
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => jose_harness::wycheproof::write_text(&report, &mut out)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
    }
    Ok(ExitCode::from(if report.unexpected == 0 {
        EXIT_PASS
    } else {
        EXIT_FAIL
    }))
}

fn run_interop(args: InteropArgs) -> Result<ExitCode> {
    let impls = args.who.implementations()?;
    let quirks = args.who.quirks()?;
    let command = args.who.as_args();
    let options = interop::Options {
        cases: args.cases,
        seed: args.seed,
        now: args.now,
        only_case: args.case,
        profiles: args.profile.map_or(Profile::ALL.to_vec(), |p| vec![p]),
        negative: !args.no_negative,
        only_negative: args.negative.clone(),
        extra_args: command,
    };
    if let Some(name) = &args.negative {
        let known = jose_harness::mutate::published().iter().any(|m| {
            options
                .profiles
                .iter()
                .any(|p| m.profiles.contains(p) && m.name(*p) == *name)
        });
        if !known {
            bail!("no negative case called {name:?} (names look like iadvize/jwe.tag.bitflip)");
        }
    }
    if let Some(case) = args.case {
        if case >= args.cases {
            bail!("--case {case} is not below --cases {}", args.cases);
        }
    }
    let matrix = run_interop_with_progress(&impls, &options, &quirks);
    if let Some(path) = &args.save {
        save_json(path, &matrix)?;
    }
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => jose_harness::report::matrix::write_text(&matrix, &mut out)?,
        Format::Json => jose_harness::report::matrix::write_json(&matrix, &mut out)?,
    }
    Ok(ExitCode::from(match matrix.verdict {
        interop::MatrixVerdict::Pass => EXIT_PASS,
        interop::MatrixVerdict::Fail => EXIT_FAIL,
    }))
}

/// Runs the interop matrix with a progress bar on stderr (`interop` and
/// `report`).
fn run_interop_with_progress(
    impls: &[interop::Implementation],
    options: &interop::Options,
    quirks: &interop::Quirks,
) -> interop::Matrix {
    let progress = indicatif::ProgressBar::with_draw_target(
        Some(interop::work(impls, options) as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    progress.set_style(
        indicatif::ProgressStyle::with_template(
            "interop {bar:40} {pos}/{len} tokens judged, {elapsed} (ETA {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let matrix = interop::run(impls, options, quirks, &|| progress.inc(1));
    progress.finish_and_clear();
    matrix
}
