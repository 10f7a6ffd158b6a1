//! The check pipeline: token + keys + now → [`Report`].
//!
//! Parsing findings, header rules, decryption, signature verification and
//! claim rules all run on one token, so an implementer learns every
//! problem in one run. Where one step fails, the pipeline goes on with what
//! it could recover (a lenient base64 decode, the last of duplicate JSON
//! members, a key decrypted with the scheme that was really used), so a
//! first mistake does not hide the next. Anything it could not check is
//! listed in [`Report::not_checked`], never counted as passing.
//!
//! One file per layer: `decode` (segments and JSON, with their flaws),
//! `jwe` (the iAdvize envelope), `jws` (the signed JWT of either profile)
//! and `context` (the moveo context). The rules themselves are pure
//! functions in [`crate::profile`]; every cryptographic operation,
//! diagnostic ones included, goes through the backend in
//! [`CheckOptions::backend`].

use crate::backend::{self, Backend, WithReference};
use crate::findings::{Finding, NotChecked, Report, Verdict};
use crate::jose::Limits;
use crate::keys::{PrivateKey, PublicKey};
use crate::mistakes::{Mistake, Status};
use crate::profile::{Profile, MIN_RSA_BITS};
use crate::rules::{self as r, Rule, Severity};

mod context;
mod decode;
mod jwe;
mod jws;
mod secrets;
mod trials;

pub use secrets::{Print, SecretPrints};

/// Everything a check needs besides the token.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions<'a> {
    /// The profile.
    pub profile: Profile,
    /// The customer public key (signature).
    pub verify_key: Option<&'a PublicKey>,
    /// The recipient private key (JWE, or moveo context).
    pub decrypt_key: Option<&'a PrivateKey>,
    /// Current time, seconds since the epoch.
    pub now: i64,
    /// Input bounds.
    pub limits: Limits,
    /// The implementation doing the cryptography, diagnosis included.
    pub backend: &'a dyn Backend,
}

/// Checks one token.
pub fn check(token: &str, options: &CheckOptions<'_>) -> Report {
    checked(token, options, false).0
}

/// Checks one token, and keeps the fingerprints of its secrets (AES key,
/// IVs, content key, context ciphertext) for comparing it with others of
/// the same sender. Costs one more RSA decryption for an iAdvize token.
pub fn check_with_prints(token: &str, options: &CheckOptions<'_>) -> (Report, SecretPrints) {
    checked(token, options, true)
}

fn checked(token: &str, options: &CheckOptions<'_>, prints: bool) -> (Report, SecretPrints) {
    let mut checking = TokenCheck {
        o: options,
        raw: backend::primitives_of(options.backend),
        prints_wanted: prints,
        prints: SecretPrints::default(),
        report: Report {
            profile: options.profile,
            verdict: Verdict::Pass,
            findings: Vec::new(),
            header: None,
            inner_header: None,
            claims: None,
            context: None,
            not_checked: Vec::new(),
            now: options.now,
            backend: options.backend.id(),
        },
    };
    let token = token.trim_matches(|c: char| c.is_ascii_whitespace());
    if token.len() > options.limits.max_token_bytes {
        checking.add(
            r::TOKEN_SIZE,
            format!(
                "{} bytes; the limit is {}",
                token.len(),
                options.limits.max_token_bytes
            ),
        );
        checking.not_checked("everything past the size limit", "the token was not parsed");
    } else {
        match options.profile {
            Profile::Iadvize => checking.iadvize(token),
            Profile::Moveo => checking.moveo(token),
        }
    }
    let (mut report, prints) = (checking.report, checking.prints);
    report.explain_by_rules();
    report.verdict = if report.count(Severity::Error) > 0 {
        Verdict::Fail
    } else if !report.not_checked.is_empty() {
        Verdict::Incomplete
    } else {
        Verdict::Pass
    };
    (report, prints)
}

/// Whether a signature was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signature {
    Valid,
    Invalid,
    Unchecked,
}

/// One token being checked: the options, the backend's raw primitives
/// for diagnosis, and the report being written.
struct TokenCheck<'a, 'o> {
    o: &'a CheckOptions<'o>,
    raw: WithReference<'o>,
    /// Whether to fingerprint the secrets (`audit`), and the fingerprints.
    prints_wanted: bool,
    prints: SecretPrints,
    report: Report,
}

impl TokenCheck<'_, '_> {
    fn add(&mut self, rule: Rule, detail: impl Into<String>) {
        self.report.findings.push(Finding::new(rule, detail));
    }

    /// A finding of `rule` that a trial showed to be `mistake`: it replaces
    /// the symptom's finding.
    fn confirmed(&mut self, rule: Rule, mistake: &Mistake, detail: impl Into<String>) {
        let finding = Finding::new(rule, detail).because(mistake, None);
        self.report.findings.push(finding);
    }

    /// Adds `mistake` as the likely cause of the last finding of one of
    /// its rules that has no cause yet; `false` when there is none.
    fn likely(&mut self, mistake: &Mistake, evidence: impl Into<String>) -> bool {
        self.attach(mistake, Status::Likely, evidence.into())
    }

    /// Ties the last finding of one of `mistake`'s rules to it, confirmed
    /// by what the token itself shows (a header's spelling).
    fn explained(&mut self, mistake: &Mistake, evidence: impl Into<String>) -> bool {
        self.attach(mistake, Status::Confirmed, evidence.into())
    }

    fn attach(&mut self, mistake: &Mistake, status: Status, evidence: String) -> bool {
        let target = self
            .report
            .findings
            .iter_mut()
            .rev()
            .find(|f| f.cause.is_none() && mistake.rules.iter().any(|r| r.id == f.id));
        match target {
            Some(finding) => {
                *finding = finding.clone().because(mistake, Some(evidence));
                if let Some(cause) = finding.cause.as_mut() {
                    cause.status = status;
                }
                true
            }
            None => false,
        }
    }

    /// Where the pure rule functions of [`crate::profile`] write.
    fn findings(&mut self) -> &mut Vec<Finding> {
        &mut self.report.findings
    }

    fn not_checked(&mut self, part: &'static str, reason: impl Into<String>) {
        self.report.not_checked.push(NotChecked {
            part,
            reason: reason.into(),
        });
    }

    fn key_size(&mut self, bits: usize, which: &str) {
        if bits < MIN_RSA_BITS {
            self.add(r::KEY_SIZE, format!("the {which} is {bits} bits"));
        }
    }
}
