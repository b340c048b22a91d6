import { afterEach, describe, expect, it } from "vitest";
import { start, type Receiver } from "../../../examples/dispatch/receiver";
import { fetchOidcToken, oidcAvailable, tokenRequestUrl } from "../../../src/dispatch/oidc";
import { ProgressClient } from "../../../src/dispatch/progress";
import { fakeTime, scripted } from "./helpers";

const REQUEST_TOKEN = "runner-request-token-xyz";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A fake runner token service: a fresh JWT-ish value per request, recording the audience. */
async function tokenServer() {
  let n = 0;
  const s = await scripted([
    (req) => {
      if (req.headers.authorization !== `Bearer ${REQUEST_TOKEN}`) return { status: 401 };
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ value: `jwt-${++n}` }) };
    },
  ]);
  closers.push(s.close);
  return s;
}

async function oidcReceiver(tokens: string[]): Promise<Receiver> {
  const r = await start({
    verifyOidc: (token) => {
      tokens.push(token);
      return token.startsWith("jwt-");
    },
  });
  closers.push(() => r.close());
  return r;
}

describe("OIDC", () => {
  it("builds the token request URL with & or ?", () => {
    expect(tokenRequestUrl("https://r.example/token?api-version=2.0", "https://api.example.com")).toBe(
      "https://r.example/token?api-version=2.0&audience=https%3A%2F%2Fapi.example.com",
    );
    expect(tokenRequestUrl("https://r.example/token", "aud x")).toBe("https://r.example/token?audience=aud%20x");
    expect(tokenRequestUrl("https://r.example/token?", "a")).toBe("https://r.example/token?audience=a");
    expect(oidcAvailable({})).toBe(false);
    expect(oidcAvailable({ ACTIONS_ID_TOKEN_REQUEST_URL: "https://x" })).toBe(true);
  });

  it("sends a fresh token per request as Bearer, audience defaulting to the endpoint's origin", async () => {
    const ts = await tokenServer();
    const seen: string[] = [];
    const r = await oidcReceiver(seen);
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: `${ts.url}/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN };
    const client = new ProgressClient({ endpoint: r.url, repository: "acme/app", runId: "5", correlationId: "c1", secret: "also-a-secret", env });
    expect(client.authMode()).toBe("oidc");
    const a = await client.send({ status: "in_progress", message: "one" });
    const b = await client.send({ status: "in_progress", message: "two" });
    expect(a).toMatchObject({ delivered: true, auth: "oidc" });
    expect(b).toMatchObject({ delivered: true, auth: "oidc" });
    expect(seen).toEqual(["jwt-1", "jwt-2"]);
    expect(r.updates.map((u) => u.auth)).toEqual(["oidc", "oidc"]);
    expect(r.updates[0]!.headers["x-claude-signature"]).toBeUndefined();
    const origin = new URL(r.url).origin;
    for (const q of ts.requests) {
      const u = new URL(q.url, ts.url);
      expect(u.pathname).toBe("/token");
      expect(u.searchParams.get("api-version")).toBe("2.0");
      expect(u.searchParams.get("audience")).toBe(origin);
    }
  });

  it("passes a configured audience", async () => {
    const ts = await tokenServer();
    const r = await oidcReceiver([]);
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: `${ts.url}/token`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN };
    await new ProgressClient({ endpoint: r.url, repository: "a/b", runId: "1", audience: "claude-progress", env }).send({ status: "in_progress", message: "m" });
    expect(new URL(ts.requests[0]!.url, ts.url).searchParams.get("audience")).toBe("claude-progress");
  });

  it("without ACTIONS_ID_TOKEN_REQUEST_URL falls back to HMAC and never throws", async () => {
    const r = await start({ secret: "the-secret-1", verifyOidc: () => true });
    closers.push(() => r.close());
    const client = new ProgressClient({ endpoint: r.url, repository: "a/b", runId: "1", secret: "the-secret-1", env: { ACTIONS_ID_TOKEN_REQUEST_TOKEN: "stray" } });
    expect(client.authMode()).toBe("hmac");
    expect(await client.send({ status: "in_progress", message: "m" })).toMatchObject({ delivered: true, auth: "hmac" });
    expect(r.updates[0]!.auth).toBe("hmac");
    await expect(fetchOidcToken({ audience: "x", env: {}, timeoutMs: 100 })).rejects.toThrow(/ACTIONS_ID_TOKEN_REQUEST_URL is not set/);
  });

  it("a failing token service is retried within bounds and never sends without a token", async () => {
    const ts = await scripted([{ status: 503 }, { status: 500 }, { status: 502 }]);
    closers.push(ts.close);
    const target = await scripted([{ status: 200 }]);
    closers.push(target.close);
    const time = fakeTime();
    const result = await new ProgressClient({
      endpoint: `${target.url}/p`,
      repository: "a/b",
      runId: "1",
      secret: "unused-secret",
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: `${ts.url}/token`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN },
      now: time.now,
      sleep: time.sleep,
    }).send({ status: "in_progress", message: "m" });
    expect(result).toMatchObject({ delivered: false, attempts: 3, auth: "oidc" });
    expect(result.error).toMatch(/OIDC token request answered HTTP 502/);
    expect(target.requests).toHaveLength(0);
  });

  it("a bearer token is refused by a receiver without a verifier", async () => {
    const ts = await tokenServer();
    const r = await start({ secret: "s-e-c-r-e-t" });
    closers.push(() => r.close());
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: `${ts.url}/token`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN };
    const result = await new ProgressClient({ endpoint: r.url, repository: "a/b", runId: "1", env }).send({ status: "in_progress", message: "m" });
    expect(result).toMatchObject({ delivered: false, status: 401 });
    expect(r.rejected[0]!.reason).toMatch(/no OIDC verifier/);
  });
});
