//! generate → check round trips: every backend that can mint a profile's
//! token, checked by every backend that can check it, passes with the
//! claims and context read back unchanged.

use jose_harness::backend::Capabilities;
use jose_harness::findings::Verdict;
use jose_harness::forge::mint;
use jose_harness::profile::{Profile, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA, VISITOR_DATA_FIELDS};
use jose_harness::rng::HarnessRng;
use jose_harness::rules::Severity;
use jose_harness_tests::*;
use serde_json::{json, Map, Value};

fn iadvize_claims_variants() -> Vec<Map<String, Value>> {
    let mut all_fields = claims(Profile::Iadvize);
    let data: Map<String, Value> = VISITOR_DATA_FIELDS
        .iter()
        .map(|f| (f.to_string(), Value::String(format!("{f} välue ✓"))))
        .collect();
    all_fields.insert(IADVIZE_VISITOR_DATA.into(), Value::Object(data));
    let mut long_id = claims(Profile::Iadvize);
    long_id.insert(IADVIZE_USER_ID.into(), Value::String("é".repeat(255)));
    let mut escapes = claims(Profile::Iadvize);
    escapes.insert(
        IADVIZE_USER_ID.into(),
        Value::String("a/b\\c\"d\u{1F600}\u{0}".into()),
    );
    vec![claims(Profile::Iadvize), all_fields, long_id, escapes]
}

fn contexts() -> Vec<Value> {
    vec![
        json!({}),
        // 16 bytes of JSON exactly: a whole block of padding follows.
        json!({"k":"01234567"}),
        json!({"user": {"is_vip": true, "name": "Zoë", "note": "https://x/y"}}),
        json!({"blob": "x".repeat(6000)}),
    ]
}

#[test]
fn iadvize_round_trips_on_every_backend_pair() {
    let k = keys();
    let mut runs = 0;
    for_each_backend!(
        |producer| |c: &Capabilities| c.rs256_sign || c.jwe_encrypt,
        {
            for claims in iadvize_claims_variants() {
                let token = mint::iadvize(
                    producer,
                    &claims,
                    &k.customer,
                    k.recipient.public(),
                    &mut rng(),
                )
                .unwrap();
                for_each_backend!(
                    |consumer| |c: &Capabilities| c.rs256_verify || c.jwe_decrypt,
                    {
                        let report = check_with(
                            consumer,
                            Profile::Iadvize,
                            &token,
                            Some(k.customer.public()),
                            Some(&k.recipient),
                        );
                        assert_eq!(
                            report.verdict,
                            Verdict::Pass,
                            "{} → {}: {:?}",
                            producer.id(),
                            consumer.id(),
                            report.findings
                        );
                        assert_eq!(report.claims, Some(Value::Object(claims.clone())));
                        runs += 1;
                    }
                );
            }
        }
    );
    assert!(runs >= 4, "too few runs: {runs}");
}

#[test]
fn moveo_round_trips_with_every_context_and_key_size() {
    let k = keys();
    let mut runs = 0;
    for_each_backend!(
        |producer| |c: &Capabilities| c.rs256_sign || c.context_encrypt,
        {
            for context in contexts() {
                for aes in [16, 32] {
                    let token = mint::moveo(
                        producer,
                        &claims(Profile::Moveo),
                        Some((&context, k.recipient.public(), aes)),
                        &k.customer,
                        &mut rng(),
                    )
                    .unwrap();
                    for_each_backend!(
                        |consumer| |c: &Capabilities| c.rs256_verify || c.context_decrypt,
                        {
                            let report = check_with(
                                consumer,
                                Profile::Moveo,
                                &token,
                                Some(k.customer.public()),
                                Some(&k.recipient),
                            );
                            assert_eq!(report.verdict, Verdict::Pass, "{:?}", report.findings);
                            assert_eq!(report.count(Severity::Warning), 0, "{:?}", report.findings);
                            assert_eq!(report.context.as_ref(), Some(&context));
                            runs += 1;
                        }
                    );
                }
            }
        }
    );
    assert!(runs >= 8, "too few runs: {runs}");
}

#[test]
fn moveo_without_context_passes_and_reports_no_context() {
    let token = moveo_token(&claims(Profile::Moveo), None);
    let report = check(Profile::Moveo, &token);
    assert_eq!(report.verdict, Verdict::Pass, "{:?}", report.findings);
    assert_eq!(report.context, None);
    assert_eq!(report.count(Severity::Warning), 0);
}

#[test]
fn escaped_slashes_in_claim_names_read_right() {
    // The vendor's example payload, as Nimbus writes it.
    let payload = format!(
        r#"{{"https:\/\/iadvize.com\/userId":"u-1","iss":"https:\/\/customer.example\/","exp":{}}}"#,
        NOW + 60
    );
    let k = keys();
    let jws = mint::jws_rs256(
        reference(),
        &k.customer,
        mint::IADVIZE_JWS_HEADER.as_bytes(),
        payload.as_bytes(),
    )
    .unwrap();
    let token = mint::jwe(
        reference(),
        k.recipient.public(),
        mint::IADVIZE_JWE_HEADER.as_bytes(),
        jws.as_bytes(),
        &mut rng(),
    )
    .unwrap();
    let report = check(Profile::Iadvize, &token);
    assert_eq!(report.verdict, Verdict::Pass, "{:?}", report.findings);
    assert_eq!(report.count(Severity::Warning), 0, "{:?}", report.findings);
    assert_eq!(report.claims.unwrap()[IADVIZE_USER_ID], "u-1");
}

#[test]
fn the_same_seed_gives_the_same_token_and_another_seed_does_not() {
    let k = keys();
    let context = json!({"a": 1});
    let make = |seed| {
        let mut rng = HarnessRng::from_seed(seed);
        let a = mint::iadvize(
            reference(),
            &claims(Profile::Iadvize),
            &k.customer,
            k.recipient.public(),
            &mut rng,
        )
        .unwrap();
        let b = mint::moveo(
            reference(),
            &claims(Profile::Moveo),
            Some((&context, k.recipient.public(), 32)),
            &k.customer,
            &mut rng,
        )
        .unwrap();
        (a, b)
    };
    assert_eq!(make(1), make(1));
    let (a1, b1) = make(1);
    let (a2, b2) = make(2);
    assert_ne!(a1, a2);
    assert_ne!(b1, b2);
}

#[test]
fn a_check_is_a_pure_function_of_token_keys_and_now() {
    let token = iadvize_token(&claims(Profile::Iadvize));
    let first = check(Profile::Iadvize, &token);
    let second = check(Profile::Iadvize, &token);
    assert_eq!(first, second);
}
