//! `jose-harness keygen`: an RSA key pair as two PEM files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;

use jose_harness::keys;
use jose_harness::profile;
use jose_harness::rng::HarnessRng;

use super::key_files;

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Modulus size in bits (2048 to 4096).
    #[arg(long, default_value_t = 2048)]
    bits: usize,
    /// Directory to write NAME-private.pem and NAME-public.pem into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// File name prefix.
    #[arg(long, default_value = "test")]
    name: String,
    /// Allow keys under 2048 bits (only to test the key.size rule).
    #[arg(long)]
    allow_weak: bool,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
    /// Seed the key generation: reproducible TEST keys only.
    #[arg(long)]
    seed: Option<u64>,
}

/// Runs `keygen`.
pub fn run_keygen(args: KeygenArgs) -> Result<ExitCode> {
    if args.bits > keys::MAX_MODULUS_BITS
        || (args.bits < profile::MIN_RSA_BITS && !args.allow_weak)
        || args.bits < 512
    {
        bail!(
            "--bits {} is outside 2048..={} (add --allow-weak for a small key to test the key.size rule)",
            args.bits,
            keys::MAX_MODULUS_BITS
        );
    }
    let private_path = args.out.join(format!("{}-private.pem", args.name));
    let public_path = args.out.join(format!("{}-public.pem", args.name));
    for path in [&private_path, &public_path] {
        if path.exists() && !args.force {
            bail!("{} exists; pass --force to overwrite it", path.display());
        }
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut rng = match args.seed {
        Some(seed) => HarnessRng::from_seed(seed),
        None => HarnessRng::from_entropy(),
    };
    let key = key_files::generate_rsa(&mut rng, args.bits)?;
    key_files::write_private_pem(&private_path, &key)?;
    key_files::write_public_pem(&public_path, key.public())?;
    eprintln!(
        "wrote {} (keep it secret) and {} ({} bits, {})",
        private_path.display(),
        public_path.display(),
        args.bits,
        key.public().fingerprint()
    );
    Ok(ExitCode::SUCCESS)
}
