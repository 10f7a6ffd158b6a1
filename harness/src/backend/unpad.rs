//! RSA encryption paddings undone by hand from the raw RSA block (the
//! ciphertext to the private exponent, no padding removed), for
//! diagnosis: one private-key operation, then every padding a mistaken
//! sender may have used is read from the same block. Not for decrypting
//! tokens that conform: the profiles' own scheme goes through each
//! library's OAEP.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::CryptoFailure;

/// RSAES-PKCS1-v1_5 (RFC 8017 §7.2.2 step 3): `00 02`, eight or more
/// non-zero bytes, `00`, the message.
pub fn pkcs1v15(em: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let rest = em.strip_prefix(&[0, 2])?;
    let end = rest.iter().position(|b| *b == 0)?;
    (end >= 8).then(|| Zeroizing::new(rest[end + 1..].to_vec()))
}

/// RSA-OAEP-SHA256 under a non-empty label: the message, and which of
/// `labels` the block's label hash is (`None`: another label);
/// [`CryptoFailure::RsaDecrypt`] when the block is not OAEP-SHA256, or is
/// under the empty label.
pub fn oaep256_labelled(
    em: &[u8],
    labels: &[&str],
) -> Result<(Option<usize>, Zeroizing<Vec<u8>>), CryptoFailure> {
    let (label_hash, message) = oaep_sha256_decode(em).ok_or(CryptoFailure::RsaDecrypt)?;
    if label_hash == Sha256::digest(b"").as_slice() {
        return Err(CryptoFailure::RsaDecrypt);
    }
    let which = labels
        .iter()
        .position(|l| Sha256::digest(l.as_bytes()).as_slice() == label_hash.as_slice());
    Ok((which, message))
}

/// EME-OAEP decoding with SHA-256 and MGF1-SHA-256 (RFC 8017 §7.1.2 step
/// 3), except that the label hash is returned instead of compared: the
/// hash the block carries, and the message.
fn oaep_sha256_decode(em: &[u8]) -> Option<([u8; 32], Zeroizing<Vec<u8>>)> {
    const H: usize = 32;
    if em.len() < 2 * H + 2 || em[0] != 0 {
        return None;
    }
    let (masked_seed, masked_db) = em[1..].split_at(H);
    let mut seed = Zeroizing::new(masked_seed.to_vec());
    xor_mgf1(&mut seed, masked_db);
    let mut db = Zeroizing::new(masked_db.to_vec());
    xor_mgf1(&mut db, &seed);
    let mut label_hash = [0u8; H];
    label_hash.copy_from_slice(&db[..H]);
    let rest = &db[H..];
    let start = rest.iter().position(|b| *b != 0)?;
    (rest[start] == 1).then(|| (label_hash, Zeroizing::new(rest[start + 1..].to_vec())))
}

/// XORs `out` with MGF1-SHA-256 of `seed`.
fn xor_mgf1(out: &mut [u8], seed: &[u8]) {
    for (counter, chunk) in out.chunks_mut(32).enumerate() {
        let mask = Sha256::new()
            .chain_update(seed)
            .chain_update((counter as u32).to_be_bytes())
            .finalize();
        for (o, m) in chunk.iter_mut().zip(mask) {
            *o ^= m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs1v15_needs_eight_bytes_of_padding() {
        let mut em = vec![0, 2];
        em.extend([7u8; 8]);
        em.push(0);
        em.extend(b"key");
        assert_eq!(
            pkcs1v15(&em).as_deref().map(|m| m.as_slice()),
            Some(&b"key"[..])
        );
        let short = [0, 2, 7, 7, 7, 0, b'k'];
        assert!(pkcs1v15(&short).is_none());
        assert!(pkcs1v15(&[0, 1, 7, 7, 7, 7, 7, 7, 7, 7, 0]).is_none());
    }
}
