//! `jose-harness demo`: a token of each profile minted with keys generated
//! for the run, then checked; then `audit --mint` on a minting script
//! written the way the vendor's sample code is (its AES key and IV
//! hard-coded), and what the audit finds.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::Args;

use jose_harness::backend;
use jose_harness::check::{self, CheckOptions};
use jose_harness::findings::Verdict;
use jose_harness::forge::mint;
use jose_harness::jose::{b64, Limits};
use jose_harness::keys::PrivateKey;
use jose_harness::profile::{self, Profile};
use jose_harness::published;
use jose_harness::rng::HarnessRng;

use super::args::{now_or_clock, Format};
use super::key_files::{generate_rsa, write_private_pem};
use super::{output, EXIT_FAIL, EXIT_PASS};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output format of the reports (the audit part is shown with text).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

/// Runs `demo`.
pub fn run_demo(args: DemoArgs) -> Result<ExitCode> {
    let mut rng = HarnessRng::from_entropy();
    // Keys made for this run: the bundled TEST keys would (rightly) warn.
    let customer = generate_rsa(&mut rng, 2048)?;
    let recipient = generate_rsa(&mut rng, 2048)?;
    let backend = backend::default_for(|c| c.rs256_sign && c.jwe_encrypt && c.context_encrypt);
    let now = now_or_clock(None)?;
    let iadvize_claims = {
        let mut c = mint::default_claims(Profile::Iadvize, now, 60, "demo-user-42");
        c.insert(
            profile::IADVIZE_VISITOR_DATA.into(),
            serde_json::json!({"firstName": "Ada", "city": "Nantes"}),
        );
        c
    };
    let context = serde_json::json!({"user": {"is_vip": true, "language": "en"}});
    let tokens = [
        (
            Profile::Iadvize,
            mint::iadvize(
                backend,
                &iadvize_claims,
                &customer,
                recipient.public(),
                &mut rng,
            )?,
        ),
        (
            Profile::Moveo,
            mint::moveo(
                backend,
                &mint::default_claims(Profile::Moveo, now, 60, "demo-user-42"),
                Some((&context, recipient.public(), 32)),
                &customer,
                &mut rng,
            )?,
        ),
    ];
    let reporter = output::reporter(args.format);
    let mut out = io::stdout().lock();
    let mut all_pass = true;
    for (profile, token) in tokens {
        if args.format == Format::Text {
            output::write_demo_token(profile, &token, &mut out)?;
        }
        let report = check::check(
            &token,
            &CheckOptions {
                profile,
                verify_key: Some(customer.public()),
                decrypt_key: Some(&recipient),
                now,
                limits: Limits::default(),
                backend,
            },
        );
        all_pass &= report.verdict == Verdict::Pass;
        reporter.write(&report, &mut out)?;
        writeln!(out)?;
    }
    if args.format == Format::Text {
        out.flush()?;
        audit_the_sample_way(&customer, &recipient, &mut out)?;
        output::write_demo_next_step(&mut out)?;
    }
    Ok(ExitCode::from(if all_pass { EXIT_PASS } else { EXIT_FAIL }))
}

/// A directory of its own under the system's temporary directory, removed
/// when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let dir =
            std::env::temp_dir().join(format!("jose-harness-demo-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A shell word: `text` in single quotes.
fn quoted(text: &Path) -> String {
    format!("'{}'", text.display().to_string().replace('\'', r"'\''"))
}

/// `audit --mint` on a script that mints the way the vendor's sample code
/// does: the AES key and IV of the sample, the same in every token.
fn audit_the_sample_way(
    customer: &PrivateKey,
    recipient: &PrivateKey,
    out: &mut dyn Write,
) -> Result<()> {
    let published = published::all();
    let (Some(key), Some(iv)) = (published.aes_keys.first(), published.ivs.first()) else {
        return Ok(());
    };
    let scratch = Scratch::new()?;
    let path = |name: &str| scratch.0.join(name);
    write_private_pem(&path("customer-private.pem"), customer)?;
    write_private_pem(&path("recipient-private.pem"), recipient)?;
    std::fs::write(path("customer-public.pem"), customer.public().spki_pem())?;
    std::fs::write(path("recipient-public.pem"), recipient.public().spki_pem())?;
    let exe = std::env::current_exe().context("cannot find the jose-harness binary")?;
    // The script is the implementer's: the harness only runs it.
    let script = format!(
        "#!/bin/sh\n# Mints one moveo token the way the vendor's sample code does:\n\
         # the context's AES key and IV are constants in the code.\n\
         exec {} generate --profile moveo --sign-key {} --encrypt-key {} \\\n  \
         --context '{{\"user\":{{\"is_vip\":true}}}}' --aes-key \"$SAMPLE_KEY\" --aes-iv \"$SAMPLE_IV\"\n",
        quoted(&exe),
        quoted(&path("customer-private.pem")),
        quoted(&path("recipient-public.pem")),
    );
    std::fs::write(path("mint.sh"), &script)?;
    writeln!(
        out,
        "=== audit --mint: a minting script that hard-codes its AES key and IV, as the vendor's sample code does ===\n\
         $ jose-harness audit --profile moveo --mint 'sh mint.sh' --count 3 \\\n      \
         --verify-key customer-public.pem --decrypt-key recipient-private.pem\n"
    )?;
    out.flush()?;
    let audit = Command::new(&exe)
        .args(["audit", "--profile", "moveo", "--count", "3", "--mint"])
        .arg(format!("sh {}", quoted(&path("mint.sh"))))
        .arg("--verify-key")
        .arg(path("customer-public.pem"))
        .arg("--decrypt-key")
        .arg(path("recipient-private.pem"))
        // The sample's values reach the script through its environment, so
        // nothing here prints them.
        .env("SAMPLE_KEY", b64::encode_std(key.bytes()))
        .env("SAMPLE_IV", b64::encode_std(iv.bytes()))
        .output()
        .context("cannot run audit")?;
    out.write_all(&audit.stdout)?;
    writeln!(
        out,
        "\nEvery token fails (the key and IV are the sample's, printed for anyone to read) and the\n\
         set fails too (the same key, IV and ciphertext in every token). Draw them per token:\n\
         crypto.randomBytes(32), os.urandom(32), SecureRandom, random_bytes(32).\n"
    )?;
    Ok(())
}
