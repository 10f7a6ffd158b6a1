//! The jsonwebtoken backend: RS256 only, through `jsonwebtoken::crypto`'s
//! `sign` and `verify` over a signing input, with keys read by
//! jsonwebtoken's own PEM parser (PKCS#8 and SPKI).
//!
//! Built with the `rust_crypto` feature alone, jsonwebtoken picks its
//! RustCrypto provider by itself: nothing process-wide is installed. Its
//! RSA is the same `rsa` crate as the reference's, so this backend checks
//! jsonwebtoken's key handling and JWS plumbing more than the arithmetic.
//! JWE and the moveo context scheme are not in jsonwebtoken; wrap this
//! backend in [`super::Stacked`] to take part in whole tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{crypto, Algorithm, DecodingKey, EncodingKey};

use super::{Backend, Capabilities, CryptoFailure};
use crate::keys::{PrivateKey, PublicKey};

/// jsonwebtoken's RS256.
#[derive(Debug, Clone, Copy, Default)]
pub struct Jsonwebtoken;

impl Backend for Jsonwebtoken {
    fn id(&self) -> &'static str {
        "jsonwebtoken"
    }

    fn library(&self) -> String {
        format!(
            "jsonwebtoken {} (rust_crypto: rsa {})",
            env!("JOSE_HARNESS_DEP_JSONWEBTOKEN"),
            env!("JOSE_HARNESS_DEP_RSA")
        )
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            rs256_sign: true,
            rs256_verify: true,
            ..Capabilities::default()
        }
    }

    fn rs256_sign(&self, key: &PrivateKey, signing_input: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        let key = EncodingKey::from_rsa_pem(key.pkcs8_pem().as_bytes()).map_err(other)?;
        let signature = crypto::sign(signing_input, &key, Algorithm::RS256).map_err(other)?;
        URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|e| CryptoFailure::Other(format!("jsonwebtoken's signature: {e}")))
    }

    fn rs256_verify(
        &self,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        let key = DecodingKey::from_rsa_pem(key.spki_pem().as_bytes()).map_err(other)?;
        // jsonwebtoken takes the signature as it appears in a token.
        let signature = URL_SAFE_NO_PAD.encode(signature);
        match crypto::verify(&signature, signing_input, &key, Algorithm::RS256) {
            Ok(true) => Ok(()),
            Ok(false) => Err(CryptoFailure::BadSignature),
            Err(e) => Err(other(e)),
        }
    }
}

fn other(e: jsonwebtoken::errors::Error) -> CryptoFailure {
    CryptoFailure::Other(format!("jsonwebtoken: {e}"))
}
