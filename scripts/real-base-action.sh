#!/usr/bin/env bash
# Runs test suites with the real pinned base action in place of the stand-in in
# test/support/base-action: the pinned commit's files (the vendored snapshot, or
# BASE_ACTION_SRC) are copied to .cache/, their dependencies installed once from
# the pin's own bun.lock (this needs the npm registry the first time; later runs,
# and the pin's own `bun install --production` step inside each run, find them
# installed and stay offline), and the runner resolves the pinned `uses:` there.
#
#   scripts/real-base-action.sh                      # test/e2e, test/security, the base-action harness
#   scripts/real-base-action.sh test/e2e/tag-pr.test.ts
set -euo pipefail
cd "$(dirname "$0")/.."
sha=$(sed -n 's/^| Base action SHA | `\([0-9a-f]\{40\}\)` |$/\1/p' PINS.md)
[ -n "$sha" ] || { echo "PINS.md names no Base action SHA" >&2; exit 1; }
src=${BASE_ACTION_SRC:-../shared/vendor/claude-code-base-action-${sha:0:7}}
[ -f "$src/action.yml" ] || { echo "no base action at $src (set BASE_ACTION_SRC to a checkout of $sha)" >&2; exit 1; }
dest=.cache/base-action-$sha
if [ ! -f "$dest/.installed" ]; then
  rm -rf "$dest"
  mkdir -p "$dest"
  cp -R "$src/." "$dest/"
  (cd "$dest" && "$OLDPWD/node_modules/bun/bin/bun.exe" install --production --frozen-lockfile)
  touch "$dest/.installed"
fi
if [ $# -eq 0 ]; then set -- test/e2e test/security test/harness/base-action.test.ts; fi
BASE_ACTION_DIR="$PWD/$dest" exec npx vitest run "$@"
