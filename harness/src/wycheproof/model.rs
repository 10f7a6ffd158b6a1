//! Wycheproof's JOSE test files as serde reads them, unchanged: files,
//! groups sharing a key, and cases.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A JSON Web Key as Wycheproof writes it, members untouched.
pub type Jwk = Map<String, Value>;

/// A Wycheproof test file (schema `json_web_signature_schema_v1.json` or
/// `json_web_encryption_schema_v1.json`, and their unversioned
/// predecessors), generic over its test cases.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TestFile<T> {
    /// The algorithm (other Wycheproof files have it; the JOSE ones do not).
    #[serde(default)]
    pub algorithm: Option<String>,
    /// The generator's version (deprecated in the v1 files).
    #[serde(default)]
    pub generator_version: Option<String>,
    /// How many test cases the file says it holds.
    pub number_of_tests: usize,
    /// Documentation lines.
    #[serde(default)]
    pub header: Vec<String>,
    /// What each flag means.
    #[serde(default)]
    pub notes: BTreeMap<String, Note>,
    /// The schema the file follows.
    pub schema: String,
    /// The test groups.
    pub test_groups: Vec<TestGroup<T>>,
}

/// What a flag means: a sentence in the older files, an object in v1.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Note {
    /// The older form.
    Text(String),
    /// The v1 form.
    Detailed {
        /// The kind of bug the flag is about (`MODIFIED_PARAMETER`, ...).
        #[serde(rename = "bugType", default)]
        bug_type: Option<String>,
        /// What the flag means.
        #[serde(default)]
        description: Option<String>,
        /// Any other member (`effect`, `links`, `cves`).
        #[serde(flatten)]
        other: Map<String, Value>,
    },
}

/// Where a test group's vectors came from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Source {
    /// The generator (`google-wycheproof`).
    pub name: String,
    /// Its version.
    pub version: String,
}

/// A test group: cases sharing a key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestGroup<T> {
    /// `JsonWebSignature` or `JsonWebEncryption`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Where the vectors came from.
    #[serde(default)]
    pub source: Option<Source>,
    /// What the cases have in common (`rs256`, `jwe_rsa_oaep_256`, ...).
    #[serde(default)]
    pub comment: String,
    /// The private or secret key.
    #[serde(default)]
    pub private: Option<Jwk>,
    /// The public key, when there is one.
    #[serde(default)]
    pub public: Option<Jwk>,
    /// The cases.
    pub tests: Vec<T>,
}

/// What Wycheproof expects of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expected {
    /// Must be accepted.
    Valid,
    /// Must be rejected.
    Invalid,
    /// May be accepted or rejected.
    Acceptable,
}

impl Expected {
    /// Its name in the files.
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::Valid => "valid",
            Expected::Invalid => "invalid",
            Expected::Acceptable => "acceptable",
        }
    }
}

/// A JWS case.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwsCase {
    /// The case's id, unique in its file.
    #[serde(rename = "tcId")]
    pub tc_id: u64,
    /// What the case is about.
    pub comment: String,
    /// The token (compact, or a JSON serialization).
    pub jws: String,
    /// What Wycheproof expects.
    pub result: Expected,
    /// Flags explained in the file's notes.
    pub flags: Vec<String>,
}

/// A JWE case.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JweCase {
    /// The case's id, unique in its file.
    #[serde(rename = "tcId")]
    pub tc_id: u64,
    /// What the case is about.
    pub comment: String,
    /// The token (compact, or a JSON serialization).
    pub jwe: String,
    /// The plaintext a valid token decrypts to (hex in the file).
    #[serde(default, deserialize_with = "hex_bytes")]
    pub pt: Option<Vec<u8>>,
    /// The content encryption the case was made with.
    pub enc: String,
    /// What Wycheproof expects.
    pub result: Expected,
    /// Flags explained in the file's notes.
    pub flags: Vec<String>,
}

/// A loaded file with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteFile<T> {
    /// The file read.
    pub path: PathBuf,
    /// Its content.
    pub file: TestFile<T>,
}

/// Both JOSE files of a Wycheproof checkout.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    /// `json_web_signature_test.json`.
    pub signature: SuiteFile<JwsCase>,
    /// `json_web_encryption_test.json`.
    pub encryption: SuiteFile<JweCase>,
}

fn hex_bytes<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Vec<u8>>, D::Error> {
    let text: Option<String> = Option::deserialize(deserializer)?;
    let Some(text) = text else {
        return Ok(None);
    };
    decode_hex(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// Hex text as bytes (either case); `Err` says what is wrong with it.
pub(crate) fn decode_hex(text: &str) -> std::result::Result<Vec<u8>, String> {
    let digit = |c: u8| -> std::result::Result<u8, String> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(format!("{:?} is not a hex digit", char::from(c))),
        }
    };
    if !text.len().is_multiple_of(2) {
        return Err("hex text of odd length".to_owned());
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| Ok(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}
