//! PKCS#7 padding for AES-CBC (what Java calls PKCS5Padding), with each
//! way an unpad can fail named, so a report can say which mistake it is.

use serde::Serialize;

/// The AES block size in bytes.
pub const BLOCK: usize = 16;

/// Why PKCS#7 padding is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaddingFlaw {
    /// There is no data at all, so no padding.
    Empty,
    /// The last byte is zero (zero padding, or no padding at all).
    Zero,
    /// The last byte is larger than the block size (no padding was added).
    OverBlockSize(u8),
    /// The padding bytes are not all equal to the padding length.
    Inconsistent,
}

impl PaddingFlaw {
    /// A phrase for reports.
    pub fn describe(self) -> String {
        match self {
            PaddingFlaw::Empty => "there is no data, so no padding".into(),
            PaddingFlaw::Zero => {
                "the last byte is 0 (zero padding, or no padding added to aligned data)".into()
            }
            PaddingFlaw::OverBlockSize(n) => {
                format!("the last byte is {n}, larger than the 16-byte block (no padding added)")
            }
            PaddingFlaw::Inconsistent => {
                "the padding bytes are not all equal to the padding length (wrong key or IV, or another padding scheme)".into()
            }
        }
    }
}

/// Appends 1 to 16 bytes of PKCS#7 padding.
pub fn pad(data: &[u8]) -> Vec<u8> {
    let n = BLOCK - data.len() % BLOCK;
    let mut out = Vec::with_capacity(data.len() + n);
    out.extend_from_slice(data);
    out.resize(data.len() + n, n as u8);
    out
}

/// Removes PKCS#7 padding, or says how it is broken.
pub fn unpad(data: &[u8]) -> Result<&[u8], PaddingFlaw> {
    let &last = data.last().ok_or(PaddingFlaw::Empty)?;
    let n = usize::from(last);
    if n == 0 {
        return Err(PaddingFlaw::Zero);
    }
    if n > BLOCK {
        return Err(PaddingFlaw::OverBlockSize(last));
    }
    if n > data.len() || data[data.len() - n..].iter().any(|&b| b != last) {
        return Err(PaddingFlaw::Inconsistent);
    }
    Ok(&data[..data.len() - n])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_then_unpad_is_identity() {
        for len in 0..40 {
            let data: Vec<u8> = (0..len as u8).collect();
            let padded = pad(&data);
            assert_eq!(padded.len() % BLOCK, 0);
            assert!(padded.len() > data.len());
            assert_eq!(unpad(&padded), Ok(&data[..]));
        }
    }

    #[test]
    fn each_flaw_is_named() {
        assert_eq!(unpad(&[]), Err(PaddingFlaw::Empty));
        assert_eq!(
            unpad(&[1; 15].iter().chain(&[0]).copied().collect::<Vec<_>>()),
            Err(PaddingFlaw::Zero)
        );
        assert_eq!(unpad(&[17; 16]), Err(PaddingFlaw::OverBlockSize(17)));
        let mut block = [3u8; 16];
        block[14] = 2;
        assert_eq!(unpad(&block), Err(PaddingFlaw::Inconsistent));
    }
}
