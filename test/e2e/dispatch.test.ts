/**
 * Dispatch with signed progress, end to end: a backend's workflow_dispatch
 * (or repository_dispatch) runs the action; the example receiver on loopback
 * gets the action's start update, the model's updates and the final update,
 * each HMAC-signed, in seq order, with the correlation id only in the body.
 * Endpoints that refuse, cannot be reached or never answer do not change the
 * run's conclusion.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { start, type ProgressBody, type Receiver } from "../../examples/dispatch/receiver";
import { closedPort, hmacValid, secretsIn, startHangingEndpoint, startTap, type Tapped } from "../support/dispatch";
import { repositoryDispatchPayload, workflowDispatchPayload } from "../support/gitea/payloads";
import { firstUserText, lastToolResults, offersTool, structuredOutput, text, toolUse, type CapturedRequest, type Turn } from "../support/model/index";
import { REPO, SECRETS, USERS, World, cwdOf, step } from "../support/scenario";

const PROGRESS = "mcp__progress__update_claude_progress";
const PUBLIC = "https://gitea.example.com";
const ALL_SECRETS = Object.values(SECRETS);

let world: World;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  world = await World.start({ publicUrl: PUBLIC });
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
afterAll(async () => world?.close());

/** The example receiver behind a tap that records every request exactly as it arrived. */
async function endpoint(secret: string): Promise<{ receiver: Receiver; url: string; requests: Tapped[] }> {
  const receiver = await start({ secret, path: "/progress" });
  const tap = await startTap(receiver.url);
  closers.push(tap.close, receiver.close);
  return { receiver, url: tap.url, requests: tap.requests };
}

/** The model's main requests from this point on. */
function mainRequestsFrom(): () => CapturedRequest[] {
  const from = world.model.requests.length;
  return () => world.model.mainRequests.filter((r) => r.index >= from);
}

type Body = ProgressBody;

const schema = JSON.stringify({
  type: "object",
  properties: { summary: { type: "string" }, files: { type: "array", items: { type: "string" } } },
  required: ["summary", "files"],
  additionalProperties: false,
});

/** Report, write a file, commit, push, report completion, then the final answer. */
function implementTurns(file: string, content: string, o: { structured?: unknown; firstResult?: RegExp } = {}): Turn[] {
  return [
    { reply: [toolUse(PROGRESS, { status: "in_progress", message: `Starting: add ${file}`, current_task: `Write ${file}` })] },
    {
      check: (req) => expect(lastToolResults(req)[0]?.text).toMatch(o.firstResult ?? /^Progress update #2 \(in_progress\) delivered\.$/),
      reply: (req) => [toolUse("Write", { file_path: `${cwdOf(req)}/${file}`, content })],
    },
    { reply: [toolUse("Bash", { command: `git add ${file}` })] },
    { reply: [toolUse("Bash", { command: `git commit -m "Add ${file}"` })] },
    { reply: [toolUse("Bash", { command: "git push origin HEAD" })] },
    { reply: [toolUse(PROGRESS, { status: "completed", message: `Added ${file}`, completed_tasks: [`Write ${file}`, "Commit and push"] })] },
    { reply: [o.structured !== undefined ? structuredOutput(o.structured) : text(`Added ${file}.`)] },
  ];
}

/** Checks the stream a receiver accepted: signed, in order, ids from the correlation id, only in bodies. */
function expectSignedStream(receiver: Receiver, requests: Tapped[], correlation: string, statuses: string[]): Body[] {
  expect(receiver.rejected).toEqual([]);
  expect(requests.length).toBe(statuses.length);
  for (const r of requests) {
    expect(r.method).toBe("POST");
    // Exactly the endpoint as given: nothing added to the path or the query.
    expect(r.url).toBe("/progress");
    expect(r.status).toBe(200);
    expect(hmacValid(SECRETS.progressSecret, r.headers, r.raw)).toBe(true);
    expect(r.headers.authorization).toBeUndefined();
  }
  expect(secretsIn(requests, ALL_SECRETS)).toEqual([]);
  const bodies = receiver.updates.map((u) => u.body);
  expect(receiver.updates.every((u) => u.auth === "hmac")).toBe(true);
  expect(bodies.map((b) => b.status)).toEqual(statuses);
  const seqs = bodies.map((b) => b.seq);
  expect(seqs).toEqual(statuses.map((_, i) => i + 1));
  expect(bodies.map((b) => b.delivery_id)).toEqual(seqs.map((n) => `${correlation}:${n}`));
  for (const u of receiver.updates) expect(u.headers["x-claude-delivery"]).toBe(u.body.delivery_id);
  for (const b of bodies) {
    expect(b.repository).toBe(REPO);
    expect(b.run_id).toBe("4242");
    expect(b.correlation_id).toBe(correlation);
    expect(Number.isNaN(Date.parse(b.timestamp))).toBe(false);
  }
  return bodies;
}

describe("workflow_dispatch with a progress endpoint", () => {
  it("delivers start, the model's updates and the final update, signed and in order", async () => {
    const { receiver, url, requests } = await endpoint(SECRETS.progressSecret);
    const correlation = "backend-7f3a";
    const event = await workflowDispatchPayload(world.gitea, REPO, {
      workflow: "claude-dispatch.yml",
      sender: USERS.alice,
      inputs: { description: "Add NOTES.md saying hello\n\nKeep it short.", progress_endpoint: url, correlation_id: correlation },
    });
    const answer = { summary: "Added NOTES.md", files: ["NOTES.md"] };
    world.script(implementTurns("NOTES.md", "hello\n", { structured: answer }));
    const main = mainRequestsFrom();

    const result = await world.runAction({
      eventName: "workflow_dispatch",
      event,
      with: { progress_secret: SECRETS.progressSecret, json_schema: schema },
    });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    expect(result.outputs.conclusion).toBe("success");

    // The dispatch prompt: the task, and how to report progress with the offered tool.
    const first = main()[0]!.body;
    const prompt = firstUserText(first);
    expect(prompt).toContain("a task that a backend dispatched to acme/app");
    expect(prompt).toContain("Add NOTES.md saying hello");
    expect(prompt).toContain("<progress_tool_info>");
    expect(offersTool(first, PROGRESS)).toBe(true);

    // The prepared branch holds the model's commit.
    const branch = result.outputs.branch_name!;
    expect(branch).toMatch(/^claude\/task-backend-7f3a-\d{8}-\d{4}-r\d+$/);
    expect(await world.gitea.readFile(REPO, branch, "NOTES.md")).toBe("hello\n");
    expect((await world.gitea.commitsOn(REPO, branch))[0]!.subject).toBe("Add NOTES.md");

    const bodies = expectSignedStream(receiver, requests, correlation, ["in_progress", "in_progress", "completed", "completed"]);
    // The action's start update, the model's two, the action's final one.
    expect(bodies[0]).toMatchObject({ message: "Claude started: Add NOTES.md saying hello", completed_tasks: [], current_task: null });
    expect(bodies[0]!.conclusion).toBeUndefined();
    expect(bodies[1]).toMatchObject({ message: "Starting: add NOTES.md", current_task: "Write NOTES.md", completed_tasks: [] });
    expect(bodies[2]).toMatchObject({ message: "Added NOTES.md", completed_tasks: ["Write NOTES.md", "Commit and push"], current_task: null });
    expect(bodies[2]!.conclusion).toBeUndefined();
    const compare = `${PUBLIC}/${REPO}/compare/main...${branch}`;
    expect(bodies[3]).toMatchObject({
      conclusion: "success",
      branch,
      branch_url: `${PUBLIC}/${REPO}/src/branch/${branch}`,
      compare_url: compare,
      structured_output: answer,
    });
    expect(bodies[3]!.pr_url).toBeUndefined();
    expect(bodies[3]!.message).toContain(compare);
    expect(JSON.parse(result.outputs.structured_output!)).toEqual(answer);
    expect(step(result, "finish")?.outcome).toBe("success");
    expect(world.gitea.violations).toEqual([]);
  });

  it("a receiver with another secret refuses every update (401); the run still succeeds", async () => {
    const { receiver, url, requests } = await endpoint("not-the-secret-the-action-has");
    const correlation = "wrong-secret-1";
    const event = await workflowDispatchPayload(world.gitea, REPO, {
      workflow: "claude-dispatch.yml",
      sender: USERS.alice,
      inputs: { description: "Add WRONG.md", progress_endpoint: url, correlation_id: correlation },
    });
    world.script(implementTurns("WRONG.md", "x\n", { firstResult: /^Progress update not delivered: .*HTTP 401.*do not retry this update\.$/ }));

    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_secret: SECRETS.progressSecret } });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    expect(result.outputs.conclusion).toBe("success");
    expect(step(result, "finish")?.outcome).toBe("success");
    expect(await world.gitea.readFile(REPO, result.outputs.branch_name!, "WRONG.md")).toBe("x\n");

    // Start, two from the model, final: each tried once (401 is not retried) and refused.
    expect(receiver.updates).toEqual([]);
    expect(requests.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(receiver.rejected.map((r) => r.reason)).toEqual(Array(4).fill("signature does not match"));
    expect(requests.map((r) => (JSON.parse(r.raw) as Body).seq)).toEqual([1, 2, 3, 4]);
    expect(secretsIn(requests, ALL_SECRETS)).toEqual([]);
    expect(result.log).toMatch(/Progress: progress update wrong-secret-1:1 not delivered: not delivered after 1 attempt: HTTP 401/);
    expect(result.log).toMatch(/Progress: progress update wrong-secret-1:4 not delivered: not delivered after 1 attempt: HTTP 401/);
  });

  it("an endpoint nobody listens on: the run succeeds and the log says why nothing arrived", async () => {
    const port = await closedPort();
    const event = await workflowDispatchPayload(world.gitea, REPO, {
      workflow: "claude-dispatch.yml",
      sender: USERS.alice,
      inputs: { description: "Add CLOSED.md", progress_endpoint: `http://127.0.0.1:${port}/progress`, correlation_id: "closed-1" },
    });
    world.script(implementTurns("CLOSED.md", "c\n", { firstResult: /^Progress update not delivered: .*ECONNREFUSED.*do not retry this update\.$/ }));

    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_secret: SECRETS.progressSecret } });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    expect(result.outputs.conclusion).toBe("success");
    expect(await world.gitea.readFile(REPO, result.outputs.branch_name!, "CLOSED.md")).toBe("c\n");
    expect(result.log).toMatch(/Progress: progress update closed-1:1 not delivered: not delivered after 3 attempts: ECONNREFUSED/);
    expect(result.log).toMatch(/Progress: progress update closed-1:4 not delivered: not delivered after 3 attempts: ECONNREFUSED/);
  });

  it("an endpoint that never answers: the run succeeds and the log says the endpoint did not answer", async () => {
    const hanging = await startHangingEndpoint();
    closers.push(hanging.close);
    const event = await workflowDispatchPayload(world.gitea, REPO, {
      workflow: "claude-dispatch.yml",
      sender: USERS.alice,
      inputs: { description: "Add HANG.md", progress_endpoint: hanging.url, correlation_id: "hang-1" },
    });
    world.script([
      { reply: [toolUse(PROGRESS, { status: "in_progress", message: "Starting" })] },
      {
        check: (req) => expect(lastToolResults(req)[0]?.text).toMatch(/^Progress update not (delivered: .*no answer within \d+ ms|confirmed within \d+ s).*do not retry this update\.$/),
        reply: [text("Nothing to change.")],
      },
    ]);

    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_secret: SECRETS.progressSecret } });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    expect(result.outputs.conclusion).toBe("success");
    expect(result.log).toMatch(/Progress: progress update hang-1:1 not delivered: not delivered after \d attempts?: no answer within \d+ ms/);
    expect(result.log).toMatch(/Progress: progress update hang-1:3 not delivered: not delivered after \d attempts?: no answer within \d+ ms/);
    // The requests did arrive (signed), they just never got an answer.
    expect(hanging.requests.length).toBeGreaterThanOrEqual(3);
    for (const r of hanging.requests) expect(hmacValid(SECRETS.progressSecret, r.headers, r.raw)).toBe(true);
    expect(secretsIn(hanging.requests, ALL_SECRETS)).toEqual([]);
  });
});

describe("a dispatched run that fails", () => {
  it("ends with a signed `failed` update carrying the conclusion and the reason", async () => {
    const { receiver, url, requests } = await endpoint(SECRETS.progressSecret);
    const correlation = "fails-1";
    const event = await workflowDispatchPayload(world.gitea, REPO, {
      workflow: "claude-dispatch.yml",
      sender: USERS.alice,
      inputs: { description: "Summarize the README as JSON", progress_endpoint: url, correlation_id: correlation },
    });
    // A JSON schema is requested but the model only ever answers in text.
    world.script([{ reply: [text("It is a small app.")] }, { reply: [text("Just a small app.")] }]);

    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_secret: SECRETS.progressSecret, json_schema: schema } });
    expect(result.success).toBe(false);
    world.model.assertDone();
    expect(result.outputs.conclusion).toBe("failure");

    const bodies = expectSignedStream(receiver, requests, correlation, ["in_progress", "failed"]);
    expect(bodies[1]).toMatchObject({ conclusion: "failure" });
    expect(bodies[1]!.message).toMatch(/^Claude failed: A JSON schema was requested \(json_schema \/ --json-schema\) but Claude returned no structured output/);
    // The unused task branch was deleted, so the final update names none.
    expect(bodies[1]!.branch).toBeUndefined();
    expect(bodies[1]!.structured_output).toBeUndefined();
    // Both updates, the final one from finish included, link the run's web page.
    for (const b of bodies) expect(b.run_url).toBe(`${PUBLIC}/${REPO}/actions/runs/17`);
  });
});

describe("repository_dispatch with client_payload", () => {
  it("runs the same way: signed start, model and final updates, commit on the prepared branch", async () => {
    const { receiver, url, requests } = await endpoint(SECRETS.progressSecret);
    const correlation = "repo-dispatch-9";
    const event = await repositoryDispatchPayload(world.gitea, REPO, {
      action: "claude-task",
      sender: USERS.alice,
      client_payload: { description: "Add RD.md", progress_endpoint: url, correlation_id: correlation },
    });
    world.script(implementTurns("RD.md", "rd\n"));
    const main = mainRequestsFrom();

    const result = await world.runAction({
      eventName: "repository_dispatch",
      event,
      with: { progress_secret: SECRETS.progressSecret, custom_instructions: "Always sign off as the release bot." },
    });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    const prompt = firstUserText(main()[0]!.body);
    expect(prompt).toContain("Add RD.md");
    expect(prompt).toContain("Always sign off as the release bot.");

    const branch = result.outputs.branch_name!;
    expect(await world.gitea.readFile(REPO, branch, "RD.md")).toBe("rd\n");
    const bodies = expectSignedStream(receiver, requests, correlation, ["in_progress", "in_progress", "completed", "completed"]);
    expect(bodies[3]).toMatchObject({ conclusion: "success", branch, compare_url: `${PUBLIC}/${REPO}/compare/main...${branch}` });
    expect(bodies[3]!.structured_output).toBeUndefined();
  });
});
