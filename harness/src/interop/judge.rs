//! Judging what consumers made of the matrix's tokens: a case's token
//! must be accepted with the case's claims and context; a negative case
//! must be rejected (by a built-in, with the rule it breaks), unless the
//! quirks file explains it; a listed quirk that did not happen is stale.

use serde_json::Value;

use super::matrix::{Judgement, Negative, NegativeOutcome, Stale};
use crate::forge::cases::Case;
use crate::implementation::quirks;
use crate::implementation::{Implementation, Outcome, Quirks};
use crate::profile::Profile;

/// Claims the moveo context scheme adds; not part of a case's claims.
const CONTEXT_CLAIMS: [&str; 3] = ["context", "encryption_key", "init_vector"];

/// Whether `outcome` is `case`'s token accepted with the case's claims
/// and context; `Err` says how it is not.
pub(super) fn compare(case: &Case, outcome: &Outcome) -> Result<(), String> {
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
        Outcome::Skipped { reason } => Err(format!("skipped it: {reason}")),
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

/// How `consumer`'s `outcome` on the negative case `case`, where `rule`
/// must fire, is judged.
pub(super) fn judge(
    consumer: &Implementation,
    name: &str,
    case: &str,
    rule: &str,
    outcome: Outcome,
    quirks: &Quirks,
) -> NegativeOutcome {
    let (judgement, detail) = match outcome {
        Outcome::Rejected { class, detail } => {
            let builtin = consumer.is_builtin();
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
        Outcome::Skipped { reason } => (Judgement::Disagreement, format!("skipped: {reason}")),
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
pub(super) fn stale(
    impls: &[Implementation],
    quirks: &Quirks,
    negative: &[Negative],
) -> Vec<Stale> {
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
