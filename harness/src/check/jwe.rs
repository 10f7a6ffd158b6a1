//! The iAdvize envelope: the compact JWE, its header rules, its
//! decryption through the backend, and, when that fails, the diagnosis of
//! why (the RSA scheme really used, a content key or IV of the wrong size,
//! a tag that does not match); then what the plaintext is.

use serde_json::Value;
use zeroize::Zeroizing;

use super::jws::JwsNames;
use super::{Signature, TokenCheck};
use crate::backend::{CryptoFailure, JweParts, Primitives, RsaScheme};
use crate::jose::{self, Compact, CompactJwe};
use crate::keys::PrivateKey;
use crate::mistakes as m;
use crate::profile::headers::{self, JwePlan};
use crate::rules as r;

impl TokenCheck<'_, '_> {
    pub(super) fn iadvize(&mut self, token: &str) {
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
            Some(h) => headers::jwe(h, self.findings()),
            None => None,
        };
        let misspelled = header
            .as_ref()
            .and_then(|h| h.get("alg"))
            .and_then(Value::as_str)
            .and_then(m::patterns::alg_misspelled);
        if let Some(evidence) = misspelled {
            self.explained(&m::HEADER_ALG_SPELLING, evidence);
        }
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
        self.key_secrets(key.public(), "recipient key");
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
        self.jwe_secrets(key, &parts);
        let Some(plaintext) = self.jwe_decrypt(key, &jwe, &parts, plan) else {
            return;
        };
        self.jwe_plaintext(&plaintext, cty.as_deref());
    }

    /// Decrypts the JWE through the backend; on failure, finds out why.
    fn jwe_decrypt(
        &mut self,
        key: &PrivateKey,
        jwe: &CompactJwe<'_>,
        parts: &JweParts,
        (scheme, key_len): JwePlan,
    ) -> Option<Zeroizing<Vec<u8>>> {
        let raw = self.raw;
        let aad = jwe.header.as_bytes();
        let diagnosing = scheme != RsaScheme::OaepSha256 || key_len != 32;
        let result = if diagnosing {
            // The header already failed a rule; decrypt the way it says, to
            // check what is inside.
            raw.rsa_decrypt(key, scheme, &parts.encrypted_key)
                .map_err(|_| CryptoFailure::RsaDecrypt)
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
                        raw.rsa_decrypt(key, s, &parts.encrypted_key)
                            .ok()
                            .map(|cek| (s, cek))
                    });
                let Some((used, cek)) = wrong else {
                    let labelled = self.oaep_label(key, &parts.encrypted_key);
                    let Some((Some(label), cek)) = labelled else {
                        let detail = undecryptable("the encrypted key", &parts.encrypted_key, key);
                        self.add(r::JWE_KEY_UNDECRYPTABLE, detail);
                        if labelled.is_some() {
                            self.likely(
                                &m::RSA_OAEP_LABEL,
                                "the encrypted key is a well-formed RSA-OAEP-SHA256 block under a non-empty label not among those seen in examples",
                            );
                        }
                        return None;
                    };
                    self.confirmed(
                        r::JWE_KEY_OAEP_LABEL,
                        &m::RSA_OAEP_LABEL,
                        format!("the encrypted key decrypts with RSA-OAEP-SHA256 under the label {label:?}"),
                    );
                    return match self.content_decrypt(&cek, key_len, parts, aad) {
                        Ok(plaintext) => Some(plaintext),
                        Err(failure) => {
                            self.content_failure(failure);
                            None
                        }
                    };
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
                    RsaScheme::OaepSha256Label(_) => (
                        r::JWE_KEY_OAEP_LABEL,
                        "it decrypts with RSA-OAEP-SHA256 under a label",
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
        self.raw
            .gcm_decrypt(cek, &parts.iv, aad, &parts.ciphertext, &parts.tag)
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
        let quoted = m::patterns::quoted_text(plaintext)
            .filter(|inner| matches!(jose::split(inner), Compact::Jws(_)));
        if let Some(inner) = quoted {
            self.confirmed(
                r::IADVIZE_NOT_JWS,
                &m::CONTEXT_JSON_IN_STRING,
                "the plaintext is a JSON string whose text is a compact JWS",
            );
            if let Compact::Jws(jws) = jose::split(&inner) {
                self.split_jws(&jws, &JwsNames::INNER);
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
}

/// Why an RSA ciphertext recovers under no scheme: its size, or the key.
pub(super) fn undecryptable(name: &str, ciphertext: &[u8], key: &PrivateKey) -> String {
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
