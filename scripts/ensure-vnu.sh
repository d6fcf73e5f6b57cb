#!/usr/bin/env bash
# Install the Nu HTML Checker (npm package vnu-jar, pinned in package.json and
# package-lock.json) into node_modules/ unless it is there already, and print the jar's path.
#
#   bash scripts/ensure-vnu.sh
#
# Used by tests/browser/test_every_page.py, which runs the jar on the Java already on the
# machine. --ignore-scripts: vnu-jar's install script would download a Java runtime of its own.
# Exit status 3: npm is missing (the test skips, or fails under REQUIRE_SERVICES=1).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR="node_modules/vnu-jar/build/dist/vnu.jar"
# Two test workers may ask at once: one installs, the other waits for it.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/peercircle-ensure-vnu.lock"
  flock 9
fi
if [[ ! -f "$JAR" ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is not installed: it is needed once to fetch vnu-jar (see package.json)." >&2
    exit 3
  fi
  npm ci --no-audit --no-fund --ignore-scripts >&2
fi
echo "$PWD/$JAR"
