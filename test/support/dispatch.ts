/**
 * Loopback endpoints for the dispatch scenarios: a tap that records every
 * request exactly as it arrived (full URL with query, headers, raw body) and
 * forwards it to the example receiver, a port nobody listens on, an endpoint
 * that accepts connections and never answers, and a fake runner OIDC token
 * service (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Tapped = {
  method: string;
  /** Path and query exactly as requested. */
  url: string;
  headers: Record<string, string>;
  raw: string;
  /** What the receiver answered. */
  status: number;
};

function headerMap(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((ok) => {
    server.closeAllConnections?.();
    server.close(() => ok());
  });
}

/**
 * Records each request and forwards it unchanged (path, query, headers, body)
 * to `target` (the receiver's origin), answering with the receiver's status and body.
 */
export async function startTap(target: string): Promise<{ url: string; origin: string; requests: Tapped[]; close(): Promise<void> }> {
  const requests: Tapped[] = [];
  const origin = new URL(target).origin;
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readAll(req);
      const headers = headerMap(req);
      const forward: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) if (!["host", "connection", "content-length", "transfer-encoding"].includes(k)) forward[k] = v;
      const answer = await fetch(`${origin}${req.url ?? "/"}`, {
        method: req.method ?? "POST",
        headers: forward,
        ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: raw }),
      });
      const text = await answer.text();
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers, raw, status: answer.status });
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(text);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502).end(String(error));
    });
  });
  const port = await listen(server);
  const path = new URL(target).pathname;
  return { url: `http://127.0.0.1:${port}${path}`, origin: `http://127.0.0.1:${port}`, requests, close: () => closeServer(server) };
}

/** A loopback port with nothing listening on it (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

/** Accepts connections and reads requests but never answers. Records what arrived. */
export async function startHangingEndpoint(): Promise<{ url: string; requests: Tapped[]; close(): Promise<void> }> {
  const requests: Tapped[] = [];
  const server = createServer((req) => {
    void readAll(req).then((raw) => requests.push({ method: req.method ?? "", url: req.url ?? "", headers: headerMap(req), raw, status: 0 }));
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/progress`, requests, close: () => closeServer(server) };
}

export type TokenRequest = { audience: string | null; authorization: string; url: string };

/**
 * The runner's OIDC token service: `GET <url>&audience=<aud>` with
 * `Authorization: Bearer <request token>` → `{"value": "<jwt>"}`. Each answer
 * is a fresh token; `issued` maps token → audience.
 */
export async function startTokenService(requestToken: string): Promise<{
  url: string;
  requests: TokenRequest[];
  issued: Map<string, string>;
  close(): Promise<void>;
}> {
  const requests: TokenRequest[] = [];
  const issued = new Map<string, string>();
  let n = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const authorization = req.headers.authorization ?? "";
    const audience = url.searchParams.get("audience");
    requests.push({ audience, authorization, url: req.url ?? "" });
    if (authorization !== `Bearer ${requestToken}` || !audience) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ message: "bad request token" }));
      return;
    }
    const token = `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ aud: audience, n: ++n })).toString("base64url")}.fake`;
    issued.set(token, audience);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ count: 1, value: token }));
  });
  const port = await listen(server);
  // Like the runners: the request URL already carries a query.
  return { url: `http://127.0.0.1:${port}/_apis/idtoken?api-version=2.0`, requests, issued, close: () => closeServer(server) };
}

/** An independent check of the HMAC signature (not the receiver's code, not the action's). */
export function hmacValid(secret: string, headers: Record<string, string>, raw: string): boolean {
  const ts = headers["x-claude-timestamp"] ?? "";
  const sig = headers["x-claude-signature"] ?? "";
  if (!/^\d+$/.test(ts)) return false;
  const want = Buffer.from(`sha256=${createHmac("sha256", secret).update(`${ts}.${raw}`).digest("hex")}`);
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Fails with the offending request when any secret value appears in a URL, a header or a body. */
export function secretsIn(requests: readonly Tapped[], secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const r of requests) {
    const where = `${r.method} ${r.url} ${JSON.stringify(r.headers)} ${r.raw}`;
    for (const s of secrets) if (s && where.includes(s)) found.push(`${r.url}: contains ${s.slice(0, 6)}…`);
  }
  return found;
}
