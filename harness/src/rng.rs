//! The one source of randomness: seeded for reproducible vectors, from the
//! operating system otherwise. Everything that draws random values (IVs,
//! content-encryption keys, OAEP seeds, AES keys) takes a [`HarnessRng`].

use rand::{CryptoRng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// A ChaCha20 generator, either seeded (reproducible) or from OS entropy.
#[derive(Debug, Clone)]
pub struct HarnessRng(ChaCha20Rng);

impl HarnessRng {
    /// A generator seeded from the operating system: for real tokens.
    pub fn from_entropy() -> Self {
        Self(ChaCha20Rng::from_entropy())
    }

    /// A reproducible generator: the same seed gives the same bytes on
    /// every machine. For test vectors and tests only.
    pub fn from_seed(seed: u64) -> Self {
        Self(ChaCha20Rng::seed_from_u64(seed))
    }

    /// A reproducible generator of its own for one named thing (a vector):
    /// the seed's ChaCha20 key on a stream chosen by the name (FNV-1a), so
    /// adding or removing one vector leaves every other's bytes as they were.
    pub fn for_name(seed: u64, name: &str) -> Self {
        let stream = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Self(rng)
    }
}

impl RngCore for HarnessRng {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.0.try_fill_bytes(dest)
    }
}

impl CryptoRng for HarnessRng {}
