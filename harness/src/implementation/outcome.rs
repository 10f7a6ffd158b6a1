//! What an implementation made of a token, as data: accepted (with what
//! it read), rejected (with a class and a detail), skipped (with the
//! reason) or crashed; never a Rust error (x509-limbo's
//! SUCCESS/FAILURE/SKIPPED). The vectors runner, the interop matrix and
//! the Wycheproof runner all record their consumers' outcomes so, and the
//! reports render them.

use serde::Serialize;
use serde_json::Value;

/// What a consumer made of a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// Accepted, with what it read.
    Accepted {
        /// The claims (`null` when it read none, as a bare signature check
        /// or decryption).
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
        /// The class of the rejection: a rule id for built-in consumers,
        /// `rejected` for adapters, and for Wycheproof's cases the stage
        /// that decided (`parse`, `key`, `backend`).
        class: String,
        /// More about it.
        detail: String,
    },
    /// Not run: the token is outside what the consumer is tested on.
    Skipped {
        /// Why.
        reason: String,
    },
    /// The consumer crashed, hung, answered garbage (a decryption to
    /// another plaintext than the token holds, an answer without a
    /// verdict), or could not finish.
    Crashed {
        /// What happened.
        detail: String,
    },
}

impl Outcome {
    /// Accepted, with nothing read: a bare signature check or decryption.
    pub fn accepted() -> Self {
        Outcome::Accepted {
            claims: Value::Null,
            context: None,
            not_unicode: Vec::new(),
        }
    }

    /// Whether it is an acceptance.
    pub fn is_accepted(&self) -> bool {
        matches!(self, Outcome::Accepted { .. })
    }
}
