//! `jose-harness vectors generate`: every vector from a seed, byte for
//! byte the same on every machine (seeded RNG for IVs, content keys, AES
//! keys and OAEP seeds, one stream per vector named by its id, so a new
//! vector changes no other; RSA PKCS#1 v1.5 signatures are deterministic;
//! a fixed clock).
//!
//! Valid vectors are listed here; invalid ones are the negative catalogue
//! of [`crate::forge::mutate`]. Every vector is checked with the reference before
//! it is written: a valid one must pass with no error, an invalid one must
//! report the rule it names. Generation fails otherwise.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{
    json_schema, BugType, Expect, Expected, Note, Vector, VectorError, VectorFile, VectorKeys, NOW,
    SCHEMA_ID,
};
use crate::backend;
use crate::check::{self, CheckOptions};
use crate::findings::Verdict;
use crate::forge::cases::serialize_claims;
use crate::forge::mint::{self, IADVIZE_JWE_HEADER, IADVIZE_JWS_HEADER, MOVEO_JWS_HEADER};
use crate::forge::mutate::{self, Recipe};
use crate::jose::Limits;
use crate::profile::{Profile, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA};
use crate::rng::HarnessRng;
use crate::rules::Severity;
use crate::testkeys;

/// The flags, their bug types and what they mean; a vector's flag comes
/// from the first entry whose prefix its id (after the profile) starts with.
const FLAGS: &[(&str, BugType, &str, &[&str])] = &[
    ("Valid", BugType::Basic, "A correct token: a receiver must accept it and read its claims.", &[]),
    ("EdgeCase", BugType::EdgeCase, "A correct token at a boundary (longest userId, exp at the limit, a context of exactly one padding block, large keys, unusual but valid JSON): a receiver must accept it.", &[]),
    ("AlgNone", BugType::AuthBypass, "alg none in some casing: a receiver that honours it accepts unsigned tokens.", &["jws.alg.none"]),
    ("KeyConfusion", BugType::AuthBypass, "An HMAC keyed with the customer's public key: a receiver that lets the header pick HMAC accepts tokens anyone can make.", &["jws.alg.hs"]),
    ("AlgorithmConfusion", BugType::AuthBypass, "A header alg other than RS256 (or none at all): the receiver must fix the algorithm, not read it from the token.", &["jws.alg."]),
    ("KeyFromToken", BugType::AuthBypass, "A key or key location in the token (jwk, jku, x5u, kid): the receiver must use the key it already has and never one the token names.", &["jws.header.jwk", "jws.header.jku", "jws.header.x5u", "jws.header.kid", "jwe.header.jwk", "jwe.header.kid"]),
    ("SignatureForgery", BugType::AuthBypass, "A signature that is not the customer's over these bytes (flipped, truncated, extended, zero, PSS, another key, changed claims).", &["jws.signature.", "jws.payload."]),
    ("Malleability", BugType::Malleability, "Another text for the same token, or a parser differential: base64 padding, trailing bits, the standard alphabet, whitespace, duplicate JSON members, bytes that are not UTF-8, a header that does not parse.", &["jws.b64.", "jws.header.", "json.", "jwe.header.duplicate"]),
    ("JweIntegrity", BugType::Confidentiality, "A JWE whose tag, IV, ciphertext, protected header (AAD), encrypted key or content key was changed: AES-GCM must reject it.", &["jwe.tag.", "jwe.iv.", "jwe.ciphertext.", "jwe.header.", "jwe.encrypted_key.", "jwe.cek."]),
    ("LegacyAlgorithm", BugType::Legacy, "RSA-OAEP with SHA-1, MGF1-SHA-1 or PKCS#1 v1.5 where the profile requires RSA-OAEP with SHA-256.", &["jwe.alg.rsa", "jwe.key.", "moveo.context.oaep", "moveo.context.pkcs1v15"]),
    ("WeakParams", BugType::WeakParams, "Algorithms or sizes the profile does not allow: another enc or key management, AES key or IV of the wrong size, a fixed IV, a key sent as text.", &["jwe.enc.", "jwe.alg.", "moveo.context.key", "moveo.context.iv"]),
    ("Structure", BugType::EdgeCase, "A token of the wrong shape: segments, zip, crit, cty, a JWS where a JWE is required, a JWE without a signed JWS inside.", &["token.", "jwe.zip", "jwe.crit", "jose.", "jwe.cty", "iadvize.payload.", "iadvize.jwe."]),
    ("Claims", BugType::EdgeCase, "Claims a receiver must refuse: exp missing, expired, of the wrong type or range, nbf in the future, userId, visitorData, iss, sub, exp too far ahead.", &["claims.", "iadvize.", "moveo.iss", "moveo.sub", "moveo.exp"]),
    ("ContextEncryption", BugType::Confidentiality, "A moveo context the receiver must not use: bad padding, wrong key, wrong encoding, a claim missing, not whole blocks, not a JSON object.", &["moveo.context."]),
];

fn flag_for(case: &str) -> &'static str {
    FLAGS
        .iter()
        .find(|(_, _, _, prefixes)| prefixes.iter().any(|p| case.starts_with(p)))
        .map_or("Structure", |(name, ..)| name)
}

/// How a valid vector's claims are written as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// As serde_json writes them.
    Plain,
    /// `/` as `\/` (Nimbus JOSE+JWT, the iAdvize example).
    EscapedSlashes,
    /// Every non-ASCII character as `\uXXXX`, astral ones as surrogate
    /// pairs (Python's `json.dumps` default).
    AsciiEscapes,
}

/// A valid vector's recipe.
struct Valid {
    id: &'static str,
    comment: &'static str,
    edge: bool,
    profile: Profile,
    claims: Map<String, Value>,
    context: Option<Value>,
    aes_key_bytes: usize,
    sign_bits: usize,
    recipient_bits: usize,
    encoding: Encoding,
}

fn base_claims(profile: Profile) -> Map<String, Value> {
    mint::default_claims(profile, NOW, 60, "user-42")
}

fn with(profile: Profile, edit: impl FnOnce(&mut Map<String, Value>)) -> Map<String, Value> {
    let mut claims = base_claims(profile);
    edit(&mut claims);
    claims
}

fn valid(id: &'static str, comment: &'static str, profile: Profile) -> Valid {
    Valid {
        id,
        comment,
        edge: false,
        profile,
        claims: base_claims(profile),
        context: None,
        aes_key_bytes: 32,
        sign_bits: 2048,
        recipient_bits: 2048,
        encoding: Encoding::Plain,
    }
}

impl Valid {
    fn edge(mut self) -> Self {
        self.edge = true;
        self
    }
    fn claims(mut self, claims: Map<String, Value>) -> Self {
        self.claims = claims;
        self
    }
    fn context(mut self, context: Value, aes: usize) -> Self {
        self.context = Some(context);
        self.aes_key_bytes = aes;
        self
    }
    fn keys(mut self, sign: usize, recipient: usize) -> Self {
        self.sign_bits = sign;
        self.recipient_bits = recipient;
        self
    }
    fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }
}

/// A context object whose compact JSON is exactly `len` bytes (`len >= 9`).
fn context_of_len(len: usize) -> Value {
    let object = json!({"k": ""});
    let base = object.to_string().len();
    json!({"k": "x".repeat(len.saturating_sub(base))})
}

fn valid_vectors() -> Vec<Valid> {
    use Profile::{Iadvize, Moveo};
    let visitor = json!({
        "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com",
        "phoneNumber": "+33 1 23 45 67 89", "address": "1 rue de la Paix",
        "zipCode": "75002", "city": "Paris", "country": "FR"
    });
    let multibyte_255: String = "é中😀a".repeat(64).chars().take(255).collect();
    vec![
        valid("valid.minimal", "userId and exp only, the fewest claims the profile takes", Iadvize)
            .claims(json_map(json!({IADVIZE_USER_ID: "user-42", "exp": NOW + 60}))),
        valid("valid.vendor_example", "iss, userId, iat and exp, as in the vendor's example", Iadvize),
        valid("valid.userid_255_ascii", "a userId of exactly 255 ASCII characters (the limit)", Iadvize)
            .edge()
            .claims(with(Iadvize, |c| { c.insert(IADVIZE_USER_ID.into(), json!("u".repeat(255))); })),
        valid("valid.userid_255_multibyte", "a userId of exactly 255 characters of 2, 3 and 4 UTF-8 bytes (the limit counts characters, not bytes)", Iadvize)
            .edge()
            .claims(with(Iadvize, |c| { c.insert(IADVIZE_USER_ID.into(), json!(multibyte_255)); })),
        valid("valid.visitor_data_all_fields", "every visitorData field of the vendor's documentation", Iadvize)
            .claims(with(Iadvize, |c| { c.insert(IADVIZE_VISITOR_DATA.into(), visitor.clone()); })),
        valid("valid.escaped_slashes", "claim names written https:\\/\\/iadvize.com\\/userId, as Nimbus JOSE+JWT writes them", Iadvize)
            .edge()
            .claims(with(Iadvize, |c| { c.insert(IADVIZE_VISITOR_DATA.into(), json!({"city": "Saint-Étienne/Loire"})); }))
            .encoding(Encoding::EscapedSlashes),
        valid("valid.unicode_escapes", "non-ASCII written as \\uXXXX escapes, an emoji as a surrogate pair", Iadvize)
            .edge()
            .claims(with(Iadvize, |c| { c.insert(IADVIZE_USER_ID.into(), json!("Zoë-😀-中")); }))
            .encoding(Encoding::AsciiEscapes),
        valid("valid.lifetime_60", "exp exactly 60 s after iat: the recommended lifetime, no warning", Iadvize).edge(),
        valid("valid.exp_in_one_second", "exp one second after now: not yet expired", Iadvize)
            .edge()
            .claims(with(Iadvize, |c| { c.insert("exp".into(), json!(NOW + 1)); })),
        valid("valid.keys_3072", "3072-bit customer and recipient keys", Iadvize).edge().keys(3072, 3072),
        valid("valid.keys_4096", "4096-bit customer and recipient keys", Iadvize).edge().keys(4096, 4096),
        valid("valid.keys_mixed", "a 2048-bit customer key and a 4096-bit recipient key", Iadvize).edge().keys(2048, 4096),
        valid("valid.minimal", "iss, sub and exp, no context", Moveo)
            .claims(json_map(json!({"iss": "customer.example", "sub": "user-42", "exp": NOW + 60}))),
        valid("valid.exp_300", "exp exactly now + 300: the furthest allowed", Moveo)
            .edge()
            .claims(with(Moveo, |c| { c.insert("exp".into(), json!(NOW + 300)); })),
        valid("valid.context_aes128", "a context under AES-128", Moveo)
            .context(json!({"plan": "gold", "language": "en"}), 16),
        valid("valid.context_aes256", "a context under AES-256 (preferred)", Moveo)
            .context(json!({"plan": "gold", "language": "en"}), 32),
        valid("valid.context_smallest", "the smallest context, {} (2 bytes; a context is a JSON object, so there is no 1-byte one)", Moveo)
            .edge()
            .context(json!({}), 32),
        valid("valid.context_one_block", "a context of exactly 16 bytes: PKCS#7 adds a whole block of padding", Moveo)
            .edge()
            .context(context_of_len(16), 32),
        valid("valid.context_two_blocks", "a context of exactly 32 bytes", Moveo)
            .edge()
            .context(context_of_len(32), 16),
        valid("valid.context_5k", "a context of 5000 bytes", Moveo)
            .edge()
            .context(context_of_len(5000), 32),
        valid("valid.context_unicode", "a context with non-ASCII text, escaped slashes and an emoji", Moveo)
            .edge()
            .context(json!({"name": "Zoë/Łódź 😀"}), 32)
            .encoding(Encoding::EscapedSlashes),
        valid("valid.unicode_escapes", "sub with \\uXXXX escapes and a surrogate pair", Moveo)
            .edge()
            .claims(with(Moveo, |c| { c.insert("sub".into(), json!("Zoë-😀")); }))
            .encoding(Encoding::AsciiEscapes),
        valid("valid.keys_3072", "3072-bit keys, with a context", Moveo)
            .edge()
            .keys(3072, 3072)
            .context(json!({"plan": "silver"}), 32),
        valid("valid.keys_4096", "4096-bit keys, with a context", Moveo)
            .edge()
            .keys(4096, 4096)
            .context(json!({"plan": "silver"}), 16),
    ]
}

fn json_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `\uXXXX` for every non-ASCII character (surrogate pairs above U+FFFF).
fn ascii_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

fn encode(claims: &Map<String, Value>, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Plain => serialize_claims(claims, false),
        Encoding::EscapedSlashes => serialize_claims(claims, true),
        Encoding::AsciiEscapes => {
            ascii_escapes(&Value::Object(claims.clone()).to_string()).into_bytes()
        }
    }
}

fn key_name(role: &str, bits: usize) -> String {
    testkeys::sized(role, bits).map_or_else(|| format!("{role}-test"), |k| k.name.clone())
}

fn build_valid(v: &Valid, rng: &mut HarnessRng) -> Result<String, VectorError> {
    let fail = |reason: String| VectorError::Unsound {
        id: format!("{}/{}", v.profile.as_str(), v.id),
        reason,
    };
    let customer =
        testkeys::sized("customer", v.sign_bits).ok_or_else(|| fail("no such key".into()))?;
    let recipient =
        testkeys::sized("recipient", v.recipient_bits).ok_or_else(|| fail("no such key".into()))?;
    let result = match v.profile {
        Profile::Iadvize => {
            let payload = encode(&v.claims, v.encoding);
            mint::jws_rs256(
                backend::reproducible(),
                &customer.key,
                IADVIZE_JWS_HEADER.as_bytes(),
                &payload,
            )
            .and_then(|jws| {
                mint::jwe(
                    backend::reproducible(),
                    recipient.key.public(),
                    IADVIZE_JWE_HEADER.as_bytes(),
                    jws.as_bytes(),
                    rng,
                )
            })
        }
        Profile::Moveo => {
            let mut claims = v.claims.clone();
            let context = match &v.context {
                Some(object) => {
                    let plaintext = object.to_string().into_bytes();
                    mint::context(
                        backend::reproducible(),
                        recipient.key.public(),
                        &plaintext,
                        v.aes_key_bytes,
                        rng,
                    )
                    .map(|c| c.insert_into(&mut claims))
                }
                None => Ok(()),
            };
            context.and_then(|()| {
                let payload = encode(&claims, v.encoding);
                mint::jws_rs256(
                    backend::reproducible(),
                    &customer.key,
                    MOVEO_JWS_HEADER.as_bytes(),
                    &payload,
                )
            })
        }
    };
    result.map_err(|e| fail(e.to_string()))
}

/// References every vector of a profile cites.
fn references(profile: Profile) -> Vec<String> {
    match profile {
        Profile::Iadvize => vec![
            "https://docs.iadvize.dev/technologies/authentication/jwe".into(),
            "RFC 7515".into(),
            "RFC 7516".into(),
        ],
        Profile::Moveo => vec![
            "https://docs.moveo.ai/docs/integrations/web-client/user-authentication".into(),
            "RFC 7515".into(),
        ],
    }
}

/// Checks a vector with the reference; `Err` says how it misbehaves.
fn verify(v: &Vector, profile: Profile) -> Result<(), String> {
    let verify = testkeys::named(&v.keys.verify).ok_or("unknown verify key")?;
    let decrypt = testkeys::named(&v.keys.decrypt).ok_or("unknown decrypt key")?;
    let report = check::check(
        &v.token,
        &CheckOptions {
            profile,
            verify_key: Some(verify.key.public()),
            decrypt_key: Some(&decrypt.key),
            now: v.now,
            limits: Limits::default(),
            backend: backend::reproducible(),
        },
    );
    let expected = match v.expect.verdict {
        Expected::Pass => Verdict::Pass,
        Expected::Fail => Verdict::Fail,
    };
    if report.verdict != expected {
        return Err(format!(
            "verdict {:?} with {:?}",
            report.verdict,
            report.ids()
        ));
    }
    for id in v.expect.errors.iter().chain(&v.expect.warnings) {
        if !report.ids().contains(&id.as_str()) {
            return Err(format!("{id} did not fire; found {:?}", report.ids()));
        }
    }
    Ok(())
}

/// Every file of the vectors directory, as (path relative to it,
/// contents), from `seed`.
pub fn generate(seed: u64) -> Result<Vec<(String, String)>, VectorError> {
    let (Some(customer), Some(recipient), Some(other)) = (
        testkeys::named("customer"),
        testkeys::named("recipient"),
        testkeys::named("customer2"),
    ) else {
        return Err(VectorError::Unsound {
            id: "keys".into(),
            reason: "the bundled test keys do not load".into(),
        });
    };
    let mut files = Vec::new();
    let mut all: Vec<(Profile, String, Vec<Vector>)> = Vec::new();
    let valids = valid_vectors();
    for profile in Profile::ALL {
        let mut valid = Vec::new();
        for v in valids.iter().filter(|v| v.profile == profile) {
            let id = format!("{}/{}", profile.as_str(), v.id);
            let token = build_valid(v, &mut HarnessRng::for_name(seed, &id))?;
            valid.push(Vector {
                tc_id: valid.len() + 1,
                id,
                comment: v.comment.into(),
                flags: vec![if v.edge { "EdgeCase" } else { "Valid" }.into()],
                now: NOW,
                token,
                keys: VectorKeys {
                    verify: key_name("customer", v.sign_bits),
                    decrypt: key_name("recipient", v.recipient_bits),
                },
                expect: Expect {
                    verdict: Expected::Pass,
                    errors: Vec::new(),
                    warnings: Vec::new(),
                },
                references: references(profile),
            });
        }
        let mut invalid = Vec::new();
        for mutation in mutate::published()
            .into_iter()
            .filter(|m| m.profiles.contains(&profile))
        {
            let mut claims = base_claims(profile);
            if profile == Profile::Iadvize {
                claims.insert(IADVIZE_VISITOR_DATA.into(), json!({"firstName": "Ada"}));
            }
            let name = mutation.name(profile);
            let mut recipe = Recipe {
                profile,
                claims,
                context: Some(json!({"plan": "gold", "language": "en"})),
                aes_key_bytes: 32,
                customer: &customer.key,
                other: &other.key,
                recipient: recipient.key.public(),
                now: NOW,
                rng: HarnessRng::for_name(seed, &name),
            };
            let token = mutation
                .build(&mut recipe)
                .map_err(|e| VectorError::Unsound {
                    id: name.clone(),
                    reason: format!("could not be built: {e}"),
                })?;
            let error = mutation.rule.severity == Severity::Error;
            let mut reference = mutation.rule.reference.to_owned();
            if reference.is_empty() {
                reference = "jose-harness rules".into();
            }
            invalid.push(Vector {
                tc_id: invalid.len() + 1,
                id: name,
                comment: mutation.what.into(),
                flags: vec![flag_for(mutation.id).into()],
                now: NOW,
                token,
                keys: VectorKeys {
                    verify: customer.name.clone(),
                    decrypt: recipient.name.clone(),
                },
                expect: Expect {
                    verdict: if error {
                        Expected::Fail
                    } else {
                        Expected::Pass
                    },
                    errors: if error {
                        vec![mutation.rule.id.into()]
                    } else {
                        Vec::new()
                    },
                    warnings: if error {
                        Vec::new()
                    } else {
                        vec![mutation.rule.id.into()]
                    },
                },
                references: vec![reference],
            });
        }
        all.push((profile, "valid".into(), valid));
        all.push((profile, "invalid".into(), invalid));
    }
    for (profile, _, tests) in &all {
        for v in tests {
            verify(v, *profile).map_err(|reason| VectorError::Unsound {
                id: v.id.clone(),
                reason,
            })?;
        }
    }
    for (profile, group, tests) in &all {
        let used: std::collections::BTreeSet<&str> = tests
            .iter()
            .flat_map(|t| t.flags.iter().map(String::as_str))
            .collect();
        let notes: BTreeMap<String, Note> = FLAGS
            .iter()
            .filter(|(name, ..)| used.contains(name))
            .map(|(name, bug, description, _)| {
                (
                    (*name).to_owned(),
                    Note {
                        bug_type: *bug,
                        description: (*description).to_owned(),
                    },
                )
            })
            .collect();
        let file = VectorFile {
            schema: SCHEMA_ID.into(),
            generator_version: env!("CARGO_PKG_VERSION").into(),
            seed,
            profile: profile.as_str().into(),
            group: group.clone(),
            number_of_tests: tests.len(),
            header: header(*profile, group),
            notes,
            tests: tests.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file).map_err(|e| VectorError::Unsound {
            id: format!("{}/{group}", profile.as_str()),
            reason: e.to_string(),
        })?;
        text.push('\n');
        files.push((format!("{}/{group}.json", profile.as_str()), text));
    }
    files.push(("schema.json".into(), json_schema()));
    files.push(("README.md".into(), readme(&all, seed)));
    Ok(files)
}

fn header(profile: Profile, group: &str) -> Vec<String> {
    let what = match group {
        "valid" => "Tokens a receiver must accept, with the claims it must read.",
        _ => "Tokens with one mistake each. expect names the rule that must fire; a receiver must reject every vector whose verdict is fail, and may accept those whose verdict is pass (a warning).",
    };
    vec![
        format!("jose-harness test vectors, profile {}.", profile.as_str()),
        what.into(),
        format!("Judge every vector at its `now`. Keys: vectors/keys/<name>-public.pem verifies, <name>-private.pem decrypts; they are TEST keys."),
    ]
}

fn readme(all: &[(Profile, String, Vec<Vector>)], seed: u64) -> String {
    let total: usize = all.iter().map(|(_, _, t)| t.len()).sum();
    let mut out = String::new();
    out.push_str("# Test vectors\n\n");
    out.push_str(
        "Generated by `jose-harness vectors generate`; do not edit by hand (CI regenerates them\n",
    );
    out.push_str(&format!(
        "and fails on any difference). Seed {seed}; every vector is judged at its `now`\n({NOW}, {}). {total} vectors.\n\n",
        crate::time::utc(NOW)
    ));
    out.push_str("- `<profile>/valid.json`: tokens a receiver must accept.\n");
    out.push_str("- `<profile>/invalid.json`: one mistake each, naming the rule that must fire.\n");
    out.push_str("- `schema.json`: the JSON Schema of these files.\n");
    out.push_str("- `keys/`: the TEST key pairs the vectors name.\n\n");
    out.push_str("Run them: `jose-harness vectors run` (every backend), `--exec 'CMD'` for your own\nimplementation through the adapter protocol.\n");
    for profile in Profile::ALL {
        out.push_str(&format!("\n## {}\n", profile.as_str()));
        let tests: Vec<&Vector> = all
            .iter()
            .filter(|(p, ..)| *p == profile)
            .flat_map(|(_, _, t)| t)
            .collect();
        for (flag, bug, description, _) in FLAGS {
            let of_flag: Vec<&&Vector> = tests
                .iter()
                .filter(|t| t.flags.iter().any(|f| f == flag))
                .collect();
            if of_flag.is_empty() {
                continue;
            }
            let bug = serde_json::to_value(bug)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            out.push_str(&format!("\n### {flag} ({bug})\n\n{description}\n\n"));
            out.push_str("| id | expected | what it shows |\n|---|---|---|\n");
            for t in of_flag {
                let expected = match t.expect.verdict {
                    Expected::Pass if t.expect.warnings.is_empty() => "pass".to_owned(),
                    Expected::Pass => format!("pass, warns {}", t.expect.warnings.join(", ")),
                    Expected::Fail => format!("fail: {}", t.expect.errors.join(", ")),
                };
                out.push_str(&format!(
                    "| `{}` | {expected} | {} |\n",
                    t.id,
                    t.comment.replace('|', "\\|")
                ));
            }
        }
    }
    out
}
