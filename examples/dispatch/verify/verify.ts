// Verifies one progress update (TypeScript / Node.js). Usage in a backend:
//   verifyProgress({ secret, timestamp: req.headers["x-claude-timestamp"], signature: req.headers["x-claude-signature"], rawBody })
// rawBody: the exact bytes received, before any JSON parsing.
import { createHmac, timingSafeEqual } from "node:crypto";

export function verifyProgress(o: {
  secret: string;
  timestamp: string;
  signature: string;
  rawBody: string | Buffer;
  now?: number; // unix seconds; default: the clock
  toleranceSeconds?: number; // default 300
}): boolean {
  if (!/^\d+$/.test(o.timestamp)) return false;
  const now = o.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(o.timestamp)) > (o.toleranceSeconds ?? 300)) return false;
  const mac = createHmac("sha256", o.secret).update(`${o.timestamp}.`).update(o.rawBody).digest("hex");
  const expected = Buffer.from(`sha256=${mac}`);
  const given = Buffer.from(o.signature.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
