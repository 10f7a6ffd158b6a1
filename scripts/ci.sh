#!/usr/bin/env bash
# Everything CI checks, in the order that fails fastest. Runs on a machine
# with only the Rust toolchain, gcc, Python and Node: it installs the rest.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
cargo --version
rustc --version
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done
if ! command -v node >/dev/null 2>&1; then
  # The Node peer test mints tokens with Node's own crypto module.
  apt-get update -qq && apt-get install -y -qq nodejs
fi
node --version

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets -- -D warnings

step "tests (the README's test command)"
cargo test --workspace

step "the README's first command"
cargo run --quiet -p jose-harness -- demo >/dev/null
echo "demo: both profiles minted and checked"
