#!/usr/bin/env bash
# Set everything up, then run the whole test suite. This is what CI runs (.ci/run).
#
#   bash scripts/test.sh                 # everything under tests/
#   bash scripts/test.sh -k registry -x  # extra arguments go to pytest
#
# Exit code: pytest's. "No tests collected" (pytest's 5) is a failure too: a suite
# that silently stopped collecting must not pass.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

# shellcheck source=scripts/setup.sh
source scripts/setup.sh || { echo "test: setup failed" >&2; exit 1; }

log=$(mktemp "${TMPDIR:-/tmp}/ksad-pytest.XXXXXX.log")
trap 'rm -f "$log"' EXIT

# Without path arguments pytest uses testpaths (tests/) from pyproject.toml.
python -m pytest -q -ra "$@" 2>&1 | tee "$log"
code=${PIPESTATUS[0]}

# pytest -q ends with e.g. "12 passed, 1 skipped in 3.2s"; repeat it last so CI can read it.
summary=$(grep -E '^=*[[:space:]]*(no tests ran|[0-9]+ (passed|failed|error|errors|skipped|xfailed|xpassed|deselected|warnings?))' "$log" | tail -n 1)
summary=${summary//=/}
summary=$(echo "$summary" | sed -E 's/^[[:space:]]+|[[:space:]]+$//g')

if [ "$code" -eq 5 ]; then
    echo "test: FAILED: pytest collected no tests" >&2
fi
echo "ksad test summary: ${summary:-<no pytest summary line>} (exit $code)"
exit "$code"
