//! Running the matrix: draws the cases, has every producer make each
//! case's token and every consumer judge it, in parallel; then sends every
//! negative case to every consumer; then counts.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::judge::{compare, judge, stale};
use super::matrix::{
    Failure, Judgement, KeyNames, Matrix, MatrixVerdict, Member, Negative, NegativeOutcome,
    Pairing, Roles,
};
use super::{CaseKeys, Options, MAX_FAILURES_KEPT};
use crate::forge::cases::{self, Case};
use crate::forge::mutate::{self, Recipe};
use crate::implementation::{Implementation, Quirks, TokenRequest};
use crate::profile::Profile;
use crate::rng::HarnessRng;
use crate::rules::Severity;
use crate::testkeys;

/// A seed for one producer's randomness in one case, independent of the
/// order threads run in.
fn case_seed(seed: u64, profile: Profile, case: usize, producer: usize) -> u64 {
    let mut x = seed ^ (profile as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for v in [case as u64, producer as u64] {
        x = (x ^ v).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 31;
    }
    x
}

/// How much work a run is, for progress: tokens to judge.
pub fn work(impls: &[Implementation], options: &Options) -> usize {
    let per_case = |p: Profile| {
        let producers = impls.iter().filter(|i| i.takes_part(p, true)).count();
        let consumers = impls.iter().filter(|i| i.takes_part(p, false)).count();
        producers * consumers
    };
    let cases = if options.only_negative.is_some() {
        0
    } else if options.only_case.is_some() {
        1
    } else {
        options.cases
    };
    options
        .profiles
        .iter()
        .map(|p| {
            let negatives = if options.negative {
                mutate::published()
                    .iter()
                    .filter(|m| m.profiles.contains(p) && m.rule.severity == Severity::Error)
                    .count()
                    * impls.iter().filter(|i| i.takes_part(*p, false)).count()
            } else {
                0
            };
            cases * per_case(*p) + negatives
        })
        .sum()
}

/// One token of a case, from one producer to one consumer.
struct Exchange {
    /// Profile, producer index, consumer index.
    pairing: (Profile, usize, usize),
    failure: Option<Failure>,
}

/// Runs the matrix on rayon's current pool (`ThreadPool::install` sets how
/// many threads), with the same result on any number of threads: cases are
/// drawn from the seed up front, each producer's randomness is its case's,
/// and results are gathered in case order. `tick` is called once per token
/// judged (for progress), with whether it made a failure or disagreement.
pub fn run(
    impls: &[Implementation],
    options: &Options,
    quirks: &Quirks,
    tick: &(dyn Fn(bool) + Sync),
) -> Matrix {
    let names: Vec<String> = impls.iter().map(Implementation::name).collect();
    let mut exchanges: Vec<Exchange> = Vec::new();
    let mut negative = Vec::new();
    for &profile in &options.profiles {
        let all = cases::draw(profile, options.cases, options.seed, options.now);
        let selected: Vec<&Case> = all
            .iter()
            .filter(|c| options.only_case.is_none_or(|k| c.index == k))
            .filter(|_| options.only_negative.is_none())
            .collect();
        let per_case: Vec<Vec<Exchange>> = selected
            .par_iter()
            .map(|case| run_case(impls, &names, case, options, tick))
            .collect();
        exchanges.extend(per_case.into_iter().flatten());
        if options.negative && !all.is_empty() {
            negative.extend(run_negatives(
                impls, &names, profile, &all, options, quirks, tick,
            ));
        }
    }

    let mut pairings: BTreeMap<(Profile, usize, usize), (usize, usize)> = BTreeMap::new();
    for &profile in &options.profiles {
        for (p, producer) in impls.iter().enumerate() {
            for (c, consumer) in impls.iter().enumerate() {
                if producer.takes_part(profile, true) && consumer.takes_part(profile, false) {
                    pairings.insert((profile, p, c), (0, 0));
                }
            }
        }
    }
    let mut failures = Vec::new();
    for exchange in exchanges {
        let entry = pairings.entry(exchange.pairing).or_default();
        match exchange.failure {
            None => entry.0 += 1,
            Some(f) => {
                entry.1 += 1;
                failures.push(f);
            }
        }
    }
    for n in &negative {
        for o in &n.outcomes {
            if o.judgement.is_failure() {
                failures.push(Failure {
                    profile: if n.case.starts_with("iadvize/") {
                        Profile::Iadvize
                    } else {
                        Profile::Moveo
                    },
                    case: n.case.clone(),
                    producer: "reference".into(),
                    consumer: o.consumer.clone(),
                    problem: format!("must reject ({} must fire): {}", n.rule, o.detail),
                    token: n.token.clone(),
                    keys: KeyNames {
                        customer: "customer-test".into(),
                        recipient: "recipient-test".into(),
                    },
                    reproduce: format!("{} --negative {}", options.command(), n.case),
                });
            }
        }
    }
    let stale_quirks = stale(impls, quirks, &negative);
    let failure_count = failures.len();
    let verdict = if failure_count == 0 && stale_quirks.is_empty() {
        MatrixVerdict::Pass
    } else {
        MatrixVerdict::Fail
    };
    failures.truncate(MAX_FAILURES_KEPT);
    Matrix {
        verdict,
        seed: options.seed,
        cases: options.cases,
        now: options.now,
        implementations: impls
            .iter()
            .map(|i| Member {
                name: i.name(),
                library: i.library(),
                layers: options
                    .profiles
                    .iter()
                    .map(|p| {
                        (
                            *p,
                            Roles {
                                produce: i.layers(*p, true),
                                consume: i.layers(*p, false),
                            },
                        )
                    })
                    .collect(),
            })
            .collect(),
        cells: pairings
            .into_iter()
            .map(|((profile, p, c), (passed, failed))| Pairing {
                profile,
                producer: names[p].clone(),
                consumer: names[c].clone(),
                passed,
                failed,
            })
            .collect(),
        negative,
        stale_quirks,
        failures,
        failure_count,
    }
}

fn key_names(keys: &CaseKeys) -> KeyNames {
    KeyNames {
        customer: keys.customer.name.clone(),
        recipient: keys.recipient.name.clone(),
    }
}

fn run_case(
    impls: &[Implementation],
    names: &[String],
    case: &Case,
    options: &Options,
    tick: &(dyn Fn(bool) + Sync),
) -> Vec<Exchange> {
    let mut out = Vec::new();
    let Some(keys) = CaseKeys::of(case) else {
        return out;
    };
    let reproduce = format!(
        "{} --profile {} --case {}",
        options.command(),
        case.profile.as_str(),
        case.index
    );
    for (p, producer) in impls.iter().enumerate() {
        if !producer.takes_part(case.profile, true) {
            continue;
        }
        let mut rng = HarnessRng::from_seed(case_seed(options.seed, case.profile, case.index, p));
        let request = TokenRequest {
            profile: case.profile,
            claims: &case.claims,
            context: case.context.as_ref(),
            aes_key_bytes: case.aes_key_bytes,
            escape_slashes: case.escape_slashes,
        };
        let token = producer.produce(
            &request,
            &keys.customer.key,
            keys.recipient.key.public(),
            &mut rng,
        );
        for (c, consumer) in impls.iter().enumerate() {
            if !consumer.takes_part(case.profile, false) {
                continue;
            }
            let result = match &token {
                Ok(token) => compare(
                    case,
                    &consumer.consume(
                        case.profile,
                        token,
                        &keys.customer.key,
                        &keys.recipient.key,
                        options.now,
                    ),
                ),
                Err(e) => Err(format!("the producer failed: {e}")),
            };
            tick(result.is_err());
            out.push(Exchange {
                pairing: (case.profile, p, c),
                failure: result.err().map(|problem| Failure {
                    profile: case.profile,
                    case: case.index.to_string(),
                    producer: names[p].clone(),
                    consumer: names[c].clone(),
                    problem,
                    token: token.clone().unwrap_or_default(),
                    keys: key_names(&keys),
                    reproduce: reproduce.clone(),
                }),
            });
        }
    }
    out
}

fn run_negatives(
    impls: &[Implementation],
    names: &[String],
    profile: Profile,
    cases: &[Case],
    options: &Options,
    quirks: &Quirks,
    tick: &(dyn Fn(bool) + Sync),
) -> Vec<Negative> {
    let (Some(other), Some(customer), Some(recipient)) = (
        testkeys::named("customer2"),
        testkeys::named("customer"),
        testkeys::named("recipient"),
    ) else {
        return Vec::new();
    };
    // Only mistakes that make a token non-conforming: a warning's token
    // is still one every consumer may accept.
    let mutations: Vec<_> = mutate::published()
        .into_iter()
        .filter(|m| m.profiles.contains(&profile) && m.rule.severity == Severity::Error)
        .collect();
    mutations
        .par_iter()
        .enumerate()
        .filter(|(_, m)| {
            options
                .only_negative
                .as_ref()
                .is_none_or(|only| *only == m.name(profile))
        })
        .map(|(i, mutation)| {
            let base = &cases[i % cases.len()];
            let name = mutation.name(profile);
            let mut recipe = Recipe {
                profile,
                claims: base.claims.clone(),
                context: base.context.clone(),
                aes_key_bytes: base.aes_key_bytes,
                customer: &customer.key,
                other: &other.key,
                recipient: recipient.key.public(),
                now: options.now,
                rng: HarnessRng::from_seed(case_seed(options.seed, profile, 1_000_000 + i, 0)),
            };
            let token = mutation.build(&mut recipe);
            let outcomes = impls
                .iter()
                .enumerate()
                .filter(|(_, c)| c.takes_part(profile, false))
                .map(|(c, consumer)| {
                    let Ok(token) = &token else {
                        tick(true);
                        return NegativeOutcome {
                            consumer: names[c].clone(),
                            judgement: Judgement::Disagreement,
                            detail: format!("the case could not be built: {token:?}"),
                        };
                    };
                    let outcome = consumer.consume(
                        profile,
                        token,
                        &customer.key,
                        &recipient.key,
                        options.now,
                    );
                    let judged = judge(
                        consumer,
                        &names[c],
                        &name,
                        mutation.rule.id,
                        outcome,
                        quirks,
                    );
                    tick(judged.judgement.is_failure());
                    judged
                })
                .collect();
            Negative {
                case: name,
                rule: mutation.rule.id.to_owned(),
                what: mutation.what.to_owned(),
                token: token.unwrap_or_default(),
                outcomes,
            }
        })
        .collect()
}
