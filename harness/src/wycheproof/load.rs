//! Finding and reading the two JOSE files: each file's schema name,
//! declared count and unique `tcId`s are checked on load.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::model::{JweCase, JwsCase, Suite, SuiteFile, TestFile};
use super::{Result, WycheproofError, ENCRYPTION_FILE, SIGNATURE_FILE, SUBDIRECTORIES};

/// Reads both JOSE files from `dir`, or from its `testvectors_v1/` or
/// `testvectors/` (the layouts of a Wycheproof checkout), checking each
/// file's schema name, `numberOfTests` and that `tcId`s are unique.
pub fn load(dir: &Path) -> Result<Suite> {
    Ok(Suite {
        signature: load_file(
            dir,
            SIGNATURE_FILE,
            "JSON Web Signature",
            "json_web_signature",
        )?,
        encryption: load_file(
            dir,
            ENCRYPTION_FILE,
            "JSON Web Encryption",
            "json_web_encryption",
        )?,
    })
}

/// Where `file` is below `dir`: the first of `dir`, then
/// [`SUBDIRECTORIES`], that holds it.
pub fn locate(dir: &Path, file: &'static str) -> Result<PathBuf> {
    let looked: Vec<PathBuf> = std::iter::once(dir.join(file))
        .chain(SUBDIRECTORIES.iter().map(|sub| dir.join(sub).join(file)))
        .collect();
    match looked.iter().find(|p| p.is_file()) {
        Some(path) => Ok(path.clone()),
        None => Err(WycheproofError::Missing {
            file,
            dir: dir.to_path_buf(),
            looked,
        }),
    }
}

trait Case {
    fn tc_id(&self) -> u64;
}

impl Case for JwsCase {
    fn tc_id(&self) -> u64 {
        self.tc_id
    }
}

impl Case for JweCase {
    fn tc_id(&self) -> u64 {
        self.tc_id
    }
}

fn load_file<T: Case + for<'de> Deserialize<'de>>(
    dir: &Path,
    name: &'static str,
    kind: &'static str,
    schema_prefix: &'static str,
) -> Result<SuiteFile<T>> {
    let path = locate(dir, name)?;
    let bytes = std::fs::read(&path).map_err(|source| WycheproofError::Io {
        path: path.clone(),
        source,
    })?;
    let file: TestFile<T> = serde_json::from_slice(&bytes).map_err(|source| {
        if source.is_data() {
            WycheproofError::Schema {
                path: path.clone(),
                kind,
                source,
            }
        } else {
            WycheproofError::NotJson {
                path: path.clone(),
                source,
            }
        }
    })?;
    if !file.schema.starts_with(schema_prefix) {
        return Err(WycheproofError::WrongSchema {
            path,
            found: file.schema,
            expected: schema_prefix,
        });
    }
    let found: usize = file.test_groups.iter().map(|g| g.tests.len()).sum();
    if found != file.number_of_tests {
        return Err(WycheproofError::CountMismatch {
            path,
            declared: file.number_of_tests,
            found,
        });
    }
    let mut seen = BTreeSet::new();
    for case in file.test_groups.iter().flat_map(|g| &g.tests) {
        if !seen.insert(case.tc_id()) {
            return Err(WycheproofError::DuplicateTcId {
                path,
                tc_id: case.tc_id(),
            });
        }
    }
    Ok(SuiteFile { path, file })
}
