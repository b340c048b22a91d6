#!/usr/bin/env bash
# Start the claude-dispatch workflow through Gitea's API (Gitea 1.24+):
#   POST /api/v1/repos/{owner}/{repo}/actions/workflows/{workflow file}/dispatches
#   {"ref": "...", "inputs": {"description": "...", "progress_endpoint": "...", "correlation_id": "..."}}
#
# Usage:
#   GITEA_URL=https://gitea.example.com GITEA_TOKEN=... REPO=owner/repo \
#     ./dispatch.sh "Fix the flaky date test and commit" [progress_endpoint] [correlation_id]
#
# Environment:
#   GITEA_URL    Gitea base URL (no /api/v1)                       required
#   GITEA_TOKEN  token of a user with write access (write:repository) required
#   REPO         owner/name                                         required
#   WORKFLOW     workflow file name      (default claude-dispatch.yml)
#   REF          branch or tag to run on (default main)
#
# The JSON body is built by jq (no string pasting, no eval), the token is given
# to curl on a file descriptor (not in argv, so not in `ps`), and the
# correlation id defaults to a random UUID. Prints the correlation id.
set -euo pipefail

die() { printf 'dispatch.sh: %s\n' "$*" >&2; exit 2; }

command -v jq >/dev/null 2>&1 || die "jq is required (to build the JSON body safely)"
command -v curl >/dev/null 2>&1 || die "curl is required"

[ "$#" -ge 1 ] && [ -n "${1-}" ] || die "usage: dispatch.sh <description> [progress_endpoint] [correlation_id]"
description=$1
progress_endpoint=${2-}
correlation_id=${3-}

: "${GITEA_URL:?set GITEA_URL, e.g. https://gitea.example.com}"
: "${GITEA_TOKEN:?set GITEA_TOKEN (a token with write access to the repository)}"
: "${REPO:?set REPO=owner/name}"
workflow=${WORKFLOW:-claude-dispatch.yml}
ref=${REF:-main}

case "$REPO" in
  */*/*|/*|*/) die "REPO must be owner/name, got '$REPO'" ;;
  */*) ;;
  *) die "REPO must be owner/name, got '$REPO'" ;;
esac
owner=${REPO%%/*}
name=${REPO#*/}

if [ -z "$correlation_id" ]; then
  if [ -r /proc/sys/kernel/random/uuid ]; then
    correlation_id=$(cat /proc/sys/kernel/random/uuid)
  elif command -v uuidgen >/dev/null 2>&1; then
    correlation_id=$(uuidgen | tr 'A-Z' 'a-z')
  else
    correlation_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  fi
fi

uri() { jq -rn --arg v "$1" '$v | @uri'; }
url="${GITEA_URL%/}/api/v1/repos/$(uri "$owner")/$(uri "$name")/actions/workflows/$(uri "$workflow")/dispatches"

body=$(jq -cn \
  --arg ref "$ref" \
  --arg description "$description" \
  --arg progress_endpoint "$progress_endpoint" \
  --arg correlation_id "$correlation_id" \
  '{ref: $ref, inputs: {description: $description, progress_endpoint: $progress_endpoint, correlation_id: $correlation_id}}')

# Headers come from a file descriptor (printf is a shell builtin: the token never appears in argv).
response=$(curl -sS -w '\n%{http_code}' \
  -X POST \
  -H @<(printf 'Authorization: token %s\n' "$GITEA_TOKEN") \
  -H 'Content-Type: application/json' \
  -H 'Accept: application/json' \
  --data-binary "$body" \
  "$url") || die "request to $url failed"
status=${response##*$'\n'}
answer=${response%$'\n'*}

case "$status" in
  200|201|204) printf '%s\n' "$correlation_id" ;;
  *)
    [ -n "$answer" ] && printf '%s\n' "$answer" >&2
    die "Gitea answered HTTP $status for $url (needs Gitea 1.24+, a token with write access, and the workflow file on '$ref')"
    ;;
esac
