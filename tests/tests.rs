//! The integration tests, one binary with a module per area.

/// The adapter protocol's reader: answers as every JSON writer writes
/// them, lone surrogates in error texts and in claims.
mod adapter_answers;
/// Every backend against every other: RS256, JWE and context round
/// trips, and failures of the same class as the reference's.
mod backends;
/// Many tokens: `check --batch`, `generate --count`, and RSA work done
/// once (keys) or only when needed (diagnoses).
mod batch;
/// What each build compiles: no C in the default build, OpenSSL from
/// source with `full`, no command-line crates in the library.
mod build_graph;
/// `--format junit` and `--format sarif` of every command that has them,
/// valid against the JUnit and SARIF schemas.
mod ci_formats;
/// The command line: exit codes, JSON output, error messages.
mod cli;
/// The example CI workflows run as written against the sample sender and
/// receiver.
mod examples;
/// The committed fuzz corpus and regression inputs, through the targets' entry points.
mod fuzz_corpus;
/// Hostile input at every resource bound: a clear finding or error, fast.
mod hostile;
/// The interop matrix: agreement, broken backends caught, quirks,
/// external adapters.
mod interop;
/// Keys in every form, and the errors for wrong ones.
mod keys;
/// The catalogue of implementers' mistakes: whole, each made by a negative
/// vector, its causes and fixes in the output.
mod mistakes;
/// Tokens minted by other implementations (Node's crypto, Python's
/// `cryptography`) get the right verdicts; the peers' adapters answer
/// free text as well-formed Unicode and claims as read.
mod peers;
/// Generated inputs: round trips, single-byte changes, PKCS#7, base64url, OAEP, pure reports.
mod properties;
/// The auditors' report: the Markdown summary, the self-contained HTML
/// page, saved runs read back.
mod report;
/// Arbitrary and mutated input: no panic, no mutation accepted.
mod robustness;
/// Project Rooterberg: fixtures of its schema through the library,
/// `vectors run --rooterberg` and `report --rooterberg`.
mod rooterberg;
/// generate → check round trips of both profiles.
mod roundtrip;
/// Every rule fires on a token made to trip it, and not on a good token.
mod rules;
/// The scripts of scripts/: usage from any directory and under unusual
/// settings; fuzz.sh's binaries wherever cargo builds them.
mod scripts;
/// No command shows a private key, an AES key, an IV or a content key;
/// `--redact` hides claim and context values; key file permissions.
mod secrets;
/// `audit`: a set of tokens from one sender, from a file or minted by the
/// sender's own command; secrets reused across tokens, the clock.
mod sender_audit;
/// `serve`: the page's server refuses what it must, answers errors as
/// JSON, and its endpoints print what `check` and `audit` print.
mod serve;
/// Text reports pinned with insta.
mod snapshots;
/// The committed test vectors: fresh, well-formed, passing everywhere.
mod vectors;
/// Project Wycheproof: every backend's primitives and the JOSE files.
mod wycheproof;
