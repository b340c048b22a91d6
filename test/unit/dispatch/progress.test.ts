import { afterEach, describe, expect, it } from "vitest";
import { start, type Receiver } from "../../../examples/dispatch/receiver";
import { NO_AUTH_REASON, ProgressClient, describeDelivery, type ProgressConfig } from "../../../src/dispatch/progress";
import { closedPort, fakeTime, scripted } from "./helpers";

const SECRET = "prog-secret-0123456789";
const GITEA_TOKEN = "gitea-token-abcdef987654";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function receiver(opts: Parameters<typeof start>[0] = { secret: SECRET }): Promise<Receiver> {
  const r = await start(opts);
  closers.push(() => r.close());
  return r;
}

const base = (endpoint: string, extra: Partial<ProgressConfig> = {}): ProgressConfig => ({
  endpoint,
  repository: "acme/app",
  runId: "1234",
  correlationId: "corr-77",
  secret: SECRET,
  env: {},
  ...extra,
});

describe("ProgressClient, HMAC", () => {
  it("posts the body with signature headers the example receiver accepts", async () => {
    const r = await receiver();
    const client = new ProgressClient(base(r.url));
    expect(client.authMode()).toBe("hmac");
    const result = await client.send({ status: "in_progress", message: "Reading the code", completed_tasks: ["clone"], current_task: "read" });
    expect(result).toMatchObject({ delivered: true, status: 200, attempts: 1, seq: 1, deliveryId: "corr-77:1", auth: "hmac" });
    expect(describeDelivery(result)).toBe("progress update corr-77:1 delivered (HTTP 200, 1 attempt)");
    const [u] = r.updates;
    expect(u!.auth).toBe("hmac");
    expect(Object.keys(u!.body)).toEqual([
      "repository", "run_id", "correlation_id", "status", "message", "completed_tasks", "current_task", "timestamp", "seq", "delivery_id",
    ]);
    expect(u!.body).toMatchObject({
      repository: "acme/app",
      run_id: "1234",
      correlation_id: "corr-77",
      status: "in_progress",
      message: "Reading the code",
      completed_tasks: ["clone"],
      current_task: "read",
      seq: 1,
      delivery_id: "corr-77:1",
    });
    expect(new Date(u!.body.timestamp).toISOString()).toBe(u!.body.timestamp);
    expect(u!.headers["x-claude-delivery"]).toBe("corr-77:1");
    expect(u!.headers["x-claude-timestamp"]).toMatch(/^\d+$/);
    expect(u!.headers["x-claude-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(u!.headers.authorization).toBeUndefined();
    expect(u!.headers["content-type"]).toBe("application/json");
    // The correlation id travels only in the body: the request path is the endpoint's.
    expect(u!.path).toBe("/progress");
  });

  it("uses <run_id>:<seq> without a correlation id, and adds the final fields", async () => {
    const r = await receiver();
    const client = new ProgressClient(base(r.url, { correlationId: undefined }));
    await client.send({
      status: "completed",
      message: "done",
      conclusion: "success",
      branch: "claude/x",
      branch_url: "https://g/b",
      pr_url: "https://g/pulls/1",
      compare_url: "https://g/compare",
      structured_output: { ok: true },
    });
    const body = r.updates[0]!.body;
    expect(body.correlation_id).toBeNull();
    expect(body.delivery_id).toBe("1234:1");
    expect(body).toMatchObject({ conclusion: "success", branch: "claude/x", branch_url: "https://g/b", pr_url: "https://g/pulls/1", structured_output: { ok: true } });
    expect(body.compare_url).toBeUndefined();
  });

  it("is refused with a wrong secret (401, not retried)", async () => {
    const r = await receiver({ secret: "another-secret-value" });
    const result = await new ProgressClient(base(r.url)).send({ status: "in_progress", message: "x" });
    expect(result).toMatchObject({ delivered: false, status: 401, attempts: 1 });
    expect(result.error).toMatch(/HTTP 401/);
    expect(r.rejected[0]!.reason).toBe("signature does not match");
  });

  it("is refused with a timestamp outside the receiver's window", async () => {
    const r = await receiver({ secret: SECRET, now: () => Date.now() + 6 * 60_000 });
    const result = await new ProgressClient(base(r.url)).send({ status: "in_progress", message: "x" });
    expect(result).toMatchObject({ delivered: false, status: 401 });
    expect(r.rejected[0]!.reason).toBe("timestamp outside the allowed window");
    const ok = await receiver({ secret: SECRET, now: () => Date.now() + 4 * 60_000 });
    expect((await new ProgressClient(base(ok.url)).send({ status: "in_progress", message: "x" })).delivered).toBe(true);
  });

  it("a replayed request is refused with 409", async () => {
    const r = await receiver();
    await new ProgressClient(base(r.url)).send({ status: "in_progress", message: "x" });
    const first = r.updates[0]!;
    const replay = await fetch(r.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-claude-timestamp": first.headers["x-claude-timestamp"]!,
        "x-claude-signature": first.headers["x-claude-signature"]!,
        "x-claude-delivery": first.deliveryId,
      },
      body: first.raw,
    });
    expect(replay.status).toBe(409);
    expect(r.updates).toHaveLength(1);
    expect(r.rejected.at(-1)).toMatchObject({ status: 409, deliveryId: "corr-77:1" });
    // A tampered body fails the signature.
    const tampered = await fetch(r.url, {
      method: "POST",
      headers: { "x-claude-timestamp": first.headers["x-claude-timestamp"]!, "x-claude-signature": first.headers["x-claude-signature"]! },
      body: first.raw.replace('"x"', '"y"'),
    });
    expect(tampered.status).toBe(401);
  });

  it("never puts a secret in the body or the headers (only the signature derived from it)", async () => {
    const r = await receiver();
    const logs: string[] = [];
    const client = new ProgressClient(base(r.url, { redact: [GITEA_TOKEN], log: (l) => logs.push(l) }));
    await client.send({
      status: "failed",
      message: `leaked ${SECRET} and ${GITEA_TOKEN}`,
      completed_tasks: [`b64 ${Buffer.from(SECRET).toString("base64")}`],
      current_task: SECRET,
      structured_output: { nested: [{ k: `x${GITEA_TOKEN}y` }] },
    });
    const u = r.updates[0]!;
    const everything = u.raw + JSON.stringify(u.headers) + logs.join("\n");
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(GITEA_TOKEN);
    expect(everything).not.toContain(Buffer.from(SECRET).toString("base64"));
    expect(u.body.message).toBe("leaked *** and ***");
    expect(u.body.structured_output).toEqual({ nested: [{ k: "x***y" }] });
  });

  it("does not log the signature even when a failing server echoes the request", async () => {
    const s = await scripted([(req) => ({ status: 500, body: `echo ${req.headers["x-claude-signature"]} ${req.body}` })]);
    closers.push(s.close);
    const logs: string[] = [];
    const time = fakeTime();
    const result = await new ProgressClient(base(`${s.url}/p`, { log: (l) => logs.push(l), now: time.now, sleep: time.sleep })).send({ status: "in_progress", message: "m" });
    expect(result.delivered).toBe(false);
    const sig = s.requests[0]!.headers["x-claude-signature"]!;
    expect(logs.join("\n") + result.error).not.toContain(sig.slice("sha256=".length));
  });

  it("with no secret and no OIDC sends nothing and says why", async () => {
    const s = await scripted([{ status: 200 }]);
    closers.push(s.close);
    const client = new ProgressClient(base(`${s.url}/p`, { secret: "" }));
    expect(client.authMode()).toBe("none");
    expect(client.unavailableReason()).toBe(NO_AUTH_REASON);
    expect(await client.send({ status: "in_progress", message: "m" })).toEqual({ delivered: false, attempts: 0, skipped: true, error: NO_AUTH_REASON });
    expect(s.requests).toHaveLength(0);
  });

  it("with a refused endpoint sends nothing and names the input", async () => {
    const client = new ProgressClient(base("http://api.example.com/p"));
    expect(client.unavailableReason()).toMatch(/^progress_endpoint .* uses http/);
    const res = await client.send({ status: "in_progress", message: "m" });
    expect(res).toMatchObject({ delivered: false, attempts: 0, skipped: true });
    const listed = new ProgressClient(base("https://api.example.com/p", { allowedHosts: ["other.example.com"] }));
    expect(listed.unavailableReason()).toMatch(/progress_allowed_hosts/);
  });
});

describe("ProgressClient, delivery", () => {
  it("retries 5xx and 429 (Retry-After honoured and capped) then delivers with the same delivery id and body", async () => {
    const s = await scripted([{ status: 503 }, { status: 429, headers: { "retry-after": "60" } }, { status: 200 }]);
    closers.push(s.close);
    const time = fakeTime();
    const result = await new ProgressClient(base(`${s.url}/p`, { now: time.now, sleep: time.sleep, delivery: { totalBudgetMs: 60_000 } })).send({ status: "in_progress", message: "m" });
    expect(result).toMatchObject({ delivered: true, status: 200, attempts: 3 });
    expect(time.t.sleeps).toEqual([250, 2000]);
    expect(new Set(s.requests.map((q) => q.body)).size).toBe(1);
    expect(new Set(s.requests.map((q) => q.headers["x-claude-delivery"])).size).toBe(1);
  });

  it("stops after maxAttempts, and on a 4xx at once", async () => {
    const s = await scripted([{ status: 500 }]);
    closers.push(s.close);
    const time = fakeTime();
    const r1 = await new ProgressClient(base(`${s.url}/p`, { now: time.now, sleep: time.sleep, delivery: { maxAttempts: 4, totalBudgetMs: 60_000 } })).send({ status: "in_progress", message: "m" });
    expect(r1).toMatchObject({ delivered: false, status: 500, attempts: 4 });
    expect(r1.error).toMatch(/^not delivered after 4 attempts: HTTP 500/);
    const f = await scripted([{ status: 400, body: "bad" }]);
    closers.push(f.close);
    const r2 = await new ProgressClient(base(`${f.url}/p`, { now: time.now, sleep: time.sleep })).send({ status: "in_progress", message: "m" });
    expect(r2).toMatchObject({ delivered: false, status: 400, attempts: 1 });
    expect(r2.error).toContain("HTTP 400: bad");
  });

  it("keeps within the total time budget", async () => {
    const s = await scripted([{ status: 503, headers: { "retry-after": "1" } }]);
    closers.push(s.close);
    const time = fakeTime();
    const result = await new ProgressClient(base(`${s.url}/p`, { now: time.now, sleep: time.sleep, delivery: { maxAttempts: 10, totalBudgetMs: 2_500 } })).send({ status: "in_progress", message: "m" });
    expect(result.delivered).toBe(false);
    expect(result.attempts).toBe(3); // at t=0, 1000, 2000; a fourth would start at 3000
    expect(result.error).toMatch(/no time left/);
  });

  it("treats a 409 on a retry as the earlier attempt having arrived", async () => {
    const s = await scripted([{ status: 502 }, { status: 409 }]);
    closers.push(s.close);
    const time = fakeTime();
    const result = await new ProgressClient(base(`${s.url}/p`, { now: time.now, sleep: time.sleep })).send({ status: "in_progress", message: "m" });
    expect(result).toMatchObject({ delivered: true, status: 409, attempts: 2 });
  });

  it("does not follow redirects", async () => {
    const target = await scripted([{ status: 200 }]);
    const s = await scripted([{ status: 307, headers: { location: `${target.url}/elsewhere` } }]);
    closers.push(s.close, target.close);
    const result = await new ProgressClient(base(`${s.url}/p`)).send({ status: "in_progress", message: "m" });
    expect(result).toMatchObject({ delivered: false, status: 307, attempts: 1 });
    expect(result.error).toMatch(/redirects are not followed/);
    expect(target.requests).toHaveLength(0);
  });

  it("an unreachable endpoint gives {delivered:false} without throwing", async () => {
    const port = await closedPort();
    const time = fakeTime();
    const result = await new ProgressClient(base(`http://127.0.0.1:${port}/p`, { now: time.now, sleep: time.sleep })).send({ status: "in_progress", message: "m" });
    expect(result).toMatchObject({ delivered: false, attempts: 3 });
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it("an endpoint that never answers times out per attempt", async () => {
    const s = await scripted(["hang"]);
    closers.push(s.close);
    const result = await new ProgressClient(base(`${s.url}/p`, { delivery: { attemptTimeoutMs: 50, maxAttempts: 2, baseDelayMs: 1 } })).send({ status: "in_progress", message: "m" });
    expect(result).toMatchObject({ delivered: false, attempts: 2 });
    expect(result.error).toMatch(/no answer within 50 ms/);
  });
});
