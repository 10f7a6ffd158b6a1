//! jose-harness: a conformance test harness and fuzzer for the identity
//! tokens web-chat vendors ask their customers' backends to mint.
//!
//! The modules are layers; each uses only those listed before it
//! (ARCHITECTURE.md has the map and its rules):
//!
//! - [`rng`], [`time`], [`padding`]: a seeded RNG, UTC dates, PKCS#7 bytes.
//! - [`jose`]: compact serialization, base64url, strict JSON. No crypto.
//! - [`keys`], [`testkeys`]: RSA keys in every form users hold them.
//! - [`backend`]: the cryptography, behind `Backend` and `Primitives`; the
//!   only place a crypto library is named.
//! - [`rules`], [`mistakes`], [`findings`], [`profile`]: the rule catalogue,
//!   the catalogue of implementers' mistakes with their fixes per language,
//!   what a check reports, and the profiles with their header and claim
//!   rules as pure functions.
//! - [`check`]: the pipeline, one file per layer of a token.
//! - [`forge`]: tokens made on purpose: good ones, interop cases, and the
//!   one catalogue of broken tokens.
//! - [`redact`], [`batch`]: reports without secrets; many tokens at once.
//! - [`implementation`]: built-in backends, adapters and peers as
//!   producers and consumers, with one outcome vocabulary.
//! - [`vectors`], [`interop`], [`wycheproof`], [`rooterberg`]: the
//!   runners; they record results as data.
//! - [`audit`]: the auditors' data assembled from those results.
//! - [`report`]: renders results; it never checks.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod backend;
pub mod batch;
pub mod check;
pub mod findings;
pub mod forge;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod implementation;
pub mod interop;
pub mod jose;
pub mod keys;
pub mod mistakes;
pub mod padding;
pub mod profile;
pub mod published;
pub mod redact;
pub mod report;
pub mod rng;
pub mod rooterberg;
pub mod rules;
pub mod sender;
pub mod testkeys;
pub mod time;
pub mod vectors;
pub mod wycheproof;
