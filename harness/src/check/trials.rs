//! The trials of the catalogue of mistakes that need cryptography: each
//! redoes a failed step the way the mistaken code did, through the
//! backend's primitives, and runs only after the regular path failed.
//! A trial that reproduces the token's bytes confirms its mistake.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::decode::decode_hex;
use super::TokenCheck;
use crate::backend::{Primitives, RsaScheme};
use crate::jose::b64::{self, Dialect};
use crate::jose::json;
use crate::keys::{PrivateKey, PublicKey};
use crate::mistakes::{self as m, Mistake};
use crate::padding::{self, BLOCK};
use crate::rules::{self as r, Rule};

/// A context the trials recovered: the mistake that explains it, what
/// showed it, and the plaintext.
pub(super) struct Recovered {
    /// The rule its finding has: the mistake's own, or the symptom's.
    pub rule: Option<Rule>,
    pub mistake: &'static Mistake,
    pub detail: String,
    pub plaintext: Zeroizing<Vec<u8>>,
}

/// The secrets a context was encrypted with, and the text they were
/// decoded from when they were sent as text.
pub(super) struct Secrets<'s> {
    pub key: &'s [u8],
    pub iv: &'s [u8],
    pub key_text: Option<&'s [u8]>,
    pub iv_text: Option<&'s [u8]>,
}

impl TokenCheck<'_, '_> {
    /// RSA-OAEP-SHA256 under a label: the label (named when it is one
    /// seen in examples) and the message.
    pub(super) fn oaep_label(
        &self,
        key: &PrivateKey,
        ciphertext: &[u8],
    ) -> Option<(Option<&'static str>, Zeroizing<Vec<u8>>)> {
        let labels = RsaScheme::LABELS_SEEN;
        self.raw
            .rsa_oaep256_labelled(key, ciphertext, &labels)
            .ok()
            .map(|(which, message)| (which.map(|i| labels[i]), message))
    }

    /// AES-CBC decryption and PKCS#7 removal as the receiver does it,
    /// through the backend; `None` on any failure.
    fn cbc(&self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.o.backend.aes_cbc_decrypt(key, iv, data).ok()
    }

    /// The trials for a context that did not decrypt to valid padding,
    /// or was not whole blocks: each redoes the encryption the mistaken
    /// way; the first whose plaintext is a JSON object confirms its
    /// mistake.
    pub(super) fn context_trials(
        &self,
        secrets: &Secrets<'_>,
        context: &[u8],
    ) -> Option<Recovered> {
        let whole = !context.is_empty() && context.len().is_multiple_of(BLOCK);
        let object = |p: &[u8]| json::parse_object(p, self.o.limits.max_json_depth).is_ok();
        // Base64 text of the ciphertext, encoded again.
        if let Some(inner) = base64_text(context).filter(|c| !c.is_empty() && c.len() % BLOCK == 0)
        {
            if let Some(p) = self.cbc(secrets.key, secrets.iv, &inner) {
                return Some(Recovered {
                    rule: Some(r::MOVEO_CONTEXT_BASE64_TWICE),
                    mistake: &m::ENCODING_BASE64_TWICE,
                    detail: format!(
                        "context is {} bytes of base64 text; decoded again, {} bytes that decrypt",
                        context.len(),
                        inner.len()
                    ),
                    plaintext: p,
                });
            }
        }
        if !whole {
            return None;
        }
        // The padding, read without removing it.
        if let Ok(raw) = self.raw.cbc_decrypt_raw(secrets.key, secrets.iv, context) {
            let trimmed = raw.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
            if trimmed < raw.len() && object(&raw[..trimmed]) {
                return Some(Recovered {
                    rule: None,
                    mistake: &m::AES_ZERO_PADDING,
                    detail: format!(
                        "the context ends in {} zero bytes of padding",
                        raw.len() - trimmed
                    ),
                    plaintext: Zeroizing::new(raw[..trimmed].to_vec()),
                });
            }
            if object(&raw) {
                return Some(Recovered {
                    rule: None,
                    mistake: &m::AES_NO_PADDING,
                    detail: format!("the context is {} bytes of JSON with no padding", raw.len()),
                    plaintext: raw,
                });
            }
            let n = usize::from(raw.last().copied().unwrap_or(0));
            if (1..=BLOCK).contains(&n) && n <= raw.len() && object(&raw[..raw.len() - n]) {
                return Some(Recovered {
                    rule: None,
                    mistake: &m::AES_OTHER_PADDING,
                    detail: format!(
                        "the last byte counts {n} bytes of padding, but they are not all {n}"
                    ),
                    plaintext: Zeroizing::new(raw[..raw.len() - n].to_vec()),
                });
            }
        }
        // Key and IV in each other's place.
        if secrets.key.len() == BLOCK && secrets.iv.len() == BLOCK {
            if let Some(p) = self
                .cbc(secrets.iv, secrets.key, context)
                .filter(|p| object(p))
            {
                return Some(Recovered {
                    rule: Some(r::MOVEO_AES_KEY_IV_SWAPPED),
                    mistake: &m::AES_KEY_IV_SWAPPED,
                    detail: "the context decrypts with the IV as the key and the key as the IV"
                        .into(),
                    plaintext: p,
                });
            }
        }
        // ECB: each block alone, the IV unused.
        let zero_iv = [0u8; BLOCK];
        let ecb: Option<Vec<u8>> = context
            .chunks(BLOCK)
            .map(|b| {
                self.raw
                    .cbc_decrypt_raw(secrets.key, &zero_iv, b)
                    .ok()
                    .map(|p| p.to_vec())
            })
            .collect::<Option<Vec<_>>>()
            .map(|blocks| blocks.concat());
        if let Some(p) = ecb.and_then(|raw| padding::unpad(&raw).ok().map(<[u8]>::to_vec)) {
            if object(&p) {
                return Some(Recovered {
                    rule: Some(r::MOVEO_AES_ECB),
                    mistake: &m::AES_ECB,
                    detail: "the context decrypts block by block with AES-ECB".into(),
                    plaintext: Zeroizing::new(p),
                });
            }
        }
        // The key's (and IV's) text cut or zero-padded to the AES size.
        let text_keys = secrets.key_text.map(resized_keys).unwrap_or_default();
        let text_ivs: Vec<Vec<u8>> = secrets
            .iv_text
            .map(|t| vec![resize(t, BLOCK)])
            .unwrap_or_default();
        let ivs: Vec<&[u8]> = std::iter::once(secrets.iv)
            .chain(text_ivs.iter().map(Vec::as_slice))
            .collect();
        let keys: Vec<&[u8]> = std::iter::once(secrets.key)
            .chain(text_keys.iter().map(|k| k.as_slice()))
            .collect();
        for (ki, k) in keys.iter().enumerate() {
            for (vi, v) in ivs.iter().enumerate() {
                if ki == 0 && vi == 0 {
                    continue;
                }
                if let Some(p) = self.cbc(k, v, context).filter(|p| object(p)) {
                    let what = match (ki > 0, vi > 0) {
                        (true, true) => "the key's and the IV's text",
                        (true, false) => "the key's text",
                        _ => "the IV's text",
                    };
                    return Some(Recovered {
                        rule: Some(r::MOVEO_AES_TEXT_TRUNCATED),
                        mistake: &m::AES_KEY_TEXT_TRUNCATED,
                        detail: format!(
                            "the context decrypts under {what} cut or zero-padded to {} bytes",
                            k.len()
                        ),
                        plaintext: p,
                    });
                }
            }
        }
        // The hex text of a 16-byte key, a valid AES-256 key length.
        if let Some(k) = std::str::from_utf8(secrets.key)
            .ok()
            .and_then(decode_hex)
            .filter(|k| k.len() == 16)
        {
            if let Some(p) = self.cbc(&k, secrets.iv, context) {
                return Some(Recovered {
                    rule: Some(r::MOVEO_AES_KEY_AS_TEXT),
                    mistake: &m::AES_SECRET_AS_TEXT,
                    detail: "the AES key is 32 characters of hex text for 16 bytes".into(),
                    plaintext: p,
                });
            }
        }
        None
    }

    /// A context whose padding was right but whose plaintext is no JSON
    /// object: the IV in front, or the object in another notation.
    pub(super) fn plaintext_trials(
        &self,
        plaintext: &[u8],
    ) -> Option<(&'static Mistake, String, Map<String, Value>)> {
        let depth = self.o.limits.max_json_depth;
        if plaintext.len() > BLOCK {
            if let Ok(object) = json::parse_object(&plaintext[BLOCK..], depth) {
                return Some((
                    &m::AES_IV_PREPENDED,
                    "the first 16 bytes decrypt to garbage and the rest is the JSON object".into(),
                    object,
                ));
            }
        }
        m::patterns::plaintext_form(plaintext).map(|(mistake, object)| {
            let detail = format!(
                "the plaintext is not JSON; read as {}, it holds the object",
                mistake.message
            );
            (mistake, detail, object)
        })
    }

    /// A signature that did not verify RS256: PSS, another hash.
    pub(super) fn signature_trials(
        &self,
        key: &PublicKey,
        input: &[u8],
        signature: &[u8],
    ) -> Option<(&'static Mistake, String)> {
        if self.raw.ps256_verify(key, input, signature).is_ok() {
            return Some((
                &m::JWS_PSS_PADDING,
                "the signature verifies as PS256 (RSASSA-PSS with SHA-256)".into(),
            ));
        }
        for (alg, hash) in [("RS1", "SHA-1"), ("RS384", "SHA-384"), ("RS512", "SHA-512")] {
            if self.raw.pkcs1v15_verify(alg, key, input, signature).is_ok() {
                return Some((
                    &m::JWS_OTHER_HASH,
                    format!("the signature verifies as RSASSA-PKCS1-v1_5 with {hash}"),
                ));
            }
        }
        // The bytes hand-made JWTs sign by mistake.
        let text = std::str::from_utf8(input).ok()?;
        let (header_b64, payload_b64) = text.split_once('.')?;
        let header = b64::decode(header_b64, Dialect::Url).bytes?;
        let payload = b64::decode(payload_b64, Dialect::Url).bytes?;
        let joined = [header.as_slice(), b".", payload.as_slice()].concat();
        let candidates: [(&[u8], &str); 3] = [
            (&payload, "the claims JSON"),
            (payload_b64.as_bytes(), "the payload segment alone"),
            (&joined, "the header and claims JSON joined by '.'"),
        ];
        let what = candidates
            .into_iter()
            .find(|(bytes, _)| self.o.backend.rs256_verify(key, bytes, signature).is_ok())
            .map(|(_, what)| what)?;
        Some((
            &m::JWS_SIGNED_WRONG_BYTES,
            format!("the signature is a valid RS256 signature over {what}"),
        ))
    }

    /// A signature segment of the wrong length that is the hex or base64
    /// text of a signature that verifies.
    pub(super) fn signature_text(
        &self,
        key: &PublicKey,
        input: &[u8],
        segment: &[u8],
    ) -> Option<String> {
        let text = std::str::from_utf8(segment).ok()?.trim();
        let hex = decode_hex(text).map(|b| ("hex", b.to_vec()));
        let std = b64::decode(text, Dialect::Standard)
            .strict()
            .map(|b| ("base64", b));
        let url = b64::decode(text, Dialect::Url)
            .bytes
            .map(|b| ("base64url", b));
        [hex, std, url].into_iter().flatten().find_map(|(form, bytes)| {
            (bytes.len() == key.size() && self.o.backend.rs256_verify(key, input, &bytes).is_ok()).then(|| {
                format!("the signature segment is {} characters of {form} text of a valid RS256 signature", text.len())
            })
        })
    }
}

/// Standard base64 text (the context claim's form) decoded again, when
/// the bytes are such text.
pub(super) fn base64_text(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?.trim();
    if text.len() < 4 {
        return None;
    }
    b64::decode(text, Dialect::Standard).strict()
}

/// A text cut or zero-padded to `len` bytes, as PHP's openssl_encrypt
/// treats a key or IV of the wrong length.
fn resize(text: &[u8], len: usize) -> Vec<u8> {
    let mut out = text[..text.len().min(len)].to_vec();
    out.resize(len, 0);
    out
}

/// The AES keys a text makes when a library cuts or pads it: to 32, 24
/// and 16 bytes.
fn resized_keys(text: &[u8]) -> Vec<Zeroizing<Vec<u8>>> {
    [32, 24, 16]
        .into_iter()
        .map(|n| Zeroizing::new(resize(text, n)))
        .collect()
}
