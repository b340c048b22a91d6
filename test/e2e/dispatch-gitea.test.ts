/**
 * Dispatch as Gitea really runs it (1.24+, the emulator cancelling the live
 * dispatch of a workflow on a ref when another one starts there):
 * - examples/dispatch/dispatch.sh gives each task a ref of its own, so tasks
 *   dispatched at once all run to the end (on one ref they cancel each other);
 * - every progress update carries the run's web URL;
 * - a run Gitea cancels still runs finish, which sends a final `failed`
 *   update with conclusion `cancelled`;
 * - on Forgejo (11.0.1+gitea-1.22.0) with the runner's OIDC, updates carry a
 *   bearer token and the run is linked by number.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { start } from "../../examples/dispatch/receiver";
import { startTokenService } from "../support/dispatch";
import { workflowDispatchPayload } from "../support/gitea/payloads";
import { startModel, text, type ScriptedModel } from "../support/model/index";
import { ROOT } from "../support/repo";
import { REPO, SECRETS, USERS, World, cliEnv } from "../support/scenario";

const EXAMPLES = join(ROOT, "examples", "dispatch");
const WORKFLOW_TEXT = readFileSync(join(EXAMPLES, "claude-dispatch.yml"), "utf8");
const ALICE_TOKEN = "alice-token-1234567890";
const toolsPresent = ["bash", "curl", "jq"].every((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status === 0);

/** The published workflow with the CLI pointed at `modelUrl` (the receiver's host is admitted through CLAUDE_PROGRESS_ALLOWED_HOSTS). */
function workflowFor(modelUrl: string): string {
  const doc = parseDocument(WORKFLOW_TEXT);
  doc.set("env", cliEnv(modelUrl));
  return String(doc);
}

function dispatchSh(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn("bash", [join(EXAMPLES, "dispatch.sh"), ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe("dispatch on Gitea 1.24", () => {
  it("has bash, curl and jq, which dispatch.sh needs (missing, this fails rather than skipping every check)", () => {
    expect(toolsPresent).toBe(true);
  });

  let world: World;
  beforeAll(async () => {
    world = await World.start({ giteaVersion: "1.24.7", publicUrl: "https://gitea.example.com", files: { "README.md": "# app\n", ".gitea/workflows/claude-dispatch.yml": WORKFLOW_TEXT } });
  });
  afterAll(async () => world?.close());

  /** Aborts when Gitea cancels the run (a newer dispatch of the workflow on its ref), as a runner is told. */
  function cancelledBy(runId: number): AbortSignal {
    const controller = new AbortController();
    const off = world.gitea.onRunCancelled((run) => run.id === runId && controller.abort());
    closers.push(async () => off());
    return controller.signal;
  }

  /** Runs the job of a recorded dispatch as a runner would: its ref, its run id and number, cancelled when Gitea cancels it. */
  async function runDispatched(runId: number, model: ScriptedModel) {
    const d = world.gitea.dispatches.find((x) => x.runId === runId)!;
    const run = world.gitea.runs(REPO).find((r) => r.id === runId)!;
    const event = await workflowDispatchPayload(world.gitea, REPO, { workflow: d.workflow, ref: run.ref, inputs: d.inputs, sender: d.user });
    world.gitea.setRunStatus(runId, "in_progress");
    const job = await world.runJob({
      workflow: workflowFor(model.url),
      eventName: "workflow_dispatch",
      event,
      ref: run.ref,
      runId: run.id,
      runNumber: run.run_number,
      secrets: { CLAUDE_PROGRESS_SECRET: SECRETS.progressSecret },
      vars: { CLAUDE_PROGRESS_ALLOWED_HOSTS: "127.0.0.1" },
      signal: cancelledBy(runId),
      timeoutMs: 150_000,
    });
    world.gitea.setRunStatus(runId, "completed", job.success ? "success" : "failure");
    return job;
  }

  it("on one ref, dispatches cancel each other; dispatch.sh puts each task on its own ref and three tasks at once all finish", async () => {
    // Three dispatches straight on main: Gitea keeps only the last.
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${world.gitea.apiUrl}/repos/${REPO}/actions/workflows/claude-dispatch.yml/dispatches`, {
        method: "POST",
        headers: { authorization: `token ${ALICE_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ ref: "main", inputs: { description: `same ref ${i}` } }),
      });
      expect(r.status).toBe(204);
    }
    expect(world.gitea.runs(REPO).map((r) => r.status)).toEqual(["cancelled", "cancelled", "queued"]);

    // dispatch.sh: one ref per task.
    const receiver = await start({ secret: SECRETS.progressSecret, path: "/progress" });
    closers.push(receiver.close);
    const ids = ["par-1", "par-2", "par-3"];
    const outs = await Promise.all(ids.map((id) => dispatchSh([`Task ${id}: what does README.md say?`, receiver.url, id], { GITEA_URL: world.gitea.url, GITEA_TOKEN: ALICE_TOKEN, REPO })));
    for (const o of outs) expect(o.status, o.stderr).toBe(0);
    const runs = ids.map((id) => world.gitea.dispatches.find((d) => d.inputs.correlation_id === id)!.runId);
    expect(runs.map((id) => world.gitea.runs(REPO).find((r) => r.id === id)!.status)).toEqual(["queued", "queued", "queued"]);

    // The three runs at once, each with its own model.
    const models = await Promise.all(ids.map(() => startModel()));
    closers.push(...models.map((m) => () => m.close()));
    models.forEach((m, i) => m.script([{ reply: [text(`README.md says "# app" (${ids[i]}).`)] }]));
    const jobs = await Promise.all(runs.map((runId, i) => runDispatched(runId, models[i]!)));
    for (const job of jobs) {
      if (!job.success) console.log(job.log);
      expect(job.success).toBe(true);
    }
    for (const m of models) m.assertDone();
    for (const [i, id] of ids.entries()) {
      const mine = receiver.updates.filter((u) => u.body.correlation_id === id).map((u) => u.body);
      expect(mine.map((b) => b.status)).toEqual(["in_progress", "completed"]);
      const run = world.gitea.runs(REPO).find((r) => r.id === runs[i])!;
      for (const b of mine) expect(b.run_url).toBe(`https://gitea.example.com/${REPO}/actions/runs/${run.run_number}`);
      expect(await world.gitea.branchSha(REPO, `claude-dispatch/${id}`)).toBeNull();
    }
    expect(world.gitea.runs(REPO).filter((r) => runs.includes(r.id)).map((r) => r.status)).toEqual(["completed", "completed", "completed"]);
  });

  it("a run Gitea cancels (a newer dispatch on its ref) still sends a final update: failed, conclusion cancelled", async () => {
    const receiver = await start({ secret: SECRETS.progressSecret, path: "/progress" });
    closers.push(receiver.close);
    const model = await startModel();
    closers.push(() => model.close());
    model.script([{ hang: true }]);
    const out = await dispatchSh(["A long task", receiver.url, "cancel-1"], { GITEA_URL: world.gitea.url, GITEA_TOKEN: ALICE_TOKEN, REPO });
    expect(out.status, out.stderr).toBe(0);
    const runId = world.gitea.dispatches.find((d) => d.inputs.correlation_id === "cancel-1")!.runId;
    const running = runDispatched(runId, model);
    await model.waitForRequest((r) => r.kind === "main", { timeoutMs: 60_000 });
    // Someone dispatches the same workflow on the same ref: Gitea cancels the first run.
    const again = await fetch(`${world.gitea.apiUrl}/repos/${REPO}/actions/workflows/claude-dispatch.yml/dispatches`, {
      method: "POST",
      headers: { authorization: `token ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ ref: "claude-dispatch/cancel-1", inputs: { description: "another" } }),
    });
    expect(again.status).toBe(204);
    const job = await running;
    expect(job.success).toBe(false);
    const claudeStep = job.steps.find((s) => s.id === "claude")!;
    expect(claudeStep.steps?.find((s) => s.id === "run")?.outcome).toBe("cancelled");
    expect(claudeStep.steps?.find((s) => s.id === "finish")?.outcome).toBe("success");
    const bodies = receiver.updates.filter((u) => u.body.correlation_id === "cancel-1").map((u) => u.body);
    expect(bodies.map((b) => [b.status, b.conclusion ?? null])).toEqual([
      ["in_progress", null],
      ["failed", "cancelled"],
    ]);
    expect(bodies[1]!.message).toContain("cancelled");
    const run = world.gitea.runs(REPO).find((r) => r.id === runId)!;
    for (const b of bodies) expect(b.run_url).toBe(`https://gitea.example.com/${REPO}/actions/runs/${run.run_number}`);
  });
});

describe("dispatch on Forgejo with the runner's OIDC", () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ giteaVersion: "11.0.1+gitea-1.22.0", publicUrl: "https://code.example.org" });
  });
  afterAll(async () => world?.close());

  it("updates carry an OIDC bearer token and the run's link by number", async () => {
    const requestToken = "forgejo-oidc-request-token";
    const tokens = await startTokenService(requestToken);
    closers.push(tokens.close);
    const presented: string[] = [];
    const receiver = await start({ path: "/progress", verifyOidc: (token) => (presented.push(token), tokens.issued.has(token)) });
    closers.push(receiver.close);
    const event = await workflowDispatchPayload(world.gitea, REPO, {
      workflow: "claude-dispatch.yml",
      inputs: { description: "What does README.md say?", progress_endpoint: receiver.url, correlation_id: "fj-1" },
      sender: USERS.alice,
    });
    world.script([{ reply: [text("It says # app.")] }]);
    const result = await world.runAction({
      eventName: "workflow_dispatch",
      event,
      jobEnv: { ACTIONS_ID_TOKEN_REQUEST_URL: tokens.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
    });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    expect(receiver.updates.map((u) => [u.body.status, u.auth, u.body.run_url])).toEqual([
      ["in_progress", "oidc", `https://code.example.org/${REPO}/actions/runs/17`],
      ["completed", "oidc", `https://code.example.org/${REPO}/actions/runs/17`],
    ]);
    expect(presented).toHaveLength(2);
  });
});
