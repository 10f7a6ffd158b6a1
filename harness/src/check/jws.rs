//! The signed JWT of either profile (the moveo token, the iAdvize inner
//! token): its segments, header rules, the RS256 signature through the
//! backend, and, when that fails, the diagnosis (a PS256 signature, an
//! HMAC keyed with the public key); then the claims.

use serde_json::{Map, Value};

use super::{Signature, TokenCheck};
use crate::backend::{CryptoFailure, Primitives};
use crate::jose::{self, Compact, CompactJws};
use crate::mistakes as m;
use crate::profile::{claims, headers, Profile};
use crate::rules as r;

/// The names findings give a JWS's parts: "JWS header" and so on for a
/// token that is a JWS, "inner JWS header" for the JWT inside a JWE.
/// Fixed text, so a token that passes formats none of them.
pub(super) struct JwsNames {
    /// The JWT inside an iAdvize JWE, whose header is the report's
    /// `inner_header`.
    inner: bool,
    header: &'static str,
    claims: &'static str,
    signature: &'static str,
}

impl JwsNames {
    pub(super) const OUTER: JwsNames = JwsNames {
        inner: false,
        header: "JWS header",
        claims: "JWS claims",
        signature: "JWS signature",
    };
    pub(super) const INNER: JwsNames = JwsNames {
        inner: true,
        header: "inner JWS header",
        claims: "inner JWS claims",
        signature: "inner JWS signature",
    };
}

impl TokenCheck<'_, '_> {
    pub(super) fn moveo(&mut self, token: &str) {
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

    /// The checks of a JWS already split into its segments.
    pub(super) fn split_jws(&mut self, jws: &CompactJws<'_>, names: &JwsNames) {
        let header = self.json_segment(names.header, jws.header);
        let claims = self.json_segment(names.claims, jws.payload);
        let signature = self.segment(names.signature, jws.signature);
        let alg = header
            .as_ref()
            .map(|h| headers::jws(names.header, h, self.findings()))
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

    fn verify(&mut self, jws: &CompactJws<'_>, alg: &str, signature: Option<&[u8]>) -> Signature {
        let Some(key) = self.o.verify_key else {
            self.not_checked(
                "signature",
                "no --verify-key (the customer public key) was given",
            );
            return Signature::Unchecked;
        };
        self.key_size(key.bits(), "customer key");
        self.key_secrets(key, "customer key");
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
            let confused = forms.iter().any(|k| {
                self.raw.hmac(alg, k, input.as_bytes()).ok().as_deref() == Some(signature)
            });
            if confused {
                self.add(
                    r::JWS_SIGNATURE_KEY_CONFUSION,
                    format!("the {alg} MAC is keyed with the customer public key"),
                );
            }
            return Signature::Invalid;
        }
        if signature.len() != key.size() {
            if let Some(detail) = self.signature_text(key, input.as_bytes(), signature) {
                self.confirmed(r::JWS_SIGNATURE_ENCODED, &m::JWS_SIGNATURE_AS_TEXT, detail);
                return Signature::Invalid;
            }
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
                if let Some((mistake, detail)) =
                    self.signature_trials(key, input.as_bytes(), signature)
                {
                    let (rule, mistake) = if mistake.id == m::JWS_PSS_PADDING.id {
                        // Which PSS mistake depends on what the header says.
                        let chosen = alg.eq_ignore_ascii_case("PS256");
                        (
                            r::JWS_SIGNATURE_PSS,
                            if chosen {
                                &m::JWS_PS256_CHOSEN
                            } else {
                                mistake
                            },
                        )
                    } else if mistake.id == m::JWS_OTHER_HASH.id {
                        (r::JWS_SIGNATURE_HASH, mistake)
                    } else {
                        (r::JWS_SIGNATURE_INVALID, mistake)
                    };
                    let header = if alg.is_empty() {
                        "the header has no alg".to_owned()
                    } else {
                        format!("the header's alg is {alg:?}")
                    };
                    self.confirmed(rule, mistake, format!("{detail}; {header}"));
                } else {
                    self.published_signer(input.as_bytes(), signature);
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

    /// Claim rules, then (moveo) the context; the claims then go into the
    /// report as they are.
    pub(super) fn claims(&mut self, claims: Map<String, Value>, signature: Signature) {
        let (profile, now) = (self.o.profile, self.o.now);
        claims::check(profile, &claims, now, self.findings());
        // The time patterns are tried only when a time rule fired.
        let time_rules = [
            &m::TIME_LOCAL_CLOCK,
            &m::TIME_MILLISECONDS,
            &m::TIME_ZERO_LIFETIME,
            &m::TIME_LIFETIME_IN_MILLISECONDS,
        ];
        let failed = self.report.findings.iter().any(|f| {
            time_rules
                .iter()
                .any(|t| t.rules.iter().any(|r| r.id == f.id))
        });
        if failed {
            for (mistake, evidence) in m::patterns::time_causes(&claims, now) {
                self.likely(mistake, evidence);
            }
        }
        if profile == Profile::Moveo {
            self.context_claims(&claims, signature);
        }
        self.report.claims = Some(Value::Object(claims));
    }
}
