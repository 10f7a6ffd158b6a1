#!/usr/bin/env bash
# The auditors' report in a real browser: loads REPORT_DIR/index.html in
# headless Chromium from file:// and checks that nothing fails in the
# console, that the filters change the rows shown, that a click on a row
# shows that vector's detail, and saves REPORT_DIR/screenshot.png.
#
#   scripts/browser-test.sh                  make target/report, then test it
#   scripts/browser-test.sh -- OPTIONS…      the same, passing OPTIONS to
#                                            `jose-harness report` (e.g. --exec CMD)
#   scripts/browser-test.sh REPORT_DIR       test a report made already
#   scripts/browser-test.sh --help           this text
#
# Installs what it needs when missing: Debian's `chromium` (apt-get, as
# root or with sudo) and the pinned puppeteer-core (npm ci into
# scripts/browser/node_modules). CHROMIUM=/path/to/chromium overrides the
# browser. Exit 0 when the page works, 1 when it does not, 2 when the test
# could not run.
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
# A report directory given relative to the caller's directory.
if [[ $# -gt 0 && $1 != -- && $1 != /* ]]; then
  set -- "$PWD/$1" "${@:2}"
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '==> %s\n' "$*"; }
die() { printf 'browser test: %s\n' "$*" >&2; exit 2; }

report_dir=target/report
report_args=()
make_report=yes
if [[ $# -gt 0 && $1 == -- ]]; then
  shift
  report_args=("$@")
elif [[ $# -gt 0 ]]; then
  report_dir=$1
  make_report=no
  [[ -f $report_dir/index.html ]] || die "$report_dir/index.html does not exist"
fi

# The browser and its driver (Debian's chromium, puppeteer-core).
# shellcheck source=scripts/browser/prepare.sh
source scripts/browser/prepare.sh

# The report, unless one was given.
if [[ $make_report == yes ]]; then
  shown=""
  [[ ${#report_args[@]} -eq 0 ]] || printf -v shown ' %q' "${report_args[@]}"
  step "making the report: jose-harness report --out $report_dir$shown"
  status=0
  cargo run --quiet -p jose-harness --features full -- report --out "$report_dir" "${report_args[@]}" || status=$?
  # 1: written, with unexpected results (the page shows them); it is still
  # the page under test.
  [[ $status -le 1 ]] || die "jose-harness report failed (exit $status)"
fi

step "loading $report_dir/index.html in headless chromium"
CHROMIUM=$chromium node scripts/browser/check-report.mjs "$report_dir"
