//! The project's own peers: the Node and Python implementations in
//! `scripts/peers/`, listed in `scripts/peers/peers.json`, run through the
//! adapter protocol by `--peers`.
//!
//! The manifest lists, for each peer, its name, the command that starts
//! it and the file that exists once `scripts/peers/setup.sh` has installed
//! it (a virtual environment's Python, an npm package). Commands and
//! files are relative to the project's root, the directory that holds
//! `scripts/`; commands run there. A peer that is not set up is an error
//! that says which script to run, never a half-empty matrix.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::adapter::Adapter;

/// Where the manifest sits under the project's root.
pub const MANIFEST: &str = "scripts/peers/peers.json";

/// The environment variable that names a manifest elsewhere.
pub const MANIFEST_ENV: &str = "JOSE_HARNESS_PEERS";

/// What goes wrong finding or starting the peers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PeersError {
    /// No manifest in this directory or above it.
    #[error(
        "no {MANIFEST} in {start} or any directory above it: run from a clone of jose-harness, \
         or set {MANIFEST_ENV} to the manifest's path"
    )]
    NotFound {
        /// Where the search started.
        start: String,
    },
    /// The manifest cannot be read or is not valid.
    #[error("the peers manifest {path} is not valid: {reason}")]
    Invalid {
        /// The manifest.
        path: String,
        /// Why.
        reason: String,
    },
    /// A peer's installation is missing.
    #[error(
        "the peer {name} is not set up ({missing} is missing): run {root}/scripts/peers/setup.sh \
         (it needs {needs})"
    )]
    NotSetUp {
        /// The peer.
        name: String,
        /// The file that should exist.
        missing: String,
        /// The project's root.
        root: String,
        /// What the setup needs on the machine.
        needs: String,
    },
}

/// One peer of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Peer {
    /// Its name in reports (the adapter's `describe` name).
    pub name: String,
    /// The shell command that starts it, run from the project's root.
    pub command: String,
    /// A file that exists once the peer is installed.
    pub installed: String,
    /// What its setup needs on the machine (`Node.js 18 or later`).
    pub needs: String,
}

/// The manifest: every peer, and where the project's root is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peers {
    /// The directory the commands run in.
    pub root: PathBuf,
    /// The peers, in the manifest's order.
    pub peers: Vec<Peer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    peers: Vec<Peer>,
}

impl Peers {
    /// The manifest named by `JOSE_HARNESS_PEERS`, or the first
    /// `scripts/peers/peers.json` in `start` or a directory above it.
    pub fn find(start: &Path) -> Result<Self, PeersError> {
        if let Some(path) = std::env::var_os(MANIFEST_ENV) {
            return Self::load(Path::new(&path));
        }
        start
            .ancestors()
            .map(|dir| dir.join(MANIFEST))
            .find(|path| path.is_file())
            .ok_or_else(|| PeersError::NotFound {
                start: start.display().to_string(),
            })
            .and_then(|path| Self::load(&path))
    }

    /// Reads a manifest; its root is two directories above it
    /// (`ROOT/scripts/peers/peers.json`).
    pub fn load(path: &Path) -> Result<Self, PeersError> {
        let invalid = |reason: String| PeersError::Invalid {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        if manifest.peers.is_empty() {
            return Err(invalid("it lists no peer".into()));
        }
        let root = path
            .parent()
            .and_then(Path::parent)
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .ok_or_else(|| invalid("it is not at ROOT/scripts/peers/peers.json".into()))?;
        let root = if root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            root
        };
        Ok(Peers {
            root,
            peers: manifest.peers,
        })
    }

    /// Every peer that is not installed, as the error that says so.
    pub fn missing(&self) -> Vec<PeersError> {
        self.peers
            .iter()
            .filter(|p| !self.root.join(&p.installed).exists())
            .map(|p| PeersError::NotSetUp {
                name: p.name.clone(),
                missing: p.installed.clone(),
                root: self.root.display().to_string(),
                needs: p.needs.clone(),
            })
            .collect()
    }

    /// An adapter per peer, each running in the project's root; the first
    /// peer not set up is an error.
    pub fn adapters(&self) -> Result<Vec<(Peer, Adapter)>, PeersError> {
        if let Some(missing) = self.missing().into_iter().next() {
            return Err(missing);
        }
        Ok(self
            .peers
            .iter()
            .map(|p| {
                (
                    p.clone(),
                    Adapter::new(p.command.clone()).in_dir(&self.root),
                )
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join(MANIFEST);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("jose-harness-peers-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_root_is_two_directories_above_the_manifest_and_missing_setups_are_named() {
        let dir = scratch("root");
        let path = manifest(
            &dir,
            r#"{"peers":[
                {"name":"a","command":"true","installed":"scripts/peers/peers.json","needs":"nothing"},
                {"name":"b","command":"true","installed":"node_modules/x","needs":"Node.js"}
            ]}"#,
        );
        let peers = Peers::load(&path).unwrap();
        assert_eq!(peers.root, dir);
        let missing = peers.missing();
        assert_eq!(missing.len(), 1);
        let message = missing[0].to_string();
        assert!(message.contains("the peer b is not set up"), "{message}");
        assert!(message.contains("node_modules/x is missing"), "{message}");
        assert!(message.contains("scripts/peers/setup.sh"), "{message}");
        assert!(peers.adapters().is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_bad_manifest_says_what_is_wrong() {
        let dir = scratch("bad");
        let empty = manifest(&dir, r#"{"peers":[]}"#);
        let err = Peers::load(&empty).unwrap_err().to_string();
        assert!(err.contains("lists no peer"), "{err}");
        let unknown = manifest(&dir, r#"{"peers":[],"extra":1}"#);
        let err = Peers::load(&unknown).unwrap_err().to_string();
        assert!(err.contains("unknown field"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_bundled_manifest_parses_and_names_distinct_peers() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(MANIFEST);
        let peers = Peers::load(&path).expect("scripts/peers/peers.json parses");
        let mut names: Vec<_> = peers.peers.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), peers.peers.len());
        assert!(names.len() >= 5, "{names:?}");
    }
}
