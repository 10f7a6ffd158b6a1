#!/usr/bin/env bash
# `cargo deny check` with deny.toml: licences, bans and sources always;
# advisories whenever the RustSec advisory database can be fetched. On a
# machine that cannot reach github.com (the database's home) it says that
# advisories were not checked, instead of passing silently or failing for
# want of a network. Installs cargo-deny (pinned, --locked) when missing.
#
#   scripts/deny.sh
#   scripts/deny.sh --help   this text
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=0.20.2
if ! cargo deny --version 2>/dev/null | grep -q "cargo-deny"; then
  echo "==> installing cargo-deny $version"
  cargo install cargo-deny --version "$version" --locked
fi
cargo deny --version

cargo deny --log-level error check bans licenses sources
echo "deny: bans, licences and sources ok"

db=${CARGO_HOME:-$HOME/.cargo}/advisory-db
if timeout 20 git ls-remote https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  cargo deny --log-level error check advisories
  echo "deny: advisories ok (RUSTSEC-2023-0071 acknowledged in deny.toml)"
elif [[ -d $db ]] && [[ -n $(ls -A "$db" 2>/dev/null) ]]; then
  echo "deny: the advisory database cannot be fetched; checking against the local copy in $db"
  cargo deny --log-level error check --disable-fetch advisories
  echo "deny: advisories ok against the local copy"
else
  echo "deny: ADVISORIES NOT CHECKED: github.com/rustsec/advisory-db cannot be reached from here and there is no local copy"
fi
