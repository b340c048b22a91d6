import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { start, type Receiver } from "../../../examples/dispatch/receiver";
import { ProgressClient, type DeliveryResult } from "../../../src/dispatch/progress";
import { createProgressServer } from "../../../src/mcp/progress/server";
import type { UpdateDeps } from "../../../src/mcp/progress/update-claude-progress";

const SECRET = "mcp-progress-secret-1";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function connect(deps: UpdateDeps): Promise<Client> {
  const server = createProgressServer(deps);
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test", version: "0" });
  await Promise.all([server.connect(a), client.connect(b)]);
  closers.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

const textOf = (res: unknown) => ((res as { content: Array<{ type: string; text: string }> }).content[0]!.text);

describe("progress MCP server", () => {
  it("lists update_claude_progress with its input schema", async () => {
    const client = await connect({ problem: "none" });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["update_claude_progress"]);
    const schema = tools[0]!.inputSchema as { properties: Record<string, { enum?: string[] }>; required: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual(["completed_tasks", "current_task", "message", "status"]);
    expect(schema.properties.status!.enum).toEqual(["in_progress", "completed", "failed"]);
    expect(schema.required.sort()).toEqual(["message", "status"]);
  });

  it("sends the model's update through the ProgressClient (as the broker builds it)", async () => {
    const r: Receiver = await start({ secret: SECRET });
    closers.push(() => r.close());
    const dir = await mkdtemp(join(tmpdir(), "mcp-progress-"));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const sender = new ProgressClient({
      endpoint: r.url,
      correlationId: "job-1",
      allowedHosts: ["127.0.0.1"],
      seqFile: join(dir, "seq"),
      repository: "acme/app",
      runId: "99",
      secret: SECRET,
      env: {},
    });
    const client = await connect({ sender });
    const res = await client.callTool({
      name: "update_claude_progress",
      arguments: { status: "in_progress", message: "Running tests", completed_tasks: ["read code", "edit"], current_task: "npm test" },
    });
    expect(textOf(res)).toBe("Progress update #1 (in_progress) delivered.");
    expect((res as { isError?: boolean }).isError).toBeFalsy();
    expect(r.updates[0]!.body).toMatchObject({
      repository: "acme/app",
      run_id: "99",
      correlation_id: "job-1",
      status: "in_progress",
      message: "Running tests",
      completed_tasks: ["read code", "edit"],
      current_task: "npm test",
      seq: 1,
      delivery_id: "job-1:1",
    });
    await client.callTool({ name: "update_claude_progress", arguments: { status: "completed", message: "All done" } });
    expect(r.updates[1]!.body).toMatchObject({ seq: 2, completed_tasks: [], current_task: null, status: "completed" });
  });

  it("explains when nothing is sent and never errors the model's turn", async () => {
    const noAuth = await connect({ sender: new ProgressClient({ endpoint: "https://api.example.com/p", repository: "a/b", runId: "1", env: {} }) });
    const t1 = textOf(await noAuth.callTool({ name: "update_claude_progress", arguments: { status: "in_progress", message: "m" } }));
    expect(t1).toBe("Progress update not sent: no progress_secret and no OIDC: progress updates are not sent. Carry on with the task; do not retry this update.");
    const none = await connect({ problem: "PROGRESS_ENDPOINT is not set: this run has no progress_endpoint" });
    expect(textOf(await none.callTool({ name: "update_claude_progress", arguments: { status: "in_progress", message: "m" } }))).toMatch(/^Progress update not sent: PROGRESS_ENDPOINT is not set/);
  });

  it("reports a failed delivery, and answers within its ceiling even when the sender hangs", async () => {
    const failing = await connect({
      sender: { unavailableReason: () => undefined, send: async (): Promise<DeliveryResult> => ({ delivered: false, attempts: 3, error: "not delivered after 3 attempts: HTTP 503" }) },
    });
    expect(textOf(await failing.callTool({ name: "update_claude_progress", arguments: { status: "failed", message: "m" } }))).toBe(
      "Progress update not delivered: not delivered after 3 attempts: HTTP 503. Carry on with the task; do not retry this update.",
    );
    const hanging = await connect({ callTimeoutMs: 30, sender: { unavailableReason: () => undefined, send: () => new Promise<DeliveryResult>(() => undefined) } });
    expect(textOf(await hanging.callTool({ name: "update_claude_progress", arguments: { status: "in_progress", message: "m" } }))).toMatch(/^Progress update not confirmed within/);
  });

  it("rejects a bad status through the schema", async () => {
    const client = await connect({ problem: "x" });
    const res = (await client.callTool({ name: "update_claude_progress", arguments: { status: "done", message: "m" } })) as { isError?: boolean };
    expect(res.isError).toBe(true);
  });
});
