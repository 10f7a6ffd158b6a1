//! Results of the deterministic RSA operations the differential targets
//! repeat, remembered per thread.
//!
//! The fuzzer edits an input around a corpus entry, so most inputs of
//! `jwe_decrypt` carry an encrypted key seen before and most of
//! `jws_verify` sign an input seen before; an RSA private-key operation is
//! their whole cost (the reference's, in `num-bigint-dig`, some eighteen
//! OpenSSL ones). The operations remembered are deterministic (the
//! reference's OAEP decryption, RSASSA-PKCS1-v1_5 signing), so a
//! remembered result is the one the operation would give again: the
//! oracle is unchanged. The backends under test are never remembered:
//! each of their calls runs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hash;
use std::thread::LocalKey;

/// Results kept per thread before the table starts afresh: a run's inputs
/// come in bursts around one corpus entry, so recent results are the ones
/// that come back.
const CAPACITY: usize = 4096;

/// A table of remembered results.
pub(super) type Table<K, V> = RefCell<HashMap<K, V>>;

/// `compute()`'s result for `key`, from `table` when it is there.
pub(super) fn remembered<K: Hash + Eq, V: Clone>(
    table: &'static LocalKey<Table<K, V>>,
    key: K,
    compute: impl FnOnce() -> V,
) -> V {
    if let Some(v) = table.with(|t| t.borrow().get(&key).cloned()) {
        return v;
    }
    let value = compute();
    table.with(|t| {
        let mut t = t.borrow_mut();
        if t.len() >= CAPACITY {
            t.clear();
        }
        t.insert(key, value.clone());
    });
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static SQUARES: Table<u32, u32> = RefCell::new(HashMap::new());
    }

    #[test]
    fn computes_once_per_key_and_starts_afresh_when_full() {
        let mut calls = 0;
        for _ in 0..3 {
            assert_eq!(
                remembered(&SQUARES, 7, || {
                    calls += 1;
                    49
                }),
                49
            );
        }
        assert_eq!(calls, 1);
        for k in 0..CAPACITY as u32 + 1 {
            remembered(&SQUARES, k + 100, || k);
        }
        assert!(SQUARES.with(|t| t.borrow().len()) <= CAPACITY);
    }
}
