//! The TEST keys published in `vectors/keys/`, built into the binary so the
//! demo and the interop matrix run anywhere without files. Anyone can read
//! their private halves: they are for tests only, never for real tokens.

use std::sync::OnceLock;

use crate::keys::{self, PrivateKey};

macro_rules! pem {
    ($name:literal) => {
        (
            concat!($name, "-test-private.pem"),
            include_str!(concat!("../../vectors/keys/", $name, "-test-private.pem")),
        )
    };
}

/// (file name, PEM) of every bundled private test key.
pub const PEMS: [(&str, &str); 8] = [
    pem!("customer"),
    pem!("customer3072"),
    pem!("customer4096"),
    pem!("customer2"),
    pem!("recipient"),
    pem!("recipient3072"),
    pem!("recipient4096"),
    pem!("weak1024"),
];

/// A bundled test key, with the name it has in `vectors/keys/`.
#[derive(Debug, Clone)]
pub struct TestKey {
    /// File-name stem, e.g. `customer4096-test`.
    pub name: String,
    /// The key pair.
    pub key: PrivateKey,
}

/// Every bundled test key, loaded once.
pub fn all() -> &'static [TestKey] {
    static KEYS: OnceLock<Vec<TestKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        PEMS.iter()
            .filter_map(|(file, pem)| {
                let loaded = keys::parse(pem.as_bytes(), file).ok()?;
                let key = loaded.private("a test key").ok()?.clone();
                Some(TestKey {
                    name: file.trim_end_matches("-private.pem").to_owned(),
                    key,
                })
            })
            .collect()
    })
}

/// Whether `public` is the public half of a bundled test key (whose
/// private halves are published in this repository, so nothing about them
/// is secret).
pub fn is_bundled(public: &keys::PublicKey) -> bool {
    all()
        .iter()
        .any(|k| k.key.public().spki_der() == public.spki_der())
}

/// The bundled test key whose file-name stem is `name` (`customer-test`,
/// or just `customer`).
pub fn named(name: &str) -> Option<&'static TestKey> {
    all()
        .iter()
        .find(|k| k.name == name || k.name.strip_suffix("-test") == Some(name))
}

/// The bundled key of `role` (`customer` or `recipient`) with `bits` bits.
pub fn sized(role: &str, bits: usize) -> Option<&'static TestKey> {
    let name = if bits == 2048 {
        role.to_owned()
    } else {
        format!("{role}{bits}")
    };
    named(&name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_bundled_key_loads_with_its_size() {
        assert_eq!(super::all().len(), super::PEMS.len());
        for (role, bits) in [("customer", 2048), ("customer", 4096), ("recipient", 3072)] {
            let key = super::sized(role, bits).expect("bundled");
            assert_eq!(key.key.public().bits(), bits, "{}", key.name);
        }
        assert_eq!(
            super::named("weak1024").map(|k| k.key.public().bits()),
            Some(1024)
        );
    }
}
