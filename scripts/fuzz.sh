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
#   scripts/fuzz.sh --profile TARGET [SECONDS]
#                                           run one target under `perf record`
#                                           (default 20 s) and print where its
#                                           time goes: the share spent in RSA
#                                           arithmetic and the rate the target
#                                           could reach if nothing else cost
#   scripts/fuzz.sh --list                  the targets
#   scripts/fuzz.sh --help                  this text
#
# Environment:
#   FUZZ_SANITIZER=none|address  (default none; address sets RUSTC_BOOTSTRAP=1
#                                on a stable toolchain)
#   FUZZ_RUNS=N                  stop each target after N runs as well
#   FUZZ_MAX_LEN=N (default 16384; base64url 1024, pkcs7 256)
#   FUZZ_RSS_LIMIT_MB=2048  FUZZ_TIMEOUT=30 (per input, s)
#   FUZZ_DEBUG_ASSERTIONS=1      overflow checks and debug assertions (0: off)
#   FUZZ_NO_BUILD=1              run the binaries already built, as they are
#   FUZZ_WORK_DIR=DIR            scratch corpora and logs (default fuzz/target)
#   CARGO_TARGET_DIR             honoured: the binaries are wherever cargo puts
#                                them (the script asks `cargo metadata`)
#
# A run copies the committed corpus (fuzz/corpus/T) and the regression
# inputs (fuzz/regressions/T) into fuzz/target/scratch/T, so it never changes
# what is committed; `--merge` folds what it found back in, minimized. A
# crash leaves its input in fuzz/artifacts/T/ (printed). After the table of
# every target's executions per second and coverage the script exits 0 when
# every target ran without a crash, 1 when one crashed, 3 when none crashed
# but one was not built (or its binary did not start), 2 when it could not
# do its job (usage, the build failed).
set -uo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
# A relative CARGO_TARGET_DIR names a folder of the caller's directory, not
# of the one this script moves to.
if [[ -n ${CARGO_TARGET_DIR:-} && $CARGO_TARGET_DIR != /* ]]; then
  export CARGO_TARGET_DIR=$PWD/$CARGO_TARGET_DIR
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
fuzz=$root/fuzz
work=${FUZZ_WORK_DIR:-$fuzz/target}

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
dict=$fuzz/jose.dict

# Where cargo puts the fuzz crate's builds: fuzz/target, CARGO_TARGET_DIR,
# or a target-dir of the user's cargo config; cargo fuzz builds for the host
# triple, so the binaries are in TARGET_DIR/TRIPLE/release.
locate_binaries() {
  local metadata
  triple=$(rustc -vV | sed -n 's/^host: //p')
  [[ -n $triple ]] || die "rustc -vV names no host triple"
  metadata=$(cd "$fuzz" && cargo metadata --format-version 1 --no-deps) ||
    die "cargo metadata failed in fuzz/: cannot tell where the fuzz targets are built"
  target_dir=$(grep -o '"target_directory":"[^"]*"' <<<"$metadata" | sed 's/^"target_directory":"//; s/"$//')
  [[ -n $target_dir ]] || die "cargo metadata names no target_directory"
  bin_dir=$target_dir/$triple/release
}

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
  locate_binaries
  # Without a build, a target with no binary is reported as not built.
  [[ ${FUZZ_NO_BUILD:-0} == 1 ]] && return
  ensure_cargo_fuzz
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
  # last build had another one. The stamp lives beside the build; in a
  # target directory of the user's (CARGO_TARGET_DIR), only a build this
  # script stamped is removed.
  local stamp=$target_dir/$triple/jose-harness-fuzz-wrapper.stamp
  if [[ -d $bin_dir && "$(cat "$stamp" 2>/dev/null)" != "$RUSTC_WRAPPER" ]] &&
    [[ -f $stamp || $target_dir == "$fuzz/target" ]]; then
    echo "==> the last fuzz build used another RUSTC_WRAPPER: rebuilding from scratch"
    rm -rf "${bin_dir:?}"
  fi
  echo "==> cargo fuzz build ${flags[*]} ($(cargo fuzz --version)) into $bin_dir"
  cargo fuzz build "${flags[@]}" || die "the fuzz targets do not build"
  mkdir -p "$target_dir/$triple"
  echo "$RUSTC_WRAPPER" >"$stamp"
}

# The binary of target $1, or a message on stderr and status 1 when cargo
# put none there.
binary_of() {
  local bin=$bin_dir/$1
  if [[ ! -x $bin ]]; then
    echo "fuzz.sh: $1 is not built: no executable $bin" >&2
    return 1
  fi
  echo "$bin"
}

# The committed inputs of a target, copied into a fresh directory.
scratch_corpus() {
  local t=$1 dir=$work/scratch/$1
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
  local targets=("$@") t log status scratch artifact bin crashed=0 missing=()
  [[ ${#targets[@]} -gt 0 ]] || mapfile -t targets < <(all_targets)
  check_targets "${targets[@]}"
  build
  mkdir -p "$work/logs"
  local rows=()
  for t in "${targets[@]}"; do
    if ! bin=$(binary_of "$t" 2>/dev/null); then
      echo "==> $t: not built (no executable $bin_dir/$t)"
      missing+=("$t")
      rows+=("$(printf '%-14s %6s %12s %9s %7s %8s %9s  %s' "$t" - - - - - - "NOT BUILT")")
      continue
    fi
    scratch=$(scratch_corpus "$t")
    mkdir -p "$fuzz/artifacts/$t"
    log=$work/logs/$t.log
    local args=("$scratch" "-dict=$dict" "-max_total_time=$seconds" "-max_len=$(max_len_of "$t")"
      "-rss_limit_mb=$rss" "-timeout=$timeout" "-artifact_prefix=$fuzz/artifacts/$t/"
      -print_final_stats=1)
    [[ -n ${FUZZ_RUNS:-} ]] && args+=("-runs=$FUZZ_RUNS")
    echo "==> $t: ${seconds}s, $(find "$scratch" -type f | wc -l) inputs to start from (log: ${log#$root/})"
    local started=$SECONDS
    "$bin" "${args[@]}" >"$log" 2>&1
    status=$?
    local elapsed=$((SECONDS - started))
    local result=ok
    if [[ $status -eq 126 || $status -eq 127 ]] && ! grep -aq '^INFO: Seed: ' "$log"; then
      # libFuzzer never started: the binary could not be run (a missing
      # loader or library), which is no finding about the target.
      echo "    did not start (exit $status): $(head -c 300 "$log" | head -n 1)"
      missing+=("$t")
      result="DID NOT START (exit $status)"
    elif [[ $status -ne 0 ]]; then
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
  fi
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo
    echo "Not run (not built, or the binary did not start): ${missing[*]}. The binaries are"
    echo "looked for in $bin_dir (cargo metadata's target_directory, host triple, release)."
  fi
  [[ $crashed -eq 0 ]] || exit 1
  [[ ${#missing[@]} -eq 0 ]] || exit 3
}

merge() {
  local targets=("$@") t
  [[ ${#targets[@]} -gt 0 ]] || mapfile -t targets < <(all_targets)
  check_targets "${targets[@]}"
  build
  mkdir -p "$work/logs"
  for t in "${targets[@]}"; do
    local bin
    bin=$(binary_of "$t") || exit 3
    local committed=$fuzz/corpus/$t new=$work/merge/$t scratch=$work/scratch/$t
    rm -rf "$new"
    mkdir -p "$new" "$committed"
    local dirs=("$committed")
    [[ -d $scratch ]] && dirs+=("$scratch")
    "$bin" -merge=1 "-max_len=$(max_len_of "$t")" "-rss_limit_mb=$rss" "-timeout=$timeout" \
      "$new" "${dirs[@]}" >"$work/logs/$t.merge.log" 2>&1 ||
      die "$t: merge failed (see $work/logs/$t.merge.log)"
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
  build
  local bin
  bin=$(binary_of "$t") || exit 3
  mkdir -p "$work/logs"
  local out=$fuzz/regressions/$t/$name
  mkdir -p "$(dirname "$out")"
  if "$bin" "-rss_limit_mb=$rss" "-timeout=$timeout" "$input" >/dev/null 2>&1; then
    echo "$input does not crash $t (any more): kept as it is"
    cp "$input" "$out"
  else
    "$bin" -minimize_crash=1 -runs="${FUZZ_TMIN_RUNS:-10000}" "-max_len=$(max_len_of "$t")" \
      "-rss_limit_mb=$rss" "-timeout=$timeout" "-exact_artifact_path=$out" "$input" \
      >"$work/logs/$t.tmin.log" 2>&1
    [[ -f $out ]] || cp "$input" "$out"
  fi
  echo "regression input: ${out#$root/} ($(wc -c <"$out") bytes); cargo test replays it"
}

# RSA arithmetic in a profile: num-bigint-dig (the rsa crate's, under the
# reference and jsonwebtoken) and OpenSSL's big-number and RSAZ routines
# (under openssl and josekit).
rsa_symbols='num_bigint_dig::|ossl_rsaz_|rsaz_|^_*bn_|^BN_|ossl_bn_|ossl_extract_multiplier'

profile() {
  [[ $# -ge 1 && $# -le 2 ]] || die "usage: scripts/fuzz.sh --profile TARGET [SECONDS]"
  local t=$1 seconds=${2:-20}
  [[ $seconds =~ ^[0-9]+$ ]] || die "SECONDS must be a number, not $seconds"
  check_targets "$t"
  command -v perf >/dev/null || die "perf is not installed (Debian: apt-get install linux-perf)"
  build
  local bin scratch data report log
  bin=$(binary_of "$t") || exit 3
  scratch=$(scratch_corpus "$t")
  mkdir -p "$work/profile" "$work/logs"
  data=$work/profile/$t.perf.data
  log=$work/logs/$t.profile.log
  echo "==> $t under perf record, ${seconds}s (log: ${log#$root/})"
  perf record -F 999 -o "$data" -- "$bin" "$scratch" "-dict=$dict" "-max_total_time=$seconds" \
    "-max_len=$(max_len_of "$t")" "-rss_limit_mb=$rss" "-timeout=$timeout" \
    "-artifact_prefix=$work/profile/" -print_final_stats=1 >"$log" 2>&1 ||
    die "$t failed under perf (see $log)"
  report=$(perf report -i "$data" --no-children --sort symbol --stdio 2>/dev/null |
    sed -n 's/^ *\([0-9.]*\)% *\[[.k]\] \(.*\)$/\1\t\2/p')
  [[ -n $report ]] || die "perf report gave no samples for $t"
  local rate share
  rate=$(stat_field "$log" average_exec_per_sec)
  share=$(awk -F'\t' -v re="$rsa_symbols" '$2 ~ re { s += $1 } END { printf "%.1f", s }' <<<"$report")
  echo
  echo "the ten costliest functions of $t (share of samples):"
  head -10 <<<"$report" | awk -F'\t' '{ printf "  %6.2f%%  %s\n", $1, substr($2, 1, 100) }'
  echo
  echo "executions per second under perf: $rate"
  echo "share of samples in RSA arithmetic: $share%"
  # Past half the samples the target is bound by its RSA operations: the
  # rate it could reach if all else cost nothing is its floor's measure.
  awk -v r="$rate" -v s="$share" 'BEGIN {
    if (s >= 50) printf "RSA-bound: with everything else free it would run at most %d executions per second\n", r * 100 / s
    else print "not RSA-bound: parsing, checking and the coverage instrumentation take most of its time" }'
}

seed() {
  echo "==> writing fuzz/corpus/*/ seeds and fuzz/jose.dict"
  JOSE_HARNESS_WRITE_FUZZ_SEEDS=1 cargo test -p jose-harness-tests --test tests -- \
    --ignored --exact fuzz_corpus::write_seed_corpus
}

case "${1:-}" in
  --list) all_targets ;;
  --profile) shift; profile "$@" ;;
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
