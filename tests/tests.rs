//! The integration tests, one binary with a module per area.

/// Every rule fires on a token made to trip it, and not on a good token.
mod rules;
/// Keys in every form, and the errors for wrong ones.
mod keys;
/// generate → check round trips of both profiles.
mod roundtrip;
/// The command line: exit codes, JSON output, error messages.
mod cli;
/// Text reports pinned with insta.
mod snapshots;
/// Tokens minted by Node's own crypto get the right verdicts.
mod node_peer;
