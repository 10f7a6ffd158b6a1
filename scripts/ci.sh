#!/usr/bin/env bash
# Everything CI checks, in the order that fails fastest. Runs on a machine
# with only the Rust toolchain, gcc, Python and Node: it installs the rest.
#
#   scripts/ci.sh            every step; exits non-zero at the first failure
#   scripts/ci.sh --help     this text
#
# CI_FUZZ_SECONDS (default 10) sets the fuzz smoke's time per target.
# ../shared beside the repository holds Project Wycheproof's JOSE files
# (../shared/wycheproof), which the tests read (never write): without them
# the Wycheproof JOSE test is skipped, and fails when CI is set.
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  '') ;;
  *) echo "usage: scripts/ci.sh [--help]" >&2; exit 2 ;;
esac
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "../shared: the files beside the repository that the tests read"
shared=$(cd .. && pwd)/shared
unreadable=
if [[ -d $shared/wycheproof ]]; then
  unreadable=$(find "$shared/wycheproof" ! -readable 2>&1 | head -n 5 || true)
fi
if [[ ! -d $shared/wycheproof ]]; then
  echo "ci: $shared/wycheproof (C2SP/wycheproof's testvectors_v1 JOSE files) is missing:"
  echo "    the Wycheproof JOSE test skips it, or fails when CI is set"
  if [[ -n ${CI:-} && ${CI:-} != 0 && ${CI:-} != false ]]; then
    echo "ci: CI is set, so that test would fail; stopping here" >&2
    exit 2
  fi
elif [[ -n $unreadable ]]; then
  echo "ci: $shared/wycheproof holds files this user cannot read:" >&2
  echo "$unreadable" >&2
  exit 2
else
  echo "$shared/wycheproof: readable (the tests only read it; read-only is fine)"
fi

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
# libfuzzer-sys compiles libFuzzer (C++) for the fuzz smoke.
if ! command -v c++ >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq g++
fi
if ! command -v node >/dev/null 2>&1; then
  # The Node peers and the Node peer test need Node (and npm for the peers).
  apt-get update -qq && apt-get install -y -qq nodejs
fi
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq npm
fi
node --version
# The Python peers need a .venv with the pins of
# scripts/peers/requirements.txt; the Node peers the locked npm packages
# (both are no-ops when up to date).
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-venv
fi
scripts/peers/setup.sh

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets -- -D warnings

step "supply chain: cargo deny (deny.toml)"
scripts/deny.sh

step "tests (the README's test command)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace 2>&1 | tee "$log"

# The first command and the generator run in the default build, which has
# no OpenSSL: the demo works there, and the committed vectors do not depend
# on OpenSSL. Everything after compares implementations: `--features full`.
step "the README's first command (the default build: RustCrypto alone)"
cargo run --quiet -p jose-harness -- demo >/dev/null
echo "demo: both profiles minted and checked"

# The example workflows install the default build (`cargo install --path
# harness`): their test runs once more on that binary.
step "the example workflows on the default build, which their cargo install makes"
default_bin=$(mktemp -d)/jose-harness
cp "$(cargo build --quiet -p jose-harness --bin jose-harness --message-format json |
  sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)" "$default_bin"
JOSE_HARNESS_BIN=$default_bin cargo test --quiet -p jose-harness-tests --test tests -- examples::
rm -r "$(dirname "$default_bin")"

step "the committed vectors are what the generator makes (without OpenSSL)"
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

mkdir -p target/ci
step "vectors: every built-in backend and every peer"
cargo run --quiet -p jose-harness --features full -- vectors run --peers --save target/ci/vectors.json

step "interop matrix: every built-in backend, 200 cases"
cargo run --quiet -p jose-harness --features full -- interop --cases 200

# The peer matrix on three seeds: 1 (saved for the report below) and 2,
# fixed, and one derived from the commit, so every commit explores cases
# no earlier run drew. node-jsonwebtoken decrypts with node-rsa's
# pure-JavaScript RSA (the vendor sample's set-up), about 0.4 s per
# 4096-bit operation: 30 cases on seed 1 and 10 on the other two keep the
# step to a few minutes. Each run prints the command that repeats it.
commit_seed=$(git rev-parse --verify --quiet HEAD 2>/dev/null | cut -c1-8 || true)
if [[ -n $commit_seed ]]; then
  commit_seed=$((16#$commit_seed))
else
  commit_seed=3
  echo "ci: not a git checkout; the commit's seed is $commit_seed"
fi
for run in "1 30 --save target/ci/interop.json" "2 10" "$commit_seed 10"; do
  read -r seed cases save <<<"$run"
  step "interop matrix: every built-in backend and every peer, seed $seed, $cases cases"
  echo "reproduce: cargo run -p jose-harness --features full -- interop --peers --seed $seed --cases $cases"
  started=$SECONDS
  # shellcheck disable=SC2086 # $save is two words or none
  cargo run --quiet -p jose-harness --features full -- interop --cases "$cases" --seed "$seed" --peers $save
  echo "interop seed $seed: $((SECONDS - started)) s"
done

step "the auditors' report, from those two runs, in a real browser"
scripts/browser-test.sh -- --vectors-json target/ci/vectors.json --interop-json target/ci/interop.json
cargo run --quiet -p jose-harness --features full -- report --format markdown \
  --vectors-json target/ci/vectors.json --interop-json target/ci/interop.json

step "the serve page, on both profiles, in a real browser"
scripts/serve-browser-test.sh target/ci/serve

step "benchmarks build (not run: timings belong to scripts/bench.sh)"
cargo build --workspace --benches

# The fuzz targets built on stable Rust (cargo-fuzz, installed if missing)
# and each run briefly from the committed corpus: a crash fails CI and
# leaves its input in fuzz/artifacts/. The long runs are scripts/fuzz.sh 600
# and ClusterFuzzLite.
step "fuzz smoke: every target, ${CI_FUZZ_SECONDS:-10} s each"
scripts/fuzz.sh "${CI_FUZZ_SECONDS:-10}"

# One closing line for the whole run: every test binary's counts added up.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "\nci: %d passed, %d failed\n", p, f; if (p == 0) exit 1 }' "$log"
