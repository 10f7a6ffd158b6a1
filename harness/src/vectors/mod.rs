//! Test vectors for auditors and implementers of receivers: the file
//! format (modelled on Project Wycheproof's), the deterministic generator
//! and the runner.
//!
//! `vectors/<profile>/<group>.json` holds a header (schema, generator
//! version, seed, profile), `notes` explaining every flag with its bug
//! type, and the tests. Keys are named, never embedded: they live in
//! `vectors/keys/` as `<name>-public.pem` and `<name>-private.pem`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub mod generate;
pub mod run;

/// The schema id every file declares.
pub const SCHEMA_ID: &str = "jose-harness-vectors-v1";
/// The default seed of `vectors generate` (the committed vectors).
pub const DEFAULT_SEED: u64 = 2024;
/// The fixed time every vector is judged at.
pub const NOW: i64 = 1_700_000_000;

/// The kind of bug a flag's vectors catch (Wycheproof's bug types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BugType {
    /// A valid token: a receiver that rejects it does not work.
    Basic,
    /// Accepting it lets someone else's token (or no signature) through.
    AuthBypass,
    /// Accepting it exposes or corrupts encrypted data.
    Confidentiality,
    /// Two texts for one token, or a parser differential.
    Malleability,
    /// A boundary or unusual-but-defined input.
    EdgeCase,
    /// Parameters too weak or of the wrong size.
    WeakParams,
    /// An old algorithm the profiles do not allow.
    Legacy,
}

/// What a flag means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Note {
    /// The kind of bug.
    pub bug_type: BugType,
    /// What the flag's vectors show.
    pub description: String,
}

/// The expected verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Expected {
    /// A receiver must accept the token.
    Pass,
    /// A receiver must reject the token.
    Fail,
}

/// What must happen to a vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Accept or reject.
    pub verdict: Expected,
    /// Rule ids (severity error) that must be reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// Rule ids (severity warning or info) that must be reported; the token
    /// still conforms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The keys a vector needs, by name (`vectors/keys/<name>-public.pem`,
/// `<name>-private.pem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorKeys {
    /// The key pair whose public half verifies the signature.
    pub verify: String,
    /// The key pair whose private half decrypts (the JWE or the context).
    pub decrypt: String,
}

/// One test vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Vector {
    /// Number, unique in its file.
    pub tc_id: usize,
    /// Namespaced id, unique across all files (`iadvize/jwe.tag.bitflip`).
    pub id: String,
    /// What the vector shows.
    pub comment: String,
    /// Flags, each explained in the file's `notes`.
    pub flags: Vec<String>,
    /// The time to judge it at (seconds since the epoch).
    pub now: i64,
    /// The token.
    pub token: String,
    /// The keys.
    pub keys: VectorKeys,
    /// The expected result.
    pub expect: Expect,
    /// Where the requirement comes from.
    pub references: Vec<String>,
}

/// One vector file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VectorFile {
    /// Always [`SCHEMA_ID`].
    pub schema: String,
    /// The jose-harness version that wrote it.
    pub generator_version: String,
    /// The seed of every random value in it.
    pub seed: u64,
    /// `iadvize` or `moveo`.
    pub profile: String,
    /// The group (`valid`, `invalid`).
    pub group: String,
    /// How many tests follow (checked on load).
    pub number_of_tests: usize,
    /// What the file holds, for a reader.
    pub header: Vec<String>,
    /// Every flag used, explained.
    pub notes: BTreeMap<String, Note>,
    /// The vectors.
    pub tests: Vec<Vector>,
}

/// Why vectors could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VectorError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not a vector file.
    #[error("{path} is not a vector file: {reason}")]
    Invalid {
        /// The path.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Generation found a vector that does not behave as declared.
    #[error("vector {id}: {reason}")]
    Unsound {
        /// The vector.
        id: String,
        /// What is wrong.
        reason: String,
    },
}

/// The JSON Schema of a vector file, as committed in
/// `vectors/schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(VectorFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads and checks one vector file: the schema id, the declared count,
/// every flag explained, unique tcIds.
pub fn load_file(path: &Path) -> Result<VectorFile, VectorError> {
    let text = std::fs::read_to_string(path).map_err(|source| VectorError::Io {
        path: path.to_owned(),
        source,
    })?;
    let invalid = |reason: String| VectorError::Invalid {
        path: path.to_owned(),
        reason,
    };
    let file: VectorFile = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    if file.schema != SCHEMA_ID {
        return Err(invalid(format!(
            "schema {:?}, expected {SCHEMA_ID:?}",
            file.schema
        )));
    }
    if file.number_of_tests != file.tests.len() {
        return Err(invalid(format!(
            "numberOfTests says {} but there are {} tests",
            file.number_of_tests,
            file.tests.len()
        )));
    }
    let mut ids = std::collections::BTreeSet::new();
    for test in &file.tests {
        if !ids.insert(test.tc_id) {
            return Err(invalid(format!("tcId {} is used twice", test.tc_id)));
        }
        if let Some(flag) = test.flags.iter().find(|f| !file.notes.contains_key(*f)) {
            return Err(invalid(format!(
                "tcId {}: flag {flag:?} is not explained in notes",
                test.tc_id
            )));
        }
    }
    Ok(file)
}

/// Every vector file under `dir` (`<profile>/*.json`), sorted by path.
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, VectorFile)>, VectorError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| VectorError::Io { path, source }
    };
    let mut paths = Vec::new();
    for profile in ["iadvize", "moveo"] {
        let sub = dir.join(profile);
        if !sub.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&sub).map_err(io(&sub))? {
            let path = entry.map_err(io(&sub))?.path();
            if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(VectorError::Invalid {
            path: dir.to_owned(),
            reason: "no vector files (expected iadvize/*.json and moveo/*.json)".into(),
        });
    }
    paths
        .into_iter()
        .map(|p| load_file(&p).map(|f| (p, f)))
        .collect()
}
