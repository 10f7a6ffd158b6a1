//! What an implementation made of a token, as data: accepted (with what
//! it read), rejected (with a class and a detail) or crashed; never a Rust
//! error (x509-limbo's SUCCESS/FAILURE/SKIPPED).

use serde::Serialize;
use serde_json::Value;

/// What a consumer made of a token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// Accepted, with what it read.
    Accepted {
        /// The claims.
        claims: Value,
        /// The decrypted moveo context.
        context: Option<Value>,
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
