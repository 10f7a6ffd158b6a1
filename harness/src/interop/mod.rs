//! The interop matrix: every producer × every consumer that has the
//! capability, for both profiles, over cases drawn from a seed; then every
//! negative case to every consumer (differential rejection).
//!
//! An [`Implementation`] is either a built-in backend (through
//! [`Stacked`]: it does the layers it can, the reference the rest) or an
//! external program speaking the adapter protocol. A built-in consumer is
//! the harness's own `check` pipeline running on that backend; an external
//! one judges tokens itself.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::adapter::{Adapter, AdapterError};
use crate::backend::{Backend, Layer, Stacked};
use crate::check::{self, CheckOptions};
use crate::findings::Verdict;
use crate::jose::Limits;
use crate::keys::PrivateKey;
use crate::mint::{self, IADVIZE_JWE_HEADER, IADVIZE_JWS_HEADER, MOVEO_JWS_HEADER};
use crate::mutate::{self, Recipe};
use crate::profile::Profile;
use crate::rng::HarnessRng;
use crate::rules::Severity;
use crate::testkeys::{self, TestKey};

pub mod cases;
pub mod quirks;

pub use cases::Case;
pub use quirks::{Quirk, Quirks};

/// The default number of cases per profile.
pub const DEFAULT_CASES: usize = 200;
/// The default seed.
pub const DEFAULT_SEED: u64 = 1;
/// The default "now" of a run: fixed, so runs are reproducible.
pub const DEFAULT_NOW: i64 = 1_700_000_000;
/// At most this many failures are kept with their tokens.
pub const MAX_FAILURES_KEPT: usize = 50;

/// Claims the moveo context scheme adds; not part of a case's claims.
const CONTEXT_CLAIMS: [&str; 3] = ["context", "encryption_key", "init_vector"];

/// The layers of a profile.
pub fn layers(profile: Profile) -> [Layer; 2] {
    match profile {
        Profile::Iadvize => [Layer::Jws, Layer::Jwe],
        Profile::Moveo => [Layer::Jws, Layer::Context],
    }
}

/// One side of the matrix.
#[derive(Debug)]
pub enum Implementation {
    /// A backend of this binary, the reference doing what it cannot.
    Builtin(Stacked),
    /// A program speaking the adapter protocol.
    External {
        /// The running adapter.
        adapter: Arc<Adapter>,
        /// Its name in the matrix.
        name: String,
        /// Its libraries and versions.
        library: String,
        /// Profiles it produces.
        produce: Vec<Profile>,
        /// Profiles it consumes.
        consume: Vec<Profile>,
    },
}

/// What a consumer made of a token: data, never an error (x509-limbo's
/// SUCCESS/FAILURE/SKIPPED).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// Accepted, with what it read.
    Accepted {
        /// The claims.
        claims: Value,
        /// The decrypted moveo context.
        context: Option<Value>,
        /// Where the claims or the context an adapter answered held text
        /// that is not Unicode (a lone surrogate escape), shown as U+FFFD
        /// in `claims` and `context` (JSON pointers into the answer). No
        /// case holds such text, so these claims never match the case's.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        not_unicode: Vec<String>,
    },
    /// Rejected.
    Rejected {
        /// The class of the rejection: a rule id for built-in consumers.
        class: String,
        /// More about it.
        detail: String,
    },
    /// The consumer crashed, hung, answered garbage, or could not finish.
    Crashed {
        /// What happened.
        detail: String,
    },
}

/// The keys of one case.
#[derive(Debug, Clone, Copy)]
pub struct CaseKeys {
    /// Signs; its public half verifies.
    pub customer: &'static TestKey,
    /// Decrypts; its public half encrypts.
    pub recipient: &'static TestKey,
}

impl CaseKeys {
    /// The bundled test keys of the case's sizes.
    pub fn of(case: &Case) -> Option<Self> {
        Some(Self {
            customer: testkeys::sized("customer", case.sign_bits)?,
            recipient: testkeys::sized("recipient", case.recipient_bits)?,
        })
    }
}

/// The key files of a failure's reproduction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyNames {
    /// Signing key (`vectors/keys/NAME-private.pem`; verify with `-public`).
    pub customer: String,
    /// Recipient key (decrypt with `-private`; encrypt with `-public`).
    pub recipient: String,
}

impl Implementation {
    /// A built-in backend.
    pub fn builtin(backend: &'static dyn Backend) -> Self {
        Implementation::Builtin(Stacked::over_reference(backend))
    }

    /// An external program; asks it to describe itself.
    pub fn external(adapter: Adapter) -> Result<Self, AdapterError> {
        let adapter = Arc::new(adapter);
        let description = adapter.describe()?;
        let all = Profile::ALL.to_vec();
        Ok(match description {
            Some(d) => Implementation::External {
                adapter,
                name: d.name,
                library: d.library,
                produce: d.produce,
                consume: d.consume,
            },
            None => Implementation::External {
                name: adapter.command().to_owned(),
                library: "unknown (no answer to describe)".into(),
                adapter,
                produce: all.clone(),
                consume: all,
            },
        })
    }

    /// Its name in the matrix.
    pub fn name(&self) -> String {
        match self {
            Implementation::Builtin(s) => s.primary.id().to_owned(),
            Implementation::External { name, .. } => name.clone(),
        }
    }

    /// The libraries underneath.
    pub fn library(&self) -> String {
        match self {
            Implementation::Builtin(s) => s.primary.library(),
            Implementation::External { library, .. } => library.clone(),
        }
    }

    /// The layers of `profile` it does itself, producing or consuming.
    pub fn layers(&self, profile: Profile, producing: bool) -> Vec<Layer> {
        match self {
            Implementation::Builtin(s) => layers(profile)
                .into_iter()
                .filter(|l| s.owns(*l, producing))
                .collect(),
            Implementation::External {
                produce, consume, ..
            } => {
                let list = if producing { produce } else { consume };
                if list.contains(&profile) {
                    layers(profile).to_vec()
                } else {
                    Vec::new()
                }
            }
        }
    }

    /// Whether it takes part in `profile` as producer or consumer.
    pub fn takes_part(&self, profile: Profile, producing: bool) -> bool {
        !self.layers(profile, producing).is_empty()
    }

    /// Makes the token of a case.
    pub fn produce(
        &self,
        case: &Case,
        keys: &CaseKeys,
        rng: &mut HarnessRng,
    ) -> Result<String, String> {
        match self {
            Implementation::Builtin(stacked) => {
                produce_builtin(stacked, case, keys, rng).map_err(|e| e.to_string())
            }
            Implementation::External { adapter, .. } => {
                let request = json!({
                    "op": "produce",
                    "profile": case.profile.as_str(),
                    "claims": case.claims,
                    "context": case.context,
                    "aes_key_bytes": case.aes_key_bytes,
                    "keys": {
                        "sign": keys.customer.key.pkcs8_pem().as_str(),
                        "encrypt": keys.recipient.key.public().spki_pem(),
                    },
                });
                let answer = adapter.call(object(request)).map_err(|e| e.to_string())?;
                if let Some(at) = answer.replaced_in("token").first() {
                    return Err(format!(
                        "the answer's token is not text: {at} holds a lone surrogate \
                         escape or bytes that are not UTF-8"
                    ));
                }
                answer
                    .get("token")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| "the answer has no token".to_owned())
            }
        }
    }

    /// Judges a token.
    pub fn consume(
        &self,
        profile: Profile,
        token: &str,
        customer: &PrivateKey,
        recipient: &PrivateKey,
        now: i64,
    ) -> Outcome {
        match self {
            Implementation::Builtin(stacked) => {
                consume_builtin(stacked, profile, token, customer, recipient, now)
            }
            Implementation::External { adapter, .. } => {
                let request = json!({
                    "op": "consume",
                    "profile": profile.as_str(),
                    "token": token,
                    "keys": {
                        "verify": customer.public().spki_pem(),
                        "decrypt": recipient.pkcs8_pem().as_str(),
                    },
                    "now": now,
                });
                match adapter.call(object(request)) {
                    Err(e) => Outcome::Crashed {
                        detail: e.to_string(),
                    },
                    Ok(answer) => match answer.get("verdict").and_then(Value::as_str) {
                        Some("pass") => Outcome::Accepted {
                            claims: answer.get("claims").cloned().unwrap_or(Value::Null),
                            context: answer.get("context").cloned().filter(|c| !c.is_null()),
                            not_unicode: ["claims", "context"]
                                .iter()
                                .flat_map(|m| answer.replaced_in(m))
                                .map(str::to_owned)
                                .collect(),
                        },
                        Some("fail") => Outcome::Rejected {
                            class: "rejected".into(),
                            detail: answer
                                .get("error")
                                .and_then(Value::as_str)
                                .unwrap_or("no reason given")
                                .to_owned(),
                        },
                        _ => Outcome::Crashed {
                            detail: format!(
                                "answer without a verdict: {}",
                                Value::Object(answer.into_members())
                            ),
                        },
                    },
                }
            }
        }
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn produce_builtin(
    stacked: &Stacked,
    case: &Case,
    keys: &CaseKeys,
    rng: &mut HarnessRng,
) -> Result<String, crate::backend::CryptoFailure> {
    let customer = &keys.customer.key;
    let recipient = keys.recipient.key.public();
    match case.profile {
        Profile::Iadvize => {
            let payload = cases::serialize_claims(&case.claims, case.escape_slashes);
            let jws = mint::jws_rs256(stacked, customer, IADVIZE_JWS_HEADER.as_bytes(), &payload)?;
            mint::jwe(
                stacked,
                recipient,
                IADVIZE_JWE_HEADER.as_bytes(),
                jws.as_bytes(),
                rng,
            )
        }
        Profile::Moveo => {
            let mut claims = case.claims.clone();
            if let Some(context) = &case.context {
                let plaintext = context.to_string().into_bytes();
                mint::context(stacked, recipient, &plaintext, case.aes_key_bytes, rng)?
                    .insert_into(&mut claims);
            }
            let payload = cases::serialize_claims(&claims, case.escape_slashes);
            mint::jws_rs256(stacked, customer, MOVEO_JWS_HEADER.as_bytes(), &payload)
        }
    }
}

fn consume_builtin(
    stacked: &Stacked,
    profile: Profile,
    token: &str,
    customer: &PrivateKey,
    recipient: &PrivateKey,
    now: i64,
) -> Outcome {
    let options = CheckOptions {
        profile,
        verify_key: Some(customer.public()),
        decrypt_key: Some(recipient),
        now,
        limits: Limits::default(),
        backend: stacked,
    };
    let checked = std::panic::AssertUnwindSafe(|| check::check(token, &options));
    let report = match std::panic::catch_unwind(checked) {
        Ok(report) => report,
        Err(_) => {
            return Outcome::Crashed {
                detail: "the check pipeline panicked".into(),
            }
        }
    };
    match report.verdict {
        Verdict::Pass => Outcome::Accepted {
            claims: report.claims.unwrap_or(Value::Null),
            context: report.context,
            not_unicode: Vec::new(),
        },
        Verdict::Fail => {
            let errors: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| f.id)
                .collect();
            Outcome::Rejected {
                class: errors.first().copied().unwrap_or("error").to_owned(),
                detail: errors.join(", "),
            }
        }
        Verdict::Incomplete => Outcome::Crashed {
            detail: report
                .not_checked
                .iter()
                .map(|n| format!("{} not checked: {}", n.part, n.reason))
                .collect::<Vec<_>>()
                .join("; "),
        },
    }
}

/// What a run does.
#[derive(Debug, Clone)]
pub struct Options {
    /// Cases per profile.
    pub cases: usize,
    /// The seed of the cases and of every random value built-ins draw.
    pub seed: u64,
    /// The time consumers judge at.
    pub now: i64,
    /// Only this case (by index), to reproduce a failure.
    pub only_case: Option<usize>,
    /// The profiles to run.
    pub profiles: Vec<Profile>,
    /// Whether to send the negative cases to every consumer.
    pub negative: bool,
    /// Only this negative case (`iadvize/jwe.tag.bitflip`), without the
    /// positive cases, to reproduce a failure.
    pub only_negative: Option<String>,
    /// Options of the command line beyond seed, cases and now (`--exec`,
    /// `--backend`, `--quirks`), for the reproductions failures print.
    pub extra_args: String,
}

impl Options {
    /// The command line that runs this matrix again.
    pub fn command(&self) -> String {
        format!(
            "jose-harness interop --seed {} --cases {} --now {}{}",
            self.seed, self.cases, self.now, self.extra_args
        )
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            cases: DEFAULT_CASES,
            seed: DEFAULT_SEED,
            now: DEFAULT_NOW,
            only_case: None,
            profiles: Profile::ALL.to_vec(),
            negative: true,
            only_negative: None,
            extra_args: String::new(),
        }
    }
}

/// An implementation as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Name.
    pub name: String,
    /// Libraries and versions.
    pub library: String,
    /// Per profile, the layers it produces and consumes itself (the
    /// reference does the others).
    pub layers: BTreeMap<Profile, Roles>,
}

/// The layers an implementation does itself in a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    /// As producer.
    pub produce: Vec<Layer>,
    /// As consumer.
    pub consume: Vec<Layer>,
}

/// One producer × consumer cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// Profile.
    pub profile: Profile,
    /// Who made the tokens.
    pub producer: String,
    /// Who judged them.
    pub consumer: String,
    /// Tokens accepted with the same claims and context.
    pub passed: usize,
    /// Tokens not.
    pub failed: usize,
}

/// A disagreement, with what it takes to reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// Profile.
    pub profile: Profile,
    /// Case index, or the negative case's name.
    pub case: String,
    /// Who made the token (`reference` for negative cases).
    pub producer: String,
    /// Who judged it.
    pub consumer: String,
    /// What went wrong.
    pub problem: String,
    /// The token.
    pub token: String,
    /// The bundled test keys.
    pub keys: KeyNames,
    /// The command that runs this case again.
    pub reproduce: String,
}

/// How a consumer's outcome on a negative case is judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    /// Rejected, as it must be.
    Rejected,
    /// Accepted, and listed as a known quirk.
    Quirk,
    /// Accepted (or crashed) while it must reject: a failure.
    Disagreement,
    /// A built-in consumer rejected it without the expected rule.
    WrongRule,
}

/// One consumer's answer to a negative case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NegativeOutcome {
    /// The consumer.
    pub consumer: String,
    /// The judgement.
    pub judgement: Judgement,
    /// What it said.
    pub detail: String,
}

/// One negative case sent to every consumer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Negative {
    /// Its name (`iadvize/jwe.tag.bitflip`).
    pub case: String,
    /// The rule that must fire.
    pub rule: String,
    /// What is wrong with the token.
    pub what: String,
    /// The token (signed by `customer-test`, for `recipient-test`).
    pub token: String,
    /// Every consumer's answer.
    pub outcomes: Vec<NegativeOutcome>,
}

/// A quirk that did not happen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stale {
    /// The quirk.
    pub quirk: Quirk,
    /// The negative cases it covers that the implementation rejected.
    pub rejected: Vec<String>,
}

/// Overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatrixVerdict {
    /// Everyone agreed.
    Pass,
    /// At least one failure, disagreement or stale quirk.
    Fail,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    /// Pass or fail.
    pub verdict: MatrixVerdict,
    /// The seed.
    pub seed: u64,
    /// Cases per profile.
    pub cases: usize,
    /// The time consumers judged at.
    pub now: i64,
    /// Who took part.
    pub implementations: Vec<Member>,
    /// Every producer × consumer cell.
    pub cells: Vec<Cell>,
    /// Every negative case.
    pub negative: Vec<Negative>,
    /// Quirks that no longer happen.
    pub stale_quirks: Vec<Stale>,
    /// Failures with their reproduction (at most [`MAX_FAILURES_KEPT`]).
    pub failures: Vec<Failure>,
    /// How many failures there were in all.
    pub failure_count: usize,
}

/// One profile's cells, with its producers and consumers in the order
/// they first appear (the rows and columns of a table).
#[derive(Debug)]
pub struct Grid<'a> {
    /// The cells of the profile.
    pub cells: Vec<&'a Cell>,
    /// Row names.
    pub producers: Vec<&'a str>,
    /// Column names.
    pub consumers: Vec<&'a str>,
}

impl Matrix {
    /// The table of `profile`; `None` when it has no cell.
    pub fn grid(&self, profile: Profile) -> Option<Grid<'_>> {
        let cells: Vec<&Cell> = self.cells.iter().filter(|c| c.profile == profile).collect();
        if cells.is_empty() {
            return None;
        }
        let mut producers: Vec<&str> = Vec::new();
        let mut consumers: Vec<&str> = Vec::new();
        for c in &cells {
            if !producers.contains(&c.producer.as_str()) {
                producers.push(&c.producer);
            }
            if !consumers.contains(&c.consumer.as_str()) {
                consumers.push(&c.consumer);
            }
        }
        Some(Grid {
            cells,
            producers,
            consumers,
        })
    }
}

/// A seed for one producer's randomness in one case, independent of the
/// order threads run in.
fn case_seed(seed: u64, profile: Profile, case: usize, producer: usize) -> u64 {
    let mut x = seed ^ (profile as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for v in [case as u64, producer as u64] {
        x = (x ^ v).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 31;
    }
    x
}

/// How much work a run is, for progress: tokens to judge.
pub fn work(impls: &[Implementation], options: &Options) -> usize {
    let per_case = |p: Profile| {
        let producers = impls.iter().filter(|i| i.takes_part(p, true)).count();
        let consumers = impls.iter().filter(|i| i.takes_part(p, false)).count();
        producers * consumers
    };
    let cases = if options.only_negative.is_some() {
        0
    } else if options.only_case.is_some() {
        1
    } else {
        options.cases
    };
    options
        .profiles
        .iter()
        .map(|p| {
            let negatives = if options.negative {
                mutate::catalog()
                    .iter()
                    .filter(|m| m.profiles.contains(p) && m.rule.severity == Severity::Error)
                    .count()
                    * impls.iter().filter(|i| i.takes_part(*p, false)).count()
            } else {
                0
            };
            cases * per_case(*p) + negatives
        })
        .sum()
}

fn compare(case: &Case, outcome: &Outcome) -> Result<(), String> {
    match outcome {
        Outcome::Accepted {
            claims,
            context,
            not_unicode,
        } => {
            if !not_unicode.is_empty() {
                return Err(format!(
                    "accepted, but read claims that are not Unicode text: a lone surrogate \
                     escape (or bytes that are not UTF-8) at {}",
                    not_unicode.join(", ")
                ));
            }
            let mut read = match claims {
                Value::Object(map) => map.clone(),
                other => return Err(format!("accepted, but the claims read are {other}")),
            };
            if case.profile == Profile::Moveo {
                for name in CONTEXT_CLAIMS {
                    read.remove(name);
                }
            }
            if read != case.claims {
                let differing = case
                    .claims
                    .iter()
                    .find(|(k, v)| read.get(*k) != Some(*v))
                    .map(|(k, _)| k.clone())
                    .or_else(|| read.keys().find(|k| !case.claims.contains_key(*k)).cloned())
                    .unwrap_or_default();
                return Err(format!(
                    "accepted, but read other claims (first difference: {differing:?})"
                ));
            }
            if context != &case.context {
                return Err(format!(
                    "accepted, but read the context {} instead of {}",
                    short(context),
                    short(&case.context)
                ));
            }
            Ok(())
        }
        Outcome::Rejected { class, detail } => Err(format!("rejected it: {class} ({detail})")),
        Outcome::Crashed { detail } => Err(format!("crashed: {detail}")),
    }
}

fn short(value: &Option<Value>) -> String {
    let text = value.as_ref().map_or("none".into(), Value::to_string);
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

struct Tally {
    cell: (Profile, usize, usize),
    failure: Option<Failure>,
}

/// Runs the matrix. `tick` is called once per token judged (for progress).
pub fn run(
    impls: &[Implementation],
    options: &Options,
    quirks: &Quirks,
    tick: &(dyn Fn() + Sync),
) -> Matrix {
    let names: Vec<String> = impls.iter().map(Implementation::name).collect();
    let mut tallies: Vec<Tally> = Vec::new();
    let mut negative = Vec::new();
    for &profile in &options.profiles {
        let all = cases::draw(profile, options.cases, options.seed, options.now);
        let selected: Vec<&Case> = all
            .iter()
            .filter(|c| options.only_case.is_none_or(|k| c.index == k))
            .filter(|_| options.only_negative.is_none())
            .collect();
        let per_case: Vec<Vec<Tally>> = selected
            .par_iter()
            .map(|case| run_case(impls, &names, case, options, tick))
            .collect();
        tallies.extend(per_case.into_iter().flatten());
        if options.negative && !all.is_empty() {
            negative.extend(run_negatives(
                impls, &names, profile, &all, options, quirks, tick,
            ));
        }
    }

    let mut cells: BTreeMap<(Profile, usize, usize), (usize, usize)> = BTreeMap::new();
    for &profile in &options.profiles {
        for (p, producer) in impls.iter().enumerate() {
            for (c, consumer) in impls.iter().enumerate() {
                if producer.takes_part(profile, true) && consumer.takes_part(profile, false) {
                    cells.insert((profile, p, c), (0, 0));
                }
            }
        }
    }
    let mut failures = Vec::new();
    for tally in tallies {
        let entry = cells.entry(tally.cell).or_default();
        match tally.failure {
            None => entry.0 += 1,
            Some(f) => {
                entry.1 += 1;
                failures.push(f);
            }
        }
    }
    for n in &negative {
        for o in &n.outcomes {
            if matches!(o.judgement, Judgement::Disagreement | Judgement::WrongRule) {
                failures.push(Failure {
                    profile: if n.case.starts_with("iadvize/") {
                        Profile::Iadvize
                    } else {
                        Profile::Moveo
                    },
                    case: n.case.clone(),
                    producer: "reference".into(),
                    consumer: o.consumer.clone(),
                    problem: format!("must reject ({} must fire): {}", n.rule, o.detail),
                    token: n.token.clone(),
                    keys: KeyNames {
                        customer: "customer-test".into(),
                        recipient: "recipient-test".into(),
                    },
                    reproduce: format!("{} --negative {}", options.command(), n.case),
                });
            }
        }
    }
    let stale_quirks = stale(impls, quirks, &negative);
    let failure_count = failures.len();
    let verdict = if failure_count == 0 && stale_quirks.is_empty() {
        MatrixVerdict::Pass
    } else {
        MatrixVerdict::Fail
    };
    failures.truncate(MAX_FAILURES_KEPT);
    Matrix {
        verdict,
        seed: options.seed,
        cases: options.cases,
        now: options.now,
        implementations: impls
            .iter()
            .map(|i| Member {
                name: i.name(),
                library: i.library(),
                layers: options
                    .profiles
                    .iter()
                    .map(|p| {
                        (
                            *p,
                            Roles {
                                produce: i.layers(*p, true),
                                consume: i.layers(*p, false),
                            },
                        )
                    })
                    .collect(),
            })
            .collect(),
        cells: cells
            .into_iter()
            .map(|((profile, p, c), (passed, failed))| Cell {
                profile,
                producer: names[p].clone(),
                consumer: names[c].clone(),
                passed,
                failed,
            })
            .collect(),
        negative,
        stale_quirks,
        failures,
        failure_count,
    }
}

fn key_names(keys: &CaseKeys) -> KeyNames {
    KeyNames {
        customer: keys.customer.name.clone(),
        recipient: keys.recipient.name.clone(),
    }
}

fn run_case(
    impls: &[Implementation],
    names: &[String],
    case: &Case,
    options: &Options,
    tick: &(dyn Fn() + Sync),
) -> Vec<Tally> {
    let mut out = Vec::new();
    let Some(keys) = CaseKeys::of(case) else {
        return out;
    };
    let reproduce = format!(
        "{} --profile {} --case {}",
        options.command(),
        case.profile.as_str(),
        case.index
    );
    for (p, producer) in impls.iter().enumerate() {
        if !producer.takes_part(case.profile, true) {
            continue;
        }
        let mut rng = HarnessRng::from_seed(case_seed(options.seed, case.profile, case.index, p));
        let token = producer.produce(case, &keys, &mut rng);
        for (c, consumer) in impls.iter().enumerate() {
            if !consumer.takes_part(case.profile, false) {
                continue;
            }
            let result = match &token {
                Ok(token) => compare(
                    case,
                    &consumer.consume(
                        case.profile,
                        token,
                        &keys.customer.key,
                        &keys.recipient.key,
                        options.now,
                    ),
                ),
                Err(e) => Err(format!("the producer failed: {e}")),
            };
            tick();
            out.push(Tally {
                cell: (case.profile, p, c),
                failure: result.err().map(|problem| Failure {
                    profile: case.profile,
                    case: case.index.to_string(),
                    producer: names[p].clone(),
                    consumer: names[c].clone(),
                    problem,
                    token: token.clone().unwrap_or_default(),
                    keys: key_names(&keys),
                    reproduce: reproduce.clone(),
                }),
            });
        }
    }
    out
}

fn run_negatives(
    impls: &[Implementation],
    names: &[String],
    profile: Profile,
    cases: &[Case],
    options: &Options,
    quirks: &Quirks,
    tick: &(dyn Fn() + Sync),
) -> Vec<Negative> {
    let (Some(other), Some(customer), Some(recipient)) = (
        testkeys::named("customer2"),
        testkeys::named("customer"),
        testkeys::named("recipient"),
    ) else {
        return Vec::new();
    };
    // Only mistakes that make a token non-conforming: a warning's token
    // is still one every consumer may accept.
    let mutations: Vec<_> = mutate::catalog()
        .into_iter()
        .filter(|m| m.profiles.contains(&profile) && m.rule.severity == Severity::Error)
        .collect();
    mutations
        .par_iter()
        .enumerate()
        .filter(|(_, m)| {
            options
                .only_negative
                .as_ref()
                .is_none_or(|only| *only == m.name(profile))
        })
        .map(|(i, mutation)| {
            let base = &cases[i % cases.len()];
            let name = mutation.name(profile);
            let mut recipe = Recipe {
                profile,
                claims: base.claims.clone(),
                context: base.context.clone(),
                aes_key_bytes: base.aes_key_bytes,
                customer: &customer.key,
                other: &other.key,
                recipient: recipient.key.public(),
                now: options.now,
                rng: HarnessRng::from_seed(case_seed(options.seed, profile, 1_000_000 + i, 0)),
            };
            let token = mutation.build(&mut recipe);
            let outcomes = impls
                .iter()
                .enumerate()
                .filter(|(_, c)| c.takes_part(profile, false))
                .map(|(c, consumer)| {
                    tick();
                    let Ok(token) = &token else {
                        return NegativeOutcome {
                            consumer: names[c].clone(),
                            judgement: Judgement::Disagreement,
                            detail: format!("the case could not be built: {token:?}"),
                        };
                    };
                    let outcome = consumer.consume(
                        profile,
                        token,
                        &customer.key,
                        &recipient.key,
                        options.now,
                    );
                    judge(
                        consumer,
                        &names[c],
                        &name,
                        mutation.rule.id,
                        outcome,
                        quirks,
                    )
                })
                .collect();
            Negative {
                case: name,
                rule: mutation.rule.id.to_owned(),
                what: mutation.what.to_owned(),
                token: token.unwrap_or_default(),
                outcomes,
            }
        })
        .collect()
}

fn judge(
    consumer: &Implementation,
    name: &str,
    case: &str,
    rule: &str,
    outcome: Outcome,
    quirks: &Quirks,
) -> NegativeOutcome {
    let (judgement, detail) = match outcome {
        Outcome::Rejected { class, detail } => {
            let builtin = matches!(consumer, Implementation::Builtin(_));
            if builtin && !detail.split(", ").any(|id| id == rule) {
                match quirks.find(name, case) {
                    Some(q) => (
                        Judgement::Quirk,
                        format!("rejected with {detail} ({})", q.explain()),
                    ),
                    None => (Judgement::WrongRule, format!("rejected with {detail}")),
                }
            } else if builtin {
                (Judgement::Rejected, detail)
            } else {
                (Judgement::Rejected, format!("{class}: {detail}"))
            }
        }
        Outcome::Accepted { .. } => match quirks.find(name, case) {
            Some(q) => (Judgement::Quirk, format!("accepted ({})", q.explain())),
            None => (Judgement::Disagreement, "accepted it".to_owned()),
        },
        Outcome::Crashed { detail } => (Judgement::Disagreement, format!("crashed: {detail}")),
    };
    NegativeOutcome {
        consumer: name.to_owned(),
        judgement,
        detail,
    }
}

/// Quirks of implementations in the run whose cases ran and were all
/// rejected.
fn stale(impls: &[Implementation], quirks: &Quirks, negative: &[Negative]) -> Vec<Stale> {
    let names: Vec<String> = impls.iter().map(Implementation::name).collect();
    quirks
        .quirks
        .iter()
        .filter(|q| names.contains(&q.implementation))
        .filter_map(|q| {
            let answers: Vec<(&str, &NegativeOutcome)> = negative
                .iter()
                .filter(|n| quirks::matches(&q.case, &n.case))
                .flat_map(|n| {
                    n.outcomes
                        .iter()
                        .filter(|o| o.consumer == q.implementation)
                        .map(move |o| (n.case.as_str(), o))
                })
                .collect();
            let happened = answers.iter().any(|(_, o)| o.judgement == Judgement::Quirk);
            (!answers.is_empty() && !happened).then(|| Stale {
                quirk: q.clone(),
                rejected: answers.iter().map(|(c, _)| (*c).to_owned()).collect(),
            })
        })
        .collect()
}
