//! Rooterberg's files as serde reads them: the members the harness needs
//! are required, every other member (PEM keys, references, members added
//! by later versions) is let through.

use std::path::PathBuf;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::wycheproof::model::decode_hex;
use crate::wycheproof::Jwk;

/// The three kinds of file the profiles' layers need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `jwt_rs256_*.json`: RS256 verification.
    Jws,
    /// `jwe_rsa_oaep_256_a256gcm_*.json`: RSA-OAEP-256 + A256GCM decryption.
    Jwe,
    /// `aes_cbc_pkcs7_*.json`: AES-CBC decryption with PKCS#7 padding.
    AesCbc,
}

impl Kind {
    /// Every kind, in the order files are run and reported.
    pub const ALL: [Kind; 3] = [Kind::Jws, Kind::Jwe, Kind::AesCbc];

    /// What a file's name starts with.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Jws => "jwt_rs256_",
            Kind::Jwe => "jwe_rsa_oaep_256_a256gcm_",
            Kind::AesCbc => "aes_cbc_pkcs7_",
        }
    }

    /// The file name pattern, for people.
    pub fn pattern(self) -> String {
        format!("{}*.json", self.prefix())
    }

    /// The kind of a file called `name`, if any.
    pub fn of_file(name: &str) -> Option<Kind> {
        let stem = name.strip_suffix(".json")?;
        Kind::ALL
            .into_iter()
            .find(|k| stem.len() > k.prefix().len() && stem.starts_with(k.prefix()))
    }

    /// The `testType` files of this kind declare (the first is shown in
    /// errors).
    pub fn test_types(self) -> &'static [&'static str] {
        match self {
            Kind::Jws => &["JwsVerify"],
            Kind::Jwe => &["JwePkDecrypt", "JweDecrypt"],
            Kind::AesCbc => &["IndCpa"],
        }
    }

    /// The usual `testType` of this kind.
    pub fn test_type(self) -> &'static str {
        self.test_types()[0]
    }
}

/// A Rooterberg test file, generic over its tests.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestFile<T> {
    /// `JwsVerify`, `JwePkDecrypt`, `IndCpa`, ...
    pub test_type: String,
    /// What the file tests (`primitive`, `keySize`, ...), an object whose
    /// members vary with the kind.
    #[serde(default)]
    pub algorithm: Option<Value>,
    /// The generator's version.
    #[serde(default)]
    pub version: Option<String>,
    /// How many tests the file says it holds.
    pub num_tests: usize,
    /// What each flag means, as the file writes it.
    #[serde(default)]
    pub notes: Map<String, Value>,
    /// The tests.
    pub tests: Vec<T>,
}

/// A JWS test: a compact RS256 token and the public key that must verify
/// it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwsCase {
    /// The test's id, unique in its file.
    pub tc_id: u64,
    /// The public key as a JWK.
    pub public_key_jwk: Jwk,
    /// The payload a valid token carries.
    pub msg: String,
    /// The token.
    pub sig: String,
    /// What the test is about.
    #[serde(default)]
    pub comment: String,
    /// Whether the token must be accepted.
    pub valid: bool,
    /// Flags explained in the file's notes.
    #[serde(default)]
    pub flags: Vec<String>,
}

/// A JWE test: a compact token and the private key that must decrypt it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JweCase {
    /// The test's id, unique in its file.
    pub tc_id: u64,
    /// The private key as a JWK.
    pub private_key_jwk: Jwk,
    /// The plaintext a valid token decrypts to.
    pub msg: String,
    /// The token.
    pub ct: String,
    /// What the test is about.
    #[serde(default)]
    pub comment: String,
    /// Whether the token must be accepted.
    pub valid: bool,
    /// Flags explained in the file's notes.
    #[serde(default)]
    pub flags: Vec<String>,
}

/// An AES-CBC test (hex in the file, bytes here).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AesCbcCase {
    /// The test's id, unique in its file.
    pub tc_id: u64,
    /// The AES key.
    #[serde(deserialize_with = "hex")]
    pub key: Vec<u8>,
    /// The IV.
    #[serde(deserialize_with = "hex")]
    pub iv: Vec<u8>,
    /// The plaintext a valid ciphertext decrypts to.
    #[serde(deserialize_with = "hex")]
    pub msg: Vec<u8>,
    /// The ciphertext, padding included.
    #[serde(deserialize_with = "hex")]
    pub ct: Vec<u8>,
    /// What the test is about.
    #[serde(default)]
    pub comment: String,
    /// Whether the ciphertext must be accepted; older files leave it out
    /// when it is.
    #[serde(default = "valid_by_default")]
    pub valid: bool,
    /// Flags explained in the file's notes.
    #[serde(default)]
    pub flags: Vec<String>,
}

fn valid_by_default() -> bool {
    true
}

fn hex<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Vec<u8>, D::Error> {
    let text = String::deserialize(deserializer)?;
    decode_hex(&text).map_err(serde::de::Error::custom)
}

/// A loaded file with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteFile<T> {
    /// The file read.
    pub path: PathBuf,
    /// Its content.
    pub file: TestFile<T>,
}

/// Every file of the three kinds found below a directory, each kind in
/// path order.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    /// The directory searched.
    pub dir: PathBuf,
    /// `jwt_rs256_*.json`.
    pub jws: Vec<SuiteFile<JwsCase>>,
    /// `jwe_rsa_oaep_256_a256gcm_*.json`.
    pub jwe: Vec<SuiteFile<JweCase>>,
    /// `aes_cbc_pkcs7_*.json`.
    pub aes_cbc: Vec<SuiteFile<AesCbcCase>>,
}

impl Suite {
    /// The kinds with no file found.
    pub fn missing(&self) -> Vec<Kind> {
        let counts = [self.jws.len(), self.jwe.len(), self.aes_cbc.len()];
        Kind::ALL
            .into_iter()
            .zip(counts)
            .filter(|(_, n)| *n == 0)
            .map(|(k, _)| k)
            .collect()
    }
}
