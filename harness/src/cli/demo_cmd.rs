//! `jose-harness demo`: a token of each profile minted with the bundled
//! TEST keys, then checked.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use jose_harness::backend;
use jose_harness::check::{self, CheckOptions};
use jose_harness::findings::Verdict;
use jose_harness::forge::mint;
use jose_harness::jose::Limits;
use jose_harness::keys;
use jose_harness::profile::{self, Profile};
use jose_harness::rng::HarnessRng;

use super::args::{now_or_clock, Format};
use super::{output, EXIT_FAIL, EXIT_PASS};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output format of the reports.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

const DEMO_CUSTOMER_PRIVATE: &str = include_str!("../../../vectors/keys/customer-test-private.pem");
const DEMO_RECIPIENT_PRIVATE: &str =
    include_str!("../../../vectors/keys/recipient-test-private.pem");

/// Runs `demo`.
pub fn run_demo(args: DemoArgs) -> Result<ExitCode> {
    let customer = keys::parse(
        DEMO_CUSTOMER_PRIVATE.as_bytes(),
        "customer-test-private.pem",
    )?;
    let recipient = keys::parse(
        DEMO_RECIPIENT_PRIVATE.as_bytes(),
        "recipient-test-private.pem",
    )?;
    let customer = customer.private("the demo")?;
    let recipient = recipient.private("the demo")?;
    let backend = backend::default_for(|c| c.rs256_sign && c.jwe_encrypt && c.context_encrypt);
    let now = now_or_clock(None)?;
    let mut rng = HarnessRng::from_entropy();
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
                customer,
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
                customer,
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
                decrypt_key: Some(recipient),
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
        output::write_demo_next_step(&mut out)?;
    }
    Ok(ExitCode::from(if all_pass { EXIT_PASS } else { EXIT_FAIL }))
}
