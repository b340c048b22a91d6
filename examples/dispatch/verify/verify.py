# Verifies one progress update (Python 3, standard library only). In a backend:
#   verify_progress(secret, request.headers["X-Claude-Timestamp"], request.headers["X-Claude-Signature"], request.get_data())
# raw_body: the exact bytes received, before any JSON parsing.
# From a shell: PROGRESS_SECRET=... python3 verify.py <timestamp> <signature> < body  (exit 0: valid)
import hashlib
import hmac
import os
import sys
import time


def verify_progress(secret, timestamp, signature, raw_body, now=None, tolerance=300):
    if not timestamp.isdigit():
        return False
    now = int(time.time()) if now is None else now
    if abs(now - int(timestamp)) > tolerance:
        return False
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("sha256=" + mac, signature.strip())


if __name__ == "__main__":
    now = int(os.environ["NOW"]) if os.environ.get("NOW") else None
    ok = verify_progress(os.environ["PROGRESS_SECRET"], sys.argv[1], sys.argv[2], sys.stdin.buffer.read(), now)
    sys.exit(0 if ok else 1)
