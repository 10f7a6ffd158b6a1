//! Every rule of the catalogue fires on a token built to trip it.
//!
//! [`cases`] are the negative catalogue's entries ([`mutate::all`]), each
//! built for every profile it applies to, then the situations written here
//! by hand: each case makes one mistake and names every other rule that
//! legitimately fires with it. `every_case_fires_its_rule` runs them all
//! and reports all failures at once; `every_rule_has_a_case` makes a rule
//! added without a case fail.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use jose_harness::findings::{Report, Verdict};
use jose_harness::forge::mint::{self, IADVIZE_JWS_HEADER, MOVEO_JWS_HEADER};
use jose_harness::forge::mutate;
use jose_harness::mistakes::Mistake;
use jose_harness::profile::Profile::{self, Iadvize, Moveo};
use jose_harness::profile::{IADVIZE_USER_ID, IADVIZE_VISITOR_DATA};
use jose_harness::rules::{self as r, Rule, Severity};
use jose_harness_tests::*;
use serde_json::{json, Map, Value};

type Claims = Map<String, Value>;

// ---- a case and its assertions ----------------------------------------------

/// One token (or key situation) made to trip `rule`.
struct Case {
    /// The rule that must fire.
    rule: Rule,
    /// What the token gets wrong.
    name: String,
    /// Other rules that legitimately fire with it (all must fire).
    also: Vec<Rule>,
    /// The verdict, when it is not the one the severities imply.
    verdict: Option<Verdict>,
    /// The mistake diagnosis must name as the rule's cause.
    cause: Option<&'static Mistake>,
    /// Builds the token and checks it.
    build: Box<dyn Fn() -> Report>,
}

fn case(rule: Rule, name: &str, build: impl Fn() -> Report + 'static) -> Case {
    Case {
        rule,
        name: name.into(),
        also: Vec::new(),
        verdict: None,
        cause: None,
        build: Box::new(build),
    }
}

impl Case {
    fn verdict(mut self, verdict: Verdict) -> Self {
        self.verdict = Some(verdict);
        self
    }

    fn expected(&self) -> impl Iterator<Item = &Rule> {
        std::iter::once(&self.rule).chain(&self.also)
    }

    /// Fail when any expected rule is an error, Pass otherwise.
    fn expected_verdict(&self) -> Verdict {
        self.verdict.unwrap_or_else(|| {
            if self.expected().any(|r| r.severity == Severity::Error) {
                Verdict::Fail
            } else {
                Verdict::Pass
            }
        })
    }

    /// Runs the case; `Err` lists everything wrong with its report.
    fn run(&self) -> Result<(), String> {
        let report = catch_unwind(AssertUnwindSafe(|| (self.build)()))
            .map_err(|panic| format!("building or checking panicked: {}", panic_text(&panic)))?;
        let mut problems = Vec::new();
        if !report.has(&self.rule) {
            problems.push(format!("{} did not fire", self.rule.id));
        }
        for rule in &self.also {
            if !report.has(rule) {
                problems.push(format!("companion rule {} did not fire", rule.id));
            }
        }
        if let Some(mistake) = self.cause {
            let named = report
                .findings
                .iter()
                .filter(|f| f.id == self.rule.id)
                .any(|f| f.cause.as_ref().is_some_and(|c| c.id == mistake.id) && f.fixes.is_some());
            if !named {
                problems.push(format!(
                    "{} does not name its cause {} with fixes",
                    self.rule.id, mistake.id
                ));
            }
        }
        let expected: BTreeSet<&str> = self.expected().map(|r| r.id).collect();
        let unexpected: BTreeSet<&str> = report
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info && !expected.contains(f.id))
            .map(|f| f.id)
            .collect();
        if !unexpected.is_empty() {
            problems.push(format!("unexpected findings {unexpected:?}"));
        }
        let verdict = self.expected_verdict();
        if report.verdict != verdict {
            problems.push(format!(
                "verdict {:?}, expected {verdict:?}",
                report.verdict
            ));
        }
        let errors_expected = self.expected().any(|r| r.severity == Severity::Error);
        if !errors_expected && report.count(Severity::Error) > 0 {
            problems.push(format!(
                "{} is a {} rule, but its case has error findings",
                self.rule.id,
                self.rule.severity.as_str()
            ));
        }
        if !belongs(&self.rule, report.profile) {
            problems.push(format!(
                "{} belongs to another profile than {}",
                self.rule.id,
                report.profile.as_str()
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{}\n      findings: {}\n      not checked: {:?}",
                problems.join("; "),
                describe(&report),
                report
                    .not_checked
                    .iter()
                    .map(|n| format!("{}: {}", n.part, n.reason))
                    .collect::<Vec<_>>()
            ))
        }
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into())
}

fn describe(report: &Report) -> String {
    if report.findings.is_empty() {
        return "(none)".into();
    }
    report
        .findings
        .iter()
        .map(|f| {
            let cause = f
                .cause
                .as_ref()
                .map(|c| format!(" cause {}", c.id))
                .unwrap_or_default();
            format!("{} [{}] ({}){cause}", f.id, f.severity.as_str(), f.detail)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Findings that are errors or warnings, by id.
fn serious(report: &Report) -> Vec<&'static str> {
    report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.id)
        .collect()
}

// ---- token builders --------------------------------------------------------

/// The default claims of `profile`, edited.
fn with(profile: Profile, edit: impl FnOnce(&mut Claims)) -> Claims {
    let mut c = claims(profile);
    edit(&mut c);
    c
}

fn moveo_claims(edit: impl FnOnce(&mut Claims)) -> Report {
    check(Moveo, &moveo_token(&with(Moveo, edit), None))
}

fn iadvize_claims(edit: impl FnOnce(&mut Claims)) -> Report {
    check(Iadvize, &iadvize_token(&with(Iadvize, edit)))
}

/// A moveo token: the default header, these payload bytes.
fn moveo_payload(payload: &[u8]) -> Report {
    let token = mint::jws_rs256(
        reference(),
        &keys().customer,
        MOVEO_JWS_HEADER.as_bytes(),
        payload,
    )
    .expect("RS256 JWS");
    check(Moveo, &token)
}

// ---- the cases ----------------------------------------------------------------

/// Every case: the negative catalogue's entries ([`mutate::all`]), then
/// the situations written by hand below.
fn cases() -> Vec<Case> {
    let mut cases = catalogue_cases();
    cases.extend(hand_written_cases());
    cases
}

/// Whether a rule can fire for `profile`.
fn belongs(rule: &Rule, profile: Profile) -> bool {
    match rule.scope {
        r::Scope::Both => true,
        r::Scope::Iadvize => profile == Iadvize,
        r::Scope::Moveo => profile == Moveo,
    }
}

/// One case per catalogue entry and profile it applies to; a companion
/// rule of the other profile is not expected.
fn catalogue_cases() -> Vec<Case> {
    mutate::all()
        .into_iter()
        .flat_map(|m| {
            m.profiles.iter().map(move |&profile| Case {
                rule: m.rule,
                name: m.name(profile),
                also: m
                    .also
                    .iter()
                    .filter(|rule| belongs(rule, profile))
                    .copied()
                    .collect(),
                verdict: m.verdict,
                cause: m.cause,
                build: Box::new(move || {
                    let token = m
                        .build(&mut recipe(profile))
                        .unwrap_or_else(|e| panic!("could not be built: {e}"));
                    check(profile, &token)
                }),
            })
        })
        .collect()
}

/// The situations that are not a token made from a catalogue recipe,
/// written here by hand:
/// - `token.size`, `json.depth`, `json.members`: the harness's own
///   resource bounds (`Limits`), not a mistake of a minting library; a
///   receiver's limits are its own, so they are no negative vector;
/// - `key.size` (twice): a 1024-bit signing or recipient key, which is the
///   keys the token is checked with, and a recipe's keys are the bundled
///   2048-bit ones;
/// - `moveo.context.unverified` without a verify key: a good token checked
///   with a key missing (verdict incomplete), which no token can express.
fn hand_written_cases() -> Vec<Case> {
    vec![
        case(
            r::KEY_TEST_KEY,
            "moveo signed with the bundled customer TEST key",
            || {
                let k = keys();
                let token = mint::moveo(reference(), &claims(Moveo), None, &k.customer, &mut rng())
                    .expect("mint");
                check_with_test_keys(reference(), Moveo, &token, Some(k.customer.public()), None)
            },
        ),
        case(
            r::KEY_PUBLISHED,
            "moveo signed with the RFC 7515 A.2 key, registered as the customer key",
            || {
                let a2 = jose_harness::published::rsa_key_named("RFC 7515")
                    .and_then(|k| k.private.as_ref())
                    .expect("the RFC 7515 A.2 key is listed with its private half");
                let token =
                    mint::moveo(reference(), &claims(Moveo), None, a2, &mut rng()).expect("mint");
                check_with(reference(), Moveo, &token, Some(a2.public()), None)
            },
        ),
        case(
            r::KEY_PUBLISHED,
            "iadvize encrypted to the jwt.io debugger's key as the recipient",
            || {
                let k = keys();
                let jwt_io = jose_harness::published::rsa_key_named("jwt.io")
                    .and_then(|k| k.private.as_ref())
                    .expect("the jwt.io key is listed with its private half");
                let token = mint::iadvize(
                    reference(),
                    &claims(Iadvize),
                    &k.customer,
                    jwt_io.public(),
                    &mut rng(),
                )
                .expect("mint");
                check_with(
                    reference(),
                    Iadvize,
                    &token,
                    Some(k.customer.public()),
                    Some(jwt_io),
                )
            },
        ),
        case(r::TOKEN_SIZE, "moveo token over 64 KiB", || {
            moveo_claims(|c| {
                c.insert("jti".into(), "x".repeat(70_000).into());
            })
        }),
        case(r::JSON_DEPTH, "claims nested 40 deep", || {
            let payload = format!(
                r#"{{"iss":"c","sub":"u","exp":{},"jti":{}1{}}}"#,
                NOW + 60,
                "[".repeat(40),
                "]".repeat(40)
            );
            moveo_payload(payload.as_bytes())
        }),
        case(r::JSON_MEMBERS, "moveo claims with 300 members", || {
            let mut claims = json!({"iss": "c", "sub": "u", "exp": NOW + 60});
            for i in 0..297 {
                claims[format!("c{i}")] = json!(i);
            }
            moveo_payload(claims.to_string().as_bytes())
        }),
        case(
            r::KEY_SIZE,
            "moveo signed and verified with a 1024-bit key",
            || {
                let k = keys();
                let token = mint::moveo(reference(), &claims(Moveo), None, &k.weak1024, &mut rng())
                    .expect("mint");
                check_with(
                    reference(),
                    Moveo,
                    &token,
                    Some(k.weak1024.public()),
                    Some(&k.recipient),
                )
            },
        ),
        case(
            r::KEY_SIZE,
            "iadvize encrypted to a 1024-bit recipient key",
            || {
                let k = keys();
                let token = mint::iadvize(
                    reference(),
                    &claims(Iadvize),
                    &k.customer,
                    k.weak1024.public(),
                    &mut rng(),
                )
                .expect("mint");
                check_with(
                    reference(),
                    Iadvize,
                    &token,
                    Some(k.customer.public()),
                    Some(&k.weak1024),
                )
            },
        ),
        case(
            r::MOVEO_CONTEXT_UNVERIFIED,
            "context with no verify key",
            || {
                let token = moveo_token(&claims(Moveo), Some(&json!({"plan": "gold"})));
                check_with(reference(), Moveo, &token, None, Some(&keys().recipient))
            },
        )
        .verdict(Verdict::Incomplete),
    ]
}

// ---- the tests -----------------------------------------------------------------

#[test]
fn every_case_fires_its_rule() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            c.run()
                .err()
                .map(|why| format!("  {} / {}: {why}", c.rule.id, c.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rule cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_case() {
    let cases = cases();
    let covered: BTreeSet<&str> = cases.iter().map(|c| c.rule.id).collect();
    // The audit.* rules are about a set of tokens, never one: their cases
    // are the audit's tests (tests/sender_audit.rs).
    let missing: Vec<&str> = r::ALL
        .iter()
        .map(|rule| rule.id)
        .filter(|id| !covered.contains(id) && !id.starts_with("audit."))
        .collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
    for c in &cases {
        assert_eq!(
            r::by_id(c.rule.id),
            Some(&c.rule),
            "case {:?} names a rule that is not in the catalogue as written",
            c.name
        );
        for also in &c.also {
            assert!(
                r::by_id(also.id).is_some(),
                "{also:?} is not in the catalogue"
            );
        }
    }
}

/// Every visitorData field the vendor documents, as strings.
fn full_visitor_data() -> Value {
    json!({
        "firstName": "Ada",
        "lastName": "Lovelace",
        "email": "ada@example.com",
        "phoneNumber": "+33 1 23 45 67 89",
        "address": "12 rue de la Paix",
        "zipCode": "75002",
        "city": "Paris",
        "country": "FR",
    })
}

fn assert_clean(what: &str, report: &Report) {
    assert_eq!(
        serious(report),
        Vec::<&str>::new(),
        "{what}: findings {}",
        describe(report)
    );
    assert_eq!(
        report.verdict,
        Verdict::Pass,
        "{what}: not checked {:?}",
        report.not_checked
    );
}

#[test]
fn good_tokens_of_both_profiles_pass() {
    let iadvize_claims = with(Iadvize, |c| {
        c.insert(IADVIZE_VISITOR_DATA.into(), full_visitor_data());
    });
    let visitor_fields = full_visitor_data()
        .as_object()
        .map(|o| o.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    assert_eq!(
        visitor_fields,
        jose_harness::profile::VISITOR_DATA_FIELDS,
        "the good token carries every documented field"
    );
    let context = json!({"plan": "gold", "orders": 3, "vip": true});
    let iadvize = iadvize_token(&iadvize_claims);
    let moveo = moveo_token(&claims(Moveo), Some(&context));
    for_each_backend!(
        |b| |c: &jose_harness::backend::Capabilities| c.jwe_decrypt
            || c.rs256_verify
            || c.context_decrypt,
        {
            let k = keys();
            let report = check_with(
                b,
                Iadvize,
                &iadvize,
                Some(k.customer.public()),
                Some(&k.recipient),
            );
            assert_clean(&format!("iadvize via {}", b.id()), &report);
            assert_eq!(report.claims, Some(Value::Object(iadvize_claims.clone())));
            assert_eq!(
                report.inner_header,
                Some(serde_json::from_str(IADVIZE_JWS_HEADER).unwrap())
            );

            let report = check_with(
                b,
                Moveo,
                &moveo,
                Some(k.customer.public()),
                Some(&k.recipient),
            );
            assert_clean(&format!("moveo via {}", b.id()), &report);
            assert_eq!(
                report.context.as_ref(),
                Some(&context),
                "the context decrypts"
            );
        }
    );
}

#[test]
fn exp_equal_to_now_is_expired_and_one_second_later_is_not() {
    for profile in [Iadvize, Moveo] {
        let token = |exp: i64| {
            let c = with(profile, |c| {
                c.insert("iat".into(), (NOW - 30).into());
                c.insert("exp".into(), exp.into());
            });
            match profile {
                Iadvize => iadvize_token(&c),
                Moveo => moveo_token(&c, None),
            }
        };
        let at_now = check(profile, &token(NOW));
        assert!(
            at_now.has(&r::CLAIMS_EXP_EXPIRED),
            "{profile:?} exp == now: {}",
            describe(&at_now)
        );
        assert_eq!(at_now.verdict, Verdict::Fail);
        assert_eq!(serious(&at_now), vec![r::CLAIMS_EXP_EXPIRED.id]);

        let after = check(profile, &token(NOW + 1));
        assert_clean(&format!("{profile:?} exp == now + 1"), &after);
    }
}

#[test]
fn iadvize_lifetime_boundary_is_60_seconds() {
    // From iat when there is one.
    let at = |exp: i64, iat: Option<i64>| {
        iadvize_claims(|c| {
            c.insert("exp".into(), exp.into());
            match iat {
                Some(iat) => c.insert("iat".into(), iat.into()),
                None => c.remove("iat"),
            };
        })
    };
    assert_clean("exp = iat + 60", &at(NOW + 60, Some(NOW)));
    let over = at(NOW + 61, Some(NOW));
    assert_eq!(
        serious(&over),
        vec![r::IADVIZE_LIFETIME.id],
        "{}",
        describe(&over)
    );
    assert_eq!(over.verdict, Verdict::Pass, "a long lifetime is a warning");
    // An iat in the past makes the token's lifetime longer than what is left.
    let old_iat = at(NOW + 30, Some(NOW - 31));
    assert_eq!(
        serious(&old_iat),
        vec![r::IADVIZE_LIFETIME.id],
        "{}",
        describe(&old_iat)
    );
    // From now without iat.
    assert_clean("exp = now + 60, no iat", &at(NOW + 60, None));
    let over = at(NOW + 61, None);
    assert_eq!(
        serious(&over),
        vec![r::IADVIZE_LIFETIME.id],
        "{}",
        describe(&over)
    );
}

#[test]
fn moveo_exp_boundary_is_300_seconds() {
    let at = |exp: i64| {
        moveo_claims(|c| {
            c.insert("exp".into(), exp.into());
        })
    };
    assert_clean("exp = now + 300", &at(NOW + 300));
    let over = at(NOW + 301);
    assert_eq!(
        serious(&over),
        vec![r::MOVEO_EXP_TOO_FAR.id],
        "{}",
        describe(&over)
    );
    assert_eq!(over.verdict, Verdict::Fail);
    // Moveo has no 60-second recommendation: the iadvize rule never applies.
    assert!(!at(NOW + 300).has(&r::IADVIZE_LIFETIME));
}

#[test]
fn userid_length_counts_characters_not_bytes() {
    let with_id = |id: String| {
        iadvize_claims(|c| {
            c.insert(IADVIZE_USER_ID.into(), id.into());
        })
    };
    for unit in ["u", "é", "€", "😀"] {
        let ok = with_id(unit.repeat(255));
        assert_clean(&format!("255 × {unit:?}"), &ok);
        let long = with_id(unit.repeat(256));
        assert_eq!(
            serious(&long),
            vec![r::IADVIZE_USERID_LENGTH.id],
            "256 × {unit:?}: {}",
            describe(&long)
        );
        assert_eq!(long.verdict, Verdict::Fail);
    }
}
