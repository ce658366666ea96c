#!/usr/bin/env bash
# Run the ksad benchmark suite (bench/README.md) and write bench/RESULTS.md.
#
#   scripts/bench.sh            # full run, about 5-8 minutes
#   scripts/bench.sh --quick    # smoke test, about 2 minutes
#   scripts/bench.sh --help     # every option
#
# Not part of the test suite: it measures, it does not assert.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# setup.sh is written to be sourced without `set -e` (its checks fail on purpose).
# shellcheck source=scripts/setup.sh disable=SC1091
source "$repo/scripts/setup.sh" || exit 1
set -euo pipefail
exec python "$repo/bench/run.py" "$@"
