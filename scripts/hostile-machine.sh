#!/usr/bin/env bash
# Runs a command on a "lived-in" developer machine, to show the tests do not depend on what
# happens to be installed: a broken `claude` (and a `bun` of the base action's version) first on
# PATH and in /usr/local/bin, a global npm prefix whose bin holds another broken `claude`, and a
# HOME whose ~/.claude has settings that would break any CLI that read them (a wrong-typed key, a
# hook that fails, a base URL nobody answers) and whose ~/.local/bin has a third broken `claude`.
#
#   scripts/hostile-machine.sh npx vitest run test/unit/claude/executable.test.ts …
#   npm run test:hostile                     # the whole suite (long)
#
# /usr/local/bin (where `npm install -g` puts programs on most images) is changed only inside a
# private mount namespace (as root, with util-linux's unshare; elsewhere that part is left out,
# and the script says so). Everything else lives in a temporary directory, removed afterwards.
set -euo pipefail
[ "$#" -ge 1 ] || { echo "usage: scripts/hostile-machine.sh <command> [args…]" >&2; exit 2; }

if [ -n "${CCGA_HOSTILE_ROOT:-}" ]; then
  # Inside the namespace: the machine is set up already.
  root="$CCGA_HOSTILE_ROOT"
else
  root="$(mktemp -d "${TMPDIR:-/tmp}/ccga-hostile-XXXXXX")"
  trap 'rm -rf "$root"' EXIT
  broken() {
    mkdir -p "$(dirname "$1")"
    printf '#!/bin/sh\n# A %s the tests must never pick.\nif [ "$1" = "--version" ]; then echo "%s"; exit 0; fi\necho "hostile-machine: this %s must not be used by the tests" >&2\nexit 97\n' "$2" "$3" "$2" > "$1"
    chmod +x "$1"
  }
  broken "$root/bin/claude" claude "1.0.0 (Claude Code)"
  broken "$root/bin/bun" bun "1.3.14"
  broken "$root/npm-global/bin/claude" claude "1.0.0 (Claude Code)"
  broken "$root/home/.local/bin/claude" claude "1.0.0 (Claude Code)"
  mkdir -p "$root/home/.claude"
  cat > "$root/home/.claude/settings.json" <<'JSON'
{
  "model": 42,
  "env": { "ANTHROPIC_BASE_URL": "http://127.0.0.1:9", "ANTHROPIC_API_KEY": "sk-hostile-machine" },
  "hooks": { "PreToolUse": [{ "matcher": "*", "hooks": [{ "type": "command", "command": "exit 2" }] }] }
}
JSON
  echo '{"hasCompletedOnboarding": true, "userID": "hostile"}' > "$root/home/.claude.json"
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
    mkdir -p "$root/usr-local-bin"
    for f in /usr/local/bin/*; do [ -e "$f" ] && ln -s "$f" "$root/usr-local-bin/$(basename "$f")"; done
    rm -f "$root/usr-local-bin/claude" "$root/usr-local-bin/bun"
    cp "$root/bin/claude" "$root/bin/bun" "$root/usr-local-bin/"
    CCGA_HOSTILE_ROOT="$root" unshare -m --propagation private \
      sh -c 'mount --bind "$CCGA_HOSTILE_ROOT/usr-local-bin" /usr/local/bin && exec "$@"' sh "$0" "$@"
    exit $?
  fi
  echo "hostile-machine: not root or no unshare: /usr/local/bin is left as it is" >&2
fi

export PATH="$root/bin:$root/npm-global/bin:$PATH"
export NPM_CONFIG_PREFIX="$root/npm-global"
export npm_config_prefix="$root/npm-global"
# npm and npx keep their download cache where it was (it holds no result of the tests).
export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
export HOME="$root/home"
exec "$@"
