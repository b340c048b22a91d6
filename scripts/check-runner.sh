#!/usr/bin/env bash
# Does this runner (or job image) meet the pins in PINS.md? No network, changes nothing.
#
#   scripts/check-runner.sh [--pins FILE] [--externals DIR] [--strict]
#
# Run it where the job runs: inside the job image
#   docker run --rm -v "$PWD:/ccga:ro" IMAGE /ccga/scripts/check-runner.sh
# or on a host-mode runner as the runner's user. Prints one line per check:
#   ok    the requirement is met
#   warn  works, but differs from what the release was tested with (a failure with --strict)
#   FAIL  the requirement is not met
#   info  something the script reports but cannot judge
# Exit status: 0 when nothing failed, 1 when a requirement failed, 2 on a usage or PINS.md problem.
#
# Checks:
#   claude     `claude --version` (CLAUDE_BIN, else PATH, else ~/.local/bin/claude) against the
#              "Claude Code CLI" pin; below "Minimum Claude Code CLI" fails (prepare refuses it).
#   node       `node --version` on PATH, at least "Node.js for the action's own steps".
#   git        `git --version` on PATH.
#   node24     a Node.js at least "Node.js for the base action's setup steps" for the base
#              action's node24 setup actions: act_runner runs JavaScript actions with the `node`
#              of the job container (or of the host in host mode), so `node` on PATH counts;
#              so does <externals>/node24/bin/node of a GitHub-style runner (--externals DIR
#              or RUNNER_EXTERNALS).
#   act_runner `act_runner --version` when it is on PATH (host mode): reported only.
#   bun        `bun --version` on PATH against "Bun for the base action": with it, prepare passes
#              it to the base action and no Bun is downloaded (warns when it would be).
#   deps       Bun's install cache (BUN_INSTALL_CACHE_DIR, else ~/.bun/install/cache) holds the
#              base action's Agent SDK ("Agent SDK of the base action"): its `bun install
#              --production` then downloads nothing (warns when it would).
#   toolcache  Node.js 18 in the tool cache (RUNNER_TOOL_CACHE, else /opt/hostedtoolcache), where
#              the base action's setup-node (node-version 18.x) looks first (warns when absent).
#   image      CLAUDE_RUNNER_IMAGE_CLI / _ACTION_SHA / _BASE_ACTION_SHA / _BUN, set by images built
#              from patches/reference/runner-image/Dockerfile, compared with the pins.
#
# What it cannot know: whether the act_runner that starts the job accepts `runs.using: node24`
# (that is decided by the act version built into act_runner, not by the image; upgrade
# act_runner, then run a workflow with a node24 action once to be sure), and whether the runner
# can reach the action and base action at their SHAs (mirrors, DEFAULT_ACTIONS_URL).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pins_file="${CHECK_RUNNER_PINS:-$here/../PINS.md}"
externals="${RUNNER_EXTERNALS:-}"
strict=0

usage() { sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --pins) [ $# -ge 2 ] || usage; pins_file="$2"; shift 2 ;;
    --externals) [ $# -ge 2 ] || usage; externals="$2"; shift 2 ;;
    --strict) strict=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done

if [ ! -r "$pins_file" ]; then
  echo "PINS.md not found at $pins_file (use --pins FILE)" >&2
  exit 2
fi
pins_file="$(cd "$(dirname "$pins_file")" && pwd)/$(basename "$pins_file")"

# The value of a row of PINS.md's pin table, backticks removed from key and value.
pin() {
  awk -F'|' -v key="$1" '
    /^\|/ {
      k = $2; v = $3
      gsub(/`/, "", k); gsub(/`/, "", v)
      gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", v)
      if (k == key) { print v; exit }
    }' "$pins_file"
}

want_cli="$(pin "Claude Code CLI")"
min_cli="$(pin "Minimum Claude Code CLI")"
want_bun="$(pin "Bun for the base action")"
want_sdk="$(pin "Agent SDK of the base action")"
want_action="$(pin "Action SHA")"
want_base="$(pin "Base action SHA")"
node_own="$(pin "Node.js for the action's own steps")"
node_setup="$(pin "Node.js for the base action's setup steps")"
for v in want_cli min_cli want_bun want_sdk want_action want_base node_own node_setup; do
  if [ -z "${!v}" ]; then
    echo "PINS.md ($pins_file) lacks a pin this check needs ($v)" >&2
    exit 2
  fi
done

failed=0
say() { printf '%-5s %-10s %s\n' "$1" "$2" "$3"; }
ok() { say ok "$1" "$2"; }
info() { say info "$1" "$2"; }
fail() { say FAIL "$1" "$2"; failed=1; }
warn() { if [ "$strict" = 1 ]; then fail "$1" "$2 (--strict)"; else say warn "$1" "$2"; fi; }

# The first X.Y.Z (or X.Y, X) in a text.
version_in() { printf '%s\n' "$1" | grep -oE '[0-9]+(\.[0-9]+){0,2}' | head -n 1; }

# version_ge A B: A >= B, comparing up to three numeric parts.
version_ge() {
  local IFS=.
  local -a a=($1) b=($2)
  local i x y
  for i in 0 1 2; do
    x="${a[$i]:-0}"; y="${b[$i]:-0}"
    if ((10#$x > 10#$y)); then return 0; fi
    if ((10#$x < 10#$y)); then return 1; fi
  done
  return 0
}

echo "Pins from $pins_file: claude $want_cli (>= $min_cli), bun $want_bun, node >= $node_own, node$node_setup actions"

# claude
claude_bin="${CLAUDE_BIN:-}"
if [ -z "$claude_bin" ]; then
  claude_bin="$(command -v claude 2>/dev/null || true)"
  [ -z "$claude_bin" ] && [ -x "$HOME/.local/bin/claude" ] && claude_bin="$HOME/.local/bin/claude"
fi
if [ -z "$claude_bin" ]; then
  fail claude "not found (PATH, ~/.local/bin/claude): the action would download $want_cli at every job; bake it into the image"
else
  out="$("$claude_bin" --version 2>/dev/null)"
  have="$(version_in "$out")"
  if [ -z "$have" ]; then
    fail claude "$claude_bin --version printed no version: ${out:-nothing}"
  elif ! version_ge "$have" "$min_cli"; then
    fail claude "$have ($claude_bin) is older than $min_cli, the oldest CLI this release runs with: every run fails before Claude starts; install $want_cli"
  elif [ "$have" != "$want_cli" ]; then
    warn claude "$have ($claude_bin) works (>= $min_cli) but this release is tested with $want_cli"
  else
    ok claude "$have ($claude_bin) = pin $want_cli"
  fi
fi

# node
node_major=""
if ! command -v node >/dev/null 2>&1; then
  fail node "not on PATH: the action's own steps run node dist/*.js (needs >= $node_own)"
else
  have="$(version_in "$(node --version 2>/dev/null)")"
  node_major="${have%%.*}"
  if [ -z "$have" ]; then
    fail node "node --version printed no version"
  elif version_ge "$have" "$node_own"; then
    ok node "v$have (>= $node_own)"
  else
    fail node "v$have is older than $node_own (the action's own steps)"
  fi
fi

# git
if command -v git >/dev/null 2>&1; then
  ok git "$(git --version 2>/dev/null | head -n 1)"
else
  fail git "not on PATH: checkout, branches and commits need git"
fi

# node24-capable
if [ -n "$node_major" ] && ((10#$node_major >= 10#$node_setup)); then
  ok node$node_setup "node on PATH is v$node_major: act_runner runs the base action's node$node_setup setup actions with it"
else
  found=""
  for dir in "$externals" "$HOME/actions-runner/externals" /home/runner/externals /opt/actions-runner/externals; do
    [ -n "$dir" ] || continue
    candidate="$dir/node$node_setup/bin/node"
    if [ -x "$candidate" ]; then
      v="$(version_in "$("$candidate" --version 2>/dev/null)")"
      if [ -n "$v" ] && version_ge "$v" "$node_setup"; then found="$candidate (v$v)"; break; fi
    fi
  done
  if [ -n "$found" ]; then
    ok node$node_setup "$found in the runner's externals"
  else
    fail node$node_setup "no Node.js >= $node_setup (node on PATH: ${node_major:+v}${node_major:-none}; no externals/node$node_setup): the base action's setup steps are node$node_setup actions; use a node:$node_setup image (patches/runner-image.patch), or the fallback base action in PINS.md"
  fi
fi

# Bun: with one of the base action's version on PATH, prepare hands it over and setup-bun downloads nothing.
if command -v bun >/dev/null 2>&1; then
  have="$(version_in "$(bun --version 2>/dev/null)")"
  if [ "$have" = "$want_bun" ]; then
    ok bun "$have ($(command -v bun)) = pin $want_bun: the base action uses it, no Bun download"
  else
    warn bun "${have:-unknown version} ($(command -v bun)) is not $want_bun: the base action downloads Bun $want_bun at every job (or set path_to_bun_executable)"
  fi
else
  warn bun "not on PATH: the base action downloads Bun $want_bun at every job (setup-bun); install bun@$want_bun in the image"
fi

# The base action's dependencies in Bun's install cache.
bun_cache="${BUN_INSTALL_CACHE_DIR:-$HOME/.bun/install/cache}"
sdk_entry=""
for entry in "$bun_cache"/@anthropic-ai/claude-agent-sdk@"$want_sdk"*; do
  [ -e "$entry" ] && { sdk_entry="$entry"; break; }
done
if [ -n "$sdk_entry" ]; then
  ok deps "$bun_cache holds the base action's Agent SDK $want_sdk: its bun install --production downloads nothing"
else
  warn deps "$bun_cache has no @anthropic-ai/claude-agent-sdk@$want_sdk: the base action's bun install --production downloads its dependencies at every job"
fi

# Node.js 18 for the base action's setup-node.
tool_cache="${RUNNER_TOOL_CACHE:-/opt/hostedtoolcache}"
node18=""
for entry in "$tool_cache"/node/18.*; do
  for marker in "$entry"/*.complete; do
    [ -e "$marker" ] && { node18="$entry"; break 2; }
  done
done
if [ -n "$node18" ]; then
  ok toolcache "$node18: the base action's setup-node (18.x) finds Node.js there"
else
  warn toolcache "no Node.js 18 in $tool_cache/node: the base action's setup-node downloads it (act_runner keeps its act-toolcache volume, so once per runner host)"
fi

# act_runner (host mode only)
if command -v act_runner >/dev/null 2>&1; then
  info act_runner "$(act_runner --version 2>/dev/null | head -n 1): make sure it accepts runs.using: node$node_setup (run one node$node_setup action)"
else
  info act_runner "not on PATH (normal inside a job image): this script cannot tell whether your act_runner accepts runs.using: node$node_setup"
fi

# What the image says it was built for.
check_image_pin() {
  local name="$1" value="$2" want="$3" what="$4"
  if [ -z "$value" ]; then
    return 1
  elif [ "$value" = "$want" ]; then
    ok image "$name=$value = $what"
  else
    fail image "$name=$value, but PINS.md has $what $want: rebuild the image with patches/runner-image.patch"
  fi
  return 0
}
seen=0
check_image_pin CLAUDE_RUNNER_IMAGE_CLI "${CLAUDE_RUNNER_IMAGE_CLI:-}" "$want_cli" "Claude Code CLI" && seen=1
check_image_pin CLAUDE_RUNNER_IMAGE_ACTION_SHA "${CLAUDE_RUNNER_IMAGE_ACTION_SHA:-}" "$want_action" "Action SHA" && seen=1
check_image_pin CLAUDE_RUNNER_IMAGE_BASE_ACTION_SHA "${CLAUDE_RUNNER_IMAGE_BASE_ACTION_SHA:-}" "$want_base" "Base action SHA" && seen=1
check_image_pin CLAUDE_RUNNER_IMAGE_BUN "${CLAUDE_RUNNER_IMAGE_BUN:-}" "$want_bun" "Bun for the base action" && seen=1
[ "$seen" = 1 ] || info image "no CLAUDE_RUNNER_IMAGE_* variables: not built from patches/reference/runner-image/Dockerfile; pins not recorded"

if [ "$failed" = 0 ]; then
  echo "This runner meets the pins."
else
  echo "This runner does NOT meet the pins (see FAIL above; PINS.md, \"Runner images\")."
fi
exit "$failed"
