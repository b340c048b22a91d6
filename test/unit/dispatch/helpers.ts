// Loopback helpers for the dispatch tests (not a test file itself).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Recorded = { method: string; url: string; headers: Record<string, string>; body: string };

/** A loopback server answering each request with the next scripted reply (the last one repeats). */
export async function scripted(
  replies: Array<{ status: number; headers?: Record<string, string>; body?: string } | "hang" | ((req: Recorded) => { status: number; headers?: Record<string, string>; body?: string })>,
): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  let i = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      const rec = { method: req.method ?? "", url: req.url ?? "", headers, body };
      requests.push(rec);
      const reply = replies[Math.min(i++, replies.length - 1)]!;
      if (reply === "hang") return;
      const r = typeof reply === "function" ? reply(rec) : reply;
      res.writeHead(r.status, r.headers ?? {}).end(r.body ?? "");
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** A fake clock whose sleep advances it (no real waiting). */
export function fakeTime(start = Date.UTC(2026, 0, 2, 3, 4, 5)) {
  const t = { now: start, sleeps: [] as number[] };
  return {
    t,
    now: () => t.now,
    sleep: async (ms: number) => {
      t.sleeps.push(ms);
      t.now += ms;
    },
  };
}
