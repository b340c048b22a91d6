#!/usr/bin/env bash
# Fails when the committed dist/ (or the checksums of it in action.yml) differs from a fresh build of src/.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build
if ! git diff --quiet -- dist action.yml || [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
  echo "dist/ (or the bundle checksums in action.yml) is stale: run 'npm run build' and commit dist/ and action.yml." >&2
  git status --short -- dist action.yml >&2
  exit 1
fi
echo "dist/ matches a fresh build."
