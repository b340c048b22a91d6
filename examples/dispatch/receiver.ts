/**
 * A minimal receiver for the action's progress updates: a starting point for
 * a backend, and the receiver the tests use. Node built-ins only.
 *
 * It accepts an update when
 * - HMAC: `X-Claude-Signature: sha256=<hex>` equals HMAC-SHA256(secret,
 *   "<X-Claude-Timestamp>.<raw body>") (constant-time compare) and the
 *   timestamp is within ±5 minutes (configurable) of the receiver's clock; or
 * - OIDC: `Authorization: Bearer <jwt>` and a `verifyOidc` function you supply
 *   says yes. Verifying the JWT (signature against the issuer's JWKS, `iss`,
 *   `aud`, `exp`, and claims such as `repository` against the body) is the
 *   backend's job; without a verifier, bearer tokens are refused.
 * and its `delivery_id` (from the signed body) has not been seen before.
 *
 * Answers: 200 accepted; 400 malformed; 401 bad or missing signature, stale
 * timestamp, refused token; 404 other paths; 405 not POST; 409 replayed
 * delivery id; 413 too large.
 *
 * Library:  const r = await start({ secret }); … r.updates … await r.close();
 * CLI:      npx tsx examples/dispatch/receiver.ts --secret "$CLAUDE_PROGRESS_SECRET" [--port 8787]
 *           [--host 127.0.0.1] [--path /progress] [--tolerance 300]
 *           (or set CLAUDE_PROGRESS_SECRET instead of --secret, which keeps it out of `ps`)
 * The action sends plain http only to loopback: put TLS (a reverse proxy) in front in production.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export type ProgressStatus = "in_progress" | "completed" | "failed";

/** The body the action POSTs. */
export type ProgressBody = {
  repository: string;
  run_id: string;
  /** The run's page on Gitea (every update carries it; absent only from actions older than this field). */
  run_url?: string;
  correlation_id: string | null;
  status: ProgressStatus;
  message: string;
  completed_tasks: string[];
  current_task: string | null;
  timestamp: string;
  seq: number;
  delivery_id: string;
  conclusion?: string;
  branch?: string;
  branch_url?: string;
  compare_url?: string;
  pr_url?: string;
  structured_output?: unknown;
};

export type AcceptedUpdate = {
  body: ProgressBody;
  /** The raw body exactly as received (what the signature covers). */
  raw: string;
  auth: "hmac" | "oidc";
  deliveryId: string;
  path: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
};

export type Rejection = {
  status: number;
  reason: string;
  path: string;
  deliveryId?: string;
  headers: Record<string, string>;
  raw: string;
};

export type OidcVerifier = (token: string, request: { body: ProgressBody; headers: Record<string, string> }) => boolean | Promise<boolean>;

export type ReceiverOptions = {
  /** Shared secret for HMAC signatures (the action's progress_secret). */
  secret?: string;
  /** Accept `Authorization: Bearer` only when this says the token is valid. */
  verifyOidc?: OidcVerifier;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Accept only this path (default: any path). */
  path?: string;
  /** Allowed clock difference for X-Claude-Timestamp, seconds. Default 300. */
  toleranceSeconds?: number;
  /** Receiver clock, ms (tests move it). */
  now?: () => number;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  onUpdate?: (update: AcceptedUpdate) => void;
  onReject?: (rejection: Rejection) => void;
};

export type Receiver = {
  url: string;
  /** Accepted updates, in arrival order. */
  updates: AcceptedUpdate[];
  rejected: Rejection[];
  close(): Promise<void>;
};

class Reject extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly deliveryId?: string,
  ) {
    super(message);
  }
}

const STATUSES = new Set(["in_progress", "completed", "failed"]);

function headerMap(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new Reject(413, `body larger than ${max} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolveBody(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** HMAC-SHA256(secret, "<timestamp>.<raw>") as `sha256=<hex>`. */
export function expectedSignature(secret: string, timestamp: string, raw: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${raw}`).digest("hex")}`;
}

function signatureOk(secret: string, timestamp: string, raw: string, given: string): boolean {
  const want = Buffer.from(expectedSignature(secret, timestamp, raw));
  const got = Buffer.from(given.trim());
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  return got.length === want.length && timingSafeEqual(got, want);
}

function parseBody(raw: string): ProgressBody {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new Reject(400, "body is not JSON");
  }
  const b = body as Partial<ProgressBody> | null;
  if (!b || typeof b !== "object" || Array.isArray(b)) throw new Reject(400, "body is not a JSON object");
  if (typeof b.delivery_id !== "string" || !b.delivery_id) throw new Reject(400, "body has no delivery_id");
  if (typeof b.seq !== "number" || !Number.isInteger(b.seq)) throw new Reject(400, "body has no integer seq", b.delivery_id);
  if (typeof b.status !== "string" || !STATUSES.has(b.status)) throw new Reject(400, "body has no valid status", b.delivery_id);
  return b as ProgressBody;
}

export async function start(options: ReceiverOptions): Promise<Receiver> {
  if (!options.secret && !options.verifyOidc) throw new Error("receiver: give a secret (HMAC) or a verifyOidc function, or it can accept nothing");
  const now = options.now ?? Date.now;
  const toleranceMs = (options.toleranceSeconds ?? 300) * 1000;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const updates: AcceptedUpdate[] = [];
  const rejected: Rejection[] = [];
  /** delivery id → when it was accepted; kept for twice the timestamp window (older copies fail the timestamp check anyway). */
  const seen = new Map<string, number>();

  async function authenticate(raw: string, headers: Record<string, string>): Promise<{ body: ProgressBody; auth: "hmac" | "oidc" }> {
    const authorization = headers.authorization ?? "";
    if (/^bearer\s+/i.test(authorization)) {
      if (!options.verifyOidc) throw new Reject(401, "bearer tokens are not accepted here (no OIDC verifier configured)");
      const body = parseBody(raw);
      let ok = false;
      try {
        ok = await options.verifyOidc(authorization.replace(/^bearer\s+/i, "").trim(), { body, headers });
      } catch {
        ok = false;
      }
      if (!ok) throw new Reject(401, "bearer token refused by the OIDC verifier", body.delivery_id);
      return { body, auth: "oidc" };
    }
    if (!options.secret) throw new Reject(401, "no bearer token, and HMAC signatures are not accepted here (no secret configured)");
    const timestamp = headers["x-claude-timestamp"] ?? "";
    const signature = headers["x-claude-signature"] ?? "";
    if (!signature) throw new Reject(401, "missing X-Claude-Signature");
    if (!/^\d{1,12}$/.test(timestamp)) throw new Reject(401, "missing or malformed X-Claude-Timestamp");
    if (!signatureOk(options.secret, timestamp, raw, signature)) throw new Reject(401, "signature does not match");
    // Checked after the signature, so an attacker cannot probe the window with unsigned requests.
    if (Math.abs(now() - Number(timestamp) * 1000) > toleranceMs) throw new Reject(401, "timestamp outside the allowed window");
    return { body: parseBody(raw), auth: "hmac" };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = headerMap(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    let raw = "";
    try {
      if (options.path && path !== options.path) throw new Reject(404, "unknown path");
      if (req.method !== "POST") throw new Reject(405, "only POST");
      raw = await readBody(req, maxBody);
      const { body, auth } = await authenticate(raw, headers);
      const headerDelivery = headers["x-claude-delivery"];
      if (headerDelivery !== undefined && headerDelivery !== body.delivery_id) {
        throw new Reject(400, "X-Claude-Delivery does not match the body's delivery_id", body.delivery_id);
      }
      const t = now();
      for (const [id, at] of seen) if (t - at > 2 * toleranceMs) seen.delete(id);
      if (seen.has(body.delivery_id)) throw new Reject(409, "delivery already received (replay or retry)", body.delivery_id);
      seen.set(body.delivery_id, t);
      const update: AcceptedUpdate = { body, raw, auth, deliveryId: body.delivery_id, path, headers };
      updates.push(update);
      options.onUpdate?.(update);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, delivery_id: body.delivery_id }));
    } catch (error) {
      const status = error instanceof Reject ? error.status : 500;
      const reason = error instanceof Reject ? error.message : "internal error";
      const rejection: Rejection = {
        status,
        reason,
        path,
        headers,
        raw,
        ...(error instanceof Reject && error.deliveryId ? { deliveryId: error.deliveryId } : {}),
      };
      rejected.push(rejection);
      options.onReject?.(rejection);
      if (!res.headersSent) res.writeHead(status, { "content-type": "application/json", connection: "close" }).end(JSON.stringify({ error: reason }));
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => ok());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${options.path ?? "/progress"}`,
    updates,
    rejected,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

// ── CLI ────────────────────────────────────────────────────────────────────
function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

async function main(args: string[]): Promise<void> {
  const secret = argValue(args, "--secret") ?? process.env.CLAUDE_PROGRESS_SECRET;
  if (!secret) {
    process.stderr.write("usage: receiver.ts --secret <progress_secret> [--port 8787] [--host 127.0.0.1] [--path /progress] [--tolerance 300]\n");
    process.exit(2);
  }
  const path = argValue(args, "--path");
  const tolerance = argValue(args, "--tolerance");
  const receiver = await start({
    secret,
    host: argValue(args, "--host") ?? "127.0.0.1",
    port: Number(argValue(args, "--port") ?? 8787),
    ...(path ? { path } : {}),
    ...(tolerance ? { toleranceSeconds: Number(tolerance) } : {}),
    onUpdate: (u) => process.stdout.write(`${JSON.stringify(u.body)}\n`),
    onReject: (r) => process.stderr.write(`rejected ${r.status} ${r.path}: ${r.reason}${r.deliveryId ? ` (${r.deliveryId})` : ""}\n`),
  });
  process.stderr.write(`listening on ${receiver.url}\n`);
  const stop = () => void receiver.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) void main(process.argv.slice(2));
