//! Secrets that are not secret: keys printed in public documents (the
//! vendor's sample AES key and IV, RFC and jwt.io example RSA keys), this
//! project's own TEST keys, all-zero IVs, and AES keys or IVs that are
//! printable text rather than random bytes. Also the fingerprints of a
//! token's secrets that `audit` compares across tokens ([`SecretPrints`]):
//! hashes only, the secrets themselves are never kept.

use sha2::{Digest, Sha256};

use super::TokenCheck;
use crate::backend::{JweParts, Primitives, RsaScheme};
use crate::keys::{PrivateKey, PublicKey};
use crate::published;
use crate::rules as r;
use crate::testkeys;

/// A SHA-256 fingerprint.
pub type Print = [u8; 32];

/// SHA-256 fingerprints of one token's secrets, for comparing the tokens
/// of one sender (`jose-harness audit`). Never part of the printed report;
/// empty where the check did not get that far (or was not asked to).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecretPrints {
    /// The moveo context's AES key, as decrypted.
    pub aes_key: Option<Print>,
    /// The moveo context's IV, as decrypted.
    pub iv: Option<Print>,
    /// The moveo context ciphertext.
    pub context: Option<Print>,
    /// The JWE content encryption key.
    pub cek: Option<Print>,
    /// The JWE's GCM IV.
    pub gcm_iv: Option<Print>,
}

/// The SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> Print {
    Sha256::digest(bytes).into()
}

/// Printable ASCII (space to tilde): text typed or pasted, not bytes drawn
/// from a random generator. 16 random bytes are all printable about once
/// in 7.5 million; 32, once in 10^13.
fn printable(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|b| (0x20..=0x7e).contains(b))
}

impl TokenCheck<'_, '_> {
    /// A key the check was given (`which`: "customer key", "recipient
    /// key"): one printed in a public document, or one of the TEST keys.
    pub(super) fn key_secrets(&mut self, key: &PublicKey, which: &str) {
        if let Some(known) = published::rsa_key(key) {
            self.add(
                r::KEY_PUBLISHED,
                format!("the {which} {} is {}", key.fingerprint(), known.name),
            );
        } else if let Some(test) = testkeys::all()
            .iter()
            .find(|t| t.key.public().spki_der() == key.spki_der())
        {
            self.add(
                r::KEY_TEST_KEY,
                format!("the {which} is the test key {}", test.name),
            );
        }
    }

    /// A signature that does not verify with the customer key: made with a
    /// published key instead? (Someone who copied an example key.)
    pub(super) fn published_signer(&mut self, input: &[u8], signature: &[u8]) {
        let signer = published::all().rsa_keys.iter().find(|k| {
            k.public.size() == signature.len()
                && self
                    .o
                    .backend
                    .rs256_verify(&k.public, input, signature)
                    .is_ok()
        });
        if let Some(known) = signer {
            self.add(
                r::KEY_PUBLISHED,
                format!(
                    "the signature verifies with {}, not with the customer key",
                    known.name
                ),
            );
        }
    }

    /// The JWE's IV (all zeros?) and, for `audit`, the fingerprints of its
    /// IV and content key.
    pub(super) fn jwe_secrets(&mut self, key: &PrivateKey, parts: &JweParts) {
        if !parts.iv.is_empty() && parts.iv.iter().all(|b| *b == 0) {
            self.add(
                r::JWE_IV_ZERO,
                format!("the IV is {} zero bytes", parts.iv.len()),
            );
        }
        if self.prints_wanted {
            self.prints.gcm_iv = Some(sha256(&parts.iv));
            if let Ok(cek) = self
                .raw
                .rsa_decrypt(key, RsaScheme::OaepSha256, &parts.encrypted_key)
            {
                self.prints.cek = Some(sha256(&cek));
            }
        }
    }

    /// The moveo context's AES key and IV (as decrypted and sized) and its
    /// ciphertext: published, printable text; their fingerprints.
    pub(super) fn context_secrets(&mut self, aes_key: &[u8], iv: &[u8], context: &[u8]) {
        self.prints.aes_key = Some(sha256(aes_key));
        self.prints.iv = Some(sha256(iv));
        self.prints.context = Some(sha256(context));
        if let Some(known) = published::aes_key(aes_key) {
            self.add(
                r::MOVEO_AES_KEY_PUBLISHED,
                format!("the AES key is {}", known.name),
            );
        } else if printable(aes_key) && !is_hex_text(aes_key) {
            // 32 hex digits are the text of a 16-byte key: moveo.aes.key_as_text
            // names that once the context decrypts with it.
            self.add(
                r::MOVEO_AES_KEY_PRINTABLE,
                format!("the {}-byte AES key is all printable ASCII", aes_key.len()),
            );
        }
        if let Some(known) = published::iv(iv) {
            self.add(
                r::MOVEO_AES_IV_PUBLISHED,
                format!("the IV is {}", known.name),
            );
        } else if printable(iv) {
            self.add(
                r::MOVEO_AES_IV_PRINTABLE,
                "the 16-byte IV is all printable ASCII",
            );
        }
    }
}

/// 32 hex digits: the text form of a 16-byte key.
fn is_hex_text(key: &[u8]) -> bool {
    key.len() == 32 && key.iter().all(u8::is_ascii_hexdigit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_is_ascii_text_only() {
        assert!(printable(b"*F-JaNdRgUkXp2s5"));
        assert!(!printable(&[0u8; 16]));
        assert!(!printable(b"abc\n"));
        assert!(!printable(b""));
        assert!(is_hex_text(b"00112233445566778899aabbccddeeff"));
        assert!(!is_hex_text(b"(H+MbQeThWmZq4t7w!z%C&F)J@NcRfUj"));
    }
}
