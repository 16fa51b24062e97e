#!/usr/bin/env bash
# What a newcomer does, from nothing: clone main into a temporary folder, set up
# from the lock (a new .venv, no cached environment) and run the whole suite.
# Prints the wall time of the set-up and of the tests.  Usage: bash .ci/fresh-check.sh [REF]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:-main}
work=$(mktemp -d -t workbench-fresh-XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q --branch "$ref" "$repo" "$work/clone"
cd "$work/clone"
start=$(date +%s)
make .venv/.installed
setup=$(( $(date +%s) - start ))
make test
total=$(( $(date +%s) - start ))
echo "fresh-check: set-up ${setup} s, set-up + make test ${total} s, venv $(du -sh .venv | cut -f1)"
