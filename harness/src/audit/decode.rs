//! A vector's token as the reference reads it: the harness's own check,
//! with the vector's keys at the vector's time. The only cryptography the
//! report's data needs, done here so that `report/` only renders.

use super::{Decoded, Fired};
use crate::backend;
use crate::check::{self, CheckOptions};
use crate::jose::{self, Compact, Limits};
use crate::keys::PrivateKey;
use crate::profile::Profile;
use crate::vectors::Expect;

/// Decodes and checks `token`; `expect` marks the findings it names.
pub(super) fn decode(
    profile: Option<Profile>,
    token: &str,
    verify: &PrivateKey,
    decrypt: &PrivateKey,
    now: i64,
    expect: &Expect,
) -> Decoded {
    let profile = profile.unwrap_or(Profile::Iadvize);
    let options = CheckOptions {
        profile,
        verify_key: Some(verify.public()),
        decrypt_key: Some(decrypt),
        now,
        limits: Limits::default(),
        backend: backend::default_for(|c| c.rs256_verify && c.jwe_decrypt && c.context_decrypt),
    };
    let report = check::check(token, &options);
    let form = match jose::split(token.trim()) {
        Compact::Jwe(_) => "JWE",
        Compact::Jws(_) => "JWS",
        Compact::Other(_) => "neither",
    };
    Decoded {
        verdict: report.verdict,
        form,
        header: report.header,
        inner_header: report.inner_header,
        claims: report.claims,
        context: report.context,
        findings: report
            .findings
            .into_iter()
            .map(|f| Fired {
                expected: expect.errors.iter().any(|e| e == f.id)
                    || expect.warnings.iter().any(|w| w == f.id),
                id: f.id,
                severity: f.severity,
                message: f.message,
                detail: f.detail,
            })
            .collect(),
        not_checked: report
            .not_checked
            .into_iter()
            .map(|n| format!("{}: {}", n.part, n.reason))
            .collect(),
    }
}
