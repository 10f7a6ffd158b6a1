//! What each build of the crate compiles: the default build (a fresh
//! clone's first `cargo run`) has no C library, `full` has OpenSSL built
//! from source, and the library alone has no command-line crates.

use std::path::Path;
use std::process::Command;

/// The packages `cargo tree` lists for jose-harness built with `args`
/// (normal and build dependencies, each once).
fn packages(args: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&root)
        .args(["tree", "--quiet", "--offline", "-p", "jose-harness"])
        .args(["-e", "normal,build", "--prefix", "none", "--no-dedupe"])
        .args(args)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    names
}

fn has(packages: &[String], name: &str) -> bool {
    packages.iter().any(|p| p == name)
}

#[test]
fn the_default_build_compiles_no_openssl() {
    let default = packages(&[]);
    assert!(has(&default, "jose-harness") && has(&default, "clap"));
    for c_or_heavy in [
        "openssl",
        "openssl-sys",
        "openssl-src",
        "josekit",
        "regex",
        "cc",
    ] {
        assert!(
            !has(&default, c_or_heavy),
            "the default build pulls in {c_or_heavy}"
        );
    }
}

#[test]
fn full_builds_openssl_from_source() {
    let full = packages(&["--features", "full"]);
    for name in ["openssl", "openssl-src", "josekit"] {
        assert!(has(&full, name), "--features full lacks {name}");
    }
}

#[test]
fn the_library_alone_has_no_command_line_crates() {
    let library = packages(&["--no-default-features"]);
    for name in [
        "clap",
        "clap_complete",
        "clap_mangen",
        "anyhow",
        "indicatif",
        "ctrlc",
    ] {
        assert!(!has(&library, name), "the library pulls in {name}");
    }
    assert!(has(&library, "rsa"));
}
