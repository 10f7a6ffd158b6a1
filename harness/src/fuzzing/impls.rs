//! The one place in `fuzzing` that names a concrete implementation.
//!
//! The targets find backends through [`crate::backend::all`] and their
//! capabilities. What that cannot give them yet are the raw primitives the
//! differential targets build and compare their inputs with — RSA
//! encryption under a named [`RsaScheme`], AES-GCM with any key, IV and tag
//! length, AES-CBC without padding — because the [`Backend`] trait does not
//! carry them: here they are the reference's free functions, the openssl
//! backend's GCM and josekit's `A256GCM`. When the trait has them, each
//! function below becomes a trait call (the list of GCM decryptions a
//! filter of `backend::all()` by capability) and this module goes away.

use josekit::jwe::enc::A256GCM;
use josekit::jwe::JweContentEncryption;
use rsa::traits::PublicKeyParts;
use rsa::BigUint;
use zeroize::Zeroizing;

pub(super) use crate::backend::reference::RsaScheme;
use crate::backend::{
    self, reference, Backend, CryptoFailure, Stacked, A256GCM_KEY_LEN, GCM_IV_LEN, GCM_TAG_LEN,
};
use crate::keys::PublicKey;
use crate::rng::HarnessRng;

/// The reference: what every differential target compares the others with.
pub(super) fn reference() -> &'static dyn Backend {
    &reference::Reference
}

/// The backend the check targets use: `check`'s default, the openssl
/// backend, whose contexts are kept per key and thread and so carry from
/// one input to the next as they do from one token to the next in a batch.
/// The rules do not depend on the backend, and OpenSSL's RSA is about five
/// times as fast as the rsa crate's; the differential targets compare the
/// backends themselves.
pub(super) fn fast() -> &'static dyn Backend {
    static FAST: Stacked = Stacked {
        primary: &backend::openssl::Openssl,
        fallback: &reference::Reference,
    };
    &FAST
}

/// The backend that signs and encrypts in the structure-aware target and
/// signs in the RS256 target (OpenSSL signs about five times as fast as
/// the rsa crate): josekit over the reference (which does the moveo
/// context).
pub(super) fn fast_producer() -> &'static dyn Backend {
    static PRODUCER: Stacked = Stacked {
        primary: &backend::josekit::Josekit,
        fallback: &reference::Reference,
    };
    &PRODUCER
}

/// RSA encryption of `data` under `scheme`, right or wrong (the reference's).
pub(super) fn rsa_encrypt(
    key: &PublicKey,
    scheme: RsaScheme,
    data: &[u8],
    rng: &mut HarnessRng,
) -> Result<Vec<u8>, CryptoFailure> {
    reference::rsa_encrypt(key, scheme, data, rng)
}

/// AES-CBC of whole blocks, adding no padding (the reference's).
pub(super) fn cbc_encrypt_raw(
    key: &[u8],
    iv: &[u8],
    data: &[u8],
) -> Result<Vec<u8>, CryptoFailure> {
    reference::cbc_encrypt_raw(key, iv, data)
}

/// AES-GCM encryption with a detached tag, any AES key size (the
/// reference's).
pub(super) fn gcm_encrypt(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), CryptoFailure> {
    reference::gcm_encrypt(key, iv, aad, plaintext)
}

/// AES-GCM decryption, lengths checked first (the reference's).
pub(super) fn gcm_decrypt(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
    reference::gcm_decrypt(key, iv, aad, ciphertext, tag)
}

/// An AES-GCM decryption (key, IV, AAD, ciphertext, tag) compared with the
/// reference's; `None` for an input it does not take.
pub(super) type GcmDecrypt =
    fn(&[u8], &[u8], &[u8], &[u8], &[u8]) -> Option<Result<Zeroizing<Vec<u8>>, CryptoFailure>>;

/// Every AES-GCM decryption besides the reference's, with its name.
pub(super) const GCM_DECRYPTIONS: [(&str, GcmDecrypt); 2] = [
    // Reuses one context per thread from input to input: it must agree on
    // every one, the length failures included.
    (
        "the openssl backend's GCM",
        |key, iv, aad, ciphertext, tag| {
            Some(backend::openssl::gcm_decrypt(key, iv, aad, ciphertext, tag))
        },
    ),
    // josekit would take other IV and tag lengths (OpenSSL's GCM does); its
    // backend refuses them before this call, as the reference does, so it
    // is compared on A256GCM's lengths only.
    ("josekit's A256GCM", |key, iv, aad, ciphertext, tag| {
        let lengths = (key.len(), iv.len(), tag.len());
        (lengths == (A256GCM_KEY_LEN, GCM_IV_LEN, GCM_TAG_LEN)).then(|| {
            A256GCM
                .decrypt(key, Some(iv), ciphertext, aad, Some(tag))
                .map(Zeroizing::new)
                .map_err(|_| CryptoFailure::Integrity)
        })
    }),
];

/// `signature` plus the modulus of `key`, written in the key's length: the
/// same value mod n, which a verifier must refuse. `None` when the sum does
/// not fit.
pub(super) fn add_modulus(key: &PublicKey, signature: &[u8]) -> Option<Vec<u8>> {
    let sum = BigUint::from_bytes_be(signature) + key.rsa().n();
    let bytes = sum.to_bytes_be();
    let size = key.size();
    (bytes.len() <= size).then(|| {
        let mut out = vec![0; size - bytes.len()];
        out.extend_from_slice(&bytes);
        out
    })
}
