//! The implementations the harness runs tokens through: the built-in
//! backends, programs speaking the adapter protocol ([`adapter`]), the
//! project's own peers ([`peers`]), and the quirks known of them
//! ([`quirks`]).

pub mod adapter;
pub mod peers;
pub mod quirks;
