//! `generate --count N`: many tokens, one per line, minted in parallel
//! and written in order, in bounded memory.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;
use rayon::prelude::*;
use serde_json::{Map, Value};

use jose_harness::profile::{Profile, IADVIZE_USER_ID};
use jose_harness::rng::HarnessRng;

/// Mints one token of `claims` with the generator given.
pub type Mint<'k> = dyn Fn(&Map<String, Value>, &mut HarnessRng) -> Result<String> + Sync + 'k;

/// Tokens minted per parallel chunk.
const CHUNK: u64 = 1024;

/// The seed of token `n` (from 1) of a seeded run: distinct for every `n`
/// (multiplying by an odd constant is a bijection on u64).
fn token_seed(seed: u64, n: u64) -> u64 {
    seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Writes `count` tokens: token `n` is `claims` with the user id `USER-n`
/// (when the user claim is still `user`), minted by `mint` with a
/// generator seeded from `seed` and `n`, or from the system's entropy.
pub fn mint_numbered(
    count: u64,
    seed: Option<u64>,
    user: &str,
    profile: Profile,
    claims: &Map<String, Value>,
    mint: &Mint<'_>,
) -> Result<ExitCode> {
    let user_claim = match profile {
        Profile::Iadvize => IADVIZE_USER_ID,
        Profile::Moveo => "sub",
    };
    let numbered = claims.get(user_claim).and_then(Value::as_str) == Some(user);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut first = 1;
    while first <= count {
        let last = count.min(first.saturating_add(CHUNK - 1));
        let tokens: Vec<Result<String>> = (first..=last)
            .into_par_iter()
            .map(|n| {
                let mut rng = match seed {
                    Some(seed) => HarnessRng::from_seed(token_seed(seed, n)),
                    None => HarnessRng::from_entropy(),
                };
                let mut claims = claims.clone();
                if numbered {
                    claims.insert(user_claim.to_owned(), Value::String(format!("{user}-{n}")));
                }
                mint(&claims, &mut rng)
            })
            .collect();
        for token in tokens {
            writeln!(out, "{}", token?)?;
        }
        if last == count {
            break;
        }
        first = last + 1;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn token_seeds_differ_for_every_line() {
        let seeds: std::collections::BTreeSet<u64> =
            (1..=10_000).map(|n| super::token_seed(7, n)).collect();
        assert_eq!(seeds.len(), 10_000);
    }
}
