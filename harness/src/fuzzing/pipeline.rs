//! The whole check pipeline on raw bytes, and what every report must
//! satisfy whatever the token.

use super::impls::fast;
use super::{test_key, NOW};
use crate::backend::Backend;
use crate::check::{self, CheckOptions};
use crate::findings::{Report, Verdict};
use crate::jose::b64;
use crate::jose::Limits;
use crate::profile::Profile;
use crate::rules::{self as r, Severity};

/// The check every pipeline target runs: the bundled customer and
/// recipient keys, the clock at [`NOW`].
pub(super) fn check_token(profile: Profile, token: &str, backend: &dyn Backend) -> Report {
    check::check(
        token,
        &CheckOptions {
            profile,
            verify_key: Some(test_key("customer").public()),
            decrypt_key: Some(test_key("recipient")),
            now: NOW,
            limits: Limits::default(),
            backend,
        },
    )
}

/// The whole check, iadvize profile, on raw bytes.
pub fn check_iadvize(data: &[u8]) {
    check_raw(Profile::Iadvize, data);
}

/// The whole check, moveo profile, on raw bytes.
pub fn check_moveo(data: &[u8]) {
    check_raw(Profile::Moveo, data);
}

fn check_raw(profile: Profile, data: &[u8]) {
    let token = String::from_utf8_lossy(data);
    let report = check_token(profile, &token, fast());
    report_is_consistent(&report, &token);
    if report.verdict == Verdict::Pass {
        // A token can pass only as its signer wrote it: every segment the
        // canonical base64url of its bytes (a lenient decoder would let
        // one signed token be written several ways).
        let trimmed = token.trim_matches(|c: char| c.is_ascii_whitespace());
        for segment in trimmed.split('.') {
            let canonical = b64::decode_url_strict(segment)
                .map(|bytes| b64::encode_url(&bytes))
                .ok();
            assert_eq!(
                canonical.as_deref(),
                Some(segment),
                "a passing token with a non-canonical segment: {trimmed}"
            );
        }
    }
}

/// The report agrees with itself: the verdict follows from the findings and
/// what was not checked, every finding is a catalogued rule, and it
/// serializes.
pub(super) fn report_is_consistent(report: &Report, token: &str) {
    let errors = report.count(Severity::Error);
    let expected = if errors > 0 {
        Verdict::Fail
    } else if !report.not_checked.is_empty() {
        Verdict::Incomplete
    } else {
        Verdict::Pass
    };
    assert_eq!(report.verdict, expected, "verdict of {token:?}");
    for finding in &report.findings {
        let rule = r::by_id(finding.id);
        assert!(
            rule.is_some_and(|rule| rule.severity == finding.severity),
            "finding {} is not the catalogue's",
            finding.id
        );
    }
    if let Err(error) = serde_json::to_string(report) {
        panic!("the report does not serialize: {error}");
    }
}
