//! Tokens made on purpose: [`mint`] makes correct tokens of both profiles,
//! [`cases`] draws the interop cases from a seed, and [`mutate`] is the one
//! catalogue of broken tokens, each naming the rule it must trip. Every
//! token is built through [`crate::backend`], with the backend whose
//! randomness is the caller's RNG where a seed must reproduce it.

pub mod cases;
pub mod mint;
pub mod mutate;
