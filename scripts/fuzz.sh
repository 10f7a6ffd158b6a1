#!/usr/bin/env bash
# Builds the fuzz targets of fuzz/ and runs each for a while, on the stable
# toolchain (cargo-fuzz with `-s none`; see fuzz/README.md).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   run every target (or those named)
#                                           for SECONDS each (default 60)
#   scripts/fuzz.sh --merge [TARGET...]     minimize the committed corpus with
#                                           what the last run found
#   scripts/fuzz.sh --regress TARGET FILE NAME
#                                           minimize a crashing input into
#                                           fuzz/regressions/TARGET/NAME
#   scripts/fuzz.sh --seed                  (re)write the seed corpus and the
#                                           dictionary from the library
#   scripts/fuzz.sh --list                  the targets
#
# Environment:
#   FUZZ_SANITIZER=none|address  (default none; address sets RUSTC_BOOTSTRAP=1
#                                on a stable toolchain)
#   FUZZ_RUNS=N                  stop each target after N runs as well
#   FUZZ_MAX_LEN=N (default 16384; base64url 1024, pkcs7 256)
#   FUZZ_RSS_LIMIT_MB=2048  FUZZ_TIMEOUT=30 (per input, s)
#   FUZZ_DEBUG_ASSERTIONS=1      overflow checks and debug assertions (0: off)
#   FUZZ_NO_BUILD=1              run the binaries already built, as they are
#
# A run copies the committed corpus (fuzz/corpus/T) and the regression
# inputs (fuzz/regressions/T) into fuzz/target/scratch/T, so it never changes
# what is committed; `--merge` folds what it found back in, minimized. A
# crash leaves its input in fuzz/artifacts/T/ (printed) and the script exits
# 1 after the table of every target's executions per second and coverage.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
fuzz=$root/fuzz

die() { echo "fuzz.sh: $*" >&2; exit 2; }

# -max_len: whole tokens need up to 16 KiB; the base64 and padding targets
# reach everything with short inputs and run many times faster on them.
max_len_of() {
  if [[ -n ${FUZZ_MAX_LEN:-} ]]; then
    echo "$FUZZ_MAX_LEN"
    return
  fi
  case $1 in
    base64url) echo 1024 ;;
    pkcs7) echo 256 ;;
    *) echo 16384 ;;
  esac
}
rss=${FUZZ_RSS_LIMIT_MB:-2048}
timeout=${FUZZ_TIMEOUT:-30}
sanitizer=${FUZZ_SANITIZER:-none}
triple=$(rustc -vV | sed -n 's/^host: //p')
bin_dir=$fuzz/target/$triple/release
dict=$fuzz/jose.dict

ensure_cargo_fuzz() {
  if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz"
    cargo install cargo-fuzz --locked || die "cannot install cargo-fuzz"
  fi
}

all_targets() {
  sed -n 's/^name = "\(.*\)"$/\1/p' "$fuzz/Cargo.toml" | grep -vx 'jose-harness-fuzz'
}

check_targets() {
  local known t
  known=$(all_targets)
  for t in "$@"; do
    grep -qx "$t" <<<"$known" || die "no target $t (targets: $(echo $known))"
  done
}

build() {
  if [[ ${FUZZ_NO_BUILD:-0} == 1 ]]; then
    [[ -d $bin_dir ]] || die "FUZZ_NO_BUILD=1 but nothing is built in ${bin_dir#$root/}"
    return
  fi
  local flags=(-O -s "$sanitizer")
  [[ ${FUZZ_DEBUG_ASSERTIONS:-1} == 1 ]] && flags+=(--debug-assertions)
  if [[ $sanitizer != none ]] && ! rustc -V | grep -q nightly; then
    # cargo-fuzz passes -Zsanitizer for ASan: the accepted way on stable.
    export RUSTC_BOOTSTRAP=1
  fi
  # The bignum and primitive crates without coverage instrumentation: RSA
  # is a hundred times slower with it (see fuzz/rustc-wrapper.sh).
  export RUSTC_WRAPPER=${RUSTC_WRAPPER:-$fuzz/rustc-wrapper.sh}
  # Cargo does not rebuild when the wrapper changes: start afresh if the
  # last build had another one.
  local stamp=$fuzz/target/rustc-wrapper.stamp
  if [[ -d $fuzz/target/$triple && "$(cat "$stamp" 2>/dev/null)" != "$RUSTC_WRAPPER" ]]; then
    echo "==> the last fuzz build used another RUSTC_WRAPPER: rebuilding from scratch"
    rm -rf "${fuzz:?}/target/$triple"
  fi
  mkdir -p "$fuzz/target"
  echo "$RUSTC_WRAPPER" >"$stamp"
  echo "==> cargo fuzz build ${flags[*]} ($(cargo fuzz --version))"
  cargo fuzz build "${flags[@]}" || die "the fuzz targets do not build"
}

# The committed inputs of a target, copied into a fresh directory.
scratch_corpus() {
  local t=$1 dir=$fuzz/target/scratch/$1
  rm -rf "$dir"
  mkdir -p "$dir"
  for src in "$fuzz/corpus/$t" "$fuzz/regressions/$t"; do
    [[ -d $src ]] && find "$src" -maxdepth 1 -type f -exec cp {} "$dir/" \;
  done
  echo "$dir"
}

# "value" of `name: value` in the last status line (#N ...) of a libFuzzer log.
last_field() {
  grep -a '^#[0-9]' "$1" | tail -1 | grep -o " $2: [^ ]*" | sed "s/^ $2: //"
}

stat_field() {
  sed -n "s/^stat::$2: *//p" "$1" | tail -1
}

run() {
  local seconds=$1
  shift
  local targets=("$@") t log status scratch artifact crashed=0
  [[ ${#targets[@]} -gt 0 ]] || mapfile -t targets < <(all_targets)
  check_targets "${targets[@]}"
  ensure_cargo_fuzz
  build
  mkdir -p "$fuzz/target/logs"
  local rows=()
  for t in "${targets[@]}"; do
    scratch=$(scratch_corpus "$t")
    mkdir -p "$fuzz/artifacts/$t"
    log=$fuzz/target/logs/$t.log
    local args=("$scratch" "-dict=$dict" "-max_total_time=$seconds" "-max_len=$(max_len_of "$t")"
      "-rss_limit_mb=$rss" "-timeout=$timeout" "-artifact_prefix=$fuzz/artifacts/$t/"
      -print_final_stats=1)
    [[ -n ${FUZZ_RUNS:-} ]] && args+=("-runs=$FUZZ_RUNS")
    echo "==> $t: ${seconds}s, $(find "$scratch" -type f | wc -l) inputs to start from (log: ${log#$root/})"
    local started=$SECONDS
    "$bin_dir/$t" "${args[@]}" >"$log" 2>&1
    status=$?
    local elapsed=$((SECONDS - started))
    local result=ok
    if [[ $status -ne 0 ]]; then
      crashed=1
      artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -1 | sed 's/^Test unit written to //')
      result="CRASH ${artifact#$root/}"
      echo "    crashed (exit $status): ${artifact:-no input written, see $log}"
      grep -m1 -E "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer" "$log" | sed 's/^/    /'
      grep -m1 -A3 "panicked at" "$log" | tail -3 | sed 's/^/    /'
    fi
    rows+=("$(printf '%-14s %6s %12s %9s %7s %8s %9s  %s' "$t" "${elapsed}s" \
      "$(stat_field "$log" number_of_executed_units)" "$(stat_field "$log" average_exec_per_sec)" \
      "$(last_field "$log" cov)" "$(last_field "$log" ft)" "$(last_field "$log" corp)" "$result")")
  done
  echo
  printf '%-14s %6s %12s %9s %7s %8s %9s  %s\n' target time execs exec/s cov ft corpus result
  printf '%s\n' "${rows[@]}"
  if [[ $crashed -ne 0 ]]; then
    echo
    echo "A target crashed. Its input is in fuzz/artifacts/<target>/. Once understood, keep it"
    echo "as a regression (minimized) and fix the bug:"
    echo "  scripts/fuzz.sh --regress <target> <artifact> <short-name>"
    exit 1
  fi
}

merge() {
  local targets=("$@") t
  [[ ${#targets[@]} -gt 0 ]] || mapfile -t targets < <(all_targets)
  check_targets "${targets[@]}"
  ensure_cargo_fuzz
  build
  for t in "${targets[@]}"; do
    local committed=$fuzz/corpus/$t new=$fuzz/target/merge/$t scratch=$fuzz/target/scratch/$t
    rm -rf "$new"
    mkdir -p "$new" "$committed"
    local dirs=("$committed")
    [[ -d $scratch ]] && dirs+=("$scratch")
    "$bin_dir/$t" -merge=1 "-max_len=$(max_len_of "$t")" "-rss_limit_mb=$rss" "-timeout=$timeout" \
      "$new" "${dirs[@]}" >"$fuzz/target/logs/$t.merge.log" 2>&1 ||
      die "$t: merge failed (see fuzz/target/logs/$t.merge.log)"
    local before after
    before=$(find "$committed" -type f | wc -l)
    find "$committed" -type f -delete
    find "$new" -maxdepth 1 -type f -exec cp {} "$committed/" \;
    after=$(find "$committed" -type f | wc -l)
    echo "$t: $before committed inputs -> $after ($(du -sh "$committed" | cut -f1))"
  done
}

regress() {
  [[ $# -eq 3 ]] || die "usage: scripts/fuzz.sh --regress TARGET FILE NAME"
  local t=$1 input=$2 name=$3
  check_targets "$t"
  [[ -f $input ]] || die "no file $input"
  ensure_cargo_fuzz
  build
  local out=$fuzz/regressions/$t/$name
  mkdir -p "$(dirname "$out")"
  if "$bin_dir/$t" "-rss_limit_mb=$rss" "-timeout=$timeout" "$input" >/dev/null 2>&1; then
    echo "$input does not crash $t (any more): kept as it is"
    cp "$input" "$out"
  else
    "$bin_dir/$t" -minimize_crash=1 -runs="${FUZZ_TMIN_RUNS:-10000}" "-max_len=$(max_len_of "$t")" \
      "-rss_limit_mb=$rss" "-timeout=$timeout" "-exact_artifact_path=$out" "$input" \
      >"$fuzz/target/logs/$t.tmin.log" 2>&1
    [[ -f $out ]] || cp "$input" "$out"
  fi
  echo "regression input: ${out#$root/} ($(wc -c <"$out") bytes); cargo test replays it"
}

seed() {
  echo "==> writing fuzz/corpus/*/ seeds and fuzz/jose.dict"
  JOSE_HARNESS_WRITE_FUZZ_SEEDS=1 cargo test -p jose-harness-tests --test tests -- \
    --ignored --exact fuzz_corpus::write_seed_corpus
}

case "${1:-}" in
  -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  --list) all_targets ;;
  --merge) shift; merge "$@" ;;
  --regress) shift; regress "$@" ;;
  --seed) seed ;;
  '') run 60 ;;
  *)
    if [[ $1 =~ ^[0-9]+$ ]]; then
      seconds=$1
      shift
      run "$seconds" "$@"
    else
      run 60 "$@"
    fi
    ;;
esac
