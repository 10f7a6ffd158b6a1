//! The reference backend: pure Rust, RustCrypto crates (rsa, sha2,
//! aes-gcm, aes, cbc).
//!
//! It also offers every raw [`Primitives`] method (another RSA scheme,
//! GCM of any key size, unpadded CBC, PS256, HMAC): the check pipeline
//! diagnoses with them where a backend lacks one, and, since every random
//! choice here comes from the caller's RNG, the forge builds its
//! deliberately wrong tokens with them ([`super::reproducible`]).
//!
//! The rsa crate is under RUSTSEC-2023-0071 (Marvin timing attack on
//! private-key operations; no fixed release). Decryption here uses
//! blinding, and this backend is the independent cross-check, not a
//! service facing an attacker.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes128Gcm, Aes256Gcm, AesGcm, Nonce, Tag};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rsa::{Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::unpad;
use super::{
    Backend, Capabilities, CryptoFailure, JweParts, Primitives, A256GCM_KEY_LEN, GCM_IV_LEN,
    GCM_TAG_LEN,
};
use crate::keys::{PrivateKey, PublicKey};

/// The scheme type, where callers of these functions have always found it.
pub use super::RsaScheme;
use crate::padding;
use crate::rng::HarnessRng;

#[cfg(any(test, feature = "test-hooks"))]
thread_local! {
    static PRIVATE_KEY_OPERATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// RSA private-key operations (decryptions and signatures) this thread has
/// done through this module, the check pipeline's diagnoses included: a
/// test counts them to prove no RSA work is wasted on a valid token. Only
/// with the `test-hooks` feature: the shipped library counts nothing.
#[cfg(any(test, feature = "test-hooks"))]
#[doc(hidden)]
pub fn private_key_operations_on_this_thread() -> u64 {
    PRIVATE_KEY_OPERATIONS.with(std::cell::Cell::get)
}

fn count_private_key_operation() {
    #[cfg(any(test, feature = "test-hooks"))]
    PRIVATE_KEY_OPERATIONS.with(|n| n.set(n.get() + 1));
}

/// The RustCrypto reference implementation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reference;

impl Backend for Reference {
    fn id(&self) -> &'static str {
        "reference"
    }

    fn library(&self) -> String {
        format!(
            "RustCrypto rsa {}, aes-gcm {}, aes {}, cbc {}, sha2 {}",
            env!("JOSE_HARNESS_DEP_RSA"),
            env!("JOSE_HARNESS_DEP_AES_GCM"),
            env!("JOSE_HARNESS_DEP_AES"),
            env!("JOSE_HARNESS_DEP_CBC"),
            env!("JOSE_HARNESS_DEP_SHA2"),
        )
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            rs256_sign: true,
            rs256_verify: true,
            jwe_encrypt: true,
            jwe_decrypt: true,
            context_encrypt: true,
            context_decrypt: true,
        }
    }

    fn primitives(&self) -> Option<&dyn Primitives> {
        Some(self)
    }

    fn rs256_sign(&self, key: &PrivateKey, signing_input: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        count_private_key_operation();
        let digest = Sha256::digest(signing_input);
        key.rsa()
            .sign_with_rng(&mut OsRng, Pkcs1v15Sign::new::<Sha256>(), &digest)
            .map_err(|e| CryptoFailure::Other(e.to_string()))
    }

    fn rs256_verify(
        &self,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        let digest = Sha256::digest(signing_input);
        key.rsa()
            .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, signature)
            .map_err(|_| CryptoFailure::BadSignature)
    }

    fn jwe_encrypt(
        &self,
        key: &PublicKey,
        protected_b64: &str,
        plaintext: &[u8],
        rng: &mut HarnessRng,
    ) -> Result<JweParts, CryptoFailure> {
        jwe_encrypt_with(
            key,
            RsaScheme::OaepSha256,
            A256GCM_KEY_LEN,
            protected_b64,
            plaintext,
            rng,
        )
    }

    fn jwe_decrypt(
        &self,
        key: &PrivateKey,
        protected_b64: &str,
        parts: &JweParts,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        let cek = rsa_decrypt(key, RsaScheme::OaepSha256, &parts.encrypted_key);
        jwe_content_decrypt(cek.as_ref().map(|c| c.as_slice()), protected_b64, parts)
    }

    fn rsa_oaep256_encrypt(
        &self,
        key: &PublicKey,
        data: &[u8],
        rng: &mut HarnessRng,
    ) -> Result<Vec<u8>, CryptoFailure> {
        rsa_encrypt(key, RsaScheme::OaepSha256, data, rng)
    }

    fn rsa_oaep256_decrypt(
        &self,
        key: &PrivateKey,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        rsa_decrypt(key, RsaScheme::OaepSha256, ciphertext).ok_or(CryptoFailure::RsaDecrypt)
    }

    fn aes_cbc_encrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        if key.len() != 16 && key.len() != 32 {
            return Err(CryptoFailure::KeyLength(key.len()));
        }
        cbc_encrypt_raw(key, iv, &padding::pad(plaintext))
    }

    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        if key.len() != 16 && key.len() != 32 {
            return Err(CryptoFailure::KeyLength(key.len()));
        }
        let raw = cbc_decrypt_raw(key, iv, ciphertext)?;
        padding::unpad(&raw)
            .map(|p| Zeroizing::new(p.to_vec()))
            .map_err(CryptoFailure::Padding)
    }
}

impl Primitives for Reference {
    fn rsa_encrypt(
        &self,
        key: &PublicKey,
        scheme: RsaScheme,
        data: &[u8],
        rng: &mut HarnessRng,
    ) -> Result<Vec<u8>, CryptoFailure> {
        rsa_encrypt(key, scheme, data, rng)
    }
    fn rsa_decrypt(
        &self,
        key: &PrivateKey,
        scheme: RsaScheme,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        rsa_decrypt(key, scheme, ciphertext).ok_or(CryptoFailure::RsaDecrypt)
    }
    fn gcm_encrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), CryptoFailure> {
        if iv.len() == GCM_IV_LEN {
            gcm_encrypt(key, iv, aad, plaintext)
        } else {
            gcm256_encrypt_any_iv(key, iv, aad, plaintext)
        }
    }
    fn gcm_decrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        gcm_decrypt(key, iv, aad, ciphertext, tag)
    }
    fn cbc_encrypt_raw(
        &self,
        key: &[u8],
        iv: &[u8],
        data: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        cbc_encrypt_raw(key, iv, data)
    }
    fn cbc_decrypt_raw(
        &self,
        key: &[u8],
        iv: &[u8],
        data: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        cbc_decrypt_raw(key, iv, data)
    }
    fn pkcs1v15_sign(
        &self,
        alg: &str,
        key: &PrivateKey,
        signing_input: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        let (scheme, digest) = match alg.to_ascii_uppercase().as_str() {
            "RS256" => (
                Pkcs1v15Sign::new::<Sha256>(),
                Sha256::digest(signing_input).to_vec(),
            ),
            "RS384" => (
                Pkcs1v15Sign::new::<Sha384>(),
                Sha384::digest(signing_input).to_vec(),
            ),
            "RS512" => (
                Pkcs1v15Sign::new::<Sha512>(),
                Sha512::digest(signing_input).to_vec(),
            ),
            _ => {
                return Err(CryptoFailure::Other(format!(
                    "no RSASSA-PKCS1-v1_5 for alg {alg:?}"
                )))
            }
        };
        count_private_key_operation();
        key.rsa()
            .sign(scheme, &digest)
            .map_err(|e| CryptoFailure::Other(e.to_string()))
    }
    fn ps256_sign(
        &self,
        key: &PrivateKey,
        signing_input: &[u8],
        rng: &mut HarnessRng,
    ) -> Result<Vec<u8>, CryptoFailure> {
        ps256_sign(key, signing_input, rng)
    }
    fn ps256_verify(
        &self,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        if ps256_verify(key, signing_input, signature) {
            Ok(())
        } else {
            Err(CryptoFailure::BadSignature)
        }
    }
    fn hmac(&self, alg: &str, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        hmac(alg, key, data).ok_or_else(|| CryptoFailure::Other(format!("no HMAC for alg {alg:?}")))
    }
    fn pkcs1v15_verify(
        &self,
        alg: &str,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        let (scheme, digest) = match alg.to_ascii_uppercase().as_str() {
            "RS1" => (
                Pkcs1v15Sign::new::<Sha1>(),
                Sha1::digest(signing_input).to_vec(),
            ),
            "RS256" => (
                Pkcs1v15Sign::new::<Sha256>(),
                Sha256::digest(signing_input).to_vec(),
            ),
            "RS384" => (
                Pkcs1v15Sign::new::<Sha384>(),
                Sha384::digest(signing_input).to_vec(),
            ),
            "RS512" => (
                Pkcs1v15Sign::new::<Sha512>(),
                Sha512::digest(signing_input).to_vec(),
            ),
            _ => {
                return Err(CryptoFailure::Other(format!(
                    "no RSASSA-PKCS1-v1_5 for alg {alg:?}"
                )))
            }
        };
        key.rsa()
            .verify(scheme, &digest, signature)
            .map_err(|_| CryptoFailure::BadSignature)
    }
    fn rsa_oaep256_labelled(
        &self,
        key: &PrivateKey,
        ciphertext: &[u8],
        labels: &[&str],
    ) -> Result<(Option<usize>, Zeroizing<Vec<u8>>), CryptoFailure> {
        let k = key.public().size();
        if ciphertext.len() != k {
            return Err(CryptoFailure::RsaDecrypt);
        }
        count_private_key_operation();
        let c = rsa::BigUint::from_bytes_be(ciphertext);
        let m = rsa::hazmat::rsa_decrypt_and_check(key.rsa(), Some(&mut OsRng), &c)
            .map_err(|_| CryptoFailure::RsaDecrypt)?;
        let bytes = Zeroizing::new(m.to_bytes_be());
        if bytes.len() > k {
            return Err(CryptoFailure::RsaDecrypt);
        }
        let mut em = Zeroizing::new(vec![0u8; k]);
        em[k - bytes.len()..].copy_from_slice(&bytes);
        unpad::oaep256_labelled(&em, labels)
    }
}

/// The reference's JWE decryption after its RSA step: `cek` is what
/// RSA-OAEP-256 gave for the encrypted key (`None`: it did not decrypt).
/// [`Reference`]'s `jwe_decrypt` is this after [`rsa_decrypt`]; the fuzz
/// targets call it with a content key they remembered.
pub fn jwe_content_decrypt(
    cek: Option<&[u8]>,
    protected_b64: &str,
    parts: &JweParts,
) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
    let cek = cek.ok_or(CryptoFailure::RsaDecrypt)?;
    if cek.len() != A256GCM_KEY_LEN {
        return Err(CryptoFailure::KeyLength(cek.len()));
    }
    gcm_decrypt(
        cek,
        &parts.iv,
        protected_b64.as_bytes(),
        &parts.ciphertext,
        &parts.tag,
    )
}

/// The profile's JWE parts, or a wrong variant of them: see
/// [`super::jwe_parts_with`], here with the reference's primitives.
pub fn jwe_encrypt_with(
    key: &PublicKey,
    scheme: RsaScheme,
    cek_len: usize,
    protected_b64: &str,
    plaintext: &[u8],
    rng: &mut HarnessRng,
) -> Result<JweParts, CryptoFailure> {
    super::jwe_parts_with(
        &Reference,
        key,
        scheme,
        cek_len,
        protected_b64,
        plaintext,
        rng,
    )
}

/// AES-256-GCM with an IV of 8, 12 or 16 bytes (GCM hashes an IV that is
/// not 12 bytes long into its counter block, NIST SP 800-38D §7.1), for
/// the negative vectors of JWEs whose only fault is the IV's length.
pub fn gcm256_encrypt_any_iv(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), CryptoFailure> {
    use aes_gcm::aead::consts::{U16, U8};
    let mut buffer = plaintext.to_vec();
    let tag = match iv.len() {
        12 => return gcm_encrypt(key, iv, aad, plaintext),
        8 => AesGcm::<aes::Aes256, U8>::new_from_slice(key)
            .map_err(|_| CryptoFailure::KeyLength(key.len()))?
            .encrypt_in_place_detached(aes_gcm::Nonce::<U8>::from_slice(iv), aad, &mut buffer),
        16 => AesGcm::<aes::Aes256, U16>::new_from_slice(key)
            .map_err(|_| CryptoFailure::KeyLength(key.len()))?
            .encrypt_in_place_detached(aes_gcm::Nonce::<U16>::from_slice(iv), aad, &mut buffer),
        n => return Err(CryptoFailure::IvLength(n)),
    }
    .map_err(|_| CryptoFailure::Other("AES-GCM encryption failed".into()))?;
    Ok((buffer, tag.to_vec()))
}

/// RSA-encrypts `data` with the given scheme.
pub fn rsa_encrypt(
    key: &PublicKey,
    scheme: RsaScheme,
    data: &[u8],
    rng: &mut HarnessRng,
) -> Result<Vec<u8>, CryptoFailure> {
    let k = key.rsa();
    let result = match scheme {
        RsaScheme::OaepSha256 => k.encrypt(rng, Oaep::new::<Sha256>(), data),
        RsaScheme::OaepSha1 => k.encrypt(rng, Oaep::new::<Sha1>(), data),
        RsaScheme::OaepSha256Mgf1Sha1 => {
            k.encrypt(rng, Oaep::new_with_mgf_hash::<Sha256, Sha1>(), data)
        }
        RsaScheme::Pkcs1v15 => k.encrypt(rng, Pkcs1v15Encrypt, data),
        RsaScheme::OaepSha256Label(label) => {
            k.encrypt(rng, Oaep::new_with_label::<Sha256, _>(label), data)
        }
    };
    result.map_err(|e| CryptoFailure::Other(e.to_string()))
}

/// RSA-decrypts with the given scheme (blinded); `None` when it fails.
pub fn rsa_decrypt(
    key: &PrivateKey,
    scheme: RsaScheme,
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    if ciphertext.len() != key.public().size() {
        return None;
    }
    count_private_key_operation();
    let k = key.rsa();
    let result = match scheme {
        RsaScheme::OaepSha256 => k.decrypt_blinded(&mut OsRng, Oaep::new::<Sha256>(), ciphertext),
        RsaScheme::OaepSha1 => k.decrypt_blinded(&mut OsRng, Oaep::new::<Sha1>(), ciphertext),
        RsaScheme::OaepSha256Mgf1Sha1 => k.decrypt_blinded(
            &mut OsRng,
            Oaep::new_with_mgf_hash::<Sha256, Sha1>(),
            ciphertext,
        ),
        RsaScheme::Pkcs1v15 => k.decrypt_blinded(&mut OsRng, Pkcs1v15Encrypt, ciphertext),
        RsaScheme::OaepSha256Label(label) => k.decrypt_blinded(
            &mut OsRng,
            Oaep::new_with_label::<Sha256, _>(label),
            ciphertext,
        ),
    };
    result.ok().map(Zeroizing::new)
}

/// AES-GCM (128, 192 or 256 by key length) encryption with a detached tag.
pub fn gcm_encrypt(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), CryptoFailure> {
    if iv.len() != GCM_IV_LEN {
        return Err(CryptoFailure::IvLength(iv.len()));
    }
    let nonce = Nonce::from_slice(iv);
    let mut buffer = plaintext.to_vec();
    let tag = match key.len() {
        16 => Aes128Gcm::new_from_slice(key)
            .map_err(|_| CryptoFailure::KeyLength(16))?
            .encrypt_in_place_detached(nonce, aad, &mut buffer),
        24 => AesGcm::<aes::Aes192, U12>::new_from_slice(key)
            .map_err(|_| CryptoFailure::KeyLength(24))?
            .encrypt_in_place_detached(nonce, aad, &mut buffer),
        32 => Aes256Gcm::new_from_slice(key)
            .map_err(|_| CryptoFailure::KeyLength(32))?
            .encrypt_in_place_detached(nonce, aad, &mut buffer),
        n => return Err(CryptoFailure::KeyLength(n)),
    }
    .map_err(|_| CryptoFailure::Other("AES-GCM encryption failed".into()))?;
    Ok((buffer, tag.to_vec()))
}

/// AES-GCM decryption, checking IV and tag lengths first.
pub fn gcm_decrypt(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
    if iv.len() != GCM_IV_LEN {
        return Err(CryptoFailure::IvLength(iv.len()));
    }
    if tag.len() != GCM_TAG_LEN {
        return Err(CryptoFailure::TagLength(tag.len()));
    }
    let nonce = Nonce::from_slice(iv);
    let tag = Tag::from_slice(tag);
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let result = match key.len() {
        16 => Aes128Gcm::new_from_slice(key)
            .map_err(|_| CryptoFailure::KeyLength(16))?
            .decrypt_in_place_detached(nonce, aad, &mut buffer, tag),
        24 => AesGcm::<aes::Aes192, U12>::new_from_slice(key)
            .map_err(|_| CryptoFailure::KeyLength(24))?
            .decrypt_in_place_detached(nonce, aad, &mut buffer, tag),
        32 => Aes256Gcm::new_from_slice(key)
            .map_err(|_| CryptoFailure::KeyLength(32))?
            .decrypt_in_place_detached(nonce, aad, &mut buffer, tag),
        n => return Err(CryptoFailure::KeyLength(n)),
    };
    result.map_err(|_| CryptoFailure::Integrity)?;
    Ok(buffer)
}

/// AES-CBC encryption of whole blocks, adding no padding (AES-128/192/256).
pub fn cbc_encrypt_raw(key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
    if iv.len() != 16 {
        return Err(CryptoFailure::IvLength(iv.len()));
    }
    if !data.len().is_multiple_of(16) {
        return Err(CryptoFailure::CiphertextLength(data.len()));
    }
    let bad_key = |_| CryptoFailure::KeyLength(key.len());
    Ok(match key.len() {
        16 => cbc::Encryptor::<aes::Aes128>::new_from_slices(key, iv)
            .map_err(bad_key)?
            .encrypt_padded_vec_mut::<NoPadding>(data),
        24 => cbc::Encryptor::<aes::Aes192>::new_from_slices(key, iv)
            .map_err(bad_key)?
            .encrypt_padded_vec_mut::<NoPadding>(data),
        32 => cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
            .map_err(bad_key)?
            .encrypt_padded_vec_mut::<NoPadding>(data),
        n => return Err(CryptoFailure::KeyLength(n)),
    })
}

/// AES-CBC decryption of whole blocks, leaving the padding in place.
pub fn cbc_decrypt_raw(
    key: &[u8],
    iv: &[u8],
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
    if iv.len() != 16 {
        return Err(CryptoFailure::IvLength(iv.len()));
    }
    if data.is_empty() || !data.len().is_multiple_of(16) {
        return Err(CryptoFailure::CiphertextLength(data.len()));
    }
    let bad_key = |_| CryptoFailure::KeyLength(key.len());
    let unpad = |_| CryptoFailure::CiphertextLength(data.len());
    let out = match key.len() {
        16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
            .map_err(bad_key)?
            .decrypt_padded_vec_mut::<NoPadding>(data)
            .map_err(unpad)?,
        24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(key, iv)
            .map_err(bad_key)?
            .decrypt_padded_vec_mut::<NoPadding>(data)
            .map_err(unpad)?,
        32 => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
            .map_err(bad_key)?
            .decrypt_padded_vec_mut::<NoPadding>(data)
            .map_err(unpad)?,
        n => return Err(CryptoFailure::KeyLength(n)),
    };
    Ok(Zeroizing::new(out))
}

/// AES-CBC with PKCS#7, for any AES key size (used to build 24-byte-key
/// negatives that the trait method refuses).
pub fn cbc_encrypt_pkcs7(
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoFailure> {
    cbc_encrypt_raw(key, iv, &padding::pad(plaintext))
}

/// RSASSA-PSS with SHA-256 (PS256) signature.
pub fn ps256_sign(
    key: &PrivateKey,
    signing_input: &[u8],
    rng: &mut HarnessRng,
) -> Result<Vec<u8>, CryptoFailure> {
    let digest = Sha256::digest(signing_input);
    key.rsa()
        .sign_with_rng(rng, rsa::pss::Pss::new::<Sha256>(), &digest)
        .map_err(|e| CryptoFailure::Other(e.to_string()))
}

/// Whether `signature` is a valid PS256 signature with any of the salt
/// lengths libraries use: the digest length (RFC 7518), the maximum
/// (OpenSSL's and Node's default) or none.
pub fn ps256_verify(key: &PublicKey, signing_input: &[u8], signature: &[u8]) -> bool {
    let digest = Sha256::digest(signing_input);
    super::pss_salt_lengths(key.size()).into_iter().any(|salt| {
        key.rsa()
            .verify(
                rsa::pss::Pss::new_with_salt::<Sha256>(salt),
                &digest,
                signature,
            )
            .is_ok()
    })
}

/// The HMAC of `data` for a JWS `alg` of HS256, HS384 or HS512.
pub fn hmac(alg: &str, key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    fn mac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        let mut m = <M as Mac>::new_from_slice(key).ok()?;
        m.update(data);
        Some(m.finalize().into_bytes().to_vec())
    }
    match alg.to_ascii_uppercase().as_str() {
        "HS256" => mac::<Hmac<Sha256>>(key, data),
        "HS384" => mac::<Hmac<Sha384>>(key, data),
        "HS512" => mac::<Hmac<Sha512>>(key, data),
        _ => None,
    }
}
