//! The parser targets: compact serialization, base64url against the
//! `base64` crate, strict JSON against serde_json, key loading, PKCS#7.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::Value;

use super::hex;
use crate::jose::b64::{self, B64Flaw, Dialect};
use crate::jose::json::{self, JsonProblem};
use crate::jose::{self, Compact};
use crate::keys::{self, KeyMaterial};
use crate::padding::{self, PaddingFlaw, BLOCK};

/// Compact serialization: the split re-joins to the input, segments decode
/// without panicking, the header parses.
pub fn compact(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let segments: Vec<&str> = match jose::split(&text) {
        Compact::Jws(jws) => {
            let joined = format!("{}.{}.{}", jws.header, jws.payload, jws.signature);
            assert_eq!(joined, text, "a JWS split does not re-join");
            assert_eq!(
                jws.signing_input(),
                format!("{}.{}", jws.header, jws.payload)
            );
            vec![jws.header, jws.payload, jws.signature]
        }
        Compact::Jwe(jwe) => {
            let joined = format!(
                "{}.{}.{}.{}.{}",
                jwe.header, jwe.encrypted_key, jwe.iv, jwe.ciphertext, jwe.tag
            );
            assert_eq!(joined, text, "a JWE split does not re-join");
            vec![
                jwe.header,
                jwe.encrypted_key,
                jwe.iv,
                jwe.ciphertext,
                jwe.tag,
            ]
        }
        Compact::Other(n) => {
            assert_eq!(n, text.split('.').count(), "segment count");
            assert!(n != 3 && n != 5, "{n} segments is a JWS or a JWE");
            return;
        }
    };
    for (i, segment) in segments.iter().enumerate() {
        let decoded = b64::decode(segment, Dialect::Url);
        if let (0, Some(bytes)) = (i, &decoded.bytes) {
            let _ = json::parse_object(bytes, json::DEFAULT_MAX_DEPTH);
        }
    }
}

/// Our base64 decoder against the `base64` crate: the strict readings
/// agree in both dialects, the lenient one is self-consistent, and both
/// encoders write what the crate writes.
pub fn base64url(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for (dialect, engine) in [
        (Dialect::Url, &URL_SAFE_NO_PAD),
        (Dialect::Standard, &STANDARD),
    ] {
        let ours = b64::decode(&text, dialect);
        let fatal = ours.flaws.iter().any(|f| f.is_fatal());
        assert_eq!(
            ours.bytes.is_none(),
            fatal,
            "{dialect:?} {text:?}: bytes {:?} with flaws {:?}",
            ours.bytes,
            ours.flaws
        );
        assert!(
            ours.flaws.windows(2).all(|w| w[0] < w[1]),
            "flaws not sorted and unique: {:?}",
            ours.flaws
        );
        let foreign = match dialect {
            Dialect::Url => [B64Flaw::MissingPadding, B64Flaw::UrlAlphabet],
            Dialect::Standard => [B64Flaw::Padding, B64Flaw::StdAlphabet],
        };
        assert!(
            !ours.flaws.iter().any(|f| foreign.contains(f)),
            "{dialect:?} {text:?}: a flaw of the other dialect {:?}",
            ours.flaws
        );
        let theirs = engine.decode(text.as_bytes()).ok();
        assert_eq!(
            ours.clone().strict(),
            theirs,
            "{dialect:?}: strict decoding of {text:?} disagrees with the base64 crate (our flaws {:?})",
            ours.flaws
        );
        if let Some(bytes) = &ours.bytes {
            // Whatever was recovered has a canonical form that reads back.
            let canonical = match dialect {
                Dialect::Url => b64::encode_url(bytes),
                Dialect::Standard => b64::encode_std(bytes),
            };
            let again = b64::decode(&canonical, dialect);
            assert_eq!(again.flaws, vec![], "{canonical:?} is not canonical");
            assert_eq!(again.bytes.as_ref(), Some(bytes));
            if ours.flaws.is_empty() {
                assert_eq!(canonical, text, "a flawless text that is not canonical");
            }
        }
    }
    assert_eq!(b64::encode_url(data), URL_SAFE_NO_PAD.encode(data));
    assert_eq!(b64::encode_std(data), STANDARD.encode(data));
    assert_eq!(
        b64::decode_url_strict(&b64::encode_url(data)).as_deref(),
        Ok(data)
    );
}

/// Nesting depth of a JSON value: 0 for a scalar, 1 for a flat container.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Our strict JSON against serde_json: what we accept, serde_json accepts
/// with the same value; what serde_json accepts and we refuse is a
/// duplicate member, too deep, or (for an object) not an object.
pub fn json(data: &[u8]) {
    let max = json::DEFAULT_MAX_DEPTH;
    let theirs: Result<Value, _> = serde_json::from_slice(data);
    match (json::parse_object(data, max), &theirs) {
        (Ok(map), Ok(Value::Object(other))) => assert_eq!(&map, other, "values differ"),
        (Ok(map), other) => {
            panic!("we read the object {map:?}, serde_json reads {other:?}")
        }
        (Err(JsonProblem::DuplicateMember(_)), Ok(_)) | (Err(_), Err(_)) => {}
        (Err(JsonProblem::TooDeep(limit)), Ok(value)) => {
            assert!(depth(value) > limit, "too deep at depth {}", depth(value))
        }
        (Err(JsonProblem::NotObject(kind)), Ok(value)) => {
            assert!(!value.is_object(), "an object said not to be one");
            assert_eq!(kind, json::kind(value));
        }
        (Err(problem), Ok(value)) => {
            panic!("we refuse ({problem}) what serde_json reads as {value:?}")
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        match (json::parse_value(text, max), &theirs) {
            (Ok(value), Ok(other)) => assert_eq!(&value, other, "values differ"),
            (Ok(value), Err(e)) => panic!("we read {value:?}, serde_json refuses: {e}"),
            (Err(JsonProblem::DuplicateMember(_)), Ok(_)) | (Err(_), Err(_)) => {}
            (Err(JsonProblem::TooDeep(limit)), Ok(value)) => assert!(depth(value) > limit),
            (Err(problem), Ok(value)) => {
                panic!("we refuse ({problem}) what serde_json reads as {value:?}")
            }
        }
    }
}

/// Key loading in every form; a key that loads re-encodes (SPKI, PKCS#8)
/// to the same key, and every error renders.
pub fn keys(data: &[u8]) {
    let loaded = match keys::parse(data, "fuzz-input") {
        Ok(loaded) => loaded,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let public = loaded.public();
    assert!(!public.spki_der().is_empty(), "a loaded key with no SPKI");
    let _ = public.fingerprint();
    match keys::parse(public.spki_der(), "spki") {
        Ok(again) => assert_eq!(again.public().spki_der(), public.spki_der()),
        Err(error) => panic!("the SPKI of a loaded key does not load: {error}"),
    }
    if let KeyMaterial::Private(private) = &loaded.material {
        match keys::parse(&private.pkcs8_der(), "pkcs8") {
            Ok(again) => assert_eq!(again.public().spki_der(), public.spki_der()),
            Err(error) => panic!("the PKCS#8 of a loaded key does not load: {error}"),
        }
    }
}

// ---- padding ----------------------------------------------------------------

/// The flaw `unpad` must name for `data`, worked out from the definition.
pub(super) fn expected_padding(data: &[u8]) -> Result<usize, PaddingFlaw> {
    let Some(&last) = data.last() else {
        return Err(PaddingFlaw::Empty);
    };
    let n = usize::from(last);
    if n == 0 {
        Err(PaddingFlaw::Zero)
    } else if n > BLOCK {
        Err(PaddingFlaw::OverBlockSize(last))
    } else if n > data.len() || data[data.len() - n..].iter().any(|&b| b != last) {
        Err(PaddingFlaw::Inconsistent)
    } else {
        Ok(data.len() - n)
    }
}

/// PKCS#7: `unpad` names exactly the flaw the definition gives, and `pad`
/// and `unpad` are inverse.
pub fn pkcs7(data: &[u8]) {
    let got = padding::unpad(data).map(<[u8]>::len);
    assert_eq!(got, expected_padding(data), "unpad of {}", hex(data));
    let padded = padding::pad(data);
    assert_eq!(padded.len() % BLOCK, 0);
    assert_eq!(padding::unpad(&padded), Ok(data));
}
