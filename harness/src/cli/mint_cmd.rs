//! `jose-harness generate`: mints a correct token of a profile, or many
//! (`--count`, in [`super::mint_many`]).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Result};
use clap::Args;
use serde_json::Value;

use jose_harness::forge::mint;
use jose_harness::keys::LoadedKey;
use jose_harness::profile::Profile;
use jose_harness::rng::HarnessRng;

use super::args::{backend_named, load_key, now_or_clock, profile_parser, read_object_arg};
use super::mint_many::{self, Mint};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Token profile to mint.
    #[arg(long, value_parser = profile_parser())]
    profile: Profile,
    /// Customer private key (signs the token).
    #[arg(long, value_name = "FILE")]
    sign_key: PathBuf,
    /// Recipient public key (iadvize: encrypts the JWE; moveo: encrypts the context).
    #[arg(long, value_name = "FILE")]
    encrypt_key: Option<PathBuf>,
    /// Claims to add or replace, as a JSON object or @FILE; a null value
    /// removes a default claim.
    #[arg(long, value_name = "JSON|@FILE")]
    claims: Option<String>,
    /// moveo: a context object to encrypt, as JSON or @FILE.
    #[arg(long, value_name = "JSON|@FILE")]
    context: Option<String>,
    /// Lifetime: exp = now + TTL.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    ttl: i64,
    /// The user id (iadvize userId, moveo sub).
    #[arg(long, default_value = "test-user-1")]
    user: String,
    /// moveo: AES key size for the context.
    #[arg(long, value_parser = ["128", "256"], default_value = "256")]
    aes_bits: String,
    /// moveo: use this AES key (standard base64 of 16 or 32 bytes) instead
    /// of random bytes, as a sender that hard-codes its key does: to
    /// reproduce that mistake (`check` fails such tokens), never for real
    /// tokens.
    #[arg(long, value_name = "BASE64")]
    aes_key: Option<String>,
    /// moveo: use this IV (standard base64 of 16 bytes) instead of random
    /// bytes; the same warning as --aes-key.
    #[arg(long, value_name = "BASE64")]
    aes_iv: Option<String>,
    /// Mint as if the time were this (seconds since the epoch).
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
    /// Seed the random values (IVs, keys, OAEP): reproducible tokens for
    /// tests. Never for real tokens.
    #[arg(long)]
    seed: Option<u64>,
    /// Implementation doing the cryptography.
    #[arg(long, default_value = "reference")]
    backend: String,
    /// Mint N tokens, one per line (for `check --batch`), in parallel. The
    /// user id gets the line number as a suffix (USER-1, USER-2, ...);
    /// with --seed, token N is the same in every run.
    #[arg(long, value_name = "N")]
    count: Option<u64>,
}

/// Runs `generate`.
pub fn run_mint(args: GenerateArgs) -> Result<ExitCode> {
    let sign = load_key(&args.sign_key)?;
    let sign_key = sign.private("--sign-key")?;
    let encrypt = args.encrypt_key.as_deref().map(load_key).transpose()?;
    let encrypt_key = encrypt.as_ref().map(LoadedKey::public);
    let backend = backend_named(&args.backend, |c| {
        c.rs256_sign && (c.jwe_encrypt || args.profile == Profile::Moveo)
    })?;
    let now = now_or_clock(args.now)?;
    let mut claims = mint::default_claims(args.profile, now, args.ttl, &args.user);
    if let Some(extra) = &args.claims {
        for (name, value) in read_object_arg(extra, "--claims")? {
            if value.is_null() {
                claims.remove(&name);
            } else {
                claims.insert(name, value);
            }
        }
    }
    let warn_ttl = |limit: i64, rule: &str| {
        if args.ttl > limit {
            eprintln!(
                "note: a TTL of {} s will trip {rule} (limit {limit} s)",
                args.ttl
            );
        }
    };
    let mint_one: Box<Mint<'_>> = match args.profile {
        Profile::Iadvize => {
            if args.context.is_some() {
                bail!("--context is for moveo; iadvize claims go in --claims");
            }
            let recipient = encrypt_key.ok_or_else(|| {
                anyhow!("iadvize needs --encrypt-key: the recipient's (iAdvize's) public key")
            })?;
            warn_ttl(60, "iadvize.exp.lifetime");
            if recipient.is_iadvize_production() {
                eprintln!(
                        "note: this token is encrypted to iAdvize's production key: only iAdvize can decrypt it, \
                         so `jose-harness check` cannot check it. Use a test recipient key to check your tokens."
                    );
            }
            Box::new(move |claims, rng| {
                Ok(mint::iadvize(backend, claims, sign_key, recipient, rng)?)
            })
        }
        Profile::Moveo => {
            warn_ttl(300, "moveo.exp.too_far");
            let context = args
                .context
                .as_deref()
                .map(|c| read_object_arg(c, "--context"))
                .transpose()?
                .map(Value::Object);
            let fixed_secret = |text: &Option<String>, what: &str, sizes: &[usize]| {
                text.as_deref()
                    .map(|t| {
                        jose_harness::jose::b64::decode(
                            t,
                            jose_harness::jose::b64::Dialect::Standard,
                        )
                        .strict()
                        .filter(|b| sizes.contains(&b.len()))
                        .ok_or_else(|| anyhow!("{what} must be standard base64 of {sizes:?} bytes"))
                    })
                    .transpose()
            };
            let fixed_key = fixed_secret(&args.aes_key, "--aes-key", &[16, 32])?;
            let fixed_iv = fixed_secret(&args.aes_iv, "--aes-iv", &[16])?;
            let aes_len = match &fixed_key {
                Some(key) => key.len(),
                None if args.aes_bits == "128" => 16,
                None => 32,
            };
            let recipient = match &context {
                Some(_) => Some(encrypt_key.ok_or_else(|| {
                    anyhow!("--context needs --encrypt-key: the recipient's (Moveo's) public key")
                })?),
                None => None,
            };
            Box::new(move |claims, rng| {
                let with_context = context
                    .as_ref()
                    .zip(recipient)
                    .map(|(object, recipient)| (object, recipient, aes_len));
                let fixed = mint::Fixed {
                    key: fixed_key.as_deref(),
                    iv: fixed_iv.as_deref(),
                };
                Ok(mint::moveo_fixed(
                    backend,
                    claims,
                    with_context,
                    fixed,
                    sign_key,
                    rng,
                )?)
            })
        }
    };
    if let Some(count) = args.count {
        return mint_many::mint_numbered(
            count,
            args.seed,
            &args.user,
            args.profile,
            &claims,
            &*mint_one,
        );
    }
    let mut rng = match args.seed {
        Some(seed) => HarnessRng::from_seed(seed),
        None => HarnessRng::from_entropy(),
    };
    let token = mint_one(&claims, &mut rng)?;
    writeln!(io::stdout().lock(), "{token}")?;
    Ok(ExitCode::SUCCESS)
}
