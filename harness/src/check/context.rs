//! The moveo context: the three context claims decoded, the AES key and
//! IV unwrapped by RSA-OAEP-SHA256 through the backend (diagnosing the
//! scheme really used when that fails), their sizes and forms checked,
//! and the context decrypted and parsed.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::jwe::undecryptable;
use super::trials::{base64_text, Recovered, Secrets};
use super::{Signature, TokenCheck};
use crate::backend::{CryptoFailure, Primitives, RsaScheme};
use crate::jose::json;
use crate::keys::PrivateKey;
use crate::mistakes as m;
use crate::rules::{self as r, Rule};

impl TokenCheck<'_, '_> {
    /// The context claims of a moveo token, after its other claim rules.
    pub(super) fn context_claims(&mut self, claims: &Map<String, Value>, signature: Signature) {
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
        self.key_secrets(key.public(), "recipient key");
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
            if let Ok(secret) = self.raw.rsa_decrypt(key, scheme, ciphertext) {
                let rule = match scheme {
                    RsaScheme::OaepSha1 => r::MOVEO_RSA_OAEP_SHA1,
                    RsaScheme::OaepSha256Mgf1Sha1 => r::MOVEO_RSA_OAEP_MGF1_SHA1,
                    _ => r::MOVEO_RSA_PKCS1V15,
                };
                self.add(rule, format!("{name} decrypts only with that scheme"));
                return Some(secret);
            }
        }
        if let Some(inner) = base64_text(ciphertext).filter(|c| c.len() == key.public().size()) {
            if let Ok(secret) = self.o.backend.rsa_oaep256_decrypt(key, &inner) {
                self.confirmed(
                    r::MOVEO_CONTEXT_BASE64_TWICE,
                    &m::ENCODING_BASE64_TWICE,
                    format!(
                        "{name} is {} bytes of base64 text; decoded again, it decrypts",
                        ciphertext.len()
                    ),
                );
                return Some(secret);
            }
        }
        let labelled = self.oaep_label(key, ciphertext);
        if let Some((Some(label), secret)) = labelled {
            self.confirmed(
                r::MOVEO_RSA_OAEP_LABEL,
                &m::RSA_OAEP_LABEL,
                format!("{name} decrypts with RSA-OAEP-SHA256 under the label {label:?}"),
            );
            return Some(secret);
        }
        self.add(
            r::MOVEO_RSA_UNDECRYPTABLE,
            undecryptable(name, ciphertext, key),
        );
        if labelled.is_some() {
            self.likely(
                &m::RSA_OAEP_LABEL,
                format!("{name} is a well-formed RSA-OAEP-SHA256 block under a non-empty label not among those seen in examples"),
            );
        }
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
        let (Some(key_sent), Some(iv_sent)) = (aes_key, iv) else {
            return;
        };
        let Some(aes_key) = self.secret_length(
            &key_sent,
            &[16, 32],
            r::MOVEO_AES_KEY_LENGTH,
            r::MOVEO_AES_KEY_AS_TEXT,
            "the AES key",
        ) else {
            return;
        };
        let Some(iv) = self.secret_length(
            &iv_sent,
            &[16],
            r::MOVEO_AES_IV_LENGTH,
            r::MOVEO_AES_IV_AS_TEXT,
            "the IV",
        ) else {
            return;
        };
        self.context_secrets(&aes_key, &iv, context);
        if iv.iter().all(|b| *b == 0) {
            self.add(r::MOVEO_AES_IV_ZERO, "the IV is 16 zero bytes");
        }
        // Sent as text when what was decrypted is not what is used.
        let text = |sent: &[u8], used: &[u8]| (sent != used).then(|| sent.to_vec());
        let (key_text, iv_text) = (text(&key_sent, &aes_key), text(&iv_sent, &iv));
        let secrets = Secrets {
            key: &aes_key,
            iv: &iv,
            key_text: key_text.as_deref(),
            iv_text: iv_text.as_deref(),
        };
        let whole = !context.is_empty() && context.len().is_multiple_of(16);
        let symptom = if whole {
            match self.o.backend.aes_cbc_decrypt(&aes_key, &iv, context) {
                Ok(p) => {
                    // Padding that happens to be valid (one time in a few
                    // hundred) can hide a mistake of the encryption (ECB,
                    // key and IV swapped, a key from its text): when the
                    // plaintext is no JSON object, a trial that recovers
                    // one names it.
                    let object =
                        |p: &[u8]| json::parse_object(p, self.o.limits.max_json_depth).is_ok();
                    if !object(&p) {
                        if let Some(found) = self
                            .context_trials(&secrets, context)
                            .filter(|f| object(&f.plaintext))
                        {
                            self.recovered(found, r::MOVEO_CONTEXT_JSON);
                            return;
                        }
                    }
                    self.context_plaintext(&p);
                    return;
                }
                Err(CryptoFailure::Padding(flaw)) => (r::MOVEO_CONTEXT_PADDING, flaw.describe()),
                Err(other) => {
                    self.not_checked("context decryption", format!("the backend failed: {other}"));
                    return;
                }
            }
        } else {
            (
                r::MOVEO_CONTEXT_LENGTH,
                format!("the context ciphertext is {} bytes", context.len()),
            )
        };
        match self.context_trials(&secrets, context) {
            Some(found) => self.recovered(found, symptom.0),
            None => self.add(symptom.0, symptom.1),
        }
    }

    /// What a trial recovered: its finding (the mistake's own rule, or
    /// `symptom`), then the plaintext it found.
    fn recovered(&mut self, found: Recovered, symptom: Rule) {
        let rule = found.rule.unwrap_or(symptom);
        if found.mistake.shown_by_rule {
            // Its own rule, with its own cause, once the report is done.
            self.add(rule, found.detail);
        } else {
            self.confirmed(rule, found.mistake, found.detail);
        }
        self.context_plaintext(&found.plaintext);
    }

    /// The decrypted context: a JSON object, or what the trials find it is.
    fn context_plaintext(&mut self, plaintext: &[u8]) {
        if json::parse_object(plaintext, self.o.limits.max_json_depth).is_err() {
            if let Some((mistake, detail, object)) = self.plaintext_trials(plaintext) {
                let rule = match mistake.rules.first() {
                    Some(rule) => *rule,
                    None => r::MOVEO_CONTEXT_JSON,
                };
                self.confirmed(rule, mistake, detail);
                self.report.context = Some(Value::Object(object));
                return;
            }
            if let Some(form) = m::patterns::stringified(plaintext) {
                self.confirmed(
                    r::MOVEO_CONTEXT_JSON,
                    &m::CONTEXT_STRINGIFIED,
                    format!("the plaintext is {form}, not JSON"),
                );
                return;
            }
        }
        if let Some(object) = self.json_object("context", plaintext, r::MOVEO_CONTEXT_JSON) {
            self.report.context = Some(Value::Object(object));
        }
    }
}
