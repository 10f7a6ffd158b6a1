//! The logic of the fuzz targets in `fuzz/`, kept in the library so that an
//! ordinary `cargo test` can replay the committed corpus through the very
//! same entry points (`tests/fuzz_corpus.rs`), and CI without a fuzzer
//! still exercises every target.
//!
//! Every entry point takes the fuzzer's bytes and never panics on any
//! input, except to report a broken property: two implementations that
//! disagree (the differential targets), a parse that does not round-trip,
//! a token that passes although it was built with a mistake, a report
//! that contradicts itself. A panic here is a finding.
//!
//! The structure-aware targets read their input with [`arbitrary`] into a
//! model ([`TokenModel`], [`GcmCase`], …) that the fuzzer changes field by
//! field, so it reaches the rules behind the cryptography instead of
//! stopping at the base64 layer.
//!
//! Targets that do RSA private-key operations are slow by nature (the rsa
//! crate takes about 1.3 ms per operation with a 2048-bit key, OpenSSL
//! about 0.25 ms): hundreds to a few thousand executions per second, where
//! the parsers run at hundreds of thousands.

use zeroize::Zeroizing;

use crate::backend::{self, Backend, Capabilities, CryptoFailure};
use crate::keys::PrivateKey;
use crate::testkeys;

mod crypto;
mod impls;
mod memo;
mod model;
mod oracle;
mod parsers;
mod pipeline;
mod seeds;

pub use crypto::{
    jwe_content, jwe_decrypt, jws_verify, moveo_context, CbcCase, CbcEdit, CbcKey, CbcPadding,
    GcmCase, GcmEdit, GcmPart, JweCase, JwePart, JwsCase, SignatureEdit,
};
pub use model::{
    Alg, ContextModel, Cty, Exp, ExtraClaim, ExtraValue, HeaderExtra, HeaderModel, Iat, Issuer,
    JweHeaderModel, ModelProfile, Nbf, Subject, TextEdit, TokenModel, VisitorData,
};
pub use oracle::token_model;
pub use parsers::{base64url, compact, json, keys, pkcs7};
pub use pipeline::{check_iadvize, check_moveo};
pub use seeds::{corpus_name, dictionary, seeds};

/// The clock of every check the targets run: the vectors' `now`.
pub const NOW: i64 = 1_700_000_000;

/// The longest input worth giving a target (`-max_len`): tokens are a few
/// KiB, the largest committed vector 10 KiB.
pub const MAX_LEN: usize = 16 * 1024;

/// One fuzz target: its name (the file `fuzz/fuzz_targets/<name>.rs` and the
/// corpus directory `fuzz/corpus/<name>/`) and its entry point.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Name of the target, its corpus and regression directories.
    pub name: &'static str,
    /// The entry point.
    pub run: fn(&[u8]),
    /// What it fuzzes, for the README and the script's table.
    pub what: &'static str,
}

/// Every fuzz target, in the order `scripts/fuzz.sh` runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "compact",
        run: compact,
        what: "compact serialization: split, re-join, base64url-decode every segment, parse the header",
    },
    Target {
        name: "base64url",
        run: base64url,
        what: "our lenient base64/base64url decoder against the base64 crate (URL_SAFE_NO_PAD, STANDARD)",
    },
    Target {
        name: "json",
        run: json,
        what: "our strict JSON (duplicates, depth) against serde_json: acceptance and values",
    },
    Target {
        name: "keys",
        run: keys,
        what: "key loading (PEM, DER, bare base64, JWK); a loaded key re-encodes to itself",
    },
    Target {
        name: "pkcs7",
        run: pkcs7,
        what: "PKCS#7 unpadding: every flaw classified, pad/unpad inverse",
    },
    Target {
        name: "moveo_context",
        run: moveo_context,
        what: "moveo context AES-CBC + PKCS#7 with a fixed key, every context backend against the reference",
    },
    Target {
        name: "jwe_content",
        run: jwe_content,
        what: "JWE content (AES-256-GCM) with a fixed content key: IV, tag and AAD edits, reference against the openssl backend and josekit",
    },
    Target {
        name: "jwe_decrypt",
        run: jwe_decrypt,
        what: "whole JWE decryption through RSA-OAEP-256 with a fixed recipient key, across every backend",
    },
    Target {
        name: "jws_verify",
        run: jws_verify,
        what: "RS256 verification of signed and edited inputs, across every backend",
    },
    Target {
        name: "check_iadvize",
        run: check_iadvize,
        what: "the whole check pipeline, iadvize profile, on raw bytes",
    },
    Target {
        name: "check_moveo",
        run: check_moveo,
        what: "the whole check pipeline, moveo profile, on raw bytes",
    },
    Target {
        name: "token_model",
        run: token_model,
        what: "structure-aware: a token model (headers, claims, context, catalogue mutation, text edits) built, checked, verdict and rules asserted",
    },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

// ---- fixtures -----------------------------------------------------------

fn test_key(name: &str) -> &'static PrivateKey {
    match testkeys::named(name) {
        Some(key) => &key.key,
        None => panic!("the bundled test key {name} is missing"),
    }
}

fn backends_with(needs: impl Fn(&Capabilities) -> bool) -> Vec<&'static dyn Backend> {
    backend::all()
        .into_iter()
        .filter(|b| needs(&b.capabilities()))
        .collect()
}

/// A failure's class, comparable across backends: the variant for
/// [`CryptoFailure::Other`] (whose message is the library's own), the whole
/// value otherwise, and the bytes of a success.
fn class(result: &Result<Zeroizing<Vec<u8>>, CryptoFailure>) -> Result<Vec<u8>, String> {
    match result {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(CryptoFailure::Other(_)) => Err("Other".into()),
        Err(failure) => Err(format!("{failure:?}")),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
