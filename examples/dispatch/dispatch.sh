#!/usr/bin/env bash
# Start the claude-dispatch workflow through Gitea's API (Gitea 1.24+), on a ref of its own:
#   POST /api/v1/repos/{owner}/{repo}/branches {"new_branch_name": "claude-dispatch/<id>", "old_ref_name": REF}
#   POST /api/v1/repos/{owner}/{repo}/actions/workflows/{workflow file}/dispatches
#   {"ref": "claude-dispatch/<id>", "inputs": {"description": "...", "progress_endpoint": "...", "correlation_id": "..."}}
#
# Why a ref per task: starting a workflow_dispatch run makes Gitea cancel every running or waiting
# workflow_dispatch run of the same workflow on the same ref, so tasks dispatched at once on one
# ref would cancel each other. On its own ref (a copy of REF) each task runs to the end; the
# workflow deletes that ref when it is done.
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
#   REF          branch or tag the task's ref is made from (default main)
#   TASK_REF_PREFIX  prefix of the per-task branch (default claude-dispatch/)
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
prefix=${TASK_REF_PREFIX:-claude-dispatch/}

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
api="${GITEA_URL%/}/api/v1/repos/$(uri "$owner")/$(uri "$name")"

# POSTs JSON to the API; the token comes from a file descriptor (printf is a shell builtin: it never
# appears in argv). Prints "<status>\n<answer>".
post() {
  curl -sS -w '\n%{http_code}' \
    -X POST \
    -H @<(printf 'Authorization: token %s\n' "$GITEA_TOKEN") \
    -H 'Content-Type: application/json' \
    -H 'Accept: application/json' \
    --data-binary "$2" \
    "$1"
}

# The task's own ref: a branch named after the correlation id (characters a ref cannot hold become '-').
task_ref="$prefix$(printf '%s' "$correlation_id" | tr -c 'A-Za-z0-9._-' '-')"
branch_body=$(jq -cn --arg new "$task_ref" --arg old "$ref" '{new_branch_name: $new, old_ref_name: $old}')
response=$(post "$api/branches" "$branch_body") || die "request to $api/branches failed"
status=${response##*$'\n'}
case "$status" in
  201) ;;
  *)
    answer=${response%$'\n'*}
    [ -n "$answer" ] && printf '%s\n' "$answer" >&2
    die "Gitea answered HTTP $status when creating the task's ref $task_ref from '$ref' (the token needs write access)"
    ;;
esac

url="$api/actions/workflows/$(uri "$workflow")/dispatches"
body=$(jq -cn \
  --arg ref "$task_ref" \
  --arg description "$description" \
  --arg progress_endpoint "$progress_endpoint" \
  --arg correlation_id "$correlation_id" \
  '{ref: $ref, inputs: {description: $description, progress_endpoint: $progress_endpoint, correlation_id: $correlation_id}}')

response=$(post "$url" "$body") || die "request to $url failed"
status=${response##*$'\n'}
answer=${response%$'\n'*}

case "$status" in
  200|201|204) printf '%s\n' "$correlation_id" ;;
  *)
    [ -n "$answer" ] && printf '%s\n' "$answer" >&2
    die "Gitea answered HTTP $status for $url (needs Gitea 1.24+, a token with write access, and the workflow file on '$ref')"
    ;;
esac
