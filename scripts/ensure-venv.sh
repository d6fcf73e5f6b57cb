#!/usr/bin/env bash
# Find a Python >= 3.12, create the virtualenv and install PeerCircle's locked dependencies.
#
#   bash scripts/ensure-venv.sh [VENV] [LOCK]
#
# LOCK is requirements/base.txt (what running needs; `make run`) or requirements/dev.txt
# (running and testing; `make test`, the default). Both are compiled by pip-tools from
# pyproject.toml (`make lock`), with every package pinned: the same versions on every
# machine, in CI and in the Docker image.
set -euo pipefail
VENV="${1:-.venv}"
LOCK="${2:-requirements/dev.txt}"

if [[ ! -f "$LOCK" ]]; then
  echo "No lock file at $LOCK (run 'make lock' to create it)." >&2
  exit 2
fi

is_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

if [[ -x "$VENV/bin/python" ]] && ! is_ok "$VENV/bin/python"; then
  echo "Removing $VENV: it was made with a Python older than 3.12."
  rm -rf "$VENV"
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  WANTED="${PYTHON:-}"
  PYTHON=""
  for candidate in "$WANTED" python3.14 python3.13 python3.12 python3 python; do
    [[ -z "$candidate" ]] && continue
    if command -v "$candidate" >/dev/null 2>&1 && is_ok "$candidate"; then
      PYTHON="$(command -v "$candidate")"
      break
    fi
  done
  if [[ -z "$PYTHON" ]]; then
    echo "PeerCircle needs Python 3.12 or newer, and none was found." >&2
    echo "Install it (https://www.python.org/downloads/, or 'pyenv install 3.12'), then run this again." >&2
    exit 1
  fi
  echo "Creating $VENV with $PYTHON ($("$PYTHON" --version))"
  "$PYTHON" -m venv "$VENV"
fi

echo "Installing $LOCK into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$LOCK"
echo "Dependencies from $LOCK installed in $VENV."
