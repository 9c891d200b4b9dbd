# Sourced by the other scripts: a virtual environment ($VENV, default .venv) with the pinned
# requirements of $REQUIREMENTS (default requirements-dev.txt) installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
export VENV=${VENV:-.venv}
REQUIREMENTS=${REQUIREMENTS:-requirements-dev.txt}
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi

_requirements_closure() {  # FILE: the file and every file it includes with -r/-c, once each
    local file=$1 dir included
    echo "$file"
    dir=$(dirname "$file")
    sed -nE 's/^[[:space:]]*(-r|-c|--requirement|--constraint)[[:space:]=]+([^[:space:]#]+).*/\2/p' \
        "$file" | while read -r included; do
        _requirements_closure "$dir/$included"
    done
}

_requirements_stamp() {  # FILE: the stamp that says FILE, as it reads now, is installed
    local name
    name=$(basename "$1" .txt)
    # shellcheck disable=SC2046
    echo "$VENV/.installed-$name-$(cat $(_requirements_closure "$1" | sort -u) | sha256sum | cut -c1-16)"
}

# One stamp per requirements file, hashed over what it includes: installing requirements.txt
# (the demo) says nothing about requirements-dev.txt (the tests), so each script installs what it
# needs whatever ran before. Installing a file also stamps the files it includes.
if [ ! -e "$(_requirements_stamp "$REQUIREMENTS")" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -r "$REQUIREMENTS"
    for _installed in $(_requirements_closure "$REQUIREMENTS" | sort -u); do
        rm -f "$VENV/.installed-$(basename "$_installed" .txt)-"*
        touch "$(_requirements_stamp "$_installed")"
    done
fi
