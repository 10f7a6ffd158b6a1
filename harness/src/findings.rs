//! What a check finds: [`Finding`]s, the parts [`NotChecked`], the
//! [`Verdict`] and the whole [`Report`] of one token.

use serde::Serialize;
use serde_json::Value;

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
        }
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
    /// How many findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}
