//! jose-harness: a conformance test harness and fuzzer for the identity
//! tokens web-chat vendors ask their customers' backends to mint.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod b64;
pub mod backend;
pub mod batch;
pub mod check;
pub mod findings;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod implementation;
pub mod interop;
pub mod jose;
pub mod json;
pub mod keys;
pub mod mint;
pub mod mutate;
pub mod padding;
pub mod profile;
pub mod redact;
pub mod report;
pub mod rng;
pub mod rules;
pub mod testkeys;
pub mod time;
pub mod vectors;
pub mod wycheproof;
