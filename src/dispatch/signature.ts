/**
 * The HMAC signature of a progress update (Standard-Webhooks style, with our
 * own header names): `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`,
 * the timestamp in unix seconds.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const PROGRESS_HEADERS = {
  timestamp: "X-Claude-Timestamp",
  signature: "X-Claude-Signature",
  delivery: "X-Claude-Delivery",
} as const;

export function signBody(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`;
}

/** Constant-time check of a `sha256=<hex>` header against the expected signature. */
export function signatureMatches(secret: string, timestamp: number, rawBody: string, header: string): boolean {
  const expected = Buffer.from(signBody(secret, timestamp, rawBody));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
