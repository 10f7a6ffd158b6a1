//! The catalogue of implementers' mistakes: whole, each mistake made the
//! mistaken way by a published broken token, messages true in every
//! state of the header, and the cause and fixes in the CLI's output.

use std::collections::BTreeSet;

use jose_harness::backend::Primitives;
use jose_harness::forge::mint::{self, IADVIZE_JWS_HEADER, MOVEO_JWS_HEADER};
use jose_harness::forge::mutate;
use jose_harness::mistakes::{self, Lang, Status};
use jose_harness::profile::Profile;
use jose_harness::rules as r;
use jose_harness_tests::*;
use serde_json::Value;

#[test]
fn the_catalogue_is_whole() {
    let mut ids = BTreeSet::new();
    let mut by_rule = BTreeSet::new();
    for m in mistakes::all() {
        assert!(ids.insert(m.id), "{} twice", m.id);
        assert!(m.id.contains('.'), "{} is not namespaced", m.id);
        assert!(!m.rules.is_empty(), "{} explains no rule", m.id);
        assert!(
            !m.trial.is_empty() && !m.message.is_empty() && !m.source.is_empty(),
            "{}",
            m.id
        );
        assert!(!m.fixes.is_empty(), "{} has no fix", m.id);
        let langs: BTreeSet<Lang> = m.fixes.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            langs.len(),
            m.fixes.len(),
            "{} names a language twice",
            m.id
        );
        assert!(
            m.fixes.iter().all(|(_, f)| f.len() > 10),
            "{} has an empty fix",
            m.id
        );
        if m.shown_by_rule {
            for rule in m.rules {
                assert!(
                    by_rule.insert(rule.id),
                    "{} is shown by two mistakes",
                    rule.id
                );
            }
        }
        if m.status == Status::Likely {
            assert!(
                !m.shown_by_rule,
                "{}: a pattern is never the rule's own proof",
                m.id
            );
        }
    }
}

/// Every mistake is made the mistaken way by a published broken token
/// (a negative vector), which names it as its rule's cause; the rule
/// tests then check diagnosis finds it.
#[test]
fn every_mistake_has_a_negative_vector() {
    let published: BTreeSet<&str> = mutate::published()
        .iter()
        .filter_map(|m| m.cause.map(|c| c.id))
        .collect();
    let missing: Vec<&str> = mistakes::all()
        .iter()
        .map(|m| m.id)
        .filter(|id| !published.contains(id))
        .collect();
    assert!(missing.is_empty(), "no negative vector makes {missing:?}");
}

/// A PS256 signature fires `jws.signature.pss` whatever the header says,
/// and what the finding says is true of the header it has: the cause is
/// the raw PSS call under RS256 (or no alg), the library's PS256 under
/// PS256.
#[test]
fn the_pss_finding_is_true_for_every_header() {
    let k = keys();
    for (profile, base) in [
        (Profile::Moveo, MOVEO_JWS_HEADER),
        (Profile::Iadvize, IADVIZE_JWS_HEADER),
    ] {
        let claims = claims(profile);
        for (alg, cause) in [
            (Some("RS256"), "jws.pss_padding"),
            (Some("PS256"), "jws.ps256_chosen"),
            (Some("ps256"), "jws.ps256_chosen"),
            (None, "jws.pss_padding"),
        ] {
            let mut header: serde_json::Map<String, Value> = serde_json::from_str(base).unwrap();
            match alg {
                Some(a) => header.insert("alg".into(), a.into()),
                None => header.remove("alg"),
            };
            let header = Value::Object(header).to_string();
            let payload = serde_json::to_vec(&claims).unwrap();
            let input = format!(
                "{}.{}",
                jose_harness::jose::b64::encode_url(header.as_bytes()),
                jose_harness::jose::b64::encode_url(&payload)
            );
            let signature = jose_harness::backend::primitives_of(reference())
                .ps256_sign(&k.customer, input.as_bytes(), &mut rng())
                .unwrap();
            let jws = format!(
                "{input}.{}",
                jose_harness::jose::b64::encode_url(&signature)
            );
            let token = match profile {
                Profile::Moveo => jws,
                Profile::Iadvize => mint::jwe(
                    reference(),
                    k.recipient.public(),
                    mint::IADVIZE_JWE_HEADER.as_bytes(),
                    jws.as_bytes(),
                    &mut rng(),
                )
                .unwrap(),
            };
            let report = check(profile, &token);
            let finding = report
                .findings
                .iter()
                .find(|f| f.id == r::JWS_SIGNATURE_PSS.id)
                .unwrap_or_else(|| panic!("{alg:?}: {:?}", report.ids()));
            assert_eq!(finding.cause.as_ref().map(|c| c.id), Some(cause), "{alg:?}");
            match alg {
                Some(a) => assert!(
                    finding.detail.contains(&format!("{a:?}")),
                    "{alg:?}: {}",
                    finding.detail
                ),
                None => assert!(finding.detail.contains("no alg"), "{}", finding.detail),
            }
            assert!(
                !finding.message.contains("header says"),
                "{}",
                finding.message
            );
        }
    }
}

#[test]
fn json_carries_the_cause_and_the_fixes_with_the_language_first() {
    let mut recipe = recipe(Profile::Moveo);
    let mutation = mutate::published()
        .into_iter()
        .find(|m| m.id == "moveo.context.oaep_label")
        .unwrap();
    let token = mutation.build(&mut recipe).unwrap();
    let out = check_cmd("moveo", &token)
        .args(["--format", "json", "--lang", "go"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "moveo.rsa.oaep_label")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(finding["cause"]["id"], "rsa.oaep_label");
    assert_eq!(finding["cause"]["status"], "confirmed");
    assert!(
        finding["detail"].as_str().unwrap().contains("\"orders\""),
        "{finding}"
    );
    let fixes = finding["fixes"].as_object().unwrap();
    assert_eq!(fixes.keys().next().map(String::as_str), Some("go"));
    assert!(fixes.len() > 3 && fixes.contains_key("python"));
}

#[test]
fn text_shows_only_the_language_asked_for() {
    let mut recipe = recipe(Profile::Moveo);
    let mutation = mutate::published()
        .into_iter()
        .find(|m| m.id == "moveo.context.base64_twice")
        .unwrap();
    let token = mutation.build(&mut recipe).unwrap();
    let all = check_cmd("moveo", &token)
        .env_remove("JOSE_HARNESS_LANG")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&all.stdout);
    assert!(
        text.contains("cause: confirmed (encoding.base64_twice)"),
        "{text}"
    );
    assert!(text.contains("PHP:") && text.contains("Go:"), "{text}");
    let php = check_cmd("moveo", &token)
        .env("JOSE_HARNESS_LANG", "php")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&php.stdout);
    assert!(
        text.contains("PHP:") && text.contains("OPENSSL_RAW_DATA"),
        "{text}"
    );
    assert!(!text.contains("Go:"), "{text}");
    let bad = check_cmd("moveo", &token)
        .args(["--lang", "cobol"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("node, python"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

/// A likely cause joins the symptom's finding and keeps its id.
#[test]
fn a_local_clock_is_a_likely_cause_on_the_expired_finding() {
    let mut claims = claims(Profile::Moveo);
    claims.insert("iat".into(), (NOW - 7200).into());
    claims.insert("exp".into(), (NOW - 7200 + 60).into());
    let report = check(Profile::Moveo, &moveo_token(&claims, None));
    let finding = report
        .findings
        .iter()
        .find(|f| f.id == r::CLAIMS_EXP_EXPIRED.id)
        .unwrap();
    let cause = finding.cause.as_ref().unwrap();
    assert_eq!(
        (cause.id, cause.status),
        ("time.local_clock", Status::Likely)
    );
    assert!(
        cause.evidence.as_deref().unwrap_or("").contains("2 h"),
        "{cause:?}"
    );
}

/// No valid vector gets a cause: diagnosis runs only after a failure, and
/// a valid token has none (its only finding is the TEST-key warning).
#[test]
fn no_valid_vector_gets_a_cause() {
    let files = jose_harness::vectors::load_dir(&vectors_dir()).expect("the vectors load");
    let mut checked = 0;
    for (_, file) in files.iter().filter(|(_, f)| f.group == "valid") {
        let profile = Profile::from_name(&file.profile).expect("a known profile");
        for v in &file.tests {
            let name = |k: &str| k.trim_end_matches("-test").to_owned();
            let verify = private(&name(&v.keys.verify));
            let decrypt = private(&name(&v.keys.decrypt));
            let report = jose_harness::check::check(
                &v.token,
                &jose_harness::check::CheckOptions {
                    profile,
                    verify_key: Some(verify.public()),
                    decrypt_key: Some(&decrypt),
                    now: v.now,
                    limits: jose_harness::jose::Limits::default(),
                    backend: reference(),
                },
            );
            assert_eq!(report.causes().count(), 0, "{}: {:?}", v.id, report.ids());
            assert_eq!(
                report.count(jose_harness::rules::Severity::Error),
                0,
                "{}",
                v.id
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} valid vectors");
}

/// The context mistakes are named under every seed, also when the wrong
/// decryption's padding happens to be valid and the symptom is "not JSON"
/// rather than "bad padding" (seed 23 made an ECB context whose CBC
/// decryption ended in a valid padding byte).
#[test]
fn context_mistakes_are_named_under_many_seeds() {
    use jose_harness::implementation::{Implementation, Quirks};
    use jose_harness::interop::{self, Judgement, Options};
    let impls = vec![Implementation::builtin(
        &jose_harness::backend::reference::Reference,
    )];
    let names = [
        "moveo/moveo.context.ecb",
        "moveo/moveo.context.key_iv_swapped",
        "moveo/moveo.context.key_text_truncated",
        "moveo/moveo.context.iv_prepended",
    ];
    let mut judged = 0;
    for seed in 0..64 {
        for name in names {
            let options = Options {
                cases: 1,
                seed,
                profiles: vec![Profile::Moveo],
                only_negative: Some(name.to_owned()),
                ..Options::default()
            };
            let m = interop::run(&impls, &options, &Quirks::default(), &|_| {});
            let outcome = &m.negative[0].outcomes[0];
            assert_eq!(
                outcome.judgement,
                Judgement::Rejected,
                "seed {seed}, {name}: {}",
                outcome.detail
            );
            judged += 1;
        }
    }
    assert_eq!(judged, 64 * names.len());
}
