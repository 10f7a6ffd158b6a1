//! Library key objects made once per key and thread, not once per token.
//!
//! The OpenSSL-based backends take keys as DER: turning a [`PrivateKey`]
//! into PKCS#8, having OpenSSL decode it and set up its Montgomery and
//! blinding values costs a good part of an RSA-2048 private operation
//! again. A run checks thousands of tokens with the same two keys, so each
//! backend keeps what it built for a key in a small per-thread cache and
//! builds it again only for a key it has not seen. Per thread, so worker
//! threads never share (or lock) an OpenSSL key, and nothing here needs
//! `Sync`.
//!
//! A key is recognised by a SHA-256 digest of its whole content (the
//! public key's SPKI DER; for a private key also its private exponent and
//! primes), computed once when the key is loaded, never by its address:
//! a different key that happens to reuse memory is never mistaken for one
//! seen before, and finding a key costs a 32-byte comparison, not an
//! encoding of it per token.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::keys::{PrivateKey, PublicKey};

/// Keys kept per cache and thread: more than any one run uses (the
/// interop matrix uses the bundled 2048-, 3072- and 4096-bit pairs).
const CAPACITY: usize = 16;

thread_local! {
    static BUILT: Cell<u64> = const { Cell::new(0) };
}

/// How many key objects this thread has built so far, in every cache: a
/// run that reuses its keys builds each once per thread. For tests.
#[doc(hidden)]
pub fn built_on_this_thread() -> u64 {
    BUILT.with(Cell::get)
}

/// What identifies a key in a cache: a digest of its content.
pub(crate) type Identity = [u8; 32];

/// A public key's identity: the SHA-256 of its SPKI DER.
pub(crate) fn public_identity(key: &PublicKey) -> Identity {
    *key.digest()
}

/// A private key's identity: a SHA-256 of the public key's SPKI DER, the
/// private exponent and the primes (a different domain from any public
/// key's).
pub(crate) fn private_identity(key: &PrivateKey) -> Identity {
    *key.digest()
}

/// One cache: key identity → the object a backend built for it.
pub(crate) struct KeyCache<T> {
    entries: RefCell<Vec<(Identity, Rc<T>)>>,
}

impl<T> KeyCache<T> {
    /// An empty cache (for a `thread_local!`).
    pub(crate) const fn new() -> Self {
        Self {
            entries: RefCell::new(Vec::new()),
        }
    }

    /// The object built for `id`, building it with `make` if this cache
    /// has not seen the key. A failure is returned and not kept, so it
    /// is reported again for the next token.
    pub(crate) fn get_or_try<E>(
        &self,
        id: Identity,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<Rc<T>, E> {
        if let Some((_, object)) = self.entries.borrow().iter().find(|(k, _)| *k == id) {
            return Ok(Rc::clone(object));
        }
        // Built without holding the borrow, so `make` may use other caches.
        let object = Rc::new(make()?);
        BUILT.with(|n| n.set(n.get() + 1));
        let mut entries = self.entries.borrow_mut();
        if entries.len() >= CAPACITY {
            entries.remove(0);
        }
        entries.push((id, Rc::clone(&object)));
        Ok(object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkeys;

    #[test]
    fn a_key_is_built_once_and_a_different_key_again() {
        let cache: KeyCache<usize> = KeyCache::new();
        let customer = &testkeys::named("customer").expect("bundled").key;
        let recipient = &testkeys::named("recipient").expect("bundled").key;
        let mut made = 0;
        for _ in 0..3 {
            for key in [customer, recipient] {
                let got = cache
                    .get_or_try(private_identity(key), || {
                        made += 1;
                        Ok::<_, ()>(key.public().bits())
                    })
                    .expect("builds");
                assert_eq!(*got, 2048);
            }
        }
        assert_eq!(made, 2, "one build per key");
        // The public half of a key is a different entry from the private key.
        let before = made;
        cache
            .get_or_try(public_identity(customer.public()), || {
                made += 1;
                Ok::<_, ()>(0)
            })
            .expect("builds");
        assert_eq!(made, before + 1);
    }

    #[test]
    fn a_failure_is_not_kept_and_the_cache_stays_bounded() {
        let cache: KeyCache<u32> = KeyCache::new();
        let key = testkeys::named("customer").expect("bundled").key.public();
        assert_eq!(
            cache
                .get_or_try(public_identity(key), || Err::<u32, _>("no"))
                .err(),
            Some("no")
        );
        assert_eq!(
            *cache
                .get_or_try(public_identity(key), || Ok::<_, ()>(7))
                .expect("built on the second try"),
            7
        );
        for i in 0..(CAPACITY as u32 * 2) {
            let mut id = [0u8; 32];
            id[..4].copy_from_slice(&i.to_be_bytes());
            cache.get_or_try(id, || Ok::<_, ()>(i)).expect("builds");
        }
        assert_eq!(cache.entries.borrow().len(), CAPACITY);
    }
}
