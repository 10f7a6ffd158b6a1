//! The implementations the harness runs tokens through, and what they
//! make of them.
//!
//! An [`Implementation`] is either a built-in backend (through
//! [`Stacked`]: it does the layers it can, the reference the rest; see
//! [`builtin`]) or an external program speaking the adapter protocol
//! ([`adapter`], requests in [`external`]), such as the project's own
//! [`peers`]. Both produce tokens from a [`TokenRequest`] and judge tokens
//! into an [`Outcome`]. The [`quirks`] file says what is known of each.
//! The vectors runner, the interop matrix and the reports all speak of
//! implementations in these terms.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::backend::{Backend, Layer, Stacked};
use crate::keys::{PrivateKey, PublicKey};
use crate::profile::Profile;
use crate::rng::HarnessRng;

pub mod adapter;
pub mod builtin;
pub mod external;
pub mod outcome;
pub mod peers;
pub mod quirks;

use adapter::{Adapter, AdapterError};
pub use outcome::Outcome;
pub use quirks::{Quirk, Quirks};

/// The layers of a profile.
pub fn layers(profile: Profile) -> [Layer; 2] {
    match profile {
        Profile::Iadvize => [Layer::Jws, Layer::Jwe],
        Profile::Moveo => [Layer::Jws, Layer::Context],
    }
}

/// One implementation: a producer of tokens, a consumer, or both.
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

/// What a producer is asked to make a token of.
#[derive(Debug, Clone, Copy)]
pub struct TokenRequest<'a> {
    /// The profile.
    pub profile: Profile,
    /// The claims (for moveo, without the context claims).
    pub claims: &'a Map<String, Value>,
    /// The moveo context object, if any.
    pub context: Option<&'a Value>,
    /// The moveo context's AES key length: 16 or 32 bytes.
    pub aes_key_bytes: usize,
    /// Whether the claims JSON escapes `/` as `\/` (built-in producers).
    pub escape_slashes: bool,
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

    /// Whether it is a backend of this binary (judged by the rules that
    /// fire, not only by its verdict).
    pub fn is_builtin(&self) -> bool {
        matches!(self, Implementation::Builtin(_))
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

    /// Makes the token `request` asks for, signed with `sign` and
    /// encrypted to `encrypt`.
    pub fn produce(
        &self,
        request: &TokenRequest<'_>,
        sign: &PrivateKey,
        encrypt: &PublicKey,
        rng: &mut HarnessRng,
    ) -> Result<String, String> {
        match self {
            Implementation::Builtin(stacked) => {
                builtin::produce(stacked, request, sign, encrypt, rng).map_err(|e| e.to_string())
            }
            Implementation::External { adapter, .. } => {
                external::produce(adapter, request, sign, encrypt)
            }
        }
    }

    /// Judges a token signed by `customer` for `recipient`, at `now`.
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
                builtin::consume(stacked, profile, token, customer, recipient, now)
            }
            Implementation::External { adapter, .. } => {
                external::consume(adapter, profile, token, customer, recipient, now)
            }
        }
    }
}
