//! The matrix a run leaves: who took part, every producer × consumer
//! pairing, every negative case with each consumer's answer judged, stale
//! quirks, and failures with their reproduction. Data only: serialized as
//! `interop --format json` prints it and `report --interop-json` reads it
//! back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::backend::Layer;
use crate::implementation::Quirk;
use crate::profile::Profile;

/// The key files of a failure's reproduction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyNames {
    /// Signing key (`vectors/keys/NAME-private.pem`; verify with `-public`).
    pub customer: String,
    /// Recipient key (decrypt with `-private`; encrypt with `-public`).
    pub recipient: String,
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

/// One producer × consumer pairing: how many of the producer's tokens
/// the consumer accepted with the same claims and context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pairing {
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

impl Judgement {
    /// Whether it fails the run: a disagreement or the wrong rule.
    pub fn is_failure(&self) -> bool {
        matches!(self, Judgement::Disagreement | Judgement::WrongRule)
    }
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
    pub cells: Vec<Pairing>,
    /// Every negative case.
    pub negative: Vec<Negative>,
    /// Quirks that no longer happen.
    pub stale_quirks: Vec<Stale>,
    /// Failures with their reproduction (at most [`super::MAX_FAILURES_KEPT`]).
    pub failures: Vec<Failure>,
    /// How many failures there were in all.
    pub failure_count: usize,
}

/// One profile's cells, with its producers and consumers in the order
/// they first appear (the rows and columns of a table).
#[derive(Debug)]
pub struct ProfileTable<'a> {
    /// The cells of the profile.
    pub cells: Vec<&'a Pairing>,
    /// Row names.
    pub producers: Vec<&'a str>,
    /// Column names.
    pub consumers: Vec<&'a str>,
}

impl Matrix {
    /// The table of `profile`; `None` when it has no cell.
    pub fn table(&self, profile: Profile) -> Option<ProfileTable<'_>> {
        let cells: Vec<&Pairing> = self.cells.iter().filter(|c| c.profile == profile).collect();
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
        Some(ProfileTable {
            cells,
            producers,
            consumers,
        })
    }
}
