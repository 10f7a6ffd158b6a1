//! A built-in backend as producer and consumer: it mints through
//! [`crate::forge::mint`] and judges through the harness's own `check` pipeline,
//! stacked over the reference for the layers it lacks.

use serde_json::Value;

use super::{Outcome, TokenRequest};
use crate::backend::{CryptoFailure, Stacked};
use crate::check::{self, CheckOptions};
use crate::findings::Verdict;
use crate::forge::cases::serialize_claims;
use crate::forge::mint::{self, IADVIZE_JWE_HEADER, IADVIZE_JWS_HEADER, MOVEO_JWS_HEADER};
use crate::jose::Limits;
use crate::keys::{PrivateKey, PublicKey};
use crate::profile::Profile;
use crate::rng::HarnessRng;
use crate::rules::Severity;

/// Mints the token `request` asks for.
pub fn produce(
    stacked: &Stacked,
    request: &TokenRequest<'_>,
    sign: &PrivateKey,
    encrypt: &PublicKey,
    rng: &mut HarnessRng,
) -> Result<String, CryptoFailure> {
    match request.profile {
        Profile::Iadvize => {
            let payload = serialize_claims(request.claims, request.escape_slashes);
            let jws = mint::jws_rs256(stacked, sign, IADVIZE_JWS_HEADER.as_bytes(), &payload)?;
            mint::jwe(
                stacked,
                encrypt,
                IADVIZE_JWE_HEADER.as_bytes(),
                jws.as_bytes(),
                rng,
            )
        }
        Profile::Moveo => {
            let mut claims = request.claims.clone();
            if let Some(context) = request.context {
                let plaintext = context.to_string().into_bytes();
                mint::context(stacked, encrypt, &plaintext, request.aes_key_bytes, rng)?
                    .insert_into(&mut claims);
            }
            let payload = serialize_claims(&claims, request.escape_slashes);
            mint::jws_rs256(stacked, sign, MOVEO_JWS_HEADER.as_bytes(), &payload)
        }
    }
}

/// Checks `token` with the harness's rules on `stacked`: accepted when it
/// conforms, rejected with the first error rule as its class.
pub fn consume(
    stacked: &Stacked,
    profile: Profile,
    token: &str,
    customer: &PrivateKey,
    recipient: &PrivateKey,
    now: i64,
) -> Outcome {
    let options = CheckOptions {
        profile,
        verify_key: Some(customer.public()),
        decrypt_key: Some(recipient),
        now,
        limits: Limits::default(),
        backend: stacked,
    };
    let checked = std::panic::AssertUnwindSafe(|| check::check(token, &options));
    let report = match std::panic::catch_unwind(checked) {
        Ok(report) => report,
        Err(_) => {
            return Outcome::Crashed {
                detail: "the check pipeline panicked".into(),
            }
        }
    };
    match report.verdict {
        Verdict::Pass => Outcome::Accepted {
            claims: report.claims.unwrap_or(Value::Null),
            context: report.context,
            not_unicode: Vec::new(),
        },
        Verdict::Fail => {
            let errors: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| f.id)
                .collect();
            Outcome::Rejected {
                class: errors.first().copied().unwrap_or("error").to_owned(),
                detail: errors.join(", "),
            }
        }
        Verdict::Incomplete => Outcome::Crashed {
            detail: report
                .not_checked
                .iter()
                .map(|n| format!("{} not checked: {}", n.part, n.reason))
                .collect::<Vec<_>>()
                .join("; "),
        },
    }
}
