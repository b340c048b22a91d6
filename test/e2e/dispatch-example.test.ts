/**
 * The dispatch examples end to end, against an emulated Gitea 1.24 (the first
 * release with the workflow-dispatch API): examples/dispatch/dispatch.sh
 * starts the workflow, the emulator records the dispatch, and the example
 * workflow examples/dispatch/claude-dispatch.yml runs on that event through
 * the local runner, its progress going to the example receiver.
 */
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { start } from "../../examples/dispatch/receiver";
import { hmacValid, secretsIn, startTap } from "../support/dispatch";
import { workflowDispatchPayload } from "../support/gitea/payloads";
import { text, toolUse } from "../support/model/index";
import { ROOT } from "../support/repo";
import { REPO, SECRETS, USERS, World, cliEnv, cwdOf } from "../support/scenario";

const EXAMPLES = join(ROOT, "examples", "dispatch");
const WORKFLOW_TEXT = readFileSync(join(EXAMPLES, "claude-dispatch.yml"), "utf8");
const ALICE_TOKEN = "alice-token-1234567890";
const PROGRESS = "mcp__progress__update_claude_progress";

let world: World;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  world = await World.start({
    giteaVersion: "1.24.0",
    files: {
      "README.md": "# app\n",
      "src/greet.js": "export const greet = (name) => `Hello ${name}`;\n",
      ".gitea/workflows/claude-dispatch.yml": WORKFLOW_TEXT,
    },
  });
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
afterAll(async () => world?.close());

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs dispatch.sh asynchronously (the emulator lives in this process). */
function dispatchSh(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn("bash", [join(EXAMPLES, "dispatch.sh"), ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

const toolsPresent = ["bash", "curl", "jq"].every((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status === 0);

/** The README's "Trying it locally" steps: the values and commands as written there. */
function readmeSteps() {
  const readme = readFileSync(join(EXAMPLES, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Trying it locally"), readme.indexOf("`receiver.ts` as a library"));
  const secret = /secret\s+`CLAUDE_PROGRESS_SECRET` = `([^`]+)`/.exec(section)?.[1];
  const hosts = /variable `CLAUDE_PROGRESS_ALLOWED_HOSTS` = `([^`]+)`/.exec(section)?.[1];
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/^ {3}/gm, "").replace(/\s*\\\n\s*/g, " ").trim());
  return { secret: secret!, hosts: hosts!, receiver: blocks[0]!, dispatch: blocks[1]! };
}

async function receiverBehindTap() {
  const receiver = await start({ secret: SECRETS.progressSecret, path: "/progress" });
  const tap = await startTap(receiver.url);
  closers.push(tap.close, receiver.close);
  return { receiver, url: tap.url, requests: tap.requests };
}

/** dispatch.sh against the emulator; returns the event Gitea would deliver for the recorded dispatch. */
async function dispatchThroughGitea(description: string, endpoint: string, correlation: string) {
  const before = world.gitea.dispatches.length;
  const out = await dispatchSh([description, endpoint, correlation], { GITEA_URL: world.gitea.url, GITEA_TOKEN: ALICE_TOKEN, REPO });
  expect(out.status, out.stderr).toBe(0);
  expect(out.stdout.trim()).toBe(correlation);
  expect(world.gitea.dispatches.length).toBe(before + 1);
  const recorded = world.gitea.dispatches.find((d) => d.inputs.correlation_id === correlation)!;
  // Each task runs on a ref of its own, a copy of main, so dispatches do not cancel each other.
  const taskRef = `claude-dispatch/${correlation}`;
  expect(recorded).toMatchObject({
    repo: REPO,
    workflow: "claude-dispatch.yml",
    ref: taskRef,
    user: USERS.alice,
    inputs: { description, progress_endpoint: endpoint, correlation_id: correlation },
  });
  expect(await world.gitea.branchSha(REPO, taskRef)).toBe(await world.gitea.branchSha(REPO, "main"));
  expect(Object.keys(recorded.inputs).sort()).toEqual(["correlation_id", "description", "progress_endpoint"]);
  const event = await workflowDispatchPayload(world.gitea, REPO, {
    workflow: recorded.workflow,
    ref: `refs/heads/${recorded.ref}`,
    inputs: recorded.inputs,
    sender: recorded.user,
  });
  return { recorded, event, ref: `refs/heads/${taskRef}` };
}

describe("examples/dispatch against Gitea 1.24", () => {
  it("has bash, curl and jq, which dispatch.sh needs (missing, this fails rather than skipping every check)", () => {
    expect(toolsPresent).toBe(true);
  });

  it("dispatch.sh starts the workflow: Gitea records the dispatch with the three inputs, never the token in the URL", async () => {
    const { recorded } = await dispatchThroughGitea("Explain greet()", "https://api.example.com/claude/progress", "corr-sh-1");
    const calls = world.gitea.requests.filter((r) => r.route === "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches");
    expect(calls.at(-1)).toMatchObject({ status: 204, auth: USERS.alice, path: "/repos/acme/app/actions/workflows/claude-dispatch.yml/dispatches" });
    expect(JSON.stringify(calls.at(-1)!.query)).not.toContain(ALICE_TOKEN);
    const run = await fetch(`${world.gitea.apiUrl}/repos/${REPO}/actions/runs/${recorded.runId}`, { headers: { authorization: `token ${ALICE_TOKEN}` } });
    // GET …/actions/runs/{run} is 1.25: on 1.24 the run is known only to the web UI.
    expect(run.status).toBe(404);
    expect(world.gitea.runs(REPO).find((r) => r.id === recorded.runId)).toMatchObject({ event: "workflow_dispatch", head_branch: "claude-dispatch/corr-sh-1", status: "queued" });
  });

  it("a reader's token is refused by Gitea (403) and dispatch.sh says so", async () => {
    const before = world.gitea.dispatches.length;
    const out = await dispatchSh(["x", "", "c"], { GITEA_URL: world.gitea.url, GITEA_TOKEN: "bob-token-1234567890", REPO });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/Gitea answered HTTP 403/);
    expect(world.gitea.dispatches.length).toBe(before);
  });

  it("the example workflow as published refuses a loopback endpoint (progress_allowed_hosts) before any model call", async () => {
    const { url, requests } = await receiverBehindTap();
    const { event } = await dispatchThroughGitea("Add EXAMPLE.md", url, "corr-wf-0");
    const modelBefore = world.model.requests.length;
    const job = await world.runJob({
      workflow: join(EXAMPLES, "claude-dispatch.yml"),
      eventName: "workflow_dispatch",
      event,
      secrets: { CLAUDE_PROGRESS_SECRET: SECRETS.progressSecret },
    });
    expect(job.triggered).toBe(true);
    expect(job.success).toBe(false);
    const errors = job.annotations.filter((a) => a.level === "error").map((a) => a.message);
    expect(errors.some((m) => m.includes("progress_allowed_hosts") && m.includes("api.example.com"))).toBe(true);
    expect(world.model.requests.length).toBe(modelBefore);
    expect(requests).toEqual([]);
  });

  it("the README's \"Trying it locally\" steps work as written (only the port is a free one)", { timeout: 180_000 }, async () => {
    const steps = readmeSteps();
    expect(steps.secret.length).toBeGreaterThanOrEqual(24);
    expect(steps.receiver).toBe(`CLAUDE_PROGRESS_SECRET=${steps.secret} npx tsx examples/dispatch/receiver.ts --port 8787`);
    expect(steps.hosts).toBe("127.0.0.1:8787");
    expect(steps.dispatch).toMatch(/^GITEA_URL=\S+ GITEA_TOKEN=… REPO=acme\/app \.\/examples\/dispatch\/dispatch\.sh "([^"]+)" http:\/\/127\.0\.0\.1:8787\/progress$/);
    const port = String(await freePort());
    // Step 2: the receiver, started by the README's command line.
    const receiver = spawn("bash", ["-c", steps.receiver.replace("--port 8787", `--port ${port}`)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: world.dir },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    closers.push(async () => {
      try {
        process.kill(-receiver.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    });
    const printed: string[] = [];
    let stderr = "";
    receiver.stdout.on("data", (d: Buffer) => printed.push(...d.toString().split("\n").filter(Boolean)));
    await new Promise<void>((resolve, reject) => {
      receiver.stderr.on("data", (d: Buffer) => {
        stderr += d;
        if (stderr.includes("listening on")) resolve();
      });
      receiver.on("exit", (code) => reject(new Error(`receiver exited ${code}: ${stderr}`)));
    });
    // Step 3: dispatch.sh with the README's arguments, against the emulated Gitea.
    const description = /dispatch\.sh "([^"]+)"/.exec(steps.dispatch)![1]!;
    const endpoint = `http://127.0.0.1:${port}/progress`;
    const before = world.gitea.dispatches.length;
    const out = await dispatchSh([description, endpoint], { GITEA_URL: world.gitea.url, GITEA_TOKEN: ALICE_TOKEN, REPO });
    expect(out.status, out.stderr).toBe(0);
    const recorded = world.gitea.dispatches[before]!;
    expect(recorded.inputs).toMatchObject({ description, progress_endpoint: endpoint });
    const event = await workflowDispatchPayload(world.gitea, REPO, { workflow: recorded.workflow, ref: `refs/heads/${recorded.ref}`, inputs: recorded.inputs, sender: recorded.user });
    // Step 1: the secret and the variable as the README sets them (the variable with the free port).
    const doc = parseDocument(WORKFLOW_TEXT);
    doc.set("env", cliEnv(world.model.url));
    world.script([{ reply: [toolUse(PROGRESS, { status: "in_progress", message: "Reading the parser" })] }, { reply: [text("It converts to UTC first.")] }]);
    const job = await world.runJob({
      workflow: String(doc),
      eventName: "workflow_dispatch",
      event,
      secrets: { CLAUDE_PROGRESS_SECRET: steps.secret },
      vars: { CLAUDE_PROGRESS_ALLOWED_HOSTS: steps.hosts.replace("8787", port) },
      timeoutMs: 120_000,
    });
    if (!job.success) console.log(job.log);
    expect(job.success).toBe(true);
    // Terminal 1 printed the start update, the model's update and the final one.
    // (its stdout arrives through a pipe: wait for the third line, or give up after a while)
    for (let i = 0; i < 100 && printed.length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(printed.map((l) => (JSON.parse(l) as { status: string }).status)).toEqual(["in_progress", "in_progress", "completed"]);
  });

  it("the example workflow (allow-list pointed at loopback) runs the dispatched task with signed progress", async () => {
    const { receiver, url, requests } = await receiverBehindTap();
    const correlation = "corr-wf-1";
    const { event, ref } = await dispatchThroughGitea("Add EXAMPLE.md saying hi", url, correlation);
    // The allow-list admits the test's loopback receiver through the repository variable the published
    // example reads; one addition: a workflow-level env points Claude at the scripted model (the pinned base
    // action maps ANTHROPIC_BASE_URL from the env context, so it has to be there rather than only in the
    // runner's process env).
    const doc = parseDocument(WORKFLOW_TEXT);
    doc.set("env", cliEnv(world.model.url));
    const workflow = String(doc);
    world.script([
      { reply: [toolUse(PROGRESS, { status: "in_progress", message: "Starting" })] },
      { reply: (req) => [toolUse("Write", { file_path: `${cwdOf(req)}/EXAMPLE.md`, content: "hi\n" })] },
      { reply: [toolUse("Bash", { command: "git add EXAMPLE.md" })] },
      { reply: [toolUse("Bash", { command: 'git commit -m "Add EXAMPLE.md"' })] },
      { reply: [toolUse("Bash", { command: "git push origin HEAD" })] },
      { reply: [text("Added EXAMPLE.md.")] },
    ]);

    const job = await world.runJob({
      workflow,
      eventName: "workflow_dispatch",
      event,
      ref,
      secrets: { CLAUDE_PROGRESS_SECRET: SECRETS.progressSecret },
      vars: { CLAUDE_PROGRESS_ALLOWED_HOSTS: new URL(url).host },
      timeoutMs: 90_000,
    });
    if (!job.success) console.log(job.log);
    expect(job.triggered).toBe(true);
    expect(job.success).toBe(true);
    world.model.assertDone();
    const outputs = job.outputs.claude!;
    expect(outputs.conclusion).toBe("success");
    const branch = outputs.branch_name!;
    expect(branch).toMatch(/^claude\/task-corr-wf-1-\d{8}-\d{4}-r\d+$/);
    expect(await world.gitea.readFile(REPO, branch, "EXAMPLE.md")).toBe("hi\n");

    expect(receiver.rejected).toEqual([]);
    expect(receiver.updates.map((u) => [u.body.status, u.body.seq, u.body.delivery_id])).toEqual([
      ["in_progress", 1, `${correlation}:1`],
      ["in_progress", 2, `${correlation}:2`],
      ["completed", 3, `${correlation}:3`],
    ]);
    expect(receiver.updates[2]!.body).toMatchObject({ conclusion: "success", branch });
    // Every update, Claude's own included, links the run.
    for (const u of receiver.updates) expect(u.body.run_url).toBe(`${world.gitea.url}/${REPO}/actions/runs/17`);
    // The workflow's last step removed the task's ref.
    expect(await world.gitea.branchSha(REPO, `claude-dispatch/${correlation}`)).toBeNull();
    for (const r of requests) {
      expect(r.url).toBe("/progress");
      expect(hmacValid(SECRETS.progressSecret, r.headers, r.raw)).toBe(true);
    }
    expect(secretsIn(requests, [...Object.values(SECRETS), ALICE_TOKEN])).toEqual([]);
  });
});
