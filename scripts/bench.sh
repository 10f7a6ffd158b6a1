#!/usr/bin/env bash
# How fast `check --batch` checks tokens, next to OpenSSL's own RSA-2048
# private-key rate on every core, measured in the same run: the floor of an
# iadvize check is one private-key operation, of a moveo check with a
# context two (encryption_key and init_vector).
#
#   scripts/bench.sh            batch throughput of both profiles, one
#                               check's wall time, `openssl speed`, ratios
#   scripts/bench.sh --memory   also: max RSS of a 1,000,000-line batch
#                               (a few minutes)
#   scripts/bench.sh --suite    also: wall time of `vectors run` and
#                               `interop --cases 200`
#   scripts/bench.sh --help     this text
#
# BENCH_TOKENS (default 20000) sets the size of the generated files,
# BENCH_ROUNDS (default 7) how many times each batch runs. The files are
# large enough that the fixed cost of a run (process start, keys, each
# thread's first use of OpenSSL: about 10 ms) weighs under 0.5% of it, as
# it does in a real batch of captured traffic; `openssl speed` counts no
# such cost. OPENSSL_ia32cap (OpenSSL's choice of CPU code paths), if
# set, applies to both sides alike and is printed. The machine's
# speed can drift by more than the margins measured here (other tenants
# of a shared host), so each round runs `openssl speed` right before and
# right after each batch, a ratio is taken per round against those two,
# and the ratios reported are the medians of the rounds. The last lines
# are the ratios. Criterion's per-operation figures are
# `cargo bench -p jose-harness --features full --bench crypto`.
set -euo pipefail

memory=0
suite=0
for arg in "$@"; do
  case "$arg" in
    --memory) memory=1 ;;
    --suite) suite=1 ;;
    -h|--help) sed -n '2,/^set -/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: scripts/bench.sh [--memory] [--suite]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tokens=${BENCH_TOKENS:-20000}
rounds=${BENCH_ROUNDS:-7}
cores=$(nproc)

install() {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq "$@"
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq "$@"
  fi
}
command -v openssl >/dev/null 2>&1 || install openssl
if [ "$memory" = 1 ] && [ ! -x /usr/bin/time ]; then install time; fi

step() { printf '==> %s\n' "$*" >&2; }

if [ -n "${OPENSSL_ia32cap+set}" ]; then
  step "OPENSSL_ia32cap=$OPENSSL_ia32cap, for openssl speed and check --batch alike"
fi
step "release build"
cargo build --release --quiet -p jose-harness --features full
# Where cargo put it: target/, or CARGO_TARGET_DIR, or the user's config.
bin=$(cargo metadata --format-version 1 --no-deps | grep -o '"target_directory":"[^"]*"' |
  sed 's/^"target_directory":"//; s/"$//')/release/jose-harness

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keys=vectors/keys
now=1700000000
common=(--now "$now" --verify-key "$keys/customer-test-public.pem"
        --decrypt-key "$keys/recipient-test-private.pem")

# Milliseconds since the epoch, with a fraction, from bash itself: no
# process is started, so nothing is added to what is timed.
now_ms() {
  local t=${EPOCHREALTIME/[.,]/}
  printf '%s.%s' "${t:0:${#t}-3}" "${t: -3}"
}

step "generate $tokens tokens of each profile"
"$bin" generate --profile iadvize --count "$tokens" --seed 1 --now "$now" --backend openssl \
  --sign-key "$keys/customer-test-private.pem" \
  --encrypt-key "$keys/recipient-test-public.pem" >"$work/iadvize.txt"
"$bin" generate --profile moveo --count "$tokens" --seed 1 --now "$now" --backend openssl \
  --context '{"plan":"gold","cart":[1,2,3]}' \
  --sign-key "$keys/customer-test-private.pem" \
  --encrypt-key "$keys/recipient-test-public.pem" >"$work/moveo.txt"

# Tokens per second of one `check --batch` run, start to exit (process
# start and key loading included); every token must pass.
batch_rate() {
  local profile=$1 file=$2 start end
  start=$(now_ms)
  "$bin" check --profile "$profile" --batch "$file" "${common[@]}" \
    >"$work/out.jsonl" 2>"$work/summary.txt" || {
    cat "$work/summary.txt" >&2
    echo "bench: the $profile batch did not pass" >&2
    exit 1
  }
  end=$(now_ms)
  cat "$work/summary.txt" >&2
  awk -v n="$tokens" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / ((e - s) / 1000) }'
}

# OpenSSL's RSA-2048 private-key operations per second on every core, and
# its public-key operations (signature checks): "<sign/s> <verify/s>" from
# the summary line "rsa 2048 bits <s> <s> <sign/s> <verify/s>".
openssl_speed() {
  openssl speed -seconds 2 -multi "$cores" rsa2048 >"$work/speed.txt" 2>/dev/null
  awk '/^rsa +2048 bits/ { n = 0; for (i = 4; i <= NF; i++) if ($i ~ /^[0-9.]+$/) r[n++] = $i
                           if (n >= 2) { print r[0], r[1]; exit } }' "$work/speed.txt"
}

# The first and second of a "<sign/s> <verify/s>" pair.
sign_of() { echo "${1% *}"; }
verify_of() { echo "${1#* }"; }

# Round by round: openssl speed, the iadvize batch, openssl speed, the
# moveo batch, openssl speed (each speed run shared with the next batch).
# A batch's ratio is to the mean of the speed runs on either side of it.
step "$rounds rounds of: openssl speed -multi $cores rsa2048 and check --batch, alternately"
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
speeds=() iadvize_rates=() moveo_rates=() iadvize_ratios=() moveo_ratios=()
iadvize_floors=() moveo_floors=()
before=$(openssl_speed)
for round in $(seq "$rounds"); do
  i_rate=$(batch_rate iadvize "$work/iadvize.txt")
  middle=$(openssl_speed)
  m_rate=$(batch_rate moveo "$work/moveo.txt")
  after=$(openssl_speed)
  for rate in "$before" "$middle" "$after"; do
    if [ -z "$rate" ]; then
      cat "$work/speed.txt" >&2
      echo "bench: cannot read the rate from openssl speed" >&2
      exit 1
    fi
  done
  # The ratio to OpenSSL's private-key rate (the targets), and to the
  # floor of the check itself at OpenSSL's rates: one private-key
  # operation and one signature check (iadvize), two and one (moveo).
  ratios() {
    awk -v r="$1" -v private="$2" -v a="$3" -v b="$4" -v c="$5" -v d="$6" 'BEGIN {
      s = (a + c) / 2; v = (b + d) / 2
      printf "%.4f %.4f", r / s, r * (private / s + 1 / v) }'
  }
  read -r i_ratio i_floor <<<"$(ratios "$i_rate" 1 $before $middle)"
  read -r m_ratio m_floor <<<"$(ratios "$m_rate" 2 $middle $after)"
  printf 'round %d: openssl %s, iadvize %s tokens/s (%.2f), openssl %s, moveo %s tokens/s (%.2f), openssl %s\n' \
    "$round" "$(sign_of "$before")" "$i_rate" "$i_ratio" "$(sign_of "$middle")" "$m_rate" "$m_ratio" \
    "$(sign_of "$after")" >&2
  speeds+=("$(sign_of "$before")" "$(sign_of "$middle")")
  iadvize_rates+=("$i_rate") moveo_rates+=("$m_rate")
  iadvize_ratios+=("$i_ratio") moveo_ratios+=("$m_ratio")
  iadvize_floors+=("$i_floor") moveo_floors+=("$m_floor")
  before=$after
done
speeds+=("$(sign_of "$before")")
openssl_rate=$(printf '%s\n' "${speeds[@]}" | median)
iadvize_rate=$(printf '%s\n' "${iadvize_rates[@]}" | median)
moveo_rate=$(printf '%s\n' "${moveo_rates[@]}" | median)
iadvize_ratio=$(printf '%s\n' "${iadvize_ratios[@]}" | median)
moveo_ratio=$(printf '%s\n' "${moveo_ratios[@]}" | median)
iadvize_floor=$(printf '%s\n' "${iadvize_floors[@]}" | median)
moveo_floor=$(printf '%s\n' "${moveo_floors[@]}" | median)

step "one check, start to exit (20 runs)"
head -n 1 "$work/iadvize.txt" >"$work/one.txt"
single=()
for _ in $(seq 20); do
  start=$(now_ms)
  "$bin" check --profile iadvize --token "@$work/one.txt" "${common[@]}" >/dev/null
  end=$(now_ms)
  single+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')")
done
single_median=$(printf '%s\n' "${single[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2 }')

if [ "$suite" = 1 ]; then
  step "vectors run (every built-in backend) and interop --cases 200"
  start=$(now_ms)
  "$bin" vectors run >/dev/null
  end=$(now_ms)
  vectors_s=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) / 1000 }')
  start=$(now_ms)
  "$bin" interop --cases 200 >/dev/null
  end=$(now_ms)
  interop_s=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) / 1000 }')
  echo "vectors run, every built-in backend: ${vectors_s} s (target <= 10 s)"
  echo "interop --cases 200: ${interop_s} s (target <= 60 s)"
fi

if [ "$memory" = 1 ]; then
  step "a 1,000,000-line batch (the $tokens iadvize tokens repeated)"
  awk -v n=1000000 -v f="$work/iadvize.txt" 'BEGIN {
      while ((getline line < f) > 0) t[c++] = line
      for (i = 0; i < n; i++) print t[i % c] }' >"$work/million.txt"
  /usr/bin/time -v "$bin" check --profile iadvize --batch "$work/million.txt" "${common[@]}" \
    >/dev/null 2>"$work/time.txt" || true
  grep '^batch:' "$work/time.txt" >&2 || true
  rss_kib=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$work/time.txt")
  echo "1,000,000-line batch: max RSS $(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k / 1024 }') MiB (target < 100 MiB)"
fi

echo "single check, start to exit: ${single_median} ms median of 20 (target <= 15 ms)"
printf 'openssl speed -multi %s rsa2048: %.0f private ops/s (median of %d runs, %s)\n' \
  "$cores" "$openssl_rate" "${#speeds[@]}" "$(printf '%s ' "${speeds[@]}" | sed 's/ $//')"
printf 'check --batch iadvize: %.0f tokens/s (median of %d rounds)\n' "$iadvize_rate" "$rounds"
printf 'check --batch moveo with context: %.0f tokens/s (median of %d rounds)\n' "$moveo_rate" "$rounds"
printf 'iadvize batch / its floor at openssl'"'"'s rates (1 private-key op + 1 signature check): %.2f\n' "$iadvize_floor"
printf 'moveo batch / its floor at openssl'"'"'s rates (2 private-key ops + 1 signature check): %.2f\n' "$moveo_floor"
printf 'ratio iadvize / openssl private ops: %.2f (target >= 0.90; median of the rounds: %s)\n' \
  "$iadvize_ratio" "$(printf '%.2f ' "${iadvize_ratios[@]}" | sed 's/ $//')"
printf 'ratio moveo with context / openssl private ops: %.2f (target >= 0.45; median of the rounds: %s)\n' \
  "$moveo_ratio" "$(printf '%.2f ' "${moveo_ratios[@]}" | sed 's/ $//')"
