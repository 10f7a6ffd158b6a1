//! No input makes the pipeline panic, and no single-byte change to a valid
//! token gets through.

use jose_harness::findings::Verdict;
use jose_harness::profile::Profile;
use jose_harness_tests::*;
use proptest::prelude::*;
use std::sync::OnceLock;

fn valid_tokens() -> &'static [(Profile, String); 2] {
    static TOKENS: OnceLock<[(Profile, String); 2]> = OnceLock::new();
    TOKENS.get_or_init(|| {
        let context = serde_json::json!({"tier": "gold"});
        [
            (Profile::Iadvize, iadvize_token(&claims(Profile::Iadvize))),
            (
                Profile::Moveo,
                moveo_token(&claims(Profile::Moveo), Some(&context)),
            ),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        for profile in [Profile::Iadvize, Profile::Moveo] {
            let report = check(profile, &text);
            prop_assert_ne!(report.verdict, Verdict::Pass);
        }
    }

    #[test]
    fn dotted_base64ish_text_never_panics(parts in proptest::collection::vec("[A-Za-z0-9_=+/ -]{0,60}", 0..7)) {
        let token = parts.join(".");
        for profile in [Profile::Iadvize, Profile::Moveo] {
            let report = check(profile, &token);
            prop_assert_ne!(report.verdict, Verdict::Pass, "{}", token);
        }
    }

    #[test]
    fn any_single_byte_change_is_rejected(which in 0usize..2, position in any::<prop::sample::Index>(), byte in 0x21u8..0x7f) {
        let (profile, token) = &valid_tokens()[which];
        let i = position.index(token.len());
        prop_assume!(token.as_bytes()[i] != byte);
        let mut bytes = token.clone().into_bytes();
        bytes[i] = byte;
        let changed = String::from_utf8(bytes).expect("ASCII");
        let report = check(*profile, &changed);
        prop_assert_eq!(report.verdict, Verdict::Fail, "byte {} of the {:?} token set to {:?}: {:?}", i, profile, byte as char, report.ids());
    }
}
