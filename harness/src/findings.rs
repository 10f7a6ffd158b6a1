//! What a check finds: [`Finding`]s, the parts [`NotChecked`], the
//! [`Verdict`] and the whole [`Report`] of one token.

use serde::Serialize;
use serde_json::Value;

use crate::mistakes::{self, Cause, Fixes, Lang, Mistake};
use crate::profile::Profile;
use crate::rules::{Rule, Severity};

/// One thing found about a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id.
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: &'static str,
    /// What exactly was found in this token.
    pub detail: String,
    /// How to fix it.
    pub fix: &'static str,
    /// Where the requirement comes from.
    pub reference: &'static str,
    /// The implementer's mistake behind it, when diagnosis found one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// The fix in each language, from the cause's catalogue entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixes: Option<Fixes>,
}

impl Finding {
    /// A finding of `rule`, with what exactly was found.
    pub fn new(rule: Rule, detail: impl Into<String>) -> Self {
        Finding {
            id: rule.id,
            severity: rule.severity,
            message: rule.message,
            detail: detail.into(),
            fix: rule.fix,
            reference: rule.reference,
            cause: None,
            fixes: None,
        }
    }

    /// The same finding explained by `mistake`, with what showed it.
    pub fn because(mut self, mistake: &Mistake, evidence: Option<String>) -> Self {
        self.cause = Some(Cause::of(mistake, evidence));
        self.fixes = Some(Fixes::of(mistake));
        self
    }

    /// Whether diagnosis tied it to a mistake.
    pub fn has_cause(&self) -> bool {
        self.cause.is_some()
    }
}

/// A part of the token that could not be checked, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotChecked {
    /// What was not checked.
    pub part: &'static str,
    /// Why not.
    pub reason: String,
}

/// The overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No error finding and everything was checked.
    Pass,
    /// At least one error finding.
    Fail,
    /// No error finding, but some parts could not be checked (missing keys).
    Incomplete,
}

/// The outcome of checking one token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The profile checked against.
    pub profile: Profile,
    /// The verdict.
    pub verdict: Verdict,
    /// Every finding, in the order found.
    pub findings: Vec<Finding>,
    /// The outer header (the JWE's for iadvize, the JWS's for moveo).
    pub header: Option<Value>,
    /// The inner JWS header (iadvize only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_header: Option<Value>,
    /// The claims, as read.
    pub claims: Option<Value>,
    /// The decrypted moveo context.
    pub context: Option<Value>,
    /// Parts not checked, with the reason.
    pub not_checked: Vec<NotChecked>,
    /// The time the checks used.
    pub now: i64,
    /// The backend that did the cryptography.
    pub backend: &'static str,
}

impl Report {
    /// Whether a finding of `rule` is present.
    pub fn has(&self, rule: &Rule) -> bool {
        self.findings.iter().any(|f| f.id == rule.id)
    }
    /// The ids of all findings, in order.
    pub fn ids(&self) -> Vec<&'static str> {
        self.findings.iter().map(|f| f.id).collect()
    }
    /// Ties every finding that has no cause yet to the mistake its rule
    /// alone shows, where the catalogue has one.
    pub fn explain_by_rules(&mut self) {
        for finding in self.findings.iter_mut().filter(|f| f.cause.is_none()) {
            if let Some(mistake) = mistakes::shown_by_rule(finding.id) {
                *finding = finding.clone().because(mistake, None);
            }
        }
    }
    /// Puts `lang`'s fix first in every finding (and alone in text).
    pub fn prefer(&mut self, lang: Option<Lang>) {
        for finding in &mut self.findings {
            finding.fixes = finding.fixes.map(|f| f.preferring(lang));
        }
    }
    /// The findings diagnosis tied to a mistake.
    pub fn causes(&self) -> impl Iterator<Item = &Cause> {
        self.findings.iter().filter_map(|f| f.cause.as_ref())
    }
    /// How many findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}
