//! Project Rooterberg's test vectors for the profiles' layers, run as they
//! are against every backend.
//!
//! Rooterberg (bleichenbacher-daniel/Rooterberg) publishes one file per
//! algorithm and key size, each case carrying its own key. Three kinds of
//! file cover the profiles' layers:
//!
//! - `jwt_rs256_*.json` (`JwsVerify`): RS256 tokens and the public key
//!   (as a JWK) that must verify them: the inner JWS of iadvize, the JWT
//!   of moveo;
//! - `jwe_rsa_oaep_256_a256gcm_*.json` (`JwePkDecrypt`): RSA-OAEP-256 +
//!   A256GCM tokens and the private key (as a JWK) that must decrypt
//!   them: the envelope of iadvize;
//! - `aes_cbc_pkcs7_*.json` (`IndCpa`): AES-CBC with PKCS#7 padding, key,
//!   IV and ciphertext in hex: the context of moveo.
//!
//! [`load`] finds them anywhere a few levels below a directory (a
//! Rooterberg checkout keeps them in `test_vectors/jws/`,
//! `test_vectors/jwe/` and `test_vectors/ind_cpa/`) and reads them without
//! changing them; [`run`] runs each case on every backend able to;
//! [`crate::report::rooterberg`] writes the result for people.
//!
//! # How a case is judged
//!
//! The files' cases are put through Wycheproof's machinery
//! ([`crate::wycheproof`]): the same strict parsing of the compact form, the
//! same reading of the JWK's `use`, `key_ops` and `alg`, the same guarded
//! backend calls, outcomes and results. Two things differ, because the
//! files differ:
//!
//! - a file is about one algorithm and its key, so a token whose header
//!   names another (`alg` swapped for HS256, `enc` for A128GCM) is
//!   rejected by the harness's parsing, as a consumer of the profiles
//!   rejects it, where Wycheproof's mixed files skip it;
//! - every case gives its message (`msg`): a valid JWS must carry it as
//!   its payload, a valid JWE or AES-CBC ciphertext must decrypt to it;
//!   anything else is a wrong answer ([`crate::wycheproof::WRONG_MESSAGE`]).
//!
//! `valid: true` must be accepted, `valid: false` rejected (an AES-CBC case
//! without `valid`, as older files write them, is valid). The profiles'
//! AES keys are 128 or 256 bits, and the backends take no other, so a case
//! with another key size (AES-192) is skipped and counted, as is an IV
//! that is not 128 bits.

use std::io;
use std::path::PathBuf;

mod load;
pub mod model;
mod run;

pub use load::{find, load};
pub use model::{AesCbcCase, JweCase, JwsCase, Kind, Suite, SuiteFile, TestFile};
pub use run::run;

use crate::wycheproof::FileResults;

/// How deep below the directory given [`find`] looks: a Rooterberg
/// checkout's `test_vectors/jws/` is two levels down.
pub const MAX_DEPTH: usize = 4;

/// Why Rooterberg's files could not be loaded. Every variant names the
/// directory or the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RooterbergError {
    /// The directory given is not one.
    #[error("{} is not a directory", dir.display())]
    NoDirectory {
        /// The directory given.
        dir: PathBuf,
    },
    /// No file of any kind below the directory.
    #[error("no Rooterberg file in {} (looked {MAX_DEPTH} levels deep for {})", dir.display(), Kind::ALL.map(Kind::pattern).join(", "))]
    NoFiles {
        /// The directory given.
        dir: PathBuf,
    },
    /// A directory or file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The directory or file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The file is not JSON.
    #[error("{} is not JSON: {source}", path.display())]
    NotJson {
        /// The file.
        path: PathBuf,
        /// serde_json's error, with line and column.
        source: serde_json::Error,
    },
    /// JSON, but without the members a file of its kind needs.
    #[error("{} does not follow Rooterberg's {} schema: {source}", path.display(), kind.test_type())]
    Schema {
        /// The file.
        path: PathBuf,
        /// The kind its name says it is.
        kind: Kind,
        /// serde_json's error, with line and column.
        source: serde_json::Error,
    },
    /// The file's `testType` is not its name's kind.
    #[error("{} declares testType {found:?}; a file named {} has {}", path.display(), kind.pattern(), kind.test_type())]
    WrongTestType {
        /// The file.
        path: PathBuf,
        /// The kind its name says it is.
        kind: Kind,
        /// The `testType` it declares.
        found: String,
    },
    /// `numTests` is not the number of cases in the file.
    #[error("{} declares numTests {declared} but holds {found} tests", path.display())]
    CountMismatch {
        /// The file.
        path: PathBuf,
        /// `numTests`.
        declared: usize,
        /// Cases counted.
        found: usize,
    },
    /// Two cases share a `tcId`, so results could not be told apart.
    #[error("{} has more than one test with tcId {tc_id}", path.display())]
    DuplicateTcId {
        /// The file.
        path: PathBuf,
        /// The repeated id.
        tc_id: u64,
    },
}

/// Results of this module.
pub type Result<T> = std::result::Result<T, RooterbergError>;

/// The results of [`run`]: one entry per file, as Wycheproof's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RooterbergReport {
    /// The directory searched.
    pub dir: String,
    /// Each file found, JWS files first, then JWE, then AES-CBC, each kind
    /// in path order.
    pub files: Vec<FileResults>,
    /// The file name patterns with no file found.
    pub not_found: Vec<String>,
    /// Unexpected results over every file and backend.
    pub unexpected: usize,
}

impl RooterbergReport {
    /// The results on the file called `name`.
    pub fn file(&self, name: &str) -> Option<&FileResults> {
        self.files.iter().find(|f| f.file == name)
    }
}
