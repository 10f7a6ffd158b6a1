#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz build (scripts/fuzz.sh and
# .clusterfuzzlite/build.sh set it): compiles the arithmetic and primitive
# crates listed below without libFuzzer's coverage instrumentation and
# debug assertions, and everything else as cargo-fuzz asks.
#
# Why: cargo-fuzz instruments every crate, comparisons included
# (-sanitizer-coverage-trace-compares). In the bignum code under the rsa
# crate that is a callback per limb comparison, which makes one RSA-2048
# private-key operation about a hundred times slower (150 ms instead of
# 1.3 ms), and the targets that do RSA crawl at a few executions per second.
# Coverage inside those crates does not guide the fuzzer anyway: their
# inputs are ciphertexts and digests it cannot shape. The parsers the
# targets are about (ours, serde_json, base64, der/pkcs8 key parsing,
# josekit, jsonwebtoken) stay instrumented. Sanitizer flags are kept.
rustc=$1
shift

list="num_bigint_dig num_integer num_iter num_traits rsa sha1 sha2 digest
  aes aes_gcm cbc ctr ghash polyval cipher universal_hash block_buffer crypto_common
  generic_array subtle inout block_padding hmac signature rand rand_core rand_chacha
  ppv_lite86 getrandom zeroize miniz_oxide flate2 adler2 crc32fast smallvec libm"
# One space around every name, for the match below.
uninstrumented=" $(echo $list) "

crate=
prev=
for arg in "$@"; do
  [[ $prev == --crate-name ]] && crate=$arg
  prev=$arg
done

if [[ -n $crate && $uninstrumented == *" $crate "* ]]; then
  args=()
  for arg in "$@"; do
    case "$arg" in
      -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-* | -Cdebug-assertions) ;;
      -Cllvm-args=-simplifycfg-branch-fold-threshold=0) ;;
      *) args+=("$arg") ;;
    esac
  done
  exec "$rustc" "${args[@]}"
fi
exec "$rustc" "$@"
