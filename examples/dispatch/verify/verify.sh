#!/bin/sh
# Verifies one progress update (POSIX shell and openssl), e.g. to check a captured request by hand:
#   PROGRESS_SECRET=... ./verify.sh <X-Claude-Timestamp> <X-Claude-Signature> < raw-body   (exit 0: valid)
# NOW=<unix seconds> replaces the clock. The secret is on openssl's command line (visible in the
# process list) and the comparison is not constant-time: use it for checks, not in a server.
ts=$1
sig=$2
case "$ts" in '' | *[!0-9]*) exit 1 ;; esac
now=${NOW:-$(date +%s)}
age=$((now - ts))
[ "$age" -lt 0 ] && age=$((0 - age))
[ "$age" -le 300 ] || exit 1
mac=$({ printf '%s.' "$ts"; cat; } | openssl dgst -sha256 -hmac "$PROGRESS_SECRET" -r | cut -d' ' -f1)
[ "sha256=$mac" = "$sig" ]
