//! The check pipeline: token + keys + now → [`Report`].
//!
//! Parsing findings, header rules, decryption, signature verification and
//! claim rules all run on one token, so an implementer learns every
//! problem in one run. Where one step fails, the pipeline goes on with what
//! it could recover (a lenient base64 decode, the last of duplicate JSON
//! members, a key decrypted with the scheme that was really used), so a
//! first mistake does not hide the next. Anything it could not check is
//! listed in [`Report::not_checked`], never counted as passing.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::b64::{self, B64Flaw, Dialect};
use crate::backend::reference::{self, RsaScheme};
use crate::backend::{Backend, CryptoFailure, JweParts};
use crate::findings::{Finding, NotChecked, Report, Verdict};
use crate::jose::{self, Compact, CompactJwe, CompactJws, Limits};
use crate::json::{self, JsonProblem};
use crate::keys::{PrivateKey, PublicKey};
use crate::profile::{
    Profile, IADVIZE_MAX_LIFETIME, IADVIZE_PREFIX, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA,
    MAX_NUMERIC_DATE, MAX_USER_ID_CHARS, MIN_RSA_BITS, MOVEO_MAX_EXP_AHEAD, VISITOR_DATA_FIELDS,
};
use crate::rules::{self as r, Rule, Severity};

/// Everything a check needs besides the token.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions<'a> {
    /// The profile.
    pub profile: Profile,
    /// The customer public key (signature).
    pub verify_key: Option<&'a PublicKey>,
    /// The recipient private key (JWE, or moveo context).
    pub decrypt_key: Option<&'a PrivateKey>,
    /// Current time, seconds since the epoch.
    pub now: i64,
    /// Input bounds.
    pub limits: Limits,
    /// The implementation doing the cryptography.
    pub backend: &'a dyn Backend,
}

/// Checks one token.
pub fn check(token: &str, options: &CheckOptions<'_>) -> Report {
    let mut ctx = Ctx {
        o: options,
        report: Report {
            profile: options.profile,
            verdict: Verdict::Pass,
            findings: Vec::new(),
            header: None,
            inner_header: None,
            claims: None,
            context: None,
            not_checked: Vec::new(),
            now: options.now,
            backend: options.backend.id(),
        },
    };
    let token = token.trim_matches(|c: char| c.is_ascii_whitespace());
    if token.len() > options.limits.max_token_bytes {
        ctx.add(
            r::TOKEN_SIZE,
            format!(
                "{} bytes; the limit is {}",
                token.len(),
                options.limits.max_token_bytes
            ),
        );
        ctx.not_checked("everything past the size limit", "the token was not parsed");
    } else {
        match options.profile {
            Profile::Iadvize => ctx.iadvize(token),
            Profile::Moveo => ctx.moveo(token),
        }
    }
    let mut report = ctx.report;
    report.verdict = if report.count(Severity::Error) > 0 {
        Verdict::Fail
    } else if !report.not_checked.is_empty() {
        Verdict::Incomplete
    } else {
        Verdict::Pass
    };
    report
}

/// Whether a signature was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signature {
    Valid,
    Invalid,
    Unchecked,
}

/// The names findings give a JWS's parts: "JWS header" and so on for a
/// token that is a JWS, "inner JWS header" for the JWT inside a JWE.
/// Fixed text, so a token that passes formats none of them.
struct JwsNames {
    /// The JWT inside an iAdvize JWE, whose header is the report's
    /// `inner_header`.
    inner: bool,
    header: &'static str,
    claims: &'static str,
    signature: &'static str,
}

impl JwsNames {
    const OUTER: JwsNames = JwsNames {
        inner: false,
        header: "JWS header",
        claims: "JWS claims",
        signature: "JWS signature",
    };
    const INNER: JwsNames = JwsNames {
        inner: true,
        header: "inner JWS header",
        claims: "inner JWS claims",
        signature: "inner JWS signature",
    };
}

struct Ctx<'a, 'o> {
    o: &'a CheckOptions<'o>,
    report: Report,
}

impl Ctx<'_, '_> {
    fn add(&mut self, rule: Rule, detail: impl Into<String>) {
        self.report.findings.push(Finding {
            id: rule.id,
            severity: rule.severity,
            message: rule.message,
            detail: detail.into(),
            fix: rule.fix,
            reference: rule.reference,
        });
    }

    fn not_checked(&mut self, part: &'static str, reason: impl Into<String>) {
        self.report.not_checked.push(NotChecked {
            part,
            reason: reason.into(),
        });
    }

    fn key_size(&mut self, bits: usize, which: &str) {
        if bits < MIN_RSA_BITS {
            self.add(r::KEY_SIZE, format!("the {which} is {bits} bits"));
        }
    }

    // ---- parsing ------------------------------------------------------

    /// Decodes one base64url segment, reporting each flaw.
    fn segment(&mut self, name: &str, text: &str) -> Option<Vec<u8>> {
        let decoded = b64::decode(text, Dialect::Url);
        for flaw in &decoded.flaws {
            let rule = match flaw {
                B64Flaw::Padding => r::B64_PADDING,
                B64Flaw::StdAlphabet => r::B64_ALPHABET,
                B64Flaw::Whitespace => r::B64_WHITESPACE,
                B64Flaw::TrailingBits => r::B64_TRAILING_BITS,
                _ => r::B64_INVALID,
            };
            self.add(rule, format!("{name}: {}", flaw.describe()));
        }
        decoded.bytes
    }

    /// Decodes and parses a JSON-object segment.
    fn json_segment(&mut self, name: &str, text: &str) -> Option<Map<String, Value>> {
        let bytes = self.segment(name, text)?;
        self.json_object(name, &bytes, r::JSON_NOT_OBJECT)
    }

    /// Parses bytes as a strict JSON object. On duplicate members the rest
    /// of the checks read the last value, as most parsers would.
    fn json_object(&mut self, name: &str, bytes: &[u8], other: Rule) -> Option<Map<String, Value>> {
        match json::parse_object(bytes, self.o.limits.max_json_depth) {
            Ok(map) if map.len() > self.o.limits.max_json_members => {
                self.add(
                    r::JSON_MEMBERS,
                    format!(
                        "{name}: {} members; the limit is {}",
                        map.len(),
                        self.o.limits.max_json_members
                    ),
                );
                None
            }
            Ok(map) => Some(map),
            Err(JsonProblem::DuplicateMember(member)) => {
                self.add(
                    r::JSON_DUPLICATE,
                    format!("{name}: member {member:?} appears more than once; the checks below read the last one"),
                );
                serde_json::from_slice(bytes).ok()
            }
            Err(problem) => {
                let rule = match (&problem, other.id) {
                    (JsonProblem::TooDeep(_), _) => r::JSON_DEPTH,
                    (_, id) if id == r::MOVEO_CONTEXT_JSON.id => other,
                    (JsonProblem::NotUtf8 { .. }, _) => r::JSON_UTF8,
                    (JsonProblem::Syntax(_), _) => r::JSON_SYNTAX,
                    _ => other,
                };
                self.add(rule, format!("{name}: {problem}"));
                None
            }
        }
    }

    /// Rules every JOSE header shares.
    fn common_header(&mut self, name: &str, header: &Map<String, Value>) {
        if let Some(crit) = header.get("crit") {
            self.add(r::JOSE_CRIT, format!("{name}: crit is {crit}"));
        }
        for member in ["jwk", "jku", "x5u", "x5c"] {
            if header.contains_key(member) {
                self.add(r::JOSE_KEY_IN_HEADER, format!("{name}: has {member:?}"));
            }
        }
        if let Some(kid) = header.get("kid") {
            self.add(r::JOSE_KID, format!("{name}: kid is {kid}"));
        }
    }

    // ---- iadvize ------------------------------------------------------

    fn iadvize(&mut self, token: &str) {
        let jwe = match jose::split(token) {
            Compact::Jwe(jwe) => jwe,
            Compact::Jws(jws) => {
                self.add(
                    r::IADVIZE_JWE_REQUIRED,
                    "3 segments (a JWS); checking it as the inner signed JWT",
                );
                self.split_jws(&jws, &JwsNames::OUTER);
                return;
            }
            Compact::Other(n) => {
                self.add(
                    r::TOKEN_SEGMENTS,
                    format!("{n} segment(s); an iAdvize token is a JWE of 5"),
                );
                return;
            }
        };
        let header = self.json_segment("JWE header", jwe.header);
        let parts = [
            self.segment("JWE encrypted key", jwe.encrypted_key),
            self.segment("JWE IV", jwe.iv),
            self.segment("JWE ciphertext", jwe.ciphertext),
            self.segment("JWE tag", jwe.tag),
        ];
        let plan = match &header {
            Some(h) => self.jwe_header(h),
            None => None,
        };
        let cty = header
            .as_ref()
            .and_then(|h| h.get("cty"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        self.report.header = header.map(Value::Object);
        let Some(key) = self.o.decrypt_key else {
            self.not_checked(
                "JWE decryption, inner signature and claims",
                "no --decrypt-key (the recipient private key) was given",
            );
            return;
        };
        self.key_size(key.public().bits(), "recipient key");
        let Some(plan) = plan else {
            self.not_checked(
                "JWE decryption, inner signature and claims",
                "the JWE header could not be read, or names an algorithm the harness cannot decrypt",
            );
            return;
        };
        let [Some(encrypted_key), Some(iv), Some(ciphertext), Some(tag)] = parts else {
            self.not_checked(
                "JWE decryption, inner signature and claims",
                "a JWE segment is not base64url",
            );
            return;
        };
        let parts = JweParts {
            encrypted_key,
            iv,
            ciphertext,
            tag,
        };
        let Some(plaintext) = self.jwe_decrypt(key, &jwe, &parts, plan) else {
            return;
        };
        self.jwe_plaintext(&plaintext, cty.as_deref());
    }

    /// Header rules of the JWE; returns how to decrypt it, if the harness can.
    fn jwe_header(&mut self, header: &Map<String, Value>) -> Option<(RsaScheme, usize)> {
        let alg = header.get("alg");
        let scheme = match alg.and_then(Value::as_str) {
            Some("RSA-OAEP-256") => Some(RsaScheme::OaepSha256),
            Some("RSA-OAEP") => {
                self.add(r::JWE_ALG_RSA_OAEP, "alg is \"RSA-OAEP\"");
                Some(RsaScheme::OaepSha1)
            }
            Some("RSA1_5") => {
                self.add(r::JWE_ALG_RSA1_5, "alg is \"RSA1_5\"");
                Some(RsaScheme::Pkcs1v15)
            }
            _ => {
                let found = alg.map_or("missing".to_owned(), |a| format!("alg is {a}"));
                self.add(r::JWE_ALG_UNSUPPORTED, found);
                None
            }
        };
        let enc = header.get("enc");
        let key_len = match enc.and_then(Value::as_str) {
            Some("A256GCM") => Some(32),
            other => {
                let found = enc.map_or("missing".to_owned(), |e| format!("enc is {e}"));
                self.add(r::JWE_ENC, found);
                match other {
                    Some("A128GCM") => Some(16),
                    Some("A192GCM") => Some(24),
                    _ => None,
                }
            }
        };
        if !header.contains_key("cty") {
            self.add(r::JWE_CTY_MISSING, "no cty in the JWE header");
        }
        if let Some(zip) = header.get("zip") {
            self.add(r::JWE_ZIP, format!("zip is {zip}"));
        }
        self.common_header("JWE header", header);
        scheme.zip(key_len)
    }

    /// Decrypts the JWE through the backend; on failure, finds out why.
    fn jwe_decrypt(
        &mut self,
        key: &PrivateKey,
        jwe: &CompactJwe<'_>,
        parts: &JweParts,
        (scheme, key_len): (RsaScheme, usize),
    ) -> Option<Zeroizing<Vec<u8>>> {
        let aad = jwe.header.as_bytes();
        let diagnosing = scheme != RsaScheme::OaepSha256 || key_len != 32;
        let result = if diagnosing {
            // The header already failed a rule; decrypt the way it says, to
            // check what is inside.
            reference::rsa_decrypt(key, scheme, &parts.encrypted_key)
                .ok_or(CryptoFailure::RsaDecrypt)
                .and_then(|cek| self.content_decrypt(&cek, key_len, parts, aad))
        } else {
            self.o.backend.jwe_decrypt(key, jwe.header, parts)
        };
        match result {
            Ok(plaintext) => Some(plaintext),
            Err(CryptoFailure::RsaDecrypt) => {
                let wrong = RsaScheme::WRONG
                    .into_iter()
                    .chain([RsaScheme::OaepSha256])
                    .filter(|s| *s != scheme)
                    .find_map(|s| {
                        reference::rsa_decrypt(key, s, &parts.encrypted_key).map(|cek| (s, cek))
                    });
                let Some((used, cek)) = wrong else {
                    let detail = undecryptable("the encrypted key", &parts.encrypted_key, key);
                    self.add(r::JWE_KEY_UNDECRYPTABLE, detail);
                    return None;
                };
                let (rule, detail) = match used {
                    RsaScheme::OaepSha1 => {
                        (r::JWE_KEY_OAEP_SHA1, "it decrypts with RSA-OAEP SHA-1")
                    }
                    RsaScheme::OaepSha256Mgf1Sha1 => (
                        r::JWE_KEY_OAEP_MGF1_SHA1,
                        "it decrypts with OAEP SHA-256 / MGF1-SHA-1",
                    ),
                    RsaScheme::Pkcs1v15 => (r::JWE_KEY_PKCS1V15, "it decrypts with PKCS#1 v1.5"),
                    RsaScheme::OaepSha256 => (
                        r::JWE_KEY_UNDECRYPTABLE,
                        "it decrypts with RSA-OAEP-256, not with the scheme the header names",
                    ),
                };
                self.add(rule, detail);
                match self.content_decrypt(&cek, key_len, parts, aad) {
                    Ok(plaintext) => Some(plaintext),
                    Err(failure) => {
                        self.content_failure(failure);
                        None
                    }
                }
            }
            Err(failure) => {
                self.content_failure(failure);
                None
            }
        }
    }

    fn content_decrypt(
        &self,
        cek: &[u8],
        key_len: usize,
        parts: &JweParts,
        aad: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        if cek.len() != key_len {
            return Err(CryptoFailure::KeyLength(cek.len()));
        }
        reference::gcm_decrypt(cek, &parts.iv, aad, &parts.ciphertext, &parts.tag)
    }

    fn content_failure(&mut self, failure: CryptoFailure) {
        match failure {
            CryptoFailure::KeyLength(n) => {
                self.add(r::JWE_CEK_LENGTH, format!("the content key is {n} bytes"))
            }
            CryptoFailure::IvLength(n) => {
                self.add(r::JWE_IV_LENGTH, format!("the IV is {n} bytes"))
            }
            CryptoFailure::TagLength(n) => {
                self.add(r::JWE_TAG_LENGTH, format!("the tag is {n} bytes"))
            }
            CryptoFailure::Integrity => self.add(r::JWE_INTEGRITY, "the GCM tag does not match"),
            other => self.not_checked("JWE content", format!("the backend failed: {other}")),
        }
    }

    fn jwe_plaintext(&mut self, plaintext: &[u8], cty: Option<&str>) {
        let text = std::str::from_utf8(plaintext).ok();
        let trimmed = text.map(str::trim_start);
        if trimmed.is_some_and(|t| t.starts_with('{')) {
            self.add(r::IADVIZE_BARE_CLAIMS, "the plaintext is a JSON object");
            if cty.is_some_and(|c| c.eq_ignore_ascii_case("JWT")) {
                self.add(
                    r::JWE_CTY_WRONG,
                    "cty is \"JWT\" but the plaintext is bare claims",
                );
            }
            self.not_checked(
                "inner signature",
                "there is none: the JWE holds bare claims",
            );
            if let Some(claims) =
                self.json_object("claims (JWE plaintext)", plaintext, r::JSON_NOT_OBJECT)
            {
                self.claims(claims, Signature::Invalid);
            }
            return;
        }
        match text.map(jose::split) {
            Some(Compact::Jws(jws)) => {
                if let Some(c) = cty.filter(|c| !c.eq_ignore_ascii_case("JWT")) {
                    self.add(
                        r::JWE_CTY_WRONG,
                        format!("cty is {c:?} but the plaintext is a JWT"),
                    );
                }
                self.split_jws(&jws, &JwsNames::INNER);
            }
            Some(Compact::Jwe(_)) => self.add(r::IADVIZE_NOT_JWS, "the plaintext is another JWE"),
            Some(Compact::Other(n)) => self.add(
                r::IADVIZE_NOT_JWS,
                format!("the plaintext is text of {n} dot-separated part(s)"),
            ),
            None => self.add(
                r::IADVIZE_NOT_JWS,
                format!(
                    "the plaintext is {} bytes that are not UTF-8 text",
                    plaintext.len()
                ),
            ),
        }
    }

    // ---- moveo ---------------------------------------------------------

    fn moveo(&mut self, token: &str) {
        match jose::split(token) {
            Compact::Jws(jws) => self.split_jws(&jws, &JwsNames::OUTER),
            Compact::Jwe(_) => self.add(
                r::TOKEN_SEGMENTS,
                "5 segments (a JWE); a Moveo token is a JWS of 3",
            ),
            Compact::Other(n) => {
                self.add(r::TOKEN_SEGMENTS, format!("{n} segment(s); a JWS has 3"))
            }
        }
    }

    // ---- JWS (iadvize inner, moveo outer) -----------------------------

    /// The checks of a JWS already split into its segments.
    fn split_jws(&mut self, jws: &CompactJws<'_>, names: &JwsNames) {
        let header = self.json_segment(names.header, jws.header);
        let claims = self.json_segment(names.claims, jws.payload);
        let signature = self.segment(names.signature, jws.signature);
        let alg = header
            .as_ref()
            .map(|h| self.jws_header(names.header, h))
            .unwrap_or_default();
        let header = header.map(Value::Object);
        match self.o.profile {
            Profile::Iadvize if names.inner => self.report.inner_header = header,
            _ => self.report.header = header,
        }
        let verified = self.verify(jws, &alg, signature.as_deref());
        if let Some(claims) = claims {
            self.claims(claims, verified);
        }
    }

    /// Header rules of a JWS (`name` is the header's, as in findings);
    /// returns the alg as text.
    fn jws_header(&mut self, name: &str, header: &Map<String, Value>) -> String {
        let alg = header.get("alg");
        let alg_text = alg.and_then(Value::as_str).unwrap_or_default().to_owned();
        if alg_text != "RS256" {
            let found = alg.map_or("alg is missing".to_owned(), |a| format!("alg is {a}"));
            let rule = if alg_text.eq_ignore_ascii_case("none") {
                r::JWS_ALG_NONE
            } else if alg_text.to_ascii_uppercase().starts_with("HS") {
                r::JWS_ALG_HMAC
            } else {
                r::JWS_ALG_UNEXPECTED
            };
            self.add(rule, format!("{name}: {found}"));
        }
        self.common_header(name, header);
        alg_text
    }

    fn verify(&mut self, jws: &CompactJws<'_>, alg: &str, signature: Option<&[u8]>) -> Signature {
        let Some(key) = self.o.verify_key else {
            self.not_checked(
                "signature",
                "no --verify-key (the customer public key) was given",
            );
            return Signature::Unchecked;
        };
        self.key_size(key.bits(), "customer key");
        let Some(signature) = signature else {
            return Signature::Invalid;
        };
        let input = jws.signing_input();
        if signature.is_empty() {
            self.add(r::JWS_SIGNATURE_EMPTY, "the signature segment is empty");
            return Signature::Invalid;
        }
        if alg.to_ascii_uppercase().starts_with("HS") {
            let pem = key.spki_pem();
            let forms = [
                pem.trim_end().as_bytes().to_vec(),
                pem.into_bytes(),
                key.spki_der().to_vec(),
                crate::keys::pem("RSA PUBLIC KEY", &key.pkcs1_der()).into_bytes(),
                key.pkcs1_der(),
            ];
            let confused = forms
                .iter()
                .any(|k| reference::hmac(alg, k, input.as_bytes()).as_deref() == Some(signature));
            if confused {
                self.add(
                    r::JWS_SIGNATURE_KEY_CONFUSION,
                    format!("the {alg} MAC is keyed with the customer public key"),
                );
            }
            return Signature::Invalid;
        }
        if signature.len() != key.size() {
            self.add(
                r::JWS_SIGNATURE_LENGTH,
                format!(
                    "the signature is {} bytes; the key's is {}",
                    signature.len(),
                    key.size()
                ),
            );
            return Signature::Invalid;
        }
        match self
            .o
            .backend
            .rs256_verify(key, input.as_bytes(), signature)
        {
            Ok(()) => Signature::Valid,
            Err(CryptoFailure::BadSignature) => {
                if reference::ps256_verify(key, input.as_bytes(), signature) {
                    self.add(r::JWS_SIGNATURE_PSS, "the signature verifies as PS256");
                } else {
                    self.add(
                        r::JWS_SIGNATURE_INVALID,
                        format!(
                            "it does not verify with the customer key {}",
                            key.fingerprint()
                        ),
                    );
                }
                Signature::Invalid
            }
            Err(other) => {
                self.not_checked("signature", format!("the backend failed: {other}"));
                Signature::Unchecked
            }
        }
    }

    // ---- claims ---------------------------------------------------------

    /// Claim rules; the claims then go into the report as they are.
    fn claims(&mut self, claims: Map<String, Value>, signature: Signature) {
        self.claim_rules(&claims, signature);
        self.report.claims = Some(Value::Object(claims));
    }

    fn claim_rules(&mut self, claims: &Map<String, Value>, signature: Signature) {
        let now = self.o.now as f64;
        let mut times = [None, None, None];
        for (slot, name) in times.iter_mut().zip(["exp", "iat", "nbf"]) {
            *slot = claims.get(name).and_then(|v| self.numeric_date(name, v));
        }
        let [exp, iat, nbf] = times;
        if !claims.contains_key("exp") {
            self.add(r::CLAIMS_EXP_MISSING, "no exp claim");
        }
        if let Some(exp) = exp {
            if exp <= now {
                self.add(
                    r::CLAIMS_EXP_EXPIRED,
                    format!(
                        "exp {} is {} s before now {}",
                        fmt_num(exp),
                        fmt_num(now - exp),
                        self.o.now
                    ),
                );
            }
        }
        if let Some(nbf) = nbf.filter(|nbf| *nbf > now) {
            self.add(
                r::CLAIMS_NBF_FUTURE,
                format!("nbf is {} s after now", fmt_num(nbf - now)),
            );
        }
        if let Some(iat) = iat.filter(|iat| *iat > now) {
            self.add(
                r::CLAIMS_IAT_FUTURE,
                format!("iat is {} s after now", fmt_num(iat - now)),
            );
        }
        match self.o.profile {
            Profile::Iadvize => self.iadvize_claims(claims, exp, iat),
            Profile::Moveo => self.moveo_claims(claims, exp, signature),
        }
    }

    /// Reads a NumericDate, reporting type, range and fractions.
    fn numeric_date(&mut self, name: &str, value: &Value) -> Option<f64> {
        let Some(n) = value.as_f64() else {
            self.add(
                r::CLAIMS_TIME_TYPE,
                format!("{name} is a {} ({value})", json::kind(value)),
            );
            return None;
        };
        if !(0.0..=MAX_NUMERIC_DATE).contains(&n) {
            self.add(r::CLAIMS_TIME_RANGE, format!("{name} is {value}"));
            return None;
        }
        // A whole value written with a fraction or exponent (1700000060.0,
        // Python's float timestamps) is rejected by integer parsers too.
        if n.fract() != 0.0 || value.is_f64() {
            self.add(r::CLAIMS_TIME_NON_INTEGER, format!("{name} is {value}"));
        }
        Some(n)
    }

    fn iadvize_claims(&mut self, claims: &Map<String, Value>, exp: Option<f64>, iat: Option<f64>) {
        match claims.get(IADVIZE_USER_ID) {
            None => {
                let hint = ["userId", "userid", "user_id"]
                    .into_iter()
                    .find(|n| claims.contains_key(*n))
                    .map(|n| format!("; there is an unprefixed {n:?}"))
                    .unwrap_or_default();
                self.add(
                    r::IADVIZE_USERID_MISSING,
                    format!("no {IADVIZE_USER_ID:?}{hint}"),
                );
            }
            Some(Value::String(id)) if id.is_empty() => {
                self.add(r::IADVIZE_USERID_EMPTY, "userId is \"\"")
            }
            Some(Value::String(id)) => {
                let chars = id.chars().count();
                if chars > MAX_USER_ID_CHARS {
                    self.add(
                        r::IADVIZE_USERID_LENGTH,
                        format!("userId is {chars} characters ({} bytes)", id.len()),
                    );
                }
            }
            Some(other) => self.add(
                r::IADVIZE_USERID_TYPE,
                format!("userId is a {}", json::kind(other)),
            ),
        }
        match claims.get(IADVIZE_VISITOR_DATA) {
            None => {}
            Some(Value::Object(data)) => {
                for (field, value) in data {
                    if !value.is_string() {
                        self.add(
                            r::IADVIZE_VISITORDATA_FIELD,
                            format!("visitorData.{field} is a {}", json::kind(value)),
                        );
                    }
                    if !VISITOR_DATA_FIELDS.contains(&field.as_str()) {
                        self.add(
                            r::IADVIZE_VISITORDATA_UNKNOWN,
                            format!("visitorData.{field}"),
                        );
                    }
                }
            }
            Some(other) => self.add(
                r::IADVIZE_VISITORDATA_TYPE,
                format!("visitorData is a {}", json::kind(other)),
            ),
        }
        let unprefixed: Vec<&str> = claims
            .keys()
            .map(String::as_str)
            .filter(|k| !k.starts_with(IADVIZE_PREFIX) && !jose::REGISTERED_CLAIMS.contains(k))
            .collect();
        if !unprefixed.is_empty() {
            self.add(
                r::IADVIZE_UNPREFIXED,
                format!("unprefixed: {}", unprefixed.join(", ")),
            );
        }
        if let Some(exp) = exp {
            let (start, from) = match iat {
                Some(iat) => (iat, "iat"),
                None => (self.o.now as f64, "now"),
            };
            let lifetime = exp - start;
            if lifetime > IADVIZE_MAX_LIFETIME {
                self.add(
                    r::IADVIZE_LIFETIME,
                    format!("exp is {} s after {from}", fmt_num(lifetime)),
                );
            }
        }
    }

    fn moveo_claims(
        &mut self,
        claims: &Map<String, Value>,
        exp: Option<f64>,
        signature: Signature,
    ) {
        match claims.get("iss") {
            None => self.add(r::MOVEO_ISS_MISSING, "no iss claim"),
            Some(Value::String(s)) if !s.is_empty() => {}
            Some(other) => self.add(r::MOVEO_ISS_TYPE, format!("iss is {other}")),
        }
        match claims.get("sub") {
            None => self.add(r::MOVEO_SUB_MISSING, "no sub claim"),
            Some(Value::String(s)) if s.is_empty() => self.add(r::MOVEO_SUB_EMPTY, "sub is \"\""),
            Some(Value::String(_)) => {}
            Some(other) => self.add(r::MOVEO_SUB_TYPE, format!("sub is a {}", json::kind(other))),
        }
        if let Some(exp) = exp {
            let ahead = exp - self.o.now as f64;
            if ahead > MOVEO_MAX_EXP_AHEAD {
                self.add(
                    r::MOVEO_EXP_TOO_FAR,
                    format!("exp is {} s after now", fmt_num(ahead)),
                );
            }
        }
        let names = ["context", "encryption_key", "init_vector"];
        let present: Vec<&str> = names
            .into_iter()
            .filter(|n| claims.contains_key(*n))
            .collect();
        if present.is_empty() {
            return;
        }
        if present.len() < names.len() {
            let missing: Vec<&str> = names.into_iter().filter(|n| !present.contains(n)).collect();
            self.add(
                r::MOVEO_CONTEXT_INCOMPLETE,
                format!("has {}; missing {}", present.join(", "), missing.join(", ")),
            );
            return;
        }
        let decoded = names.map(|name| match claims.get(name) {
            Some(Value::String(text)) => self.std_base64(name, text),
            other => {
                let kind = other.map_or("missing", json::kind);
                self.add(r::MOVEO_CONTEXT_TYPE, format!("{name} is a {kind}"));
                None
            }
        });
        let [Some(context), Some(encrypted_key), Some(encrypted_iv)] = decoded else {
            self.not_checked("context decryption", "a context claim could not be decoded");
            return;
        };
        let Some(key) = self.o.decrypt_key else {
            self.not_checked(
                "context decryption",
                "no --decrypt-key (the recipient private key) was given",
            );
            return;
        };
        self.key_size(key.public().bits(), "recipient key");
        match signature {
            Signature::Valid => {}
            Signature::Invalid => {
                self.add(r::MOVEO_CONTEXT_UNVERIFIED, "the signature did not verify")
            }
            Signature::Unchecked => {
                self.add(r::MOVEO_CONTEXT_UNVERIFIED, "the signature was not checked")
            }
        }
        self.context(key, &context, &encrypted_key, &encrypted_iv);
    }

    fn std_base64(&mut self, name: &str, text: &str) -> Option<Vec<u8>> {
        let decoded = b64::decode(text, Dialect::Standard);
        let url: Vec<&str> = decoded
            .flaws
            .iter()
            .filter(|f| matches!(f, B64Flaw::UrlAlphabet | B64Flaw::MissingPadding))
            .map(|f| f.describe())
            .collect();
        if !url.is_empty() {
            self.add(
                r::MOVEO_CONTEXT_BASE64URL,
                format!("{name}: {}", url.join("; ")),
            );
        }
        for flaw in decoded
            .flaws
            .iter()
            .filter(|f| !matches!(f, B64Flaw::UrlAlphabet | B64Flaw::MissingPadding))
        {
            self.add(
                r::MOVEO_CONTEXT_BASE64,
                format!("{name}: {}", flaw.describe()),
            );
        }
        decoded.bytes
    }

    /// RSA-decrypts a context key or IV, diagnosing the scheme on failure.
    fn unwrap_secret(
        &mut self,
        key: &PrivateKey,
        name: &str,
        ciphertext: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        match self.o.backend.rsa_oaep256_decrypt(key, ciphertext) {
            Ok(secret) => return Some(secret),
            Err(CryptoFailure::RsaDecrypt) => {}
            Err(other) => {
                self.not_checked("context decryption", format!("the backend failed: {other}"));
                return None;
            }
        }
        for scheme in RsaScheme::WRONG {
            if let Some(secret) = reference::rsa_decrypt(key, scheme, ciphertext) {
                let rule = match scheme {
                    RsaScheme::OaepSha1 => r::MOVEO_RSA_OAEP_SHA1,
                    RsaScheme::OaepSha256Mgf1Sha1 => r::MOVEO_RSA_OAEP_MGF1_SHA1,
                    _ => r::MOVEO_RSA_PKCS1V15,
                };
                self.add(rule, format!("{name} decrypts only with that scheme"));
                return Some(secret);
            }
        }
        self.add(
            r::MOVEO_RSA_UNDECRYPTABLE,
            undecryptable(name, ciphertext, key),
        );
        None
    }

    fn context(
        &mut self,
        key: &PrivateKey,
        context: &[u8],
        encrypted_key: &[u8],
        encrypted_iv: &[u8],
    ) {
        let aes_key = self.unwrap_secret(key, "encryption_key", encrypted_key);
        let iv = self.unwrap_secret(key, "init_vector", encrypted_iv);
        let (Some(aes_key), Some(iv)) = (aes_key, iv) else {
            return;
        };
        let Some(aes_key) = self.secret_length(
            &aes_key,
            &[16, 32],
            r::MOVEO_AES_KEY_LENGTH,
            r::MOVEO_AES_KEY_AS_TEXT,
            "the AES key",
        ) else {
            return;
        };
        let Some(iv) = self.secret_length(
            &iv,
            &[16],
            r::MOVEO_AES_IV_LENGTH,
            r::MOVEO_AES_IV_AS_TEXT,
            "the IV",
        ) else {
            return;
        };
        if iv.iter().all(|b| *b == 0) {
            self.add(r::MOVEO_AES_IV_ZERO, "the IV is 16 zero bytes");
        }
        if context.is_empty() || !context.len().is_multiple_of(16) {
            self.add(
                r::MOVEO_CONTEXT_LENGTH,
                format!("the context ciphertext is {} bytes", context.len()),
            );
            return;
        }
        let plaintext = match self.o.backend.aes_cbc_decrypt(&aes_key, &iv, context) {
            Ok(p) => p,
            Err(CryptoFailure::Padding(flaw)) => {
                // 32 hex characters are a valid AES-256 key length, so the
                // hex text of a 16-byte key only shows here: try it.
                let hex_key = std::str::from_utf8(&aes_key).ok().and_then(decode_hex);
                let recovered = hex_key
                    .filter(|k| k.len() == 16)
                    .and_then(|k| self.o.backend.aes_cbc_decrypt(&k, &iv, context).ok());
                match recovered {
                    Some(p) => {
                        self.add(
                            r::MOVEO_AES_KEY_AS_TEXT,
                            "the AES key is 32 characters of hex text for 16 bytes",
                        );
                        p
                    }
                    None => {
                        self.add(r::MOVEO_CONTEXT_PADDING, flaw.describe());
                        return;
                    }
                }
            }
            Err(other) => {
                self.not_checked("context decryption", format!("the backend failed: {other}"));
                return;
            }
        };
        if let Some(object) = self.json_object("context", &plaintext, r::MOVEO_CONTEXT_JSON) {
            self.report.context = Some(Value::Object(object));
        }
    }

    /// Checks a decrypted key or IV's length; recognises base64 or hex text
    /// of a right-sized secret and goes on with the decoded bytes.
    fn secret_length(
        &mut self,
        secret: &[u8],
        sizes: &[usize],
        length_rule: Rule,
        text_rule: Rule,
        what: &str,
    ) -> Option<Zeroizing<Vec<u8>>> {
        if sizes.contains(&secret.len()) {
            return Some(Zeroizing::new(secret.to_vec()));
        }
        if let Ok(text) = std::str::from_utf8(secret) {
            let text = text.trim();
            let as_b64 = b64::decode(text, Dialect::Standard)
                .strict()
                .map(Zeroizing::new);
            let as_hex = decode_hex(text);
            for (form, bytes) in [("base64", as_b64), ("hex", as_hex)] {
                if let Some(bytes) = bytes.filter(|b| sizes.contains(&b.len())) {
                    self.add(
                        text_rule,
                        format!(
                            "{what} is {} characters of {form} text for {} bytes",
                            text.len(),
                            bytes.len()
                        ),
                    );
                    return Some(bytes);
                }
            }
        }
        let aes192 = if secret.len() == 24 && sizes.len() == 2 {
            " (AES-192)"
        } else {
            ""
        };
        self.add(
            length_rule,
            format!("{what} is {} bytes{aes192}", secret.len()),
        );
        None
    }
}

/// Why an RSA ciphertext recovers under no scheme: its size, or the key.
fn undecryptable(name: &str, ciphertext: &[u8], key: &PrivateKey) -> String {
    if ciphertext.len() != key.public().size() {
        format!(
            "{name} is {} bytes; the recipient key's RSA output is {}",
            ciphertext.len(),
            key.public().size()
        )
    } else {
        format!(
            "{name} decrypts under no RSA scheme with the recipient key {}",
            key.public().fingerprint()
        )
    }
}

/// Hex text as bytes, zeroized when dropped (it is a key or an IV here).
fn decode_hex(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect::<Option<Vec<u8>>>()
        .map(Zeroizing::new)
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
