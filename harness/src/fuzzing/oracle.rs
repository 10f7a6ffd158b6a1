//! The oracle of the structure-aware target: builds the token a
//! [`TokenModel`] describes, works out from its choices what the check must
//! report, checks it and asserts that.

use arbitrary::{Arbitrary, Unstructured};
use serde_json::{json, Map, Value};

use super::impls::{fast, fast_producer};
use super::model::{
    Alg, Cty, Exp, HeaderExtra, Iat, Issuer, ModelProfile, Nbf, Subject, TextEdit, TokenModel,
    VisitorData,
};
use super::pipeline::{check_token, report_is_consistent};
use super::{test_key, NOW};
use crate::backend::CryptoFailure;
use crate::findings::Verdict;
use crate::forge::mint;
use crate::forge::mutate::{self, Recipe};
use crate::keys;
use crate::profile::{
    Profile, IADVIZE_PREFIX, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA, VISITOR_DATA_FIELDS,
};
use crate::rng::HarnessRng;
use crate::rules::{self as r, Rule, Severity};

/// What a model's choices must make the check report.
#[derive(Debug, Clone)]
struct Expect {
    /// The choice, for the panic message.
    what: String,
    /// The rule that must fire, when one is known.
    rule: Option<Rule>,
    /// Whether the token must fail.
    error: bool,
}

impl Expect {
    fn rule(what: impl Into<String>, rule: Rule) -> Self {
        Self {
            what: what.into(),
            rule: Some(rule),
            error: rule.severity == Severity::Error,
        }
    }
}

/// Non-empty text of at most `max` characters, from `s` or `fallback`.
fn text_of(s: &str, max: usize, fallback: &str) -> String {
    let cut: String = s.chars().take(max).collect();
    if cut.is_empty() {
        fallback.to_owned()
    } else {
        cut
    }
}

impl TokenModel {
    fn profile(&self) -> Profile {
        match self.profile {
            ModelProfile::Iadvize => Profile::Iadvize,
            ModelProfile::Moveo => Profile::Moveo,
        }
    }

    /// The claims, and what each mistake in them must make the check say.
    fn claims(&self, expects: &mut Vec<Expect>) -> Map<String, Value> {
        let iadvize = self.profile == ModelProfile::Iadvize;
        let lifetime: i64 = if iadvize { 60 } else { 300 };
        let mut claims = Map::new();
        match &self.issuer {
            Issuer::Text(s) => {
                claims.insert("iss".into(), json!(text_of(s, 80, "customer.example")));
            }
            Issuer::Missing if !iadvize => {
                expects.push(Expect::rule("no iss", r::MOVEO_ISS_MISSING))
            }
            Issuer::Missing => {}
            Issuer::Empty => {
                claims.insert("iss".into(), json!(""));
                if !iadvize {
                    expects.push(Expect::rule("iss empty", r::MOVEO_ISS_TYPE));
                }
            }
            Issuer::Number(n) => {
                claims.insert("iss".into(), json!(n));
                if !iadvize {
                    expects.push(Expect::rule("iss a number", r::MOVEO_ISS_TYPE));
                }
            }
        }
        let subject = if iadvize { IADVIZE_USER_ID } else { "sub" };
        let (missing, empty, number) = if iadvize {
            (
                r::IADVIZE_USERID_MISSING,
                r::IADVIZE_USERID_EMPTY,
                r::IADVIZE_USERID_TYPE,
            )
        } else {
            (r::MOVEO_SUB_MISSING, r::MOVEO_SUB_EMPTY, r::MOVEO_SUB_TYPE)
        };
        match &self.subject {
            Subject::Text(s) => {
                claims.insert(subject.into(), json!(text_of(s, 255, "user-1")));
            }
            Subject::Missing => expects.push(Expect::rule("no subject", missing)),
            Subject::Empty => {
                claims.insert(subject.into(), json!(""));
                expects.push(Expect::rule("empty subject", empty));
            }
            Subject::Number(n) => {
                claims.insert(subject.into(), json!(n));
                expects.push(Expect::rule("subject a number", number));
            }
            Subject::Long(n) => {
                claims.insert(subject.into(), json!("é".repeat(256 + usize::from(*n))));
                if iadvize {
                    expects.push(Expect::rule("userId too long", r::IADVIZE_USERID_LENGTH));
                }
            }
        }
        let mut exp_number = None;
        match self.exp {
            Exp::Good(o) => {
                let exp = NOW + 1 + i64::from(o) % lifetime;
                exp_number = Some(exp as f64);
                claims.insert("exp".into(), json!(exp));
            }
            Exp::Missing => expects.push(Expect::rule("no exp", r::CLAIMS_EXP_MISSING)),
            Exp::Expired(d) => {
                claims.insert("exp".into(), json!(NOW - i64::from(d)));
                expects.push(Expect::rule("exp not after now", r::CLAIMS_EXP_EXPIRED));
            }
            Exp::Text => {
                claims.insert("exp".into(), json!((NOW + 30).to_string()));
                expects.push(Expect::rule("exp a string", r::CLAIMS_TIME_TYPE));
            }
            Exp::Negative(d) => {
                claims.insert("exp".into(), json!(-1 - i64::from(d)));
                expects.push(Expect::rule("exp negative", r::CLAIMS_TIME_RANGE));
            }
            Exp::Huge => {
                claims.insert("exp".into(), json!(1e20));
                expects.push(Expect::rule("exp 1e20", r::CLAIMS_TIME_RANGE));
            }
            Exp::Fraction(o) => {
                let exp = (NOW + 1 + i64::from(o) % (lifetime - 1)) as f64 + 0.5;
                exp_number = Some(exp);
                claims.insert("exp".into(), json!(exp));
                expects.push(Expect::rule(
                    "exp with a fraction",
                    r::CLAIMS_TIME_NON_INTEGER,
                ));
            }
            Exp::Far(d) => {
                let exp = NOW + lifetime + 1 + i64::from(d);
                exp_number = Some(exp as f64);
                claims.insert("exp".into(), json!(exp));
                expects.push(if iadvize {
                    Expect::rule("exp past 60 s", r::IADVIZE_LIFETIME)
                } else {
                    Expect::rule("exp past 300 s", r::MOVEO_EXP_TOO_FAR)
                });
            }
        }
        match self.iat {
            Iat::None => {}
            Iat::Past(d) => {
                let mut iat = NOW - i64::from(d);
                if iadvize {
                    // Keep exp - iat within the 60 s the lifetime rule allows.
                    if let Some(exp) = exp_number {
                        iat = iat.max((exp - 60.0).ceil() as i64).min(NOW);
                    }
                }
                claims.insert("iat".into(), json!(iat));
            }
            Iat::Future(d) => {
                claims.insert("iat".into(), json!(NOW + 1 + i64::from(d)));
                expects.push(Expect::rule("iat in the future", r::CLAIMS_IAT_FUTURE));
            }
            Iat::Text => {
                claims.insert("iat".into(), json!("yesterday"));
                expects.push(Expect::rule("iat a string", r::CLAIMS_TIME_TYPE));
            }
        }
        match self.nbf {
            Nbf::None => {}
            Nbf::Past(d) => {
                claims.insert("nbf".into(), json!(NOW - i64::from(d)));
            }
            Nbf::Future(d) => {
                claims.insert("nbf".into(), json!(NOW + 1 + i64::from(d)));
                expects.push(Expect::rule("nbf in the future", r::CLAIMS_NBF_FUTURE));
            }
        }
        if iadvize {
            let field = |i: &u8| VISITOR_DATA_FIELDS[usize::from(*i) % VISITOR_DATA_FIELDS.len()];
            match &self.visitor_data {
                VisitorData::None => {}
                VisitorData::Fields(fields) => {
                    let data: Map<String, Value> = fields
                        .iter()
                        .take(8)
                        .map(|(i, v)| (field(i).to_owned(), json!(v)))
                        .collect();
                    claims.insert(IADVIZE_VISITOR_DATA.into(), Value::Object(data));
                }
                VisitorData::NotObject(s) => {
                    claims.insert(IADVIZE_VISITOR_DATA.into(), json!(s));
                    expects.push(Expect::rule(
                        "visitorData a string",
                        r::IADVIZE_VISITORDATA_TYPE,
                    ));
                }
                VisitorData::FieldNumber(i, n) => {
                    claims.insert(IADVIZE_VISITOR_DATA.into(), json!({ field(i): n }));
                    expects.push(Expect::rule(
                        "a visitorData field a number",
                        r::IADVIZE_VISITORDATA_FIELD,
                    ));
                }
                VisitorData::Unknown(s) => {
                    claims.insert(
                        IADVIZE_VISITOR_DATA.into(),
                        json!({ format!("x-{s}"): "v" }),
                    );
                    expects.push(Expect::rule(
                        "an undocumented visitorData field",
                        r::IADVIZE_VISITORDATA_UNKNOWN,
                    ));
                }
            }
        }
        for extra in self.extra.iter().take(4) {
            let name = if iadvize && !extra.unprefixed {
                format!("{IADVIZE_PREFIX}x-{}", extra.name)
            } else {
                format!("x-{}", extra.name)
            };
            if claims.contains_key(&name) {
                continue;
            }
            claims.insert(name.clone(), extra.value.to_json());
            if iadvize && extra.unprefixed {
                expects.push(Expect::rule(
                    format!("unprefixed {name:?}"),
                    r::IADVIZE_UNPREFIXED,
                ));
            }
        }
        claims
    }

    fn context(&self) -> Option<(Value, usize)> {
        if self.profile != ModelProfile::Moveo {
            return None;
        }
        self.context.as_ref().map(|c| {
            let object: Map<String, Value> = c
                .members
                .iter()
                .take(8)
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect();
            (Value::Object(object), if c.aes256 { 32 } else { 16 })
        })
    }

    /// The JWS header text, and what its choices must make the check say.
    fn jws_header(&self, expects: &mut Vec<Expect>) -> String {
        let h = &self.header;
        let mut members: Vec<(&str, Value)> = Vec::new();
        let alg = match &h.alg {
            Alg::Rs256 => Some("RS256".to_owned()),
            Alg::None(casing) => {
                Some(["none", "None", "NONE", "nOnE"][usize::from(*casing) % 4].to_owned())
            }
            Alg::Hs256 => Some("HS256".to_owned()),
            Alg::Rs512 => Some("RS512".to_owned()),
            Alg::Ps256 => Some("PS256".to_owned()),
            Alg::Missing => None,
            Alg::Text(s) => Some(s.clone()),
        };
        match &alg {
            Some(a) if a == "RS256" => {}
            Some(a) if a.eq_ignore_ascii_case("none") => {
                expects.push(Expect::rule(format!("alg {a:?}"), r::JWS_ALG_NONE))
            }
            Some(a) if a.to_ascii_uppercase().starts_with("HS") => {
                expects.push(Expect::rule(format!("alg {a:?}"), r::JWS_ALG_HMAC))
            }
            Some(a) => expects.push(Expect::rule(format!("alg {a:?}"), r::JWS_ALG_UNEXPECTED)),
            None => expects.push(Expect::rule("no alg", r::JWS_ALG_UNEXPECTED)),
        }
        if let Some(alg) = &alg {
            members.push(("alg", json!(alg)));
        }
        if let Some(typ) = &h.typ {
            members.push(("typ", json!(typ)));
        }
        if let Some(kid) = &h.kid {
            members.push(("kid", json!(kid)));
            expects.push(Expect::rule("kid", r::JOSE_KID));
        }
        match h.extra {
            HeaderExtra::Nothing => {}
            HeaderExtra::Crit => {
                members.push(("crit", json!(["x-unknown"])));
                expects.push(Expect::rule("crit", r::JOSE_CRIT));
            }
            HeaderExtra::Jku | HeaderExtra::X5u | HeaderExtra::X5c | HeaderExtra::Jwk => {
                let (name, value) = match h.extra {
                    HeaderExtra::Jku => ("jku", json!("https://attacker.example/jwks")),
                    HeaderExtra::X5u => ("x5u", json!("https://attacker.example/cert")),
                    HeaderExtra::X5c => ("x5c", json!(["MIIB"])),
                    _ => ("jwk", keys::public_jwk(test_key("customer2").public())),
                };
                members.push((name, value));
                expects.push(Expect::rule(name, r::JOSE_KEY_IN_HEADER));
            }
            HeaderExtra::DuplicateAlg => {
                if alg.is_some() {
                    // The last one counts: none.
                    members.push(("alg", json!("none")));
                    expects.push(Expect::rule("alg twice", r::JSON_DUPLICATE));
                }
            }
        }
        render(&members, h.spaced)
    }

    /// The JWE header text, and what its choices must make the check say.
    fn jwe_header(&self, expects: &mut Vec<Expect>) -> String {
        let h = &self.jwe_header;
        let mut members: Vec<(&str, Value)> =
            vec![("alg", json!("RSA-OAEP-256")), ("enc", json!("A256GCM"))];
        match &h.cty {
            Cty::Jwt => members.push(("cty", json!("JWT"))),
            Cty::Lower => members.push(("cty", json!("jwt"))),
            Cty::Missing => expects.push(Expect::rule("no cty", r::JWE_CTY_MISSING)),
            Cty::Text(s) => {
                members.push(("cty", json!(s)));
                if !s.eq_ignore_ascii_case("JWT") {
                    expects.push(Expect::rule(format!("cty {s:?}"), r::JWE_CTY_WRONG));
                }
            }
        }
        if let Some(kid) = &h.kid {
            members.push(("kid", json!(kid)));
            expects.push(Expect::rule("JWE kid", r::JOSE_KID));
        }
        if h.zip {
            members.push(("zip", json!("DEF")));
            expects.push(Expect::rule("zip", r::JWE_ZIP));
        }
        render(&members, h.spaced)
    }
}

/// A JSON object written member by member (duplicates kept).
fn render(members: &[(&str, Value)], spaced: bool) -> String {
    let (colon, comma) = if spaced { (": ", ", ") } else { (":", ",") };
    let body: Vec<String> = members
        .iter()
        .map(|(name, value)| format!("{}{colon}{value}", json!(name)))
        .collect();
    format!("{{{}}}", body.join(comma))
}

/// Applies one text edit; returns the rule it must trip when it is the
/// only change, `None` for a change of no particular rule.
fn apply_edit(token: &mut String, edit: TextEdit) -> Option<Rule> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut segments: Vec<String> = token.split('.').map(str::to_owned).collect();
    let pick = |i: u8| usize::from(i) % segments.len();
    let rule = match edit {
        TextEdit::Pad { segment } => {
            let i = pick(segment);
            segments[i].push('=');
            Some(r::B64_PADDING)
        }
        TextEdit::StdAlphabet { segment } => {
            let i = pick(segment);
            segments[i] = segments[i].replace('-', "+").replace('_', "/");
            Some(r::B64_ALPHABET)
        }
        TextEdit::Whitespace { segment, at } => {
            let i = pick(segment);
            let s = &mut segments[i];
            let mut at = usize::from(at) % (s.len() + 1);
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            s.insert(at, '\n');
            Some(r::B64_WHITESPACE)
        }
        TextEdit::TrailingBits { segment } => {
            let i = pick(segment);
            let s = &mut segments[i];
            let unused = matches!(s.len() % 4, 2 | 3);
            if let (true, Some(last)) = (unused, s.pop()) {
                let replaced = ALPHABET
                    .iter()
                    .position(|c| char::from(*c) == last)
                    .map_or(last, |pos| char::from(ALPHABET[pos | 1]));
                s.push(replaced);
            }
            Some(r::B64_TRAILING_BITS)
        }
        TextEdit::SetByte { at, byte } => {
            let mut bytes = std::mem::take(token).into_bytes();
            if !bytes.is_empty() {
                let i = usize::from(at) % bytes.len();
                if bytes[i].is_ascii() {
                    bytes[i] = 0x21 + byte % 94;
                }
            }
            *token = String::from_utf8(bytes).unwrap_or_default();
            return None;
        }
        TextEdit::Truncate { at } => {
            let mut at = usize::from(at) % (token.len() + 1);
            while !token.is_char_boundary(at) {
                at -= 1;
            }
            token.truncate(at);
            return None;
        }
        TextEdit::Surround => {
            *token = format!(" \n{token}\r\n");
            return None;
        }
    };
    *token = segments.join(".");
    rule
}

fn trimmed(token: &str) -> &str {
    token.trim_matches(|c: char| c.is_ascii_whitespace())
}

/// Builds the token a [`TokenModel`] describes, checks it, and asserts
/// what its choices imply: no mistake passes with the claims and context
/// read back as built; a mistake of error severity fails; a single mistake
/// makes its own rule fire.
pub fn token_model(data: &[u8]) {
    let Ok(model) = TokenModel::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let profile = model.profile();
    let customer = test_key("customer");
    let recipient = test_key("recipient");
    let mut rng = HarnessRng::from_seed(model.seed);
    let mut expects = Vec::new();
    let mut claims = model.claims(&mut expects);
    let context = model.context();
    let catalog: Vec<mutate::Mutation> = mutate::published()
        .into_iter()
        .filter(|m| m.profiles.contains(&profile))
        .collect();
    let mutation = model
        .mutation
        .map(|i| catalog[usize::from(i) % catalog.len()]);
    let built = match mutation {
        Some(mutation) => {
            // A catalogue case edits the claims it is about: start it from
            // good claims so that its rule is the only mistake.
            if !expects.is_empty() {
                expects.clear();
                claims = mint::default_claims(profile, NOW, 60, "user-1");
            }
            expects.push(Expect::rule(mutation.name(profile), mutation.rule));
            let mut recipe = Recipe {
                profile,
                claims: claims.clone(),
                context: context.as_ref().map(|(c, _)| c.clone()),
                aes_key_bytes: context.as_ref().map_or(32, |(_, aes)| *aes),
                customer,
                other: test_key("customer2"),
                recipient: recipient.public(),
                now: NOW,
                rng,
            };
            mutation.build(&mut recipe)
        }
        None => {
            let header = model.jws_header(&mut expects);
            match profile {
                Profile::Iadvize => {
                    let jwe_header = model.jwe_header(&mut expects);
                    serde_json::to_vec(&claims)
                        .map_err(|e| CryptoFailure::Other(e.to_string()))
                        .and_then(|payload| {
                            mint::jws_rs256(fast_producer(), customer, header.as_bytes(), &payload)
                        })
                        .and_then(|jws| {
                            mint::jwe(
                                fast_producer(),
                                recipient.public(),
                                jwe_header.as_bytes(),
                                jws.as_bytes(),
                                &mut rng,
                            )
                        })
                }
                Profile::Moveo => {
                    let mut all = claims.clone();
                    let made = match &context {
                        Some((object, aes)) => serde_json::to_vec(object)
                            .map_err(|e| CryptoFailure::Other(e.to_string()))
                            .and_then(|plaintext| {
                                mint::context(
                                    fast_producer(),
                                    recipient.public(),
                                    &plaintext,
                                    *aes,
                                    &mut rng,
                                )
                            })
                            .map(|c| c.insert_into(&mut all)),
                        None => Ok(()),
                    };
                    made.and_then(|()| {
                        serde_json::to_vec(&all).map_err(|e| CryptoFailure::Other(e.to_string()))
                    })
                    .and_then(|payload| {
                        mint::jws_rs256(fast_producer(), customer, header.as_bytes(), &payload)
                    })
                }
            }
        }
    };
    let Ok(original) = built else {
        return;
    };
    let mut token = original.clone();
    let mut edit_rules = Vec::new();
    for edit in model.edits.iter().take(3) {
        let before = token.clone();
        let rule = apply_edit(&mut token, *edit);
        if trimmed(&before) != trimmed(&token) {
            edit_rules.push(rule);
        }
    }
    if trimmed(&token) != original {
        match edit_rules.as_slice() {
            [Some(rule)] => {
                expects.push(Expect::rule(format!("text edit {:?}", model.edits), *rule))
            }
            _ => expects.push(Expect {
                what: format!("text edits {:?}", model.edits),
                rule: None,
                error: true,
            }),
        }
    }

    let report = check_token(profile, &token, fast());
    report_is_consistent(&report, &token);
    let must_fail = expects.iter().any(|e| e.error);
    let want = if must_fail {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    assert_eq!(
        report.verdict,
        want,
        "{profile:?} token {token:?}\nmistakes {expects:?}\nfindings {:?}\nnot checked {:?}",
        report.ids(),
        report.not_checked
    );
    if let [Expect {
        rule: Some(rule),
        what,
        ..
    }] = expects.as_slice()
    {
        assert!(
            report.has(rule),
            "{what}: rule {} did not fire on {token:?}; findings {:?}",
            rule.id,
            report.ids()
        );
    }
    if expects.is_empty() && mutation.is_none() {
        // The report's claims are the signed ones: for moveo, with the three
        // context claims the minting added.
        let mut read = report.claims.clone();
        if let (Profile::Moveo, Some(Value::Object(map))) = (profile, &mut read) {
            for name in ["context", "encryption_key", "init_vector"] {
                map.remove(name);
            }
        }
        assert_eq!(read, Some(Value::Object(claims)), "claims read back");
        assert_eq!(report.context, context.map(|(c, _)| c), "context read back");
    }
}
