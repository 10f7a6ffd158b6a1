//! A new RSA key pair for `keygen`, and its PEM files (the private one
//! readable by its owner only).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use jose_harness::keys::{PrivateKey, PublicKey};
use jose_harness::rng::HarnessRng;

/// A new RSA key of `bits` bits drawn from `rng`.
pub fn generate_rsa(rng: &mut HarnessRng, bits: usize) -> Result<PrivateKey> {
    PrivateKey::generate(rng, bits)
        .map_err(anyhow::Error::msg)
        .context("key generation failed")
}

/// Writes `key` as PKCS#8 PEM to `path`, mode 0600 on Unix.
pub fn write_private_pem(path: &Path, key: &PrivateKey) -> Result<()> {
    let pem = key.pkcs8_pem();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(pem.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    // An existing file (--force) keeps its mode through open(): set it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict {} to its owner", path.display()))?;
    }
    Ok(())
}

/// Writes `key` as SPKI PEM to `path`.
pub fn write_public_pem(path: &Path, key: &PublicKey) -> Result<()> {
    std::fs::write(path, key.spki_pem()).with_context(|| format!("cannot write {}", path.display()))
}
