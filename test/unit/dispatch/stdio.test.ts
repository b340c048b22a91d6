import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { start, type Receiver } from "../../../examples/dispatch/receiver";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const SECRET = "stdio-progress-secret-9";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** Speaks JSON-RPC over the child's stdio; resolves each id's response; keeps every stdout line. */
function rpc(env: Record<string, string>) {
  const child = spawn("npx", ["tsx", "src/entrypoints/progress-mcp.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
    // Its own process group: npx starts tsx, which starts node; a stuck server is ended as a group.
    detached: true,
  });
  const lines: string[] = [];
  let stderr = "";
  let buffer = "";
  const waiting = new Map<number, (msg: unknown) => void>();
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  child.stdout.on("data", (d: Buffer) => {
    buffer += d.toString("utf8");
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      try {
        const msg = JSON.parse(line) as { id?: number };
        if (typeof msg.id === "number") waiting.get(msg.id)?.(msg);
      } catch {
        // recorded in lines; the test fails on it
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  let nextId = 1;
  return {
    lines,
    stderr: () => stderr,
    request(method: string, params: unknown): Promise<{ result?: unknown; error?: unknown }> {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve as (m: unknown) => void);
        child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      });
    },
    notify(method: string) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method })}\n`);
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const timer = setTimeout(() => {
        if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
      }, 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

describe("progress-mcp entrypoint over stdio", () => {
  it("lists its tool, delivers a signed update, and writes nothing but protocol to stdout", async () => {
    const r: Receiver = await start({ secret: SECRET });
    closers.push(() => r.close());
    const dir = await mkdtemp(join(tmpdir(), "progress-stdio-"));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const proc = rpc({
      PROGRESS_ENDPOINT: r.url,
      PROGRESS_CORRELATION_ID: "stdio-1",
      PROGRESS_AUDIENCE: "",
      PROGRESS_SEQ_FILE: join(dir, "seq"),
      PROGRESS_ALLOWED_HOSTS: "",
      GITHUB_REPOSITORY: "acme/app",
      GITHUB_RUN_ID: "7",
      CLAUDE_PROGRESS_SECRET: SECRET,
      ACTIONS_ID_TOKEN_REQUEST_URL: "",
    });
    closers.push(() => proc.close());
    const init = await proc.request("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } });
    expect((init.result as { serverInfo: { name: string } }).serverInfo.name).toBe("progress");
    proc.notify("notifications/initialized");
    const list = await proc.request("tools/list", {});
    expect((list.result as { tools: Array<{ name: string }> }).tools.map((t) => t.name)).toEqual(["update_claude_progress"]);
    const call = await proc.request("tools/call", { name: "update_claude_progress", arguments: { status: "in_progress", message: `working ${SECRET}` } });
    expect(JSON.stringify(call.result)).toContain("delivered");
    expect(r.updates[0]!.body).toMatchObject({ correlation_id: "stdio-1", delivery_id: "stdio-1:1", message: "working ***" });
    await proc.close();
    expect(proc.lines.length).toBeGreaterThanOrEqual(3);
    for (const line of proc.lines) {
      const msg = JSON.parse(line) as { jsonrpc?: string };
      expect(msg.jsonrpc, line).toBe("2.0");
    }
    expect(proc.lines.join("\n") + proc.stderr()).not.toContain(SECRET);
  });
});
