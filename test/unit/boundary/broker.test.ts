/**
 * The broker process as prepare starts it (dist/broker.js): secrets on stdin
 * only, one ready line, loopback only, every request needs the capability
 * and a loopback Host; it stops on SIGTERM (finish) or when the run's
 * directory is gone; its log holds no secret.
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import type { BrokerConfig } from "../../../src/boundary/broker-config";
import { spawnBroker, stopBroker } from "../../../src/boundary/broker-process";
import { fromRoot } from "../../support/repo";
import { tempDir } from "../claude/fixtures";

const TOKEN = "gitea-token-broker-test-0123456789";
const CAP = "capability-0123456789abcdef0123456789abcdef";
const SCRIPT = fromRoot("dist/broker.js");

function config(watchDir: string, over: Partial<BrokerConfig> = {}): BrokerConfig {
  return {
    capability: CAP,
    lifetimeMs: 600_000,
    watchDir,
    secrets: [TOKEN],
    env: { PATH: process.env.PATH ?? "" },
    gitea: { apiUrl: "http://127.0.0.1:9/api/v1", repository: "acme/app", token: TOKEN, commentId: 5, entityNumber: 3, isPR: false, workspace: watchDir, gitName: "Claude", gitEmail: "c@e" },
    ...over,
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the broker process", () => {
  it("serves the gitea MCP tools to the capability only, on loopback, and stops on SIGTERM", async () => {
    const dir = tempDir();
    const logFile = join(dir, "broker.log");
    const handle = await spawnBroker({ node: process.execPath, script: SCRIPT, config: config(dir), logFile, env: { PATH: process.env.PATH ?? "" } });
    try {
      expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const noAuth = await fetch(`${handle.url}/mcp/gitea`, { method: "POST", body: "{}" });
      expect(noAuth.status).toBe(401);
      const wrong = await fetch(`${handle.url}/git/push`, { method: "POST", headers: { authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
      // A page in a browser on the runner reaching the port by another name (DNS rebinding) is turned away.
      const port = new URL(handle.url).port;
      const rebound = await new Promise<number>((resolve, reject) => {
        import("node:http").then(({ request }) => {
          const req = request({ host: "127.0.0.1", port, path: "/mcp/gitea", method: "POST", headers: { host: `evil.example:${port}`, authorization: `Bearer ${CAP}` } }, (res) => resolve(res.statusCode ?? 0));
          req.on("error", reject);
          req.end("{}");
        });
      });
      expect(rebound).toBe(421);

      const client = new Client({ name: "t", version: "0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${handle.url}/mcp/gitea`), { requestInit: { headers: { Authorization: `Bearer ${CAP}` } } }));
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toContain("update_claude_comment");
      expect(tools).not.toContain("push_branch"); // no working branch in this run
      await client.close();

      const push = await fetch(`${handle.url}/git/push`, { method: "POST", headers: { authorization: `Bearer ${CAP}` } });
      expect(await push.json()).toEqual({ ok: false, reason: "no-branch", message: "This run has no working branch to push." });
    } finally {
      expect(stopBroker(handle.pid, SCRIPT)).toBe("stopped");
      await until(() => !alive(handle.pid));
    }
    const log = readFileSync(logFile, "utf8");
    expect(log).toContain("listening on 127.0.0.1");
    expect(log).toContain("stopping: SIGTERM");
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(CAP);
  });

  it("exits by itself once the run's directory is gone", async () => {
    const dir = tempDir();
    const watch = join(dir, "run");
    mkdirSync(watch);
    const handle = await spawnBroker({ node: process.execPath, script: SCRIPT, config: config(watch), logFile: join(dir, "log"), env: { PATH: process.env.PATH ?? "" } });
    expect(alive(handle.pid)).toBe(true);
    rmSync(watch, { recursive: true });
    await until(() => !alive(handle.pid));
  });

  it("refuses a bad configuration without printing a value", async () => {
    const dir = tempDir();
    const bad = { ...config(dir), capability: "short", gitea: { ...config(dir).gitea, apiUrl: `not a url ${TOKEN}` } };
    const attempt = spawnBroker({ node: process.execPath, script: SCRIPT, config: bad as BrokerConfig, logFile: join(dir, "log"), env: { PATH: process.env.PATH ?? "" } });
    await expect(attempt).rejects.toThrow(/exited with 1 before it was ready: broker: bad configuration: capability .*gitea\.apiUrl/);
    expect(readFileSync(join(dir, "log"), "utf8")).not.toContain(TOKEN);
  });

  it("stopBroker leaves a process alone that is not the broker", () => {
    expect(stopBroker(process.pid, SCRIPT)).toBe("not-ours");
    expect(stopBroker(0, SCRIPT)).toBe("gone");
  });
});
