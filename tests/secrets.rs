//! Secrets stay secret: every command, in every output format, is run on
//! tokens whose secrets are known (the test keys' private parts, each
//! token's AES key and IV, each JWE's content key), and every byte it
//! prints or writes for a reader is searched for them in every encoding a
//! program would print them in. `--redact` is checked the same way for
//! claim and context values, against a control run that shows them.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use jose_harness::backend::reference::{rsa_decrypt, RsaScheme};
use jose_harness::jose::{self, Compact};
use jose_harness::keys::PrivateKey;
use jose_harness::testkeys;
use jose_harness_tests::*;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use serde_json::Value;
use sha2::Digest as _;

/// Secret name → the texts it would show as (chunks long enough to be
/// unambiguous).
type Secrets = BTreeMap<String, Vec<String>>;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The texts `bytes` would appear as: hex (both cases), every base64
/// variant, a JSON array of numbers; for long values, a middle chunk of
/// each (an excerpt printed or a line-wrapped PEM still shows it).
fn encodings(bytes: &[u8]) -> Vec<String> {
    let json_array = format!(
        "[{}]",
        bytes
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    let full = [
        hex(bytes),
        hex(bytes).to_uppercase(),
        STANDARD.encode(bytes),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
        json_array.trim_end_matches(']').to_owned(),
    ];
    let mut out = Vec::new();
    for text in full {
        if text.len() > 48 {
            let start = text.len() / 2 - 12;
            let mut end = start + 24;
            while !text.is_char_boundary(end) {
                end += 1;
            }
            out.push(text[start..end].to_owned());
        } else {
            out.push(text);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The private parts of every bundled test key, and the body lines of
/// their PEM files past the first two (which hold only headers and the
/// public modulus).
fn key_secrets() -> Secrets {
    let mut secrets = Secrets::new();
    for test_key in testkeys::all() {
        let rsa = test_key.key.rsa();
        let mut parts = vec![("d", rsa.d().to_bytes_be())];
        for (i, p) in rsa.primes().iter().enumerate() {
            parts.push((if i == 0 { "p" } else { "q" }, p.to_bytes_be()));
        }
        if let (Some(dp), Some(dq)) = (rsa.dp(), rsa.dq()) {
            parts.push(("dp", dp.to_bytes_be()));
            parts.push(("dq", dq.to_bytes_be()));
        }
        for (part, bytes) in parts {
            let mut texts = encodings(&bytes);
            texts.push(rsa::BigUint::from_bytes_be(&bytes).to_string()[10..40].to_owned());
            secrets.insert(format!("{} {part}", test_key.name), texts);
        }
        let pem = test_key.key.pkcs8_pem();
        let lines: Vec<String> = pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .skip(2)
            .filter(|l| l.len() >= 32)
            .map(str::to_owned)
            .collect();
        secrets.insert(format!("{} PEM body", test_key.name), lines);
    }
    assert!(testkeys::all().len() >= 8, "every bundled test key");
    assert_eq!(
        secrets.len(),
        testkeys::all().len() * 6,
        "d, p, q, dp, dq and the PEM body of each test key"
    );
    secrets
}

/// The content key of a JWE, the AES key and IV of a moveo context: what
/// a token hides under RSA, recovered with whichever test key opens it.
fn token_secrets(token: &str, secrets: &mut Secrets) {
    let keys: Vec<&PrivateKey> = testkeys::all().iter().map(|k| &k.key).collect();
    let mut hidden = |name: String, ciphertext: &[u8]| {
        for key in &keys {
            for scheme in [
                RsaScheme::OaepSha256,
                RsaScheme::OaepSha1,
                RsaScheme::Pkcs1v15,
            ] {
                if let Some(plain) = rsa_decrypt(key, scheme, ciphertext) {
                    // A secret worth the name: not the all-zero IV of
                    // the vector about zero IVs, which any base64 of zero
                    // bytes would match.
                    let distinct: std::collections::BTreeSet<u8> = plain.iter().copied().collect();
                    if plain.len() >= 8 && distinct.len() >= 4 {
                        secrets.insert(name.clone(), encodings(&plain));
                    }
                    return;
                }
            }
        }
    };
    match jose::split(token.trim()) {
        Compact::Jwe(jwe) => {
            if let Ok(cek) = URL_SAFE_NO_PAD.decode(jwe.encrypted_key) {
                let id = &jwe.encrypted_key[..16.min(jwe.encrypted_key.len())];
                hidden(format!("CEK of the JWE whose key starts {id}"), &cek);
            }
        }
        Compact::Jws(jws) => {
            let Ok(payload) = URL_SAFE_NO_PAD.decode(jws.payload) else {
                return;
            };
            let Ok(claims) = serde_json::from_slice::<Value>(&payload) else {
                return;
            };
            for claim in ["encryption_key", "init_vector"] {
                let text = claims[claim].as_str().unwrap_or_default();
                if let Ok(ct) = STANDARD.decode(text) {
                    let id = &text[..16.min(text.len())];
                    hidden(
                        format!("{claim} of the token whose {claim} starts {id}"),
                        &ct,
                    );
                }
            }
        }
        Compact::Other(_) => {}
    }
}

/// Every vector token's hidden secrets.
fn vector_secrets(secrets: &mut Secrets) -> usize {
    let before = secrets.len();
    for profile in ["iadvize", "moveo"] {
        for entry in fs::read_dir(vectors_dir().join(profile)).unwrap() {
            let path = entry.unwrap().path();
            let file: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
            for test in file["tests"].as_array().unwrap() {
                if let Some(token) = test["token"].as_str() {
                    token_secrets(token, secrets);
                }
            }
        }
    }
    secrets.len() - before
}

/// The secrets found in `text`: "secret name (as TEXT)".
fn leaks(text: &str, secrets: &Secrets) -> Vec<String> {
    secrets
        .iter()
        .flat_map(|(name, texts)| {
            texts
                .iter()
                .filter(|t| text.contains(t.as_str()))
                .map(move |t| format!("{name} (as {t})"))
        })
        .collect()
}

/// Runs the command; returns what a reader sees: stdout and stderr.
fn run(args: &[&str]) -> String {
    let out = Command::new(harness_bin())
        .args(args)
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 3),
        "{args:?} ended with {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn key(name: &str, half: &str) -> String {
    key_path(name, half).display().to_string()
}

const CONTEXT: &str = r#"{"card":"4111111111111111","phone":"+33612345678","vip":true}"#;
const CLAIMS_MOVEO: &str = r#"{"sub":"alice.secret@example.com","iss":"https://shop.example"}"#;
const CLAIMS_IADVIZE: &str = r#"{"https://iadvize.com/userId":"user-7c1f9a0b","https://iadvize.com/visitorData":{"email":"alice.secret@example.com","phoneNumber":"+33612345678"}}"#;

fn generate(profile: &str) -> String {
    let mut args = vec![
        "generate",
        "--profile",
        profile,
        "--now",
        "1700000000",
        "--seed",
        "7",
    ];
    let sign = key("customer", "private");
    let encrypt = key("recipient", "public");
    args.extend(["--sign-key", &sign, "--encrypt-key", &encrypt]);
    if profile == "moveo" {
        args.extend(["--claims", CLAIMS_MOVEO, "--context", CONTEXT]);
    } else {
        args.extend(["--claims", CLAIMS_IADVIZE]);
    }
    let out = Command::new(harness_bin()).args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The check and decode invocations on `token`, in every format, with
/// the right keys and with a wrong one (the error paths).
fn check_and_decode_runs(profile: &str, token: &str, redact: bool) -> Vec<Vec<String>> {
    let mut runs = Vec::new();
    let now = NOW.to_string();
    for format in ["text", "json"] {
        for (verify, decrypt) in [
            (key("customer", "public"), key("recipient", "private")),
            (key("recipient", "public"), key("customer", "private")),
        ] {
            for backend in ["reference", "all"] {
                let mut args: Vec<String> = [
                    "check",
                    "--profile",
                    profile,
                    "--token",
                    token,
                    "--now",
                    &now,
                    "--verify-key",
                    &verify,
                    "--decrypt-key",
                    &decrypt,
                    "--format",
                    format,
                    "--backend",
                    backend,
                ]
                .map(str::to_owned)
                .to_vec();
                if redact {
                    args.push("--redact".into());
                }
                runs.push(args);
            }
        }
        let mut decode: Vec<String> = [
            "decode",
            token,
            "--decrypt-key",
            &key("recipient", "private"),
            "--format",
            format,
        ]
        .map(str::to_owned)
        .to_vec();
        if redact {
            decode.push("--redact".into());
        }
        runs.push(decode);
    }
    // The batch form: the token twice in a file.
    let file = std::env::temp_dir().join(format!(
        "jose-harness-secrets-{}.txt",
        hex(&sha2::Sha256::digest(token.as_bytes())[..8])
    ));
    fs::write(&file, format!("{token}\n\n{token}\n")).unwrap();
    let mut batch: Vec<String> = [
        "check",
        "--profile",
        profile,
        "--batch",
        &file.display().to_string(),
        "--now",
        &now,
        "--verify-key",
        &key("customer", "public"),
        "--decrypt-key",
        &key("recipient", "private"),
    ]
    .map(str::to_owned)
    .to_vec();
    if redact {
        batch.push("--redact".into());
    }
    runs.push(batch);
    runs
}

fn run_owned(args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args)
}

#[test]
fn no_command_prints_a_private_key_an_aes_key_an_iv_or_a_content_key() {
    let mut secrets = key_secrets();
    let iadvize = generate("iadvize");
    let moveo = generate("moveo");
    let before = secrets.len();
    token_secrets(&iadvize, &mut secrets);
    token_secrets(&moveo, &mut secrets);
    assert_eq!(
        secrets.len(),
        before + 3,
        "the CEK, the AES key and the IV are known"
    );
    let from_vectors = vector_secrets(&mut secrets);
    assert!(
        from_vectors >= 20,
        "only {from_vectors} vector secrets recovered"
    );

    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).display().to_string();
    let mut runs: Vec<Vec<String>> = Vec::new();
    for (profile, token) in [("iadvize", &iadvize), ("moveo", &moveo)] {
        runs.extend(check_and_decode_runs(profile, token, false));
        runs.extend(check_and_decode_runs(profile, token, true));
        // A broken token: the error paths quote what they found.
        let broken = format!("{}x", &token[..token.len() - 7]);
        runs.extend(check_and_decode_runs(profile, &broken, false));
    }
    let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for format in ["text", "json"] {
        runs.push(strs(&["demo", "--format", format]));
        runs.push(strs(&["checks", "--format", format]));
        runs.push(strs(&["vectors", "run", "--format", format]));
        runs.push(strs(&["interop", "--cases", "2", "--format", format]));
    }
    // audit names a repeated key, IV or content key by a fingerprint only:
    // each token twice, so every secret repeats.
    for (profile, token) in [("iadvize", &iadvize), ("moveo", &moveo)] {
        let file = out(&format!("{profile}-tokens.txt"));
        fs::write(&file, format!("{token}\n{token}\n")).unwrap();
        for format in ["text", "json"] {
            runs.push(strs(&[
                "audit",
                "--profile",
                profile,
                "--tokens",
                &file,
                "--now",
                &NOW.to_string(),
                "--verify-key",
                &key("customer", "public"),
                "--decrypt-key",
                &key("recipient", "private"),
                "--format",
                format,
            ]));
        }
    }
    runs.push(strs(&["keygen", "--out", &out("keys"), "--name", "mine"]));
    runs.push(strs(&["vectors", "generate", "--out", &out("vectors")]));
    runs.push(strs(&["report", "--out", &out("report"), "--cases", "2"]));
    runs.push(strs(&[
        "report",
        "--out",
        &out("report-md"),
        "--cases",
        "2",
        "--format",
        "markdown",
    ]));

    let mut found = Vec::new();
    for args in &runs {
        let text = run_owned(args);
        for leak in leaks(&text, &secrets) {
            found.push(format!("`{}`: {leak}", args.join(" ")));
        }
    }
    // What the report writes for a reader, beside what it prints.
    for file in ["report/index.html", "report-md/summary.md"] {
        let text = fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(text.len() > 1000, "{file} is written");
        for leak in leaks(&text, &secrets) {
            found.push(format!("{file}: {leak}"));
        }
    }
    assert!(
        found.is_empty(),
        "{} secrets shown in {} runs:\n{}",
        found.len(),
        runs.len(),
        found.join("\n")
    );
}

#[test]
fn the_secret_search_finds_what_it_looks_for() {
    // The search itself: a private key and a context key printed on
    // purpose are found in each form.
    let secrets = key_secrets();
    let customer = testkeys::named("customer").unwrap();
    let pem = customer.key.pkcs8_pem();
    assert!(!leaks(&pem, &secrets).is_empty(), "a printed PEM is found");
    let d = customer.key.rsa().d().to_bytes_be();
    for text in [
        hex(&d),
        URL_SAFE_NO_PAD.encode(&d),
        customer.key.rsa().d().to_string(),
    ] {
        assert!(
            !leaks(&format!("x {text} y"), &secrets).is_empty(),
            "{text:.20} is found"
        );
    }
    let mut mine = Secrets::new();
    token_secrets(&generate("moveo"), &mut mine);
    let (name, texts) = mine.iter().next().unwrap();
    assert!(name.starts_with("encryption_key") || name.starts_with("init_vector"));
    assert!(!leaks(&format!("key: {}", texts[0]), &mine).is_empty());
    // And a public modulus is not mistaken for a secret.
    let n = customer.key.public().rsa().n().to_bytes_be();
    assert!(leaks(&URL_SAFE_NO_PAD.encode(n), &secrets).is_empty());
}

/// Claim and context values of the generated tokens: what `--redact` hides.
const PERSONAL: [&str; 4] = [
    "alice.secret@example.com",
    "4111111111111111",
    "+33612345678",
    "user-7c1f9a0b",
];

#[test]
fn redact_hides_claim_and_context_values_in_every_format() {
    for (profile, token) in [
        ("iadvize", generate("iadvize")),
        ("moveo", generate("moveo")),
    ] {
        for (redact, runs) in [
            (false, check_and_decode_runs(profile, &token, false)),
            (true, check_and_decode_runs(profile, &token, true)),
        ] {
            for args in runs
                .iter()
                .filter(|a| a.contains(&key("customer", "public")) || a[0] == "decode")
            {
                let text = run_owned(args);
                let shown: Vec<&str> = PERSONAL
                    .iter()
                    .copied()
                    .filter(|p| text.contains(p))
                    .collect();
                if redact {
                    assert!(shown.is_empty(), "`{}` shows {shown:?}", args.join(" "));
                    assert!(text.contains("‹redacted string"), "{text}");
                } else {
                    // The control: without --redact the values are there.
                    assert!(
                        !shown.is_empty(),
                        "`{}` shows no value at all",
                        args.join(" ")
                    );
                }
            }
        }
    }
}

#[test]
fn redacted_reports_keep_the_verdict_and_the_findings() {
    let token = generate("moveo");
    let broken = format!("{}x", &token[..token.len() - 7]);
    let report = |t: &str, redact: bool| -> Value {
        let mut cmd = check_cmd("moveo", t);
        cmd.args(["--format", "json"]);
        if redact {
            cmd.arg("--redact");
        }
        serde_json::from_slice(&cmd.output().unwrap().stdout).unwrap()
    };
    for t in [&token, &broken] {
        let (plain, redacted) = (report(t, false), report(t, true));
        assert_eq!(plain["verdict"], redacted["verdict"]);
        let ids = |v: &Value| -> Vec<Value> {
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["id"].clone())
                .collect()
        };
        assert_eq!(ids(&plain), ids(&redacted));
        assert_ne!(plain, redacted);
    }
    let (plain, redacted) = (report(&token, false), report(&token, true));
    assert_eq!(plain["claims"]["exp"], redacted["claims"]["exp"]);
    assert_eq!(
        redacted["context"]["card"],
        "‹redacted string, 16 characters›"
    );
}

#[test]
fn a_private_key_others_can_read_is_warned_about_unless_it_is_a_published_test_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    run(&["keygen", "--out", &d, "--name", "mine"]);
    let private = dir.path().join("mine-private.pem");
    let mode = |path: &Path| {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(
        mode(&private),
        0o600,
        "keygen writes the private key for its owner only"
    );
    let set = |m: u32| {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&private, fs::Permissions::from_mode(m)).unwrap();
    };
    let check = || {
        Command::new(harness_bin())
            .args(["generate", "--profile", "moveo", "--sign-key"])
            .arg(&private)
            .output()
            .unwrap()
    };
    set(0o644);
    let out = check();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("others can read (mode 0644)") && stderr.contains("chmod 600"),
        "{stderr}"
    );
    set(0o600);
    let out = check();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
    // A published test key with the same loose mode: no warning.
    let test_copy = dir.path().join("customer-test-private.pem");
    fs::copy(key_path("customer", "private"), &test_copy).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&test_copy, fs::Permissions::from_mode(0o644)).unwrap();
    }
    let out = Command::new(harness_bin())
        .args(["generate", "--profile", "moveo", "--sign-key"])
        .arg(&test_copy)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[test]
fn a_token_for_the_vendors_production_key_is_made_and_said_to_be_uncheckable_here() {
    let dir = tempfile::tempdir().unwrap();
    let production = dir.path().join("iadvize-production.b64");
    fs::write(&production, jose_harness::keys::IADVIZE_PRODUCTION_KEY).unwrap();
    let out = Command::new(harness_bin())
        .args(["generate", "--profile", "iadvize", "--sign-key"])
        .arg(key_path("customer", "private"))
        .arg("--encrypt-key")
        .arg(&production)
        .output()
        .unwrap();
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap();
    assert_eq!(token.trim().split('.').count(), 5, "a JWE");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("only iAdvize can decrypt it") && stderr.contains("cannot check it"),
        "{stderr}"
    );
}
