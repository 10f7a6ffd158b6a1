//! The josekit backend: RS256 and the JWE (RSA-OAEP-256 + A256GCM)
//! through josekit's own algorithm objects, on the OpenSSL built from
//! source by its `vendored` feature.
//!
//! The trait works on a JWE's parts, not on a compact string, so this
//! backend uses josekit one level below `jwe::serialize_compact`: the
//! `RSA_OAEP_256` [`JweEncrypter`]/[`JweDecrypter`] wrap and unwrap a
//! content key the caller chooses, and the `A256GCM`
//! [`JweContentEncryption`] encrypts and decrypts the content under the
//! encoded protected header as AAD. These are the same objects josekit's
//! `JweContext` drives when it serialises a token.
//!
//! Lengths are checked up front as the reference checks them (encrypted
//! key against the modulus, content key, IV, tag), so a failure has the
//! same [`CryptoFailure`] class as the reference's; in particular a short
//! tag never reaches OpenSSL, which would otherwise compare a truncated
//! tag.
//!
//! josekit refuses RSA keys under 2048 bits when it loads them; with such a
//! key every operation here is [`CryptoFailure::Other`] naming that
//! refusal, where the reference would go ahead.
//!
//! josekit's signer, verifier, encrypter and decrypter for a key are built
//! once per key and thread ([`super::keycache`]), not once per token.

use std::borrow::Cow;

use josekit::jwe::alg::rsaes::{RsaesJweDecrypter, RsaesJweEncrypter};
use josekit::jwe::enc::A256GCM;
use josekit::jwe::RSA_OAEP_256;
use josekit::jwe::{JweAlgorithm, JweContentEncryption, JweDecrypter, JweEncrypter, JweHeader};
use josekit::jws::alg::rsassa::{RsassaJwsSigner, RsassaJwsVerifier};
use josekit::jws::{JwsSigner, JwsVerifier, RS256};
use josekit::JoseError;
use rand::RngCore;
use zeroize::Zeroizing;

use super::keycache::{private_identity, public_identity, KeyCache};
use super::{
    Backend, Capabilities, CryptoFailure, JweParts, Primitives, A256GCM_KEY_LEN, GCM_IV_LEN,
    GCM_TAG_LEN,
};
use crate::keys::{PrivateKey, PublicKey};
use crate::rng::HarnessRng;

thread_local! {
    static SIGNERS: KeyCache<RsassaJwsSigner> = const { KeyCache::new() };
    static VERIFIERS: KeyCache<RsassaJwsVerifier> = const { KeyCache::new() };
    static ENCRYPTERS: KeyCache<RsaesJweEncrypter> = const { KeyCache::new() };
    static DECRYPTERS: KeyCache<RsaesJweDecrypter> = const { KeyCache::new() };
}

/// josekit's RS256 and RSA-OAEP-256 + A256GCM.
#[derive(Debug, Clone, Copy, Default)]
pub struct Josekit;

impl Backend for Josekit {
    fn id(&self) -> &'static str {
        "josekit"
    }

    fn primitives(&self) -> Option<&dyn Primitives> {
        Some(self)
    }

    fn library(&self) -> String {
        format!(
            "josekit {} ({})",
            env!("JOSE_HARNESS_DEP_JOSEKIT"),
            openssl::version::version()
        )
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            rs256_sign: true,
            rs256_verify: true,
            jwe_encrypt: true,
            jwe_decrypt: true,
            ..Capabilities::default()
        }
    }

    fn rs256_sign(&self, key: &PrivateKey, signing_input: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        let signer = SIGNERS.with(|c| {
            c.get_or_try(private_identity(key), || {
                RS256.signer_from_der(key.pkcs8_der().as_slice())
            })
        });
        signer.map_err(other)?.sign(signing_input).map_err(other)
    }

    fn rs256_verify(
        &self,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        let verifier = VERIFIERS
            .with(|c| {
                c.get_or_try(public_identity(key), || {
                    RS256.verifier_from_der(key.spki_der())
                })
            })
            .map_err(other)?;
        // Like the reference, any failure to verify (a wrong signature, or
        // one of the wrong length) is a bad signature.
        verifier
            .verify(signing_input, signature)
            .map_err(|_| CryptoFailure::BadSignature)
    }

    /// Draws the content key (32 bytes) and then the IV (12 bytes) from
    /// `rng`, as the reference does.
    ///
    /// The OAEP seed of the key wrap comes from OpenSSL's own generator,
    /// which cannot be seeded from outside: with a seeded [`HarnessRng`]
    /// the ciphertext and tag repeat, the encrypted key does not.
    fn jwe_encrypt(
        &self,
        key: &PublicKey,
        protected_b64: &str,
        plaintext: &[u8],
        rng: &mut HarnessRng,
    ) -> Result<JweParts, CryptoFailure> {
        let mut cek = Zeroizing::new([0u8; A256GCM_KEY_LEN]);
        rng.fill_bytes(cek.as_mut_slice());
        let mut iv = [0u8; GCM_IV_LEN];
        rng.fill_bytes(&mut iv);

        let encrypter = ENCRYPTERS
            .with(|c| {
                c.get_or_try(public_identity(key), || {
                    RSA_OAEP_256.encrypter_from_der(key.spki_der())
                })
            })
            .map_err(other)?;
        let header = header();
        let mut out_header = header.clone();
        let encrypted_key = encrypter
            .encrypt(cek.as_slice(), &header, &mut out_header)
            .map_err(other)?
            .ok_or_else(|| CryptoFailure::Other("josekit returned no encrypted key".into()))?;

        let (ciphertext, tag) = A256GCM
            .encrypt(
                cek.as_slice(),
                Some(&iv),
                plaintext,
                protected_b64.as_bytes(),
            )
            .map_err(other)?;
        let tag = tag.ok_or_else(|| CryptoFailure::Other("josekit returned no GCM tag".into()))?;
        Ok(JweParts {
            encrypted_key,
            iv: iv.to_vec(),
            ciphertext,
            tag,
        })
    }

    fn jwe_decrypt(
        &self,
        key: &PrivateKey,
        protected_b64: &str,
        parts: &JweParts,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        let decrypter = DECRYPTERS
            .with(|c| {
                c.get_or_try(private_identity(key), || {
                    RSA_OAEP_256.decrypter_from_der(key.pkcs8_der().as_slice())
                })
            })
            .map_err(other)?;
        if parts.encrypted_key.len() != key.public().size() {
            return Err(CryptoFailure::RsaDecrypt);
        }
        let cek = decrypter
            .decrypt(Some(&parts.encrypted_key), &A256GCM, &header())
            .map_err(|_| CryptoFailure::RsaDecrypt)?;
        let cek = Zeroizing::new(Cow::into_owned(cek));
        if cek.len() != A256GCM_KEY_LEN {
            return Err(CryptoFailure::KeyLength(cek.len()));
        }
        if parts.iv.len() != GCM_IV_LEN {
            return Err(CryptoFailure::IvLength(parts.iv.len()));
        }
        if parts.tag.len() != GCM_TAG_LEN {
            return Err(CryptoFailure::TagLength(parts.tag.len()));
        }
        // Every length is right, so josekit's only remaining failure is the
        // tag not matching.
        A256GCM
            .decrypt(
                &cek,
                Some(&parts.iv),
                &parts.ciphertext,
                protected_b64.as_bytes(),
                Some(&parts.tag),
            )
            .map(Zeroizing::new)
            .map_err(|_| CryptoFailure::Integrity)
    }
}

/// The header josekit's key management sees. RSA-OAEP-256 reads nothing
/// from it; it is what a `JweContext` would pass.
fn header() -> JweHeader {
    let mut header = JweHeader::new();
    header.set_algorithm(RSA_OAEP_256.name());
    header.set_content_encryption(A256GCM.name());
    header
}

fn other(e: JoseError) -> CryptoFailure {
    CryptoFailure::Other(format!("josekit: {e}"))
}

/// josekit's A256GCM content decryption on A256GCM's own lengths; any
/// other key, IV or tag length is left to the next implementation (josekit
/// would hand OpenSSL other IV and tag lengths, which JWE does not allow).
impl Primitives for Josekit {
    fn gcm_decrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        if (key.len(), iv.len(), tag.len()) != (A256GCM_KEY_LEN, GCM_IV_LEN, GCM_TAG_LEN) {
            return Err(CryptoFailure::Unsupported(
                "AES-GCM on other than A256GCM's lengths",
            ));
        }
        A256GCM
            .decrypt(key, Some(iv), ciphertext, aad, Some(tag))
            .map(Zeroizing::new)
            .map_err(|_| CryptoFailure::Integrity)
    }
}
