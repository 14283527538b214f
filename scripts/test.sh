#!/usr/bin/env bash
# Run the whole test suite: bootstraps uv, the locked environment and the browser, then pytest.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh tests/unit -x`).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
uv sync --locked --quiet
bash scripts/install-browser.sh
set +e
uv run pytest "$@"
code=$?
set -e
# pytest exits 5 when it collected no test: for us that is a failure (a suite that tests nothing).
if [ "$code" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$code"
