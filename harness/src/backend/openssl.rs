//! The OpenSSL backend: every operation of both profiles (RS256, the JWE
//! with RSA-OAEP-256 + A256GCM, the moveo context with RSA-OAEP-SHA256 and
//! AES-CBC/PKCS#7) straight through the `openssl` crate's EVP interfaces,
//! on the OpenSSL built from source by its `vendored` feature (or the
//! system's, with `OPENSSL_NO_VENDOR=1`).
//!
//! It shares the library with josekit but not the code above it: josekit
//! drives its own algorithm objects, this backend the `EVP_PKEY` calls
//! themselves. It is the fastest backend here, and the default of `check`.
//!
//! Work done once: for each key and thread ([`super::keycache`]) it keeps
//! an `EVP_PKEY_CTX` already initialised for its operation (RS256 signing
//! or verification, OAEP-SHA-256 encryption or decryption), so a token
//! costs the RSA operation itself, not the library's lookup of the
//! algorithm, padding and digest again. Each context stays on the thread
//! that made it, with its key's blinding.
//!
//! OpenSSL reports bad CBC padding as one opaque error. To name the flaw
//! the way the reference does, a failed decryption is decrypted again with
//! padding disabled and the last block classified with
//! [`crate::padding::unpad`]: the result is the same
//! [`CryptoFailure::Padding`] the reference returns for the same input.
//! Lengths are checked up front in the reference's order (for the context:
//! key, IV, ciphertext; for the JWE: encrypted key, content key, IV, tag),
//! so every failure class agrees with the reference's; in particular a
//! short GCM tag never reaches OpenSSL, which would compare a truncated
//! tag.

use std::cell::RefCell;
use std::thread::LocalKey;

use openssl::bn::BigNum;
use openssl::cipher::{Cipher as EvpCipher, CipherRef};
use openssl::cipher_ctx::{CipherCtx, CipherCtxRef};
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::md::Md;
use openssl::pkey::{PKey, Private, Public};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::{Padding, Rsa, RsaPrivateKeyBuilder};
use openssl::sign::{RsaPssSaltlen, Signer};
use openssl::symm::Mode;
use rand::RngCore;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::BigUint;
use zeroize::Zeroizing;

use super::keycache::{private_identity, public_identity, KeyCache};
use super::unpad;
use super::{
    pss_salt_lengths, Backend, Capabilities, CryptoFailure, JweParts, Primitives, RsaScheme,
    A256GCM_KEY_LEN, GCM_IV_LEN, GCM_TAG_LEN,
};
use crate::keys::{PrivateKey, PublicKey};
use crate::padding::{self, BLOCK};
use crate::rng::HarnessRng;

/// A context initialised for one operation with one key, reused by every
/// call on this thread.
type Ctx<T> = RefCell<PkeyCtx<T>>;

thread_local! {
    static SIGNERS: KeyCache<Ctx<Private>> = const { KeyCache::new() };
    static VERIFIERS: KeyCache<Ctx<Public>> = const { KeyCache::new() };
    static ENCRYPTERS: KeyCache<Ctx<Public>> = const { KeyCache::new() };
    static DECRYPTERS: KeyCache<Ctx<Private>> = const { KeyCache::new() };
    /// AES-128-, AES-192- and AES-256-GCM contexts given their cipher
    /// once: a token sets only its key and IV, without the library looking
    /// the cipher up again.
    static GCM: RefCell<[Option<CipherCtx>; 3]> = const { RefCell::new([None, None, None]) };
    /// AES-128- and AES-256-CBC contexts, the same way.
    static CBC: RefCell<[Option<CipherCtx>; 2]> = const { RefCell::new([None, None]) };
}

/// Both profiles' cryptography through OpenSSL's EVP interfaces.
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

    fn primitives(&self) -> Option<&dyn Primitives> {
        Some(self)
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

    /// RSASSA-PKCS1-v1_5 over the SHA-256 digest, through `EVP_PKEY_sign`.
    fn rs256_sign(&self, key: &PrivateKey, signing_input: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        let digest = sha256(signing_input);
        let ctx = SIGNERS
            .with(|c| c.get_or_try(private_identity(key), || signer(key)))
            .map_err(other)?;
        let mut signature = Vec::with_capacity(key.public().size());
        ctx.borrow_mut()
            .sign_to_vec(&digest, &mut signature)
            .map_err(other)?;
        Ok(signature)
    }

    fn rs256_verify(
        &self,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        let digest = sha256(signing_input);
        let ctx = VERIFIERS
            .with(|c| c.get_or_try(public_identity(key), || verifier(key)))
            .map_err(other)?;
        // Like the reference, any failure to verify (a wrong signature, or
        // one of the wrong length) is a bad signature.
        let verified = ctx.borrow_mut().verify(&digest, signature);
        match verified {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => Err(CryptoFailure::BadSignature),
        }
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
        let encrypted_key = oaep256_encrypt(key, cek.as_slice()).map_err(other)?;
        let mut tag = vec![0u8; GCM_TAG_LEN];
        let ciphertext = with_gcm(cek.as_slice(), |ctx| {
            ctx.encrypt_init(None, Some(cek.as_slice()), Some(&iv))?;
            ctx.cipher_update(protected_b64.as_bytes(), None)?;
            let mut out = vec![0u8; plaintext.len() + 1];
            let mut len = ctx.cipher_update(plaintext, Some(&mut out))?;
            len += ctx.cipher_final(&mut out[len..])?;
            out.truncate(len);
            ctx.tag(&mut tag)?;
            Ok(out)
        })
        .map_err(other)?;
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
        let cek = self.rsa_oaep256_decrypt(key, &parts.encrypted_key)?;
        if cek.len() != A256GCM_KEY_LEN {
            return Err(CryptoFailure::KeyLength(cek.len()));
        }
        gcm_decrypt(
            &cek,
            &parts.iv,
            protected_b64.as_bytes(),
            &parts.ciphertext,
            &parts.tag,
        )
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
        oaep256_encrypt(key, data).map_err(other)
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
            .map_err(other)
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
        let raw = cbc(cipher, Mode::Decrypt, key, iv, ciphertext, false).map_err(other)?;
        match padding::unpad(&raw) {
            Err(flaw) => Err(CryptoFailure::Padding(flaw)),
            Ok(_) => Err(CryptoFailure::Other(
                "OpenSSL rejected PKCS#7 padding that is well formed".into(),
            )),
        }
    }
}

/// The primitives the check pipeline diagnoses with: RSA decryption under
/// the OAEP variants, GCM, HMAC and PS256, all through OpenSSL. Forging
/// primitives (which take the caller's RNG) are left to the reference.
///
/// PKCS#1 v1.5 and OAEP under a label are read by hand from the raw RSA
/// block ([`super::unpad`]): OpenSSL 3.2 and later answer a bad v1.5
/// padding with a synthetic message (implicit rejection, the Marvin
/// countermeasure), which the `openssl` crate cannot switch off, so "it
/// decrypts with PKCS#1 v1.5" could not be told from "it is garbage"
/// through its v1.5 decryption. One OpenSSL private-key operation costs a
/// fraction of the reference's.
impl Primitives for Openssl {
    fn rsa_decrypt(
        &self,
        key: &PrivateKey,
        scheme: RsaScheme,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        let (md, mgf1) = match scheme {
            RsaScheme::OaepSha256 => {
                return Backend::rsa_oaep256_decrypt(self, key, ciphertext);
            }
            RsaScheme::OaepSha1 => (Md::sha1(), Md::sha1()),
            RsaScheme::OaepSha256Mgf1Sha1 => (Md::sha256(), Md::sha1()),
            // OpenSSL's PKCS#1 v1.5 decryption rejects implicitly (a
            // random message, never an error), so read the raw block.
            RsaScheme::Pkcs1v15 => {
                let em = raw_private_decrypt(key, ciphertext)?;
                return unpad::pkcs1v15(&em).ok_or(CryptoFailure::RsaDecrypt);
            }
            RsaScheme::OaepSha256Label(_) => {
                return Err(CryptoFailure::Unsupported("OAEP with a label"))
            }
        };
        if ciphertext.len() != key.public().size() {
            return Err(CryptoFailure::RsaDecrypt);
        }
        let decrypt = || -> Result<Zeroizing<Vec<u8>>, ErrorStack> {
            let mut ctx = private_ctx(key)?;
            ctx.decrypt_init()?;
            ctx.set_rsa_padding(Padding::PKCS1_OAEP)?;
            ctx.set_rsa_oaep_md(md)?;
            ctx.set_rsa_mgf1_md(mgf1)?;
            let mut out = Zeroizing::new(vec![0u8; key.public().size()]);
            let len = ctx.decrypt(ciphertext, Some(&mut out))?;
            out.truncate(len);
            Ok(out)
        };
        decrypt().map_err(|_| CryptoFailure::RsaDecrypt)
    }

    fn rsa_oaep256_labelled(
        &self,
        key: &PrivateKey,
        ciphertext: &[u8],
        labels: &[&str],
    ) -> Result<(Option<usize>, Zeroizing<Vec<u8>>), CryptoFailure> {
        let em = raw_private_decrypt(key, ciphertext)?;
        unpad::oaep256_labelled(&em, labels)
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

    fn ps256_verify(
        &self,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        let digest = sha256(signing_input);
        let verifies = |salt: usize| -> Result<bool, ErrorStack> {
            let mut ctx = public_ctx(key)?;
            ctx.verify_init()?;
            ctx.set_rsa_padding(Padding::PKCS1_PSS)?;
            ctx.set_signature_md(Md::sha256())?;
            ctx.set_rsa_mgf1_md(Md::sha256())?;
            let salt = i32::try_from(salt).unwrap_or(i32::MAX);
            ctx.set_rsa_pss_saltlen(RsaPssSaltlen::custom(salt))?;
            ctx.verify(&digest, signature)
        };
        let valid = pss_salt_lengths(key.size())
            .into_iter()
            .any(|salt| verifies(salt).unwrap_or(false));
        if valid {
            Ok(())
        } else {
            Err(CryptoFailure::BadSignature)
        }
    }

    fn hmac(&self, alg: &str, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        let digest = match alg.to_ascii_uppercase().as_str() {
            "HS256" => MessageDigest::sha256(),
            "HS384" => MessageDigest::sha384(),
            "HS512" => MessageDigest::sha512(),
            _ => return Err(CryptoFailure::Other(format!("no HMAC for alg {alg:?}"))),
        };
        let mac = || -> Result<Vec<u8>, ErrorStack> {
            let key = PKey::hmac(key)?;
            Signer::new(digest, &key)?.sign_oneshot_to_vec(data)
        };
        mac().map_err(other)
    }
}

/// SHA-256 through OpenSSL's own SHA-256 functions. Not its one-shot
/// `SHA256()`: in OpenSSL 3 that looks the digest up among the providers
/// on every call (`EVP_Q_digest`), a cost every token paid again.
fn sha256(data: &[u8]) -> [u8; 32] {
    let mut hasher = openssl::sha::Sha256::new();
    hasher.update(data);
    hasher.finish()
}

fn other(e: ErrorStack) -> CryptoFailure {
    CryptoFailure::Other(e.to_string())
}

/// AES-128-CBC or AES-256-CBC by key length; the moveo scheme has no
/// AES-192, so a 24-byte key is [`CryptoFailure::KeyLength`], as in the
/// reference.
fn cbc_cipher(key: &[u8]) -> Result<(usize, &'static CipherRef), CryptoFailure> {
    match key.len() {
        16 => Ok((0, EvpCipher::aes_128_cbc())),
        32 => Ok((1, EvpCipher::aes_256_cbc())),
        n => Err(CryptoFailure::KeyLength(n)),
    }
}

/// One whole AES-CBC pass, with or without PKCS#7 (un)padding, on this
/// thread's context for the key size (`cipher` from [`cbc_cipher`]).
fn cbc(
    (slot, cipher): (usize, &'static CipherRef),
    mode: Mode,
    key: &[u8],
    iv: &[u8],
    input: &[u8],
    pad: bool,
) -> Result<Zeroizing<Vec<u8>>, ErrorStack> {
    with_cipher(&CBC, slot, cipher, |ctx| {
        match mode {
            Mode::Encrypt => ctx.encrypt_init(None, Some(key), Some(iv))?,
            Mode::Decrypt => ctx.decrypt_init(None, Some(key), Some(iv))?,
        }
        ctx.set_padding(pad);
        // `update` and `finalize` need a block of room beyond the input.
        let mut out = Zeroizing::new(vec![0u8; input.len() + 2 * BLOCK]);
        let mut len = ctx.cipher_update(input, Some(&mut out))?;
        len += ctx.cipher_final(&mut out[len..])?;
        out.truncate(len);
        Ok(out)
    })
}

/// AES-GCM decryption (AES-128, -192 or -256 by key length) with JWE's
/// 96-bit IV and 128-bit tag, as [`Backend::jwe_decrypt`] does it after
/// unwrapping the content key; lengths are checked first, in the
/// reference's order, so a failure has the same class as
/// [`super::reference::gcm_decrypt`]'s.
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
    if ![16, 24, 32].contains(&key.len()) {
        return Err(CryptoFailure::KeyLength(key.len()));
    }
    // Every length is right, so the only failure left is the tag not
    // matching.
    with_gcm(key, |ctx| {
        ctx.decrypt_init(None, Some(key), Some(iv))?;
        ctx.set_tag(tag)?;
        ctx.cipher_update(aad, None)?;
        let mut out = Zeroizing::new(vec![0u8; ciphertext.len() + 1]);
        let mut len = ctx.cipher_update(ciphertext, Some(&mut out))?;
        len += ctx.cipher_final(&mut out[len..])?;
        out.truncate(len);
        Ok(out)
    })
    .map_err(|_| CryptoFailure::Integrity)
}

/// Runs `f` on this thread's AES-GCM context for a key of `key`'s length
/// (16, 24 or 32 bytes: the caller has checked), made on first use.
fn with_gcm<R>(
    key: &[u8],
    f: impl FnOnce(&mut CipherCtxRef) -> Result<R, ErrorStack>,
) -> Result<R, ErrorStack> {
    let (slot, cipher) = match key.len() {
        16 => (0, EvpCipher::aes_128_gcm()),
        24 => (1, EvpCipher::aes_192_gcm()),
        _ => (2, EvpCipher::aes_256_gcm()),
    };
    with_cipher(&GCM, slot, cipher, f)
}

/// Runs `f` on this thread's context in `slot` of `cache`, made with
/// `cipher` on first use; `f` sets the key and IV.
fn with_cipher<R, const N: usize>(
    cache: &'static LocalKey<RefCell<[Option<CipherCtx>; N]>>,
    slot: usize,
    cipher: &CipherRef,
    f: impl FnOnce(&mut CipherCtxRef) -> Result<R, ErrorStack>,
) -> Result<R, ErrorStack> {
    cache.with(|cell| {
        let mut contexts = cell.borrow_mut();
        let ctx = match &mut contexts[slot] {
            Some(ctx) => ctx,
            empty => {
                let mut ctx = CipherCtx::new()?;
                ctx.decrypt_init(Some(cipher), None, None)?;
                empty.insert(ctx)
            }
        };
        f(ctx)
    })
}

/// A new context on OpenSSL's copy of `key`.
/// The raw RSA block of `ciphertext` (no padding removed), for the
/// diagnosis's own decoding of the paddings mistaken senders use.
fn raw_private_decrypt(
    key: &PrivateKey,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
    let size = key.public().size();
    if ciphertext.len() != size {
        return Err(CryptoFailure::RsaDecrypt);
    }
    let decrypt = || -> Result<Zeroizing<Vec<u8>>, ErrorStack> {
        let mut ctx = private_ctx(key)?;
        ctx.decrypt_init()?;
        ctx.set_rsa_padding(Padding::NONE)?;
        let mut out = Zeroizing::new(vec![0u8; size]);
        let len = ctx.decrypt(ciphertext, Some(&mut out))?;
        out.truncate(len);
        Ok(out)
    };
    let block = decrypt().map_err(|_| CryptoFailure::RsaDecrypt)?;
    // Left-pad to the key's size, as the block is an integer mod n.
    let mut em = Zeroizing::new(vec![0u8; size.saturating_sub(block.len())]);
    em.extend_from_slice(&block);
    Ok(em)
}

fn private_ctx(key: &PrivateKey) -> Result<PkeyCtx<Private>, ErrorStack> {
    let pkey = private_pkey(key)?;
    PkeyCtx::new(&pkey)
}

/// OpenSSL's copy of `key`, built from its numbers: the key was parsed
/// and checked once already, and encoding it to PKCS#8 for OpenSSL's
/// decoders to parse again costs each thread a few milliseconds (the
/// decoders are looked up first). Every key the harness loads has two
/// primes and their CRT values (the rsa crate computes them when it
/// checks the key); any other goes to OpenSSL as PKCS#8, which the rsa
/// crate cannot write for more than two primes, so such a key is an
/// OpenSSL error here, never a wrong result.
pub fn private_pkey(key: &PrivateKey) -> Result<PKey<Private>, ErrorStack> {
    let rsa = key.rsa();
    let (Some(dp), Some(dq), Some(qinv), [p, q]) =
        (rsa.dp(), rsa.dq(), rsa.crt_coefficient(), rsa.primes())
    else {
        return PKey::private_key_from_pkcs8(&key.pkcs8_der());
    };
    let rsa = RsaPrivateKeyBuilder::new(bn(rsa.n())?, bn(rsa.e())?, bn(rsa.d())?)?
        .set_factors(bn(p)?, bn(q)?)?
        .set_crt_params(bn(dp)?, bn(dq)?, bn(&qinv)?)?
        .build();
    PKey::from_rsa(rsa)
}

/// A new context on OpenSSL's copy of `key`.
fn public_ctx(key: &PublicKey) -> Result<PkeyCtx<Public>, ErrorStack> {
    let pkey = public_pkey(key)?;
    PkeyCtx::new(&pkey)
}

/// OpenSSL's copy of `key`, built from its modulus and exponent (no
/// decoder lookup, as for a private key).
fn public_pkey(key: &PublicKey) -> Result<PKey<Public>, ErrorStack> {
    let rsa = key.rsa();
    PKey::from_rsa(Rsa::from_public_components(bn(rsa.n())?, bn(rsa.e())?)?)
}

/// OpenSSL's copy of a number of a key. Once in the RSA object, the
/// secret ones are wiped when it is freed (`BN_clear_free`); the bytes
/// passed through here are wiped on drop.
fn bn(n: &BigUint) -> Result<BigNum, ErrorStack> {
    BigNum::from_slice(&Zeroizing::new(n.to_bytes_be()))
}

/// A context for RS256 signatures with `key`.
fn signer(key: &PrivateKey) -> Result<Ctx<Private>, ErrorStack> {
    let mut ctx = private_ctx(key)?;
    ctx.sign_init()?;
    rs256(ctx)
}

/// A context verifying RS256 signatures with `key`.
fn verifier(key: &PublicKey) -> Result<Ctx<Public>, ErrorStack> {
    let mut ctx = public_ctx(key)?;
    ctx.verify_init()?;
    rs256(ctx)
}

/// A context encrypting with `key` by RSA-OAEP-SHA256.
fn encrypter(key: &PublicKey) -> Result<Ctx<Public>, ErrorStack> {
    let mut ctx = public_ctx(key)?;
    ctx.encrypt_init()?;
    oaep256(ctx)
}

/// A context decrypting with `key` by RSA-OAEP-SHA256.
fn decrypter(key: &PrivateKey) -> Result<Ctx<Private>, ErrorStack> {
    let mut ctx = private_ctx(key)?;
    ctx.decrypt_init()?;
    oaep256(ctx)
}

/// RS256's parameters on an initialised context: PKCS#1 v1.5 over a
/// SHA-256 digest.
fn rs256<T>(mut ctx: PkeyCtx<T>) -> Result<Ctx<T>, ErrorStack> {
    ctx.set_rsa_padding(Padding::PKCS1)?;
    ctx.set_signature_md(Md::sha256())?;
    Ok(RefCell::new(ctx))
}

/// RSA-OAEP-256's parameters on an initialised context: SHA-256 and
/// MGF1-SHA-256, no label.
fn oaep256<T>(mut ctx: PkeyCtx<T>) -> Result<Ctx<T>, ErrorStack> {
    ctx.set_rsa_padding(Padding::PKCS1_OAEP)?;
    ctx.set_rsa_oaep_md(Md::sha256())?;
    ctx.set_rsa_mgf1_md(Md::sha256())?;
    Ok(RefCell::new(ctx))
}

fn oaep256_encrypt(key: &PublicKey, data: &[u8]) -> Result<Vec<u8>, ErrorStack> {
    let ctx = ENCRYPTERS.with(|c| c.get_or_try(public_identity(key), || encrypter(key)))?;
    let mut out = Vec::with_capacity(key.size());
    ctx.borrow_mut().encrypt_to_vec(data, &mut out)?;
    Ok(out)
}

fn oaep256_decrypt(key: &PrivateKey, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, ErrorStack> {
    let ctx = DECRYPTERS.with(|c| c.get_or_try(private_identity(key), || decrypter(key)))?;
    // OAEP's message is shorter than the modulus; OpenSSL writes at most
    // that much and says how much it wrote.
    let mut out = Zeroizing::new(vec![0u8; key.public().size()]);
    let len = ctx.borrow_mut().decrypt(ciphertext, Some(&mut out))?;
    out.truncate(len);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkeys;

    /// A context kept for the next token must still work after a
    /// decryption or verification that failed on it.
    #[test]
    fn a_kept_context_survives_a_failure() {
        let key = &testkeys::named("recipient").expect("bundled").key;
        let mut rng = HarnessRng::from_seed(1);
        let good = Openssl
            .rsa_oaep256_encrypt(key.public(), b"sixteen byte key", &mut rng)
            .expect("encrypts");
        let mut bad = good.clone();
        bad[10] ^= 1;
        for _ in 0..3 {
            assert_eq!(
                Openssl.rsa_oaep256_decrypt(key, &bad).err(),
                Some(CryptoFailure::RsaDecrypt)
            );
            assert_eq!(
                Openssl
                    .rsa_oaep256_decrypt(key, &good)
                    .expect("decrypts")
                    .as_slice(),
                b"sixteen byte key"
            );
        }
        let signature = Openssl.rs256_sign(key, b"input").expect("signs");
        for _ in 0..3 {
            assert_eq!(
                Openssl.rs256_verify(key.public(), b"other", &signature),
                Err(CryptoFailure::BadSignature)
            );
            assert_eq!(
                Openssl.rs256_verify(key.public(), b"input", &signature[1..]),
                Err(CryptoFailure::BadSignature)
            );
            assert_eq!(
                Openssl.rs256_verify(key.public(), b"input", &signature),
                Ok(())
            );
        }
        // The CBC context: after an encryption, after bad padding (and
        // the second, unpadded pass that names the flaw), after a key of
        // the other size.
        let (key16, key32, iv) = ([1u8; 16], [2u8; 32], [3u8; 16]);
        for _ in 0..3 {
            for k in [&key16[..], &key32[..]] {
                let sealed = Openssl
                    .aes_cbc_encrypt(k, &iv, b"{\"plan\":\"gold\",\"cart\":[1]}")
                    .expect("encrypts");
                let mut bad = sealed.clone();
                let last = bad.len() - 1;
                bad[last - BLOCK] ^= 0x10;
                assert!(matches!(
                    Openssl.aes_cbc_decrypt(k, &iv, &bad),
                    Err(CryptoFailure::Padding(_))
                ));
                assert_eq!(
                    Openssl
                        .aes_cbc_decrypt(k, &iv, &sealed)
                        .expect("decrypts")
                        .as_slice(),
                    b"{\"plan\":\"gold\",\"cart\":[1]}"
                );
            }
        }
    }

    /// The digest RS256 signs is SHA-256 (FIPS 180-2's "abc" example),
    /// also over more than one block.
    #[test]
    fn the_signed_digest_is_sha256() {
        let hex: String = sha256(b"abc").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let long = vec![b'a'; 1000];
        assert_eq!(
            sha256(&long).as_slice(),
            <sha2::Sha256 as sha2::Digest>::digest(&long).as_slice()
        );
    }

    /// OpenSSL's copy built from the key's numbers is the key OpenSSL
    /// itself parses from the PKCS#8 encoding, CRT values included (a
    /// wrong CRT value would not show in any result: OpenSSL's fault
    /// check would quietly redo each operation without the CRT), and the
    /// public copy encodes to the key's own SPKI.
    #[test]
    fn a_key_built_from_its_numbers_is_the_parsed_key() {
        for name in ["recipient", "customer"] {
            let key = &testkeys::named(name).expect("bundled").key;
            let built = private_pkey(key).expect("builds").rsa().expect("RSA");
            let parsed = PKey::private_key_from_pkcs8(&key.pkcs8_der())
                .expect("parses")
                .rsa()
                .expect("RSA");
            assert!(built.check_key().expect("checks"), "{name}");
            let numbers = |r: &Rsa<Private>| {
                [
                    Some(r.n()),
                    Some(r.e()),
                    Some(r.d()),
                    r.p(),
                    r.q(),
                    r.dmp1(),
                    r.dmq1(),
                    r.iqmp(),
                ]
                .map(|n| n.map(|n| n.to_vec()))
            };
            assert_eq!(numbers(&built), numbers(&parsed), "{name}");
            let der = public_pkey(key.public())
                .expect("builds")
                .public_key_to_der()
                .expect("encodes");
            assert_eq!(der, key.public().spki_der(), "{name}");
        }
    }

    /// The diagnostic primitives agree with the reference's on what the
    /// reference made: each wrong RSA scheme decrypts under itself and no
    /// other OAEP variant, PS256 verifies with each salt length libraries
    /// use, and the HMACs are equal.
    #[test]
    fn diagnostic_primitives_agree_with_the_reference() {
        use crate::backend::reference::Reference;
        let key = &testkeys::named("recipient").expect("bundled").key;
        let mut rng = HarnessRng::from_seed(3);
        let oaep = [
            RsaScheme::OaepSha256,
            RsaScheme::OaepSha1,
            RsaScheme::OaepSha256Mgf1Sha1,
        ];
        for made in oaep {
            let ciphertext = Reference
                .rsa_encrypt(key.public(), made, b"sixteen byte key", &mut rng)
                .expect("encrypts");
            for tried in oaep {
                let ours = Openssl.rsa_decrypt(key, tried, &ciphertext);
                let theirs = Reference.rsa_decrypt(key, tried, &ciphertext);
                assert_eq!(ours.is_ok(), tried == made, "{made:?} tried as {tried:?}");
                assert_eq!(ours, theirs, "{made:?} tried as {tried:?}");
            }
        }
        assert_eq!(
            Openssl.rsa_decrypt(key, RsaScheme::OaepSha1, &[1, 2, 3]),
            Err(CryptoFailure::RsaDecrypt)
        );
        // PKCS#1 v1.5 and labelled OAEP are read from the raw RSA block:
        // what the reference made decrypts the same, and a block that is
        // no v1.5 padding is an error, never a synthetic message.
        let v15 = Reference
            .rsa_encrypt(
                key.public(),
                RsaScheme::Pkcs1v15,
                b"sixteen byte key",
                &mut rng,
            )
            .expect("encrypts");
        assert_eq!(
            Openssl.rsa_decrypt(key, RsaScheme::Pkcs1v15, &v15),
            Reference.rsa_decrypt(key, RsaScheme::Pkcs1v15, &v15)
        );
        assert_eq!(
            Openssl
                .rsa_decrypt(key, RsaScheme::Pkcs1v15, &v15)
                .map(|m| m.to_vec()),
            Ok(b"sixteen byte key".to_vec())
        );
        assert_eq!(
            Openssl.rsa_decrypt(key, RsaScheme::Pkcs1v15, &[0; 256]),
            Err(CryptoFailure::RsaDecrypt)
        );
        let label = RsaScheme::LABELS_SEEN[0];
        let labelled = Reference
            .rsa_encrypt(
                key.public(),
                RsaScheme::OaepSha256Label(label),
                b"sixteen byte key",
                &mut rng,
            )
            .expect("encrypts");
        let (found, message) = Openssl
            .rsa_oaep256_labelled(key, &labelled, &RsaScheme::LABELS_SEEN)
            .expect("decodes under one of the labels");
        assert_eq!(found, Some(0));
        assert_eq!(&message[..], b"sixteen byte key");
        assert!(matches!(
            Openssl.rsa_decrypt(key, RsaScheme::OaepSha256Label(label), &labelled),
            Err(CryptoFailure::Unsupported(_))
        ));
        let input = b"eyJhbGciOiJQUzI1NiJ9.e30";
        let signature = Reference.ps256_sign(key, input, &mut rng).expect("signs");
        assert_eq!(
            Openssl.ps256_verify(key.public(), input, &signature),
            Ok(())
        );
        assert_eq!(
            Openssl.ps256_verify(key.public(), b"other input", &signature),
            Err(CryptoFailure::BadSignature)
        );
        for alg in ["HS256", "hs384", "HS512"] {
            assert_eq!(
                Openssl.hmac(alg, b"the public key", input),
                Reference.hmac(alg, b"the public key", input),
                "{alg}"
            );
        }
        assert!(Openssl.hmac("HS999", b"k", input).is_err());
    }
}
