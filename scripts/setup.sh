#!/usr/bin/env bash
# Install lingtan with every capability and its Debian fonts (first quick-start command).
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
bash scripts/system-deps.sh
python3 -m pip install --quiet -e ".[all]"
