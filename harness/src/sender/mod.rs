//! A set of tokens from one sender, judged as a whole (`jose-harness
//! audit`): what no single token shows. The same moveo AES key, IV or
//! context ciphertext in two tokens; the same JWE content key or GCM IV;
//! lifetimes (exp - iat) that vary or are too long; and, when the tokens
//! were minted by running the sender's own command ([`mint`]), the
//! sender's clock against the harness's.
//!
//! The tokens are checked by [`crate::batch`], which hands over each one's
//! [`TokenFacts`] in input order; [`SetAudit`] keeps only what comparing
//! needs: 128 bits of the SHA-256 of each secret and the line that first
//! had it, and for a repeated one a few line numbers and a count. Secrets
//! are never kept, nor printed: a repeated key is named by a fingerprint
//! and its lines. Memory grows with the number of distinct secrets (about
//! 50 bytes each), never with the tokens' size.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::batch::TokenFacts;
use crate::check::Print;
use crate::findings::Verdict;
use crate::profile::{Profile, IADVIZE_MAX_LIFETIME, MOVEO_MAX_EXP_AHEAD};
use crate::rules::{self as r, Rule, Severity};

pub mod mint;

/// Line numbers named per finding; the count says how many there are.
pub const MAX_LINES: usize = 20;
/// Distinct repeated secrets reported per rule; the rest are counted.
pub const MAX_REPEATS: usize = 20;
/// Seconds between iat and the time the command ran that are not skew
/// (iat is whole seconds, and a command takes some time to run).
pub const CLOCK_TOLERANCE: i64 = 5;

/// One finding about the set: the rule, what was found, and the lines (or
/// runs, with `--mint`) involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetFinding {
    /// Rule id.
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: &'static str,
    /// What exactly was found.
    pub detail: String,
    /// Lines (runs) involved, the first [`MAX_LINES`].
    pub lines: Vec<u64>,
    /// How many tokens are involved in all.
    pub tokens: u64,
    /// How to fix it.
    pub fix: &'static str,
    /// Where the requirement comes from.
    pub reference: &'static str,
}

/// Lines where something happened: the first few, and how many.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Lines {
    first: Vec<u64>,
    count: u64,
}

impl Lines {
    fn push(&mut self, line: u64) {
        if self.first.len() < MAX_LINES {
            self.first.push(line);
        }
        self.count += 1;
    }
}

/// The secrets compared across tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    AesKey,
    Iv,
    Context,
    Cek,
    GcmIv,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::AesKey,
        Kind::Iv,
        Kind::Context,
        Kind::Cek,
        Kind::GcmIv,
    ];

    fn rule(self) -> Rule {
        match self {
            Kind::AesKey => r::AUDIT_KEY_REUSED,
            Kind::Iv => r::AUDIT_IV_REUSED,
            Kind::Context => r::AUDIT_CIPHERTEXT_REPEATED,
            Kind::Cek => r::AUDIT_CEK_REUSED,
            Kind::GcmIv => r::AUDIT_GCM_IV_REUSED,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::AesKey => "the AES key",
            Kind::Iv => "the IV",
            Kind::Context => "the context ciphertext",
            Kind::Cek => "the content key",
            Kind::GcmIv => "the GCM IV",
        }
    }
}

/// A secret seen once: where, and the secret it was used with (the key of
/// an IV), to tell a nonce reused under one key.
#[derive(Debug, Clone, Copy)]
struct First {
    line: u64,
    with: u128,
}

/// A secret seen more than once.
#[derive(Debug, Clone, Default)]
struct Repeat {
    lines: Lines,
    /// Tokens that also share the companion secret with the first.
    same_key: u64,
}

#[derive(Debug, Default)]
struct Seen {
    first: HashMap<u128, First>,
    repeats: BTreeMap<u128, Repeat>,
    /// Repeated secrets past [`MAX_REPEATS`].
    more: u64,
}

fn short(print: &Print) -> u128 {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&print[..16]);
    u128::from_be_bytes(bytes)
}

/// The fingerprint printed for a secret: `sha256:` and 8 bytes of hex.
fn fingerprint(short: u128) -> String {
    format!("sha256:{:016x}", (short >> 64) as u64)
}

/// The findings about a set of tokens, gathered one token at a time.
#[derive(Debug)]
pub struct SetAudit {
    profile: Profile,
    seen: [Seen; 5],
    lifetimes: BTreeMap<i64, Lines>,
    lifetimes_more: u64,
    long: Lines,
    longest: i64,
    skew: Lines,
    worst_skew: i64,
    failed_runs: Lines,
    failures: Vec<String>,
    /// Tokens per verdict.
    pub pass: u64,
    /// See `pass`.
    pub fail: u64,
    /// See `pass`.
    pub incomplete: u64,
    /// Per-token findings across the set: rule id → (severity, lines).
    rules: BTreeMap<&'static str, (Severity, Lines)>,
}

/// Distinct lifetimes kept; past that, only counted.
const MAX_LIFETIMES: usize = 64;

impl SetAudit {
    /// An empty set of `profile` tokens.
    pub fn new(profile: Profile) -> Self {
        SetAudit {
            profile,
            seen: Default::default(),
            lifetimes: BTreeMap::new(),
            lifetimes_more: 0,
            long: Lines::default(),
            longest: 0,
            skew: Lines::default(),
            worst_skew: 0,
            failed_runs: Lines::default(),
            failures: Vec::new(),
            pass: 0,
            fail: 0,
            incomplete: 0,
            rules: BTreeMap::new(),
        }
    }

    /// The longest lifetime the profile allows or recommends, in seconds.
    pub fn max_lifetime(&self) -> i64 {
        match self.profile {
            Profile::Iadvize => IADVIZE_MAX_LIFETIME as i64,
            Profile::Moveo => MOVEO_MAX_EXP_AHEAD as i64,
        }
    }

    /// Adds one checked token.
    pub fn add(&mut self, facts: &TokenFacts) {
        match facts.verdict {
            Verdict::Pass => self.pass += 1,
            Verdict::Fail => self.fail += 1,
            Verdict::Incomplete => self.incomplete += 1,
        }
        // A rule counts once per token, however often it fired in it.
        for (i, (id, severity)) in facts.findings.iter().enumerate() {
            if facts.findings[..i].iter().any(|(seen, _)| seen == id) {
                continue;
            }
            self.rules
                .entry(id)
                .or_insert_with(|| (*severity, Lines::default()))
                .1
                .push(facts.line);
        }
        let p = &facts.prints;
        let none = [0u8; 32];
        let key = short(p.aes_key.as_ref().unwrap_or(&none));
        let cek = short(p.cek.as_ref().unwrap_or(&none));
        let secrets = [
            (Kind::AesKey, p.aes_key, 0),
            (Kind::Iv, p.iv, key),
            (Kind::Context, p.context, key),
            (Kind::Cek, p.cek, 0),
            (Kind::GcmIv, p.gcm_iv, cek),
        ];
        for (kind, print, with) in secrets {
            if let Some(print) = print {
                self.see(kind, short(&print), with, facts.line);
            }
        }
        if let (Some(iat), Some(exp)) = (facts.iat, facts.exp) {
            let lifetime = exp.saturating_sub(iat);
            if self.lifetimes.len() < MAX_LIFETIMES || self.lifetimes.contains_key(&lifetime) {
                self.lifetimes.entry(lifetime).or_default().push(facts.line);
            } else {
                self.lifetimes_more += 1;
            }
            if lifetime > self.max_lifetime() {
                self.long.push(facts.line);
                self.longest = self.longest.max(lifetime);
            }
        }
    }

    fn see(&mut self, kind: Kind, print: u128, with: u128, line: u64) {
        let seen = &mut self.seen[kind as usize];
        match seen.first.get(&print) {
            None => {
                seen.first.insert(print, First { line, with });
            }
            Some(first) => {
                let first = *first;
                let known = seen.repeats.contains_key(&print);
                if !known && seen.repeats.len() >= MAX_REPEATS {
                    seen.more += 1;
                    return;
                }
                let repeat = seen.repeats.entry(print).or_default();
                if !known {
                    repeat.lines.push(first.line);
                }
                repeat.lines.push(line);
                if with != 0 && with == first.with {
                    repeat.same_key += 1;
                }
            }
        }
    }

    /// Adds what a run of the minting command says about the sender's
    /// clock: `iat` against the time it ran (`started`..=`ended`, whole
    /// seconds).
    pub fn add_clock(&mut self, run: u64, iat: Option<i64>, started: i64, ended: i64) {
        let Some(iat) = iat else { return };
        let skew = if iat < started {
            iat - started
        } else if iat > ended {
            iat - ended
        } else {
            0
        };
        if skew.abs() > CLOCK_TOLERANCE {
            self.skew.push(run);
            if skew.abs() > self.worst_skew.abs() {
                self.worst_skew = skew;
            }
        }
    }

    /// Adds a run of the minting command that gave no token, and why.
    pub fn add_failed_run(&mut self, run: u64, why: &str) {
        self.failed_runs.push(run);
        if self.failures.len() < 3 {
            self.failures.push(format!("run {run}: {why}"));
        }
    }

    /// Per-token findings across the set: (rule id, severity, tokens, the
    /// first lines), in rule-id order.
    pub fn token_findings(&self) -> Vec<(&'static str, Severity, u64, Vec<u64>)> {
        self.rules
            .iter()
            .map(|(id, (severity, lines))| (*id, *severity, lines.count, lines.first.clone()))
            .collect()
    }

    /// The findings about the set, in catalogue order.
    pub fn findings(&self, lines_are: &str) -> Vec<SetFinding> {
        let mut out = Vec::new();
        let finding = |rule: Rule, detail: String, lines: &Lines| SetFinding {
            id: rule.id,
            severity: rule.severity,
            message: rule.message,
            detail,
            lines: lines.first.clone(),
            tokens: lines.count,
            fix: rule.fix,
            reference: rule.reference,
        };
        if self.failed_runs.count > 0 {
            out.push(finding(
                r::AUDIT_MINT_FAILED,
                format!(
                    "{} run(s) gave no token; {}",
                    self.failed_runs.count,
                    self.failures.join("; ")
                ),
                &self.failed_runs,
            ));
        }
        for kind in Kind::ALL {
            let seen = &self.seen[kind as usize];
            for (print, repeat) in &seen.repeats {
                let mut detail = format!(
                    "{} {} is in {} tokens ({lines_are} {})",
                    kind.what(),
                    fingerprint(*print),
                    repeat.lines.count,
                    join(&repeat.lines.first, repeat.lines.count),
                );
                if repeat.same_key > 0 {
                    detail.push_str(match kind {
                        Kind::GcmIv => {
                            "; under the same content key too: GCM nonce reuse, which breaks GCM"
                        }
                        _ => "; under the same AES key too",
                    });
                }
                out.push(finding(kind.rule(), detail, &repeat.lines));
            }
            if seen.more > 0 {
                out.push(finding(
                    kind.rule(),
                    format!(
                        "and {} more tokens repeat another {} (not listed)",
                        seen.more,
                        kind.what()
                    ),
                    &Lines::default(),
                ));
            }
        }
        if self.lifetimes.len() > 1 || self.lifetimes_more > 0 {
            let mut all = Lines::default();
            let spread: Vec<String> = self
                .lifetimes
                .iter()
                .map(|(lifetime, lines)| {
                    for line in &lines.first {
                        if all.first.len() < MAX_LINES {
                            all.first.push(*line);
                        }
                    }
                    all.count += lines.count;
                    format!(
                        "{lifetime} s in {} (first {lines_are} {})",
                        lines.count, lines.first[0]
                    )
                })
                .collect();
            all.first.sort_unstable();
            out.push(finding(
                r::AUDIT_LIFETIME_VARIES,
                format!(
                    "lifetimes: {}{}",
                    spread.join(", "),
                    if self.lifetimes_more > 0 {
                        format!(", and {} tokens with yet others", self.lifetimes_more)
                    } else {
                        String::new()
                    }
                ),
                &all,
            ));
        }
        if self.long.count > 0 {
            out.push(finding(
                r::AUDIT_LIFETIME_LONG,
                format!(
                    "{} token(s) live longer than {} s, up to {} s ({lines_are} {})",
                    self.long.count,
                    self.max_lifetime(),
                    self.longest,
                    join(&self.long.first, self.long.count)
                ),
                &self.long,
            ));
        }
        if self.skew.count > 0 {
            let direction = if self.worst_skew < 0 {
                "behind"
            } else {
                "ahead of"
            };
            out.push(finding(
                r::AUDIT_CLOCK_SKEW,
                format!(
                    "iat is up to {} s {direction} the time the command ran, in {} run(s) ({lines_are} {})",
                    self.worst_skew.abs(),
                    self.skew.count,
                    join(&self.skew.first, self.skew.count)
                ),
                &self.skew,
            ));
        }
        out
    }

    /// The verdict of the set: fail if a token fails or a set finding is
    /// an error; incomplete if a token could not be wholly checked.
    pub fn verdict(&self, findings: &[SetFinding]) -> Verdict {
        if self.fail > 0 || findings.iter().any(|f| f.severity == Severity::Error) {
            Verdict::Fail
        } else if self.incomplete > 0 {
            Verdict::Incomplete
        } else {
            Verdict::Pass
        }
    }
}

/// "3, 7, 9" or "3, 7, 9, … (12 in all)".
fn join(lines: &[u64], count: u64) -> String {
    let text: Vec<String> = lines.iter().map(u64::to_string).collect();
    if count > lines.len() as u64 {
        format!("{}, … ({count} in all)", text.join(", "))
    } else {
        text.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::SecretPrints;

    fn facts(line: u64, iv: u8, key: u8, lifetime: i64) -> TokenFacts {
        TokenFacts {
            line,
            verdict: Verdict::Pass,
            findings: Vec::new(),
            prints: SecretPrints {
                aes_key: Some([key; 32]),
                iv: Some([iv; 32]),
                context: Some([line as u8; 32]),
                ..SecretPrints::default()
            },
            iat: Some(1000),
            exp: Some(1000 + lifetime),
        }
    }

    #[test]
    fn a_repeated_iv_names_its_lines_and_nothing_else_fires() {
        let mut audit = SetAudit::new(Profile::Moveo);
        for (line, iv) in [(1, 1), (2, 2), (3, 1), (5, 1)] {
            audit.add(&facts(line, iv, line as u8, 60));
        }
        let findings = audit.findings("lines");
        let ids: Vec<&str> = findings.iter().map(|f| f.id).collect();
        assert_eq!(ids, ["audit.iv_reused"]);
        assert_eq!(findings[0].lines, [1, 3, 5]);
        assert_eq!(findings[0].tokens, 3);
        assert_eq!(audit.verdict(&findings), Verdict::Fail);
    }

    #[test]
    fn a_rule_firing_twice_in_a_token_counts_once() {
        let mut audit = SetAudit::new(Profile::Moveo);
        for line in 1..=25 {
            let mut token = facts(line, line as u8, line as u8, 60);
            token.findings = vec![("key.test_key", Severity::Warning); 2];
            audit.add(&token);
        }
        let findings = audit.token_findings();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].2, 25);
        assert_eq!(findings[0].3.len(), MAX_LINES);
    }

    #[test]
    fn lifetimes_that_vary_or_run_long_are_named() {
        let mut audit = SetAudit::new(Profile::Iadvize);
        audit.add(&facts(1, 1, 1, 60));
        audit.add(&facts(2, 2, 2, 90));
        let ids: Vec<&str> = audit.findings("lines").iter().map(|f| f.id).collect();
        assert_eq!(ids, ["audit.lifetime_varies", "audit.lifetime_long"]);
    }

    #[test]
    fn the_clock_is_judged_against_the_run() {
        let mut audit = SetAudit::new(Profile::Moveo);
        audit.add_clock(1, Some(100), 100, 101);
        audit.add_clock(2, Some(105), 100, 100);
        assert!(audit.findings("runs").is_empty());
        audit.add_clock(3, Some(40), 100, 101);
        let findings = audit.findings("runs");
        assert_eq!(findings[0].id, "audit.clock_skew");
        assert_eq!(findings[0].lines, [3]);
        assert!(findings[0].detail.contains("60 s behind"));
    }
}
