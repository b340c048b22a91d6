import { createHmac } from "node:crypto";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { expectedSignature, start, type ProgressBody as ExampleBody, type Receiver } from "../../../examples/dispatch/receiver";
import type { ProgressBody } from "../../../src/dispatch/progress";
import { signBody, signatureMatches } from "../../../src/dispatch/signature";

const SECRET = "receiver-secret-42";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
async function receiver(opts: Parameters<typeof start>[0] = { secret: SECRET }): Promise<Receiver> {
  const r = await start(opts);
  closers.push(() => r.close());
  return r;
}

const FIXED_TIME = new Date().toISOString();
const body = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ repository: "a/b", run_id: "1", correlation_id: "c", status: "in_progress", message: "m", completed_tasks: [], current_task: null, timestamp: FIXED_TIME, seq: 1, delivery_id: "c:1", ...over });

function signed(raw: string, ts = Math.floor(Date.now() / 1000), secret = SECRET): Record<string, string> {
  return { "content-type": "application/json", "x-claude-timestamp": String(ts), "x-claude-signature": expectedSignature(secret, String(ts), raw) };
}

describe("example receiver", () => {
  it("agrees with the action's signer: sha256=hex HMAC of '<timestamp>.<raw body>'", () => {
    const raw = body();
    const want = `sha256=${createHmac("sha256", SECRET).update(`1700000000.${raw}`).digest("hex")}`;
    expect(signBody(SECRET, 1700000000, raw)).toBe(want);
    expect(expectedSignature(SECRET, "1700000000", raw)).toBe(want);
    expect(signatureMatches(SECRET, 1700000000, raw, want)).toBe(true);
    expect(signatureMatches(SECRET, 1700000001, raw, want)).toBe(false);
    expect(signatureMatches(SECRET, 1700000000, raw, "sha256=00")).toBe(false);
  });

  it("answers each kind of bad request with its status", async () => {
    const r = await receiver({ secret: SECRET, path: "/progress", maxBodyBytes: 2_000 });
    const post = (headers: Record<string, string>, raw: string, path = "/progress") => fetch(new URL(path, r.url), { method: "POST", headers, body: raw }).then((x) => x.status);
    expect(await fetch(r.url).then((x) => x.status)).toBe(405);
    expect(await post(signed(body()), body(), "/other")).toBe(404);
    expect(await post({}, body())).toBe(401); // unsigned
    expect(await post({ ...signed(body()), "x-claude-timestamp": "abc" }, body())).toBe(401);
    const notJson = "not json";
    expect(await post(signed(notJson), notJson)).toBe(400);
    const noId = body({ delivery_id: undefined });
    expect(await post(signed(noId), noId)).toBe(400);
    expect(await post({ ...signed(body()), "x-claude-delivery": "c:2" }, body())).toBe(400);
    const big = body({ message: "x".repeat(5_000) });
    expect(await post(signed(big), big).catch(() => 413)).toBe(413);
    expect(await post({ ...signed(body()), "x-claude-delivery": "c:1" }, body())).toBe(200);
    expect(await post(signed(body()), body())).toBe(409); // same delivery id, even freshly signed
    expect(r.updates).toHaveLength(1);
    expect(r.rejected.map((x) => x.status)).toEqual([405, 404, 401, 401, 400, 400, 400, 413, 409]);
  });

  it("the timestamp window is configurable and checked in both directions", async () => {
    let now = Date.now();
    const r = await receiver({ secret: SECRET, toleranceSeconds: 60, now: () => now });
    const ts = Math.floor(now / 1000);
    const post = (raw: string, t: number) => fetch(r.url, { method: "POST", headers: signed(raw, t), body: raw }).then((x) => x.status);
    expect(await post(body({ delivery_id: "a" }), ts - 61)).toBe(401);
    expect(await post(body({ delivery_id: "b" }), ts + 61)).toBe(401);
    expect(await post(body({ delivery_id: "c" }), ts - 59)).toBe(200);
    now += 10 * 60_000; // old delivery ids are forgotten once their timestamps could no longer pass
    expect(await post(body({ delivery_id: "d" }), Math.floor(now / 1000))).toBe(200);
  });

  it("needs a secret or a verifier", async () => {
    await expect(start({})).rejects.toThrow(/secret|verifyOidc/);
  });
});

/** One object type instead of an intersection, so the two compare field by field. */
type Flat<T> = { [K in keyof T]: T[K] };

it("the example declares the same body the action sends (checked by the typecheck in npm test)", () => {
  // The example stands alone for backends to copy; this keeps its wire format from drifting.
  expectTypeOf<ExampleBody>().toEqualTypeOf<Flat<ProgressBody>>();
});
