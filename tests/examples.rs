//! The example CI workflows (examples/github-actions, examples/gitlab-ci):
//! their YAML parses, every jose-harness command in them is a valid
//! invocation, and their checking steps run here, as written, against the
//! sample sender (examples/sample-sender) and the Python adapter as the
//! receiver, leaving valid SARIF and JUnit files.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command as StdCommand;

use jose_harness_tests::*;
use serde_json::Value;

use crate::ci_formats::{assert_valid_junit, assert_valid_sarif, python_with};

/// The workflow's variables and its scripts (`run` of the steps with an
/// id, or GitLab's `before_script` and `script`), read with PyYAML.
fn read_workflow(python: &OsString, file: &Path) -> Value {
    let program = r#"
import json, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
if "jobs" in doc:
    steps = [s for job in doc["jobs"].values() for s in job["steps"]]
    out = {"env": doc["env"], "scripts": {s["id"]: s["run"] for s in steps if "id" in s and "run" in s}}
else:
    job = next(v for k, v in doc.items() if isinstance(v, dict) and "script" in v)
    out = {"env": doc["variables"], "scripts": {"before_script": "\n".join(job["before_script"]), "script": "\n".join(job["script"])}}
print(json.dumps(out))
"#;
    let out = StdCommand::new(python)
        .args(["-c", program])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} does not parse: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The subcommands of every `jose-harness …` command in `script`.
fn harness_commands(script: &str) -> Vec<Vec<String>> {
    script
        .lines()
        .flat_map(|line| line.split("||").map(str::trim).collect::<Vec<_>>())
        .filter_map(|part| part.strip_prefix("jose-harness "))
        .map(|rest| {
            rest.split_whitespace()
                .take_while(|w| !w.starts_with('-'))
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// Runs the steps `steps` of `workflow` in a folder laid out as the
/// implementer's checkout (jose-harness/ beside examples/), with this
/// build's binary as `jose-harness` and the workspace's Python for the
/// receiver; returns the results folder.
fn run_steps(workflow: &Value, steps: &[&str], python: &OsString) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = workspace();
    std::os::unix::fs::symlink(&root, dir.path().join("jose-harness")).unwrap();
    std::os::unix::fs::symlink(root.join("examples"), dir.path().join("examples")).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(harness_bin(), bin.join("jose-harness")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for step in steps {
        let script = workflow["scripts"][step].as_str().unwrap();
        let mut command = StdCommand::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(dir.path())
            .env("PATH", &path);
        for (name, value) in workflow["env"].as_object().unwrap() {
            let value = value.as_str().unwrap();
            let value = match name.as_str() {
                // The Python with pyca/cryptography, and fewer tokens.
                "RECEIVER_COMMAND" => {
                    value.replacen("python3", &Path::new(python).display().to_string(), 1)
                }
                "TOKENS" => "4".to_owned(),
                _ => value.to_owned(),
            };
            command.env(name, value);
        }
        let out = command.output().unwrap();
        assert!(
            out.status.success(),
            "step {step} failed ({:?}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    dir
}

fn check_results(dir: &Path, xml_python: &OsString, json_python: &OsString) {
    let results = dir.join("results");
    let sarif = std::fs::read(results.join("sender.sarif")).unwrap();
    let log = assert_valid_sarif(json_python, &sarif);
    // The sample sender's tokens are right: only the test keys' warning.
    for result in log["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(result["ruleId"], "key.test_key", "{result}");
    }
    for file in ["sender.xml", "receiver.xml"] {
        let xml = std::fs::read_to_string(results.join(file)).unwrap();
        assert_valid_junit(xml_python, xml.as_bytes());
        assert!(xml.contains(r#"failures="0""#), "{file}: {xml}");
    }
    let sender = std::fs::read_to_string(results.join("sender.xml")).unwrap();
    assert_eq!(
        sender.matches("<testcase ").count(),
        4,
        "one case per token"
    );
}

#[test]
fn the_example_workflows_run_as_written_against_the_samples() {
    let (Some(yaml), Some(xml), Some(json), Some(crypto)) = (
        python_with("yaml"),
        python_with("xmlschema"),
        python_with("jsonschema"),
        python_with("cryptography"),
    ) else {
        return;
    };
    let github = read_workflow(
        &yaml,
        &workspace().join("examples/github-actions/jose-harness.yml"),
    );
    let gitlab = read_workflow(
        &yaml,
        &workspace().join("examples/gitlab-ci/.gitlab-ci.yml"),
    );
    // Every jose-harness command of either file is one the binary knows.
    for workflow in [&github, &gitlab] {
        for script in workflow["scripts"].as_object().unwrap().values() {
            for command in harness_commands(script.as_str().unwrap()) {
                let out = StdCommand::new(harness_bin())
                    .args(&command)
                    .arg("--help")
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "jose-harness {command:?} --help failed"
                );
            }
        }
    }
    assert!(harness_commands(github["scripts"]["sender"].as_str().unwrap()).len() == 2);
    let dir = run_steps(&github, &["sender", "receiver"], &crypto);
    check_results(dir.path(), &xml, &json);
    let dir = run_steps(&gitlab, &["script"], &crypto);
    check_results(dir.path(), &xml, &json);
}
