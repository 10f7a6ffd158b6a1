//! Which implementations the targets use, chosen through
//! [`crate::backend`] by role and capability, never by name.

use rsa::traits::PublicKeyParts;
use rsa::BigUint;

pub(super) use crate::backend::RsaScheme;
use crate::backend::{self, Backend, Primitives, WithReference};
use crate::keys::PublicKey;

/// The reference: what every differential target compares the others with
/// (the backend whose randomness is the caller's, so inputs replay).
pub(super) fn reference() -> &'static dyn Backend {
    backend::reproducible()
}

/// The reference's raw primitives, that the targets build their inputs
/// with (RSA under any scheme, GCM of any size, unpadded CBC) and compare
/// the others' with.
pub(super) fn raw() -> WithReference<'static> {
    backend::primitives_of(reference())
}

/// The backend the check targets use: `check`'s default, whose contexts
/// are kept per key and thread and so carry from one input to the next as
/// they do from one token to the next in a batch. The rules do not depend
/// on the backend, and the default is the fastest; the differential
/// targets compare the backends themselves.
pub(super) fn fast() -> &'static dyn Backend {
    backend::default_for_checking()
}

/// The backend that signs and encrypts in the structure-aware target and
/// signs in the RS256 target: one independent of the reference and of the
/// checking backend ([`backend::independent_producer`]).
pub(super) fn fast_producer() -> &'static dyn Backend {
    backend::independent_producer()
}

/// Every other backend's AES-GCM decryption, with the backend's id: each
/// answers for the inputs it takes and says `Unsupported` for the others
/// (josekit's on A256GCM's lengths only; the openssl backend's reuses one
/// context per thread from input to input, and must agree on every one).
pub(super) fn gcm_decryptions() -> Vec<(&'static str, &'static dyn Primitives)> {
    backend::all()
        .into_iter()
        .filter(|b| b.id() != reference().id())
        .filter_map(|b| Some((b.id(), b.primitives()?)))
        .collect()
}

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
