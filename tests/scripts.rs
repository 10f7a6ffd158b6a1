//! The scripts of `scripts/` work from any directory and under the
//! settings users have: `CARGO_TARGET_DIR` (relative too),
//! `CARGO_HOME`, no `zip` on PATH. Each answers `--help` with its usage
//! and does nothing else; `fuzz.sh` finds the binaries wherever cargo put
//! them and tells a target that was not built from one that crashed; `ci.sh`
//! says when the files it needs beside the repository are missing.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use jose_harness_tests::workspace;

/// Every shell script under `scripts/`, so a new one is covered too.
fn scripts() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("scripts/ is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "node_modules") {
                    walk(&path, found);
                }
            } else if path.extension().is_some_and(|e| e == "sh") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&workspace().join("scripts"), &mut found);
    found.sort();
    found
}

/// A directory of links to every program on PATH except `without`: PATH
/// as the user has it, minus those programs.
fn path_without(without: &[&str], dir: &Path) -> OsString {
    std::fs::create_dir_all(dir).expect("mkdir");
    let path = std::env::var_os("PATH").unwrap_or_default();
    for entry in std::env::split_paths(&path) {
        let Ok(programs) = std::fs::read_dir(&entry) else {
            continue;
        };
        for program in programs.flatten() {
            let name = program.file_name();
            let link = dir.join(&name);
            if without.iter().any(|w| name == **w) || link.exists() {
                continue;
            }
            let _ = std::os::unix::fs::symlink(program.path(), link);
        }
    }
    dir.as_os_str().to_owned()
}

/// The settings a script is run under: none of the caller's, or a
/// relative `CARGO_TARGET_DIR`, a fresh `CARGO_HOME` and no `zip`.
#[derive(Debug, Clone, Copy)]
enum Setting {
    Plain,
    Unusual,
}

/// A scratch folder to run from, and its `Unusual` settings.
struct Elsewhere {
    dir: tempfile::TempDir,
    path: OsString,
}

impl Elsewhere {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = path_without(&["zip"], &dir.path().join("bin"));
        std::fs::create_dir_all(dir.path().join("cwd")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("cargo-home")).expect("mkdir");
        Self { dir, path }
    }

    fn cwd(&self) -> PathBuf {
        self.dir.path().join("cwd")
    }

    fn command(&self, program: &Path, setting: Setting) -> Command {
        let mut command = Command::new(program);
        command.current_dir(self.cwd());
        if let Setting::Unusual = setting {
            command
                .env("CARGO_TARGET_DIR", "target-elsewhere")
                .env("CARGO_HOME", self.dir.path().join("cargo-home"))
                .env("PATH", &self.path);
        }
        command
    }

    /// What the scratch folders hold (the links of `bin/` aside).
    fn contents(&self) -> Vec<String> {
        let mut found = Vec::new();
        for sub in ["cwd", "cargo-home"] {
            for entry in std::fs::read_dir(self.dir.path().join(sub)).expect("readable") {
                found.push(format!(
                    "{sub}/{}",
                    entry.expect("entry").file_name().to_string_lossy()
                ));
            }
        }
        found
    }
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_script_prints_its_usage_from_anywhere_and_does_nothing_else() {
    let scripts = scripts();
    for expected in ["ci.sh", "fuzz.sh", "bench.sh", "setup.sh"] {
        assert!(
            scripts.iter().any(|s| s.ends_with(expected)),
            "{expected} not among {scripts:?}"
        );
    }
    let elsewhere = Elsewhere::new();
    for script in &scripts {
        let name = script
            .strip_prefix(workspace())
            .expect("under the workspace")
            .display()
            .to_string();
        // A script that does not know --help would run for real: not here.
        let source = std::fs::read_to_string(script).expect("readable");
        assert!(
            source.contains("-h|--help)"),
            "{name} has no -h|--help) case; not run"
        );
        for setting in [Setting::Plain, Setting::Unusual] {
            for flag in ["--help", "-h"] {
                let started = std::time::Instant::now();
                let output = elsewhere
                    .command(script, setting)
                    .arg(flag)
                    .output()
                    .unwrap_or_else(|e| panic!("{name}: cannot run it: {e}"));
                let (stdout, stderr) = text(&output);
                let shown = format!("{name} {flag} ({setting:?}): {stdout}\n{stderr}");
                assert_eq!(output.status.code(), Some(0), "{shown}");
                assert!(stderr.is_empty(), "{shown}");
                // The usage names the script as it is run, with its options.
                assert!(stdout.contains(&name), "{shown}");
                assert!(stdout.contains("--help"), "{shown}");
                assert!(!stdout.contains("#!/"), "{shown}");
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(10),
                    "{shown}: took {:?}",
                    started.elapsed()
                );
                assert_eq!(elsewhere.contents(), Vec::<String>::new(), "{shown}");
            }
        }
    }
}

/// The host triple cargo fuzz builds for.
fn host_triple() -> String {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

/// A stand-in for a libFuzzer binary: prints what libFuzzer prints at the
/// start and end of a run, and exits with `status`.
fn fake_target(path: &Path, status: i32) {
    use std::os::unix::fs::PermissionsExt;
    let crash = if status == 0 {
        ""
    } else {
        "echo '==1== ERROR: libFuzzer: deadly signal'\necho 'Test unit written to ./crash-0'\n"
    };
    let script = format!(
        "#!/bin/sh\necho 'INFO: Seed: 1'\necho '#64\tDONE   cov: 10 ft: 20 corp: 3/4b exec/s: 64 rss: 30Mb'\n\
         {crash}echo 'stat::number_of_executed_units: 64'\necho 'stat::average_exec_per_sec:     64'\nexit {status}\n"
    );
    std::fs::write(path, script).expect("writes");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// `fuzz.sh` with `CARGO_TARGET_DIR` (relative, from another directory)
/// runs the binaries cargo put there; one that is missing is "not built"
/// (exit 3), never a crash; a crash still exits 1.
#[test]
fn fuzz_sh_finds_the_binaries_in_cargo_target_dir_and_tells_not_built_from_crashed() {
    let elsewhere = Elsewhere::new();
    let bin_dir = elsewhere
        .cwd()
        .join("target-elsewhere")
        .join(host_triple())
        .join("release");
    std::fs::create_dir_all(&bin_dir).expect("mkdir");
    fake_target(&bin_dir.join("json"), 0);
    fake_target(&bin_dir.join("pkcs7"), 1);
    let work = elsewhere.dir.path().join("work");
    let fuzz = |targets: &[&str]| {
        let output = elsewhere
            .command(&workspace().join("scripts/fuzz.sh"), Setting::Unusual)
            .env("FUZZ_NO_BUILD", "1")
            .env("FUZZ_WORK_DIR", &work)
            .arg("1")
            .args(targets)
            .output()
            .expect("fuzz.sh runs");
        let (stdout, stderr) = text(&output);
        (output.status.code(), format!("{stdout}\n{stderr}"))
    };

    let (status, out) = fuzz(&["json"]);
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("json") && out.contains(" ok"), "{out}");

    let (status, out) = fuzz(&["json", "base64url"]);
    assert_eq!(status, Some(3), "{out}");
    assert!(out.contains("base64url: not built"), "{out}");
    assert!(out.contains("NOT BUILT"), "{out}");
    assert!(!out.contains("crash"), "{out}");
    assert!(out.contains(&bin_dir.display().to_string()), "{out}");

    let (status, out) = fuzz(&["json", "pkcs7", "base64url"]);
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("A target crashed"), "{out}");
    assert!(out.contains("NOT BUILT"), "{out}");
}

/// `fuzz.sh --list` reads the targets from fuzz/Cargo.toml, wherever it
/// is run from.
#[test]
fn fuzz_sh_lists_the_targets_from_anywhere() {
    let elsewhere = Elsewhere::new();
    let output = elsewhere
        .command(&workspace().join("scripts/fuzz.sh"), Setting::Unusual)
        .arg("--list")
        .output()
        .expect("runs");
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let targets: Vec<&str> = stdout.lines().collect();
    assert_eq!(targets.len(), 12, "{stdout}");
    assert!(targets.contains(&"token_model"), "{stdout}");
}

/// Without `../shared/wycheproof` beside the repository, `ci.sh` under CI
/// stops at once and says what is missing, instead of failing a test ten
/// minutes later.
#[test]
fn ci_sh_says_when_the_files_beside_the_repository_are_missing() {
    let elsewhere = Elsewhere::new();
    let copy = elsewhere.dir.path().join("repository/scripts/ci.sh");
    std::fs::create_dir_all(copy.parent().expect("parent")).expect("mkdir");
    std::fs::copy(workspace().join("scripts/ci.sh"), &copy).expect("copies");
    let output = elsewhere
        .command(Path::new("bash"), Setting::Plain)
        .arg(&copy)
        .env("CI", "true")
        .output()
        .expect("runs");
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stdout.contains("shared/wycheproof"), "{stdout}");
    assert!(stdout.contains("is missing"), "{stdout}");
    assert!(stderr.contains("CI is set"), "{stderr}");
}
