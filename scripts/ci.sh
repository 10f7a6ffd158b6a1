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
# josekit and openssl build OpenSSL from source (the `vendored` feature):
# that takes perl and make.
if ! command -v perl >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq perl make
fi
if ! command -v node >/dev/null 2>&1; then
  # The Node peer test mints tokens with Node's own crypto module.
  apt-get update -qq && apt-get install -y -qq nodejs
fi
node --version
# The Python peer test mints tokens with pyca/cryptography: a .venv with
# the pins of scripts/peers/requirements.txt (a no-op when up to date).
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-venv
fi
scripts/peers/setup-python.sh

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets -- -D warnings

step "tests (the README's test command)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace 2>&1 | tee "$log"

step "the README's first command"
cargo run --quiet -p jose-harness -- demo >/dev/null
echo "demo: both profiles minted and checked"

step "the committed vectors are what the generator makes"
cargo run --quiet -p jose-harness -- vectors generate
git diff --exit-code -- vectors/ || {
  echo "vectors/ is stale: run 'cargo run -p jose-harness -- vectors generate' and commit" >&2
  exit 1
}
test -z "$(git status --porcelain -- vectors/)" || {
  git status --porcelain -- vectors/ >&2
  echo "vectors generate wrote files that are not committed" >&2
  exit 1
}

step "vectors: every backend and the Python adapter"
cargo run --quiet -p jose-harness -- vectors run \
  --exec '.venv/bin/python scripts/peers/python-adapter.py'

step "interop matrix: every built-in backend and the Python adapter"
cargo run --quiet -p jose-harness -- interop --cases 200 \
  --exec '.venv/bin/python scripts/peers/python-adapter.py'

# One closing line for the whole run: every test binary's counts added up.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "\nci: %d passed, %d failed\n", p, f; if (p == 0) exit 1 }' "$log"
