//! Reads the versions of the libraries the backends wrap from the
//! workspace's `Cargo.lock`, so a report names the exact release that
//! produced it (`JOSE_HARNESS_DEP_<NAME>`, `unknown` without a lock file).
//!
//! The lock file is parsed by hand (`name = "…"` followed by
//! `version = "…"`): a build script with no dependencies of its own.

use std::path::PathBuf;

/// The crates whose versions the backends report.
const CRATES: [&str; 8] = [
    "josekit",
    "jsonwebtoken",
    "openssl",
    "rsa",
    "aes-gcm",
    "aes",
    "cbc",
    "sha2",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../Cargo.lock");
    let lock = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(|dir| PathBuf::from(dir).join("../Cargo.lock"))
        .and_then(|path| std::fs::read_to_string(path).ok())
        .unwrap_or_default();
    let packages = packages(&lock);
    for name in CRATES {
        let mut versions: Vec<&str> = packages
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .collect();
        versions.sort_unstable();
        versions.dedup();
        let version = if versions.is_empty() {
            "unknown".to_owned()
        } else {
            // Two semver-incompatible copies can be locked at once; name both.
            versions.join("/")
        };
        let var = name.to_ascii_uppercase().replace('-', "_");
        println!("cargo:rustc-env=JOSE_HARNESS_DEP_{var}={version}");
    }
}

/// `(name, version)` of every `[[package]]` in a lock file.
fn packages(lock: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut name = None;
    for line in lock.lines().map(str::trim) {
        if line.starts_with('[') {
            name = None;
        } else if let Some(n) = quoted_value(line, "name") {
            name = Some(n);
        } else if let Some(v) = quoted_value(line, "version") {
            if let Some(n) = name.take() {
                out.push((n, v));
            }
        }
    }
    out
}

/// The value of `key = "value"`, if `line` is that.
fn quoted_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim()
        .strip_prefix('"')?
        .strip_suffix('"')
}
