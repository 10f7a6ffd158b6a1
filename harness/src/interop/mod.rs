//! The interop matrix: every producer × every consumer that has the
//! capability, for both profiles, over cases drawn from a seed; then every
//! negative case to every consumer (differential rejection).
//!
//! The producers and consumers are [`Implementation`]s: built-in backends
//! and external programs speaking the adapter protocol. [`cases`] draws
//! what they produce, [`run`] runs the matrix, its judging lives in
//! `judge.rs`, and the [`Matrix`] it leaves is data ([`matrix`]).
//!
//! [`Implementation`]: crate::implementation::Implementation

use crate::profile::Profile;
use crate::testkeys::{self, TestKey};

mod judge;
pub mod matrix;
mod run;

pub use crate::forge::cases::Case;
pub use matrix::{
    Failure, Judgement, KeyNames, Matrix, MatrixVerdict, Member, Negative, NegativeOutcome,
    Pairing, ProfileTable, Roles, Stale,
};
pub use run::{run, work};

/// The default number of cases per profile.
pub const DEFAULT_CASES: usize = 200;
/// The default seed.
pub const DEFAULT_SEED: u64 = 1;
/// The default "now" of a run: fixed, so runs are reproducible.
pub const DEFAULT_NOW: i64 = 1_700_000_000;
/// At most this many failures are kept with their tokens.
pub const MAX_FAILURES_KEPT: usize = 50;

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
