//! The command line, end to end: exit codes, the JSON contract, reading
//! tokens from arguments, files and stdin, and messages for bad input.

use std::path::Path;

use assert_cmd::Command;
use jose_harness::profile::Profile;
use jose_harness::rules;
use jose_harness_tests::*;
use predicates::prelude::*;
use serde_json::Value;

fn harness() -> Command {
    Command::new(harness_bin())
}

fn key(name: &str, half: &str) -> String {
    key_path(name, half).display().to_string()
}

/// `jose-harness generate` with the bundled keys and the pinned clock.
fn generate(profile: &str, extra: &[&str]) -> String {
    let out = harness()
        .args(["generate", "--profile", profile, "--now", &NOW.to_string()])
        .args(["--sign-key", &key("customer", "private")])
        .args(["--encrypt-key", &key("recipient", "public")])
        .args(extra)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .expect("UTF-8 token")
        .trim()
        .to_owned()
}

/// `check --format json` of a token that must conform: its report.
fn passing_report(profile: &str, token: &str) -> Value {
    let out = check_cmd(profile, token)
        .args(["--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    json_of(&out)
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("stdout is one JSON object")
}

#[test]
fn a_conforming_token_exits_0_with_the_json_contract() {
    let token = iadvize_token(&claims(Profile::Iadvize));
    let out = check_cmd("iadvize", &token)
        .args(["--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let report = json_of(&out);
    assert_eq!(report["profile"], "iadvize");
    assert_eq!(report["verdict"], "pass");
    // Nothing but the notes that the keys are the bundled TEST keys.
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(ids, [rules::KEY_TEST_KEY.id, rules::KEY_TEST_KEY.id]);
    assert_eq!(report["header"]["alg"], "RSA-OAEP-256");
    assert_eq!(report["claims"]["https://iadvize.com/userId"], "user-1");
    assert!(
        report.get("context").is_some(),
        "context is part of the contract, null here"
    );
}

#[test]
fn a_bad_token_exits_1_and_names_the_rule() {
    let mut claims = claims(Profile::Moveo);
    claims.remove("sub");
    let token = moveo_token(&claims, None);
    let out = check_cmd("moveo", &token)
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report = json_of(&out);
    assert_eq!(report["verdict"], "fail");
    let finding = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["severity"] == "error")
        .expect("an error");
    assert_eq!(finding["id"], rules::MOVEO_SUB_MISSING.id);
    assert_eq!(finding["severity"], "error");
    assert!(finding["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(finding["reference"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(finding["fix"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn text_output_says_pass_or_fail_on_its_first_line() {
    let token = moveo_token(&claims(Profile::Moveo), None);
    check_cmd("moveo", &token)
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("PASS  moveo token conforms"));
    check_cmd("moveo", "a.b")
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "FAIL  moveo token does not conform",
        ));
}

#[test]
fn a_missing_key_is_reported_as_not_checked_with_exit_3() {
    let token = iadvize_token(&claims(Profile::Iadvize));
    let out = harness()
        .args([
            "check",
            "--profile",
            "iadvize",
            "--token",
            &token,
            "--now",
            &NOW.to_string(),
            "--format",
            "json",
        ])
        .args(["--verify-key", &key("customer", "public")])
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let report = json_of(&out);
    assert_eq!(report["verdict"], "incomplete");
    let reason = report["not_checked"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("--decrypt-key"), "{reason}");
    assert_eq!(report["claims"], Value::Null);
}

#[test]
fn tokens_are_read_from_files_and_stdin() {
    let token = moveo_token(&claims(Profile::Moveo), None);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token.txt");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    check_cmd("moveo", &format!("@{}", file.display()))
        .assert()
        .code(0);
    check_cmd("moveo", "-")
        .write_stdin(format!("  {token}\r\n"))
        .assert()
        .code(0);
}

#[test]
fn malformed_input_is_a_finding_not_a_crash() {
    for token in [
        "",
        "....",
        "a.b.c",
        "x.y.z.w.v",
        "eyJ.eyJ.eyJ.eyJ.eyJ",
        "é.\u{1F600}.\t",
    ] {
        check_cmd("iadvize", token)
            .assert()
            .code(1)
            .stderr(predicate::str::is_empty());
        check_cmd("moveo", token)
            .assert()
            .code(1)
            .stderr(predicate::str::is_empty());
    }
    // Bytes no argument can carry (NUL, invalid UTF-8) arrive through stdin.
    for bytes in [&b"\0\x01.\xff.\xfe"[..], b"\xc3\x28.e30.e30"] {
        check_cmd("moveo", "-")
            .write_stdin(bytes)
            .assert()
            .code(1)
            .stderr(predicate::str::is_empty());
    }
    let huge = "a".repeat(70_000);
    let out = check_cmd("moveo", &huge)
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out)["findings"][0]["id"], rules::TOKEN_SIZE.id);
}

#[test]
fn harness_errors_exit_2_with_a_message_a_person_can_act_on() {
    let token = moveo_token(&claims(Profile::Moveo), None);
    let public = key("recipient", "public");
    let (t, p) = (token.as_str(), public.as_str());
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--token",
                t,
                "--profile",
                "moveo",
                "--verify-key",
                "/nonexistent/key.pem",
            ],
            "cannot read key file /nonexistent/key.pem",
        ),
        (
            &["--token", t, "--profile", "moveo", "--decrypt-key", p],
            "is a public key; --decrypt-key needs the private key",
        ),
        (
            &["--token", "@/nonexistent/token", "--profile", "moveo"],
            "cannot read the token from /nonexistent/token",
        ),
        (
            &["--token", t, "--profile", "moveo", "--backend", "nope"],
            "no backend named \"nope\"; available: reference",
        ),
        (
            &["--token", t, "--profile", "other"],
            "invalid value 'other'",
        ),
    ];
    for (args, message) in cases {
        harness()
            .arg("check")
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn generate_then_check_passes_for_both_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let context = dir.path().join("context.json");
    std::fs::write(&context, r#"{"user":{"is_vip":true}}"#).unwrap();
    let iadvize = generate(
        "iadvize",
        &[
            "--claims",
            r#"{"https://iadvize.com/visitorData":{"city":"Nantes"},"iss":null}"#,
        ],
    );
    let report = passing_report("iadvize", &iadvize);
    assert_eq!(
        report["claims"]["https://iadvize.com/visitorData"]["city"],
        "Nantes"
    );
    assert!(
        report["claims"].get("iss").is_none(),
        "null removes a default claim"
    );

    let context_arg = format!("@{}", context.display());
    let moveo = generate("moveo", &["--aes-bits", "128", "--context", &context_arg]);
    assert_eq!(
        passing_report("moveo", &moveo)["context"]["user"]["is_vip"],
        true
    );
}

#[test]
fn generate_with_a_seed_is_reproducible() {
    let run = |seed: &str| generate("iadvize", &["--seed", seed]);
    assert_eq!(run("5"), run("5"));
    assert_ne!(run("5"), run("6"));
}

#[test]
fn generate_explains_missing_keys_and_the_vendor_key() {
    harness()
        .args([
            "generate",
            "--profile",
            "iadvize",
            "--sign-key",
            &key("customer", "private"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("iadvize needs --encrypt-key"));
    harness()
        .args([
            "generate",
            "--profile",
            "moveo",
            "--sign-key",
            &key("customer", "public"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sign-key needs the private key"));
    let dir = tempfile::tempdir().unwrap();
    let vendor = dir.path().join("iadvize.pub");
    std::fs::write(&vendor, jose_harness::keys::IADVIZE_PRODUCTION_KEY).unwrap();
    harness()
        .args([
            "generate",
            "--profile",
            "iadvize",
            "--sign-key",
            &key("customer", "private"),
        ])
        .args(["--encrypt-key", &vendor.display().to_string()])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("only iAdvize can decrypt it"));
}

#[test]
fn keygen_writes_a_usable_pair_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    harness()
        .args(["keygen", "--bits", "2048", "--out", &out, "--seed", "1"])
        .assert()
        .code(0);
    let private = dir.path().join("test-private.pem");
    let public = dir.path().join("test-public.pem");
    let loaded = jose_harness::keys::load_file(&private).unwrap();
    assert_eq!(loaded.public().bits(), 2048);
    assert_eq!(
        jose_harness::keys::load_file(&public)
            .unwrap()
            .public()
            .spki_der(),
        loaded.public().spki_der()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "private key readable by others: {mode:o}");
    }
    harness()
        .args(["keygen", "--out", &out])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists; pass --force"));
    harness()
        .args(["keygen", "--bits", "1024", "--out", &out, "--name", "weak"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--allow-weak"));
    assert!(!Path::new(&dir.path().join("weak-private.pem")).exists());
}

#[test]
fn decode_shows_contents_and_says_it_verified_nothing() {
    let token = iadvize_token(&claims(Profile::Iadvize));
    harness()
        .args(["decode", &token])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("NOT VERIFIED"))
        .stdout(predicate::str::contains("RSA-OAEP-256"))
        .stdout(predicate::str::contains("pass --decrypt-key"));
    let out = harness()
        .args([
            "decode",
            &token,
            "--format",
            "json",
            "--decrypt-key",
            &key("recipient", "private"),
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let decoded = json_of(&out);
    assert_eq!(decoded["verified"], false);
    assert_eq!(decoded["claims"]["https://iadvize.com/userId"], "user-1");
    harness()
        .args(["decode", "not-a-token"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1 segment"));
}

#[test]
fn checks_lists_every_rule() {
    let out = harness()
        .args(["checks", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let listed = json_of(&out);
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = rules::ALL.iter().map(|r| r.id).collect();
    assert_eq!(ids, expected);
    for rule in listed.as_array().unwrap() {
        for field in ["severity", "message", "fix", "reference"] {
            assert!(
                rule[field].as_str().is_some_and(|s| !s.is_empty()),
                "{rule}"
            );
        }
    }
    let moveo = harness()
        .args(["checks", "--profile", "moveo"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let moveo = String::from_utf8(moveo).unwrap();
    assert!(moveo.contains("moveo.exp.too_far") && !moveo.contains("iadvize.userid.missing"));
}

#[test]
fn demo_mints_and_passes_both_profiles() {
    harness()
        .arg("demo")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("PASS  iadvize token conforms"))
        .stdout(predicate::str::contains("PASS  moveo token conforms"));
}

#[test]
fn help_explains_exit_codes_and_key_forms() {
    harness()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "3  no error found, but parts were not checked",
        ))
        .stdout(predicate::str::contains("bare base64 of DER"));
}

/// The commands `jose-harness --help` lists.
fn commands_in_help() -> Vec<String> {
    let out = harness()
        .arg("--help")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(out).unwrap();
    let commands: Vec<String> = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section")
        .lines()
        .take_while(|l| l.starts_with("  "))
        // A command's line; its description's wrapped lines are indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    commands
}

#[test]
fn completions_cover_every_command_in_every_shell_and_bash_reads_them() {
    let commands = commands_in_help();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = harness()
            .args(["completions", shell])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let script = String::from_utf8(out).unwrap();
        for command in &commands {
            assert!(
                script.contains(command.as_str()),
                "{shell} completion lacks {command}"
            );
        }
        if shell == "bash" {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("jose-harness.bash");
            std::fs::write(&file, &script).unwrap();
            // Sourced, it registers its completion function for the command.
            let status = std::process::Command::new("bash")
                .arg("-c")
                .arg(format!(
                    "set -e; source '{}'; complete -p jose-harness",
                    file.display()
                ))
                .output()
                .unwrap();
            assert!(
                status.status.success()
                    && String::from_utf8_lossy(&status.stdout).contains("jose-harness"),
                "bash cannot load the completion: {}",
                String::from_utf8_lossy(&status.stderr)
            );
        }
    }
    harness()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values"));
}

#[test]
fn man_writes_a_page_per_command_that_groff_renders() {
    let commands = commands_in_help();
    let out = harness()
        .arg("man")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let page = String::from_utf8(out).unwrap();
    assert!(
        page.contains(".TH jose-harness 1"),
        "no title line: {}",
        &page[..page.len().min(300)]
    );
    for command in &commands {
        assert!(
            page.contains(&format!("jose\\-harness\\-{}", command.replace('-', "\\-"))),
            "main page lacks {command}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    harness()
        .args(["man", "--dir"])
        .arg(&pages)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("manual pages into"));
    for command in &commands {
        let file = pages.join(format!("jose-harness-{command}.1"));
        assert!(file.is_file(), "no page {}", file.display());
    }
    assert!(
        pages.join("jose-harness-vectors-run.1").is_file(),
        "nested commands get pages too"
    );
    // groff, where installed, renders the check page without a warning
    // (-k: through preconv, as man does, for the help's UTF-8).
    if let Ok(out) = std::process::Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .arg(pages.join("jose-harness-check.1"))
        .output()
    {
        assert!(out.status.success(), "groff failed");
        assert!(
            out.stderr.is_empty(),
            "groff warns: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
