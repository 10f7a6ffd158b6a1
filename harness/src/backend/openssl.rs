//! The OpenSSL backend: the moveo context scheme (RSA-OAEP with SHA-256
//! and MGF1-SHA-256, then AES-CBC with PKCS#7) through the `openssl` crate,
//! on the OpenSSL built from source by its `vendored` feature.
//!
//! OpenSSL reports bad CBC padding as one opaque error. To name the flaw
//! the way the reference does, a failed decryption is decrypted again with
//! padding disabled and the last block classified with
//! [`crate::padding::unpad`]: the result is the same
//! [`CryptoFailure::Padding`] the reference returns for the same input.
//! Lengths are checked up front in the reference's order (key, IV,
//! ciphertext), so every failure class agrees with the reference's.
//!
//! OpenSSL's key objects are built once per key and thread
//! ([`super::keycache`]), not once per token.

use openssl::encrypt::{Decrypter, Encrypter};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private, Public};
use openssl::rsa::Padding;
use openssl::symm::{Cipher, Crypter, Mode};
use zeroize::Zeroizing;

use super::keycache::{private_identity, public_identity, KeyCache};
use super::{Backend, Capabilities, CryptoFailure};
use crate::keys::{PrivateKey, PublicKey};
use crate::padding::{self, BLOCK};
use crate::rng::HarnessRng;

thread_local! {
    static PRIVATE_KEYS: KeyCache<PKey<Private>> = const { KeyCache::new() };
    static PUBLIC_KEYS: KeyCache<PKey<Public>> = const { KeyCache::new() };
}

/// The moveo context scheme through OpenSSL's EVP interfaces.
#[derive(Debug, Clone, Copy, Default)]
pub struct Openssl;

impl Backend for Openssl {
    fn id(&self) -> &'static str {
        "openssl"
    }

    fn library(&self) -> String {
        format!(
            "openssl {} ({})",
            env!("JOSE_HARNESS_DEP_OPENSSL"),
            openssl::version::version()
        )
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            context_encrypt: true,
            context_decrypt: true,
            ..Capabilities::default()
        }
    }

    /// RSA-OAEP-SHA256 through `EVP_PKEY_encrypt`.
    ///
    /// The OAEP seed comes from OpenSSL's own generator, which cannot be
    /// seeded from outside: `rng` is unused and the ciphertext differs on
    /// every call even with a seeded [`HarnessRng`].
    fn rsa_oaep256_encrypt(
        &self,
        key: &PublicKey,
        data: &[u8],
        _rng: &mut HarnessRng,
    ) -> Result<Vec<u8>, CryptoFailure> {
        oaep256_encrypt(key, data).map_err(|e| CryptoFailure::Other(e.to_string()))
    }

    fn rsa_oaep256_decrypt(
        &self,
        key: &PrivateKey,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        // As the reference: a ciphertext not of the modulus's length is
        // not tried at all.
        if ciphertext.len() != key.public().size() {
            return Err(CryptoFailure::RsaDecrypt);
        }
        oaep256_decrypt(key, ciphertext).map_err(|_| CryptoFailure::RsaDecrypt)
    }

    fn aes_cbc_encrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        let cipher = cbc_cipher(key)?;
        if iv.len() != BLOCK {
            return Err(CryptoFailure::IvLength(iv.len()));
        }
        cbc(cipher, Mode::Encrypt, key, iv, plaintext, true)
            .map(|out| out.to_vec())
            .map_err(|e| CryptoFailure::Other(e.to_string()))
    }

    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        let cipher = cbc_cipher(key)?;
        if iv.len() != BLOCK {
            return Err(CryptoFailure::IvLength(iv.len()));
        }
        if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(BLOCK) {
            return Err(CryptoFailure::CiphertextLength(ciphertext.len()));
        }
        if let Ok(plaintext) = cbc(cipher, Mode::Decrypt, key, iv, ciphertext, true) {
            return Ok(plaintext);
        }
        // OpenSSL does not say why; decrypt without unpadding and name it.
        let raw = cbc(cipher, Mode::Decrypt, key, iv, ciphertext, false)
            .map_err(|e| CryptoFailure::Other(e.to_string()))?;
        match padding::unpad(&raw) {
            Err(flaw) => Err(CryptoFailure::Padding(flaw)),
            Ok(_) => Err(CryptoFailure::Other(
                "OpenSSL rejected PKCS#7 padding that is well formed".into(),
            )),
        }
    }
}

/// AES-128-CBC or AES-256-CBC by key length; the moveo scheme has no
/// AES-192, so a 24-byte key is [`CryptoFailure::KeyLength`], as in the
/// reference.
fn cbc_cipher(key: &[u8]) -> Result<Cipher, CryptoFailure> {
    match key.len() {
        16 => Ok(Cipher::aes_128_cbc()),
        32 => Ok(Cipher::aes_256_cbc()),
        n => Err(CryptoFailure::KeyLength(n)),
    }
}

/// One whole AES-CBC pass, with or without PKCS#7 (un)padding.
fn cbc(
    cipher: Cipher,
    mode: Mode,
    key: &[u8],
    iv: &[u8],
    input: &[u8],
    pad: bool,
) -> Result<Zeroizing<Vec<u8>>, openssl::error::ErrorStack> {
    let mut crypter = Crypter::new(cipher, mode, key, Some(iv))?;
    crypter.pad(pad);
    // `update` and `finalize` need a block of room beyond the input.
    let mut out = Zeroizing::new(vec![0u8; input.len() + 2 * cipher.block_size()]);
    let mut len = crypter.update(input, &mut out)?;
    len += crypter.finalize(&mut out[len..])?;
    out.truncate(len);
    Ok(out)
}

fn oaep256_encrypt(key: &PublicKey, data: &[u8]) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    let pkey = PUBLIC_KEYS.with(|c| {
        c.get_or_try(public_identity(key), || {
            PKey::public_key_from_der(key.spki_der())
        })
    })?;
    let mut encrypter = Encrypter::new(&pkey)?;
    encrypter.set_rsa_padding(Padding::PKCS1_OAEP)?;
    encrypter.set_rsa_oaep_md(MessageDigest::sha256())?;
    encrypter.set_rsa_mgf1_md(MessageDigest::sha256())?;
    let mut out = vec![0u8; encrypter.encrypt_len(data)?];
    let len = encrypter.encrypt(data, &mut out)?;
    out.truncate(len);
    Ok(out)
}

fn oaep256_decrypt(
    key: &PrivateKey,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, openssl::error::ErrorStack> {
    let pkey = PRIVATE_KEYS.with(|c| {
        c.get_or_try(private_identity(key), || {
            PKey::private_key_from_pkcs8(&key.pkcs8_der())
        })
    })?;
    let mut decrypter = Decrypter::new(&pkey)?;
    decrypter.set_rsa_padding(Padding::PKCS1_OAEP)?;
    decrypter.set_rsa_oaep_md(MessageDigest::sha256())?;
    decrypter.set_rsa_mgf1_md(MessageDigest::sha256())?;
    let mut out = Zeroizing::new(vec![0u8; decrypter.decrypt_len(ciphertext)?]);
    let len = decrypter.decrypt(ciphertext, &mut out)?;
    out.truncate(len);
    Ok(out)
}
