//! Finding Rooterberg's files below a directory and reading them: each
//! file's `testType`, declared count and unique `tcId`s are checked on
//! load.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::model::{AesCbcCase, JweCase, JwsCase, Kind, Suite, SuiteFile, TestFile};
use super::{Result, RooterbergError, MAX_DEPTH};

/// Every file of the three kinds below `dir`, at most [`MAX_DEPTH`]
/// levels down, in path order. Hidden entries (`.git`) are passed over
/// and symbolic links to directories are not followed.
pub fn find(dir: &Path) -> Result<Vec<(Kind, PathBuf)>> {
    if !dir.is_dir() {
        return Err(RooterbergError::NoDirectory {
            dir: dir.to_path_buf(),
        });
    }
    let mut found = Vec::new();
    let mut level = vec![dir.to_path_buf()];
    for _ in 0..=MAX_DEPTH {
        let mut next = Vec::new();
        for d in &level {
            let io = |source| RooterbergError::Io {
                path: d.clone(),
                source,
            };
            for entry in std::fs::read_dir(d).map_err(io)? {
                let entry = entry.map_err(io)?;
                let name = entry.file_name();
                let Some(name) = name.to_str() else { continue };
                if name.starts_with('.') {
                    continue;
                }
                let path = entry.path();
                let file_type = entry.file_type().map_err(io)?;
                if file_type.is_dir() {
                    next.push(path);
                } else if let Some(kind) = Kind::of_file(name) {
                    if path.is_file() {
                        found.push((kind, path));
                    }
                }
            }
        }
        level = next;
    }
    found.sort();
    Ok(found)
}

/// Reads every file [`find`] finds below `dir`, checking each file's
/// `testType`, `numTests` and that its `tcId`s are unique. At least one
/// file must be found.
pub fn load(dir: &Path) -> Result<Suite> {
    let found = find(dir)?;
    if found.is_empty() {
        return Err(RooterbergError::NoFiles {
            dir: dir.to_path_buf(),
        });
    }
    let mut suite = Suite {
        dir: dir.to_path_buf(),
        jws: Vec::new(),
        jwe: Vec::new(),
        aes_cbc: Vec::new(),
    };
    for (kind, path) in found {
        match kind {
            Kind::Jws => suite.jws.push(load_file(path, kind)?),
            Kind::Jwe => suite.jwe.push(load_file(path, kind)?),
            Kind::AesCbc => suite.aes_cbc.push(load_file(path, kind)?),
        }
    }
    Ok(suite)
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

impl Case for AesCbcCase {
    fn tc_id(&self) -> u64 {
        self.tc_id
    }
}

fn load_file<T: Case + for<'de> Deserialize<'de>>(
    path: PathBuf,
    kind: Kind,
) -> Result<SuiteFile<T>> {
    let bytes = std::fs::read(&path).map_err(|source| RooterbergError::Io {
        path: path.clone(),
        source,
    })?;
    // The test type first, so that a file of another kind says so rather
    // than which member it lacks.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Head {
        test_type: Option<String>,
    }
    let head: Head = serde_json::from_slice(&bytes).map_err(|source| {
        if source.is_data() {
            RooterbergError::Schema {
                path: path.clone(),
                kind,
                source,
            }
        } else {
            RooterbergError::NotJson {
                path: path.clone(),
                source,
            }
        }
    })?;
    if let Some(found) = head.test_type {
        if !kind.test_types().contains(&found.as_str()) {
            return Err(RooterbergError::WrongTestType { path, kind, found });
        }
    }
    let file: TestFile<T> =
        serde_json::from_slice(&bytes).map_err(|source| RooterbergError::Schema {
            path: path.clone(),
            kind,
            source,
        })?;
    if file.tests.len() != file.num_tests {
        return Err(RooterbergError::CountMismatch {
            path,
            declared: file.num_tests,
            found: file.tests.len(),
        });
    }
    let mut seen = BTreeSet::new();
    for case in &file.tests {
        if !seen.insert(case.tc_id()) {
            return Err(RooterbergError::DuplicateTcId {
                path,
                tc_id: case.tc_id(),
            });
        }
    }
    Ok(SuiteFile { path, file })
}
