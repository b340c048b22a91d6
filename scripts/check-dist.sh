#!/usr/bin/env bash
# Fails when the committed dist/ differs from a fresh build of src/.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build
if ! git diff --quiet -- dist || [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
  echo "dist/ is stale: run 'npm run build' and commit dist/." >&2
  git status --short -- dist >&2
  exit 1
fi
echo "dist/ matches a fresh build."
