#!/usr/bin/env bash
# Install what the tests need and run every check: ruff, mypy, pytest.
# Usage: bash scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
bash scripts/system-deps.sh --test
python3 -m pip install --quiet -e ".[test]"
echo "== ruff"; python3 -m ruff check src tests bench
echo "== mypy"; python3 -m mypy
echo "== pytest"; python3 -m pytest -q "$@"
