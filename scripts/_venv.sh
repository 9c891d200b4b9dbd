# Sourced by the other scripts: a virtual environment in .venv with the pinned requirements.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements-$( (cat requirements*.txt package*.json 2>/dev/null || true) | sha256sum | cut -c1-16)
if [ ! -e "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r "${REQUIREMENTS:-requirements-dev.txt}"
    rm -f .venv/.requirements-*
    touch "$stamp"
fi
