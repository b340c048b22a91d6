/**
 * Dispatch edge cases end to end: workflow_dispatch without dispatch inputs
 * stays in agent mode; a dispatch without a description is refused clearly
 * (and says so to its endpoint); without a secret and without OIDC nothing is
 * sent; with the runner's OIDC variables each update carries a fresh bearer
 * token for the configured audience; no secret ever reaches the endpoint.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { start, type Receiver } from "../../examples/dispatch/receiver";
import { secretsIn, startTap, startTokenService, type Tapped } from "../support/dispatch";
import { workflowDispatchPayload } from "../support/gitea/payloads";
import { deferredToolNames, firstUserText, lastToolResults, offersTool, structuredOutput, text, toolUse, type CapturedRequest } from "../support/model/index";
import { REPO, SECRETS, USERS, World, step } from "../support/scenario";

const PROGRESS = "mcp__progress__update_claude_progress";
const ALL_SECRETS = Object.values(SECRETS);

let world: World;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
afterAll(async () => world?.close());

async function endpoint(opts: Parameters<typeof start>[0]): Promise<{ receiver: Receiver; url: string; requests: Tapped[] }> {
  const receiver = await start({ path: "/progress", ...opts });
  const tap = await startTap(receiver.url);
  closers.push(tap.close, receiver.close);
  return { receiver, url: tap.url, requests: tap.requests };
}

function mainRequestsFrom(): () => CapturedRequest[] {
  const from = world.model.requests.length;
  return () => world.model.mainRequests.filter((r) => r.index >= from);
}

const dispatch = (inputs: Record<string, string>) =>
  workflowDispatchPayload(world.gitea, REPO, { workflow: "claude-dispatch.yml", sender: USERS.alice, inputs });

describe("workflow_dispatch without dispatch inputs", () => {
  it("with direct_prompt: agent mode as before (agent prompt, no progress server)", async () => {
    const event = await dispatch({ environment: "staging" });
    world.script([{ reply: [text("Checked: nothing to do.")] }]);
    const main = mainRequestsFrom();
    const comments = world.gitea.requests.filter((r) => r.method === "POST" && r.path.includes("/comments")).length;

    const result = await world.runAction({
      eventName: "workflow_dispatch",
      event,
      with: { direct_prompt: "Check the README for typos.", progress_secret: SECRETS.progressSecret },
    });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    expect(result.outputs.conclusion).toBe("success");

    const req = main()[0]!.body;
    const prompt = firstUserText(req);
    expect(prompt).toContain("<direct_prompt>");
    expect(prompt).toContain("Check the README for typos.");
    expect(prompt).not.toContain("dispatched");
    expect(prompt).not.toContain("progress_tool_info");
    expect(offersTool(req, PROGRESS)).toBe(false);
    expect(deferredToolNames(req).some((n) => n.startsWith("mcp__progress__"))).toBe(false);
    expect(deferredToolNames(req)).toContain("mcp__gitea__get_file_contents");
    expect(result.log).toMatch(/Prompt: \S+ \(agent\)/);
    expect(result.log).not.toMatch(/Progress:/);
    // Claude worked on the checked-out branch; no tracking comment anywhere.
    expect(result.outputs.branch_name).toBe("main");
    expect(world.gitea.requests.filter((r) => r.method === "POST" && r.path.includes("/comments")).length).toBe(comments);
  });

  it("with neither dispatch inputs nor direct_prompt: no trigger, no model call", async () => {
    const event = await dispatch({});
    const before = world.model.requests.length;
    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_secret: SECRETS.progressSecret } });
    expect(result.success).toBe(true);
    expect(result.outputs.conclusion).toBe("skipped");
    expect(step(result, "run")?.outcome).toBe("skipped");
    expect(step(result, "finish")?.outcome).toBe("skipped");
    expect(result.log).toContain("Nothing to do: workflow_dispatch has no comment to trigger on; set direct_prompt for automation.");
    expect(world.model.requests.length).toBe(before);
  });
});

describe("dispatch inputs without a progress endpoint", () => {
  it("a description alone: dispatch mode on a task branch, no progress server", async () => {
    const event = await dispatch({ description: "What does greet() return?", progress_endpoint: "", correlation_id: "" });
    world.script([{ reply: [text("It returns `Hello ${name}`.")] }]);
    const main = mainRequestsFrom();
    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_secret: SECRETS.progressSecret } });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    const req = main()[0]!.body;
    expect(firstUserText(req)).toContain("a task that a backend dispatched to acme/app");
    expect(firstUserText(req)).not.toContain("<progress_tool_info>");
    expect(deferredToolNames(req).some((n) => n.startsWith("mcp__progress__"))).toBe(false);
    expect(result.log).toMatch(/Working branch: claude\/task-\d{8}-\d{4}-r\d+ \(new, from main\)/);
    expect(result.log).not.toMatch(/Progress:/);
    // No commits: the task branch is removed again.
    expect(result.outputs.branch_name).toBe("");
  });

  it("an http endpoint off loopback: refused before any model call, naming progress_endpoint; nothing sent", async () => {
    const event = await dispatch({ description: "x", progress_endpoint: "http://backend.example.com/progress", correlation_id: "insecure-1" });
    const before = world.model.requests.length;
    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_secret: SECRETS.progressSecret } });
    expect(result.success).toBe(false);
    expect(world.model.requests.length).toBe(before);
    const errors = result.annotations.filter((a) => a.level === "error").map((a) => a.message);
    expect(errors.join("\n")).toContain("progress_endpoint 'http://backend.example.com/progress' uses http");
  });
});

describe("a dispatch without a description", () => {
  it("with an endpoint: fails clearly, before any model call, and tells the endpoint (failed)", async () => {
    const { receiver, url, requests } = await endpoint({ secret: SECRETS.progressSecret });
    const event = await dispatch({ progress_endpoint: url, correlation_id: "nodesc-1" });
    const before = world.model.requests.length;

    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_secret: SECRETS.progressSecret } });
    expect(result.success).toBe(false);
    expect(step(result, "prepare")?.outcome).toBe("failure");
    expect(step(result, "run")?.outcome).toBe("skipped");
    expect(world.model.requests.length).toBe(before);
    const error = "Event 'workflow_dispatch': 'inputs.description' is missing: a dispatch with progress_endpoint must say what to do in 'description'.";
    expect(result.annotations.filter((a) => a.level === "error").map((a) => a.message)).toContain(error);

    expect(receiver.rejected).toEqual([]);
    expect(receiver.updates).toHaveLength(1);
    const body = receiver.updates[0]!.body;
    expect(body).toMatchObject({
      repository: REPO,
      correlation_id: "nodesc-1",
      status: "failed",
      conclusion: "failure",
      seq: 1,
      delivery_id: "nodesc-1:1",
      message: `Claude failed: ${error}`,
      // Even this update, sent before anything was asked of Gitea, links the run (by number).
      run_url: `https://gitea.example.com/${REPO}/actions/runs/17`,
    });
    expect(requests.map((r) => r.url)).toEqual(["/progress"]);
    expect(secretsIn(requests, ALL_SECRETS)).toEqual([]);
  });

  it("with only a correlation id: fails clearly naming the missing field; nothing is sent", async () => {
    const event = await dispatch({ correlation_id: "nodesc-2" });
    const before = world.model.requests.length;
    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_secret: SECRETS.progressSecret } });
    expect(result.success).toBe(false);
    expect(world.model.requests.length).toBe(before);
    expect(result.annotations.filter((a) => a.level === "error").map((a) => a.message)).toContain(
      "Event 'workflow_dispatch': 'inputs.description' is missing: a dispatch with correlation_id must say what to do in 'description'.",
    );
  });
});

describe("progress authentication", () => {
  it("no progress_secret and no OIDC: nothing is sent, the log says why, the run succeeds", async () => {
    const { receiver, url, requests } = await endpoint({ secret: SECRETS.progressSecret });
    const event = await dispatch({ description: "Say hi", progress_endpoint: url, correlation_id: "noauth-1" });
    world.script([
      { reply: [toolUse(PROGRESS, { status: "in_progress", message: "Starting" })] },
      {
        check: (req) =>
          expect(lastToolResults(req)[0]?.text).toBe(
            "Progress update not sent: no progress_secret and no OIDC: progress updates are not sent. Carry on with the task; do not retry this update.",
          ),
        reply: [text("Hi.")],
      },
    ]);

    const result = await world.runAction({ eventName: "workflow_dispatch", event });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    expect(result.outputs.conclusion).toBe("success");
    expect(requests).toEqual([]);
    expect(receiver.updates).toEqual([]);
    const warnings = result.annotations.filter((a) => a.level === "warning").map((a) => a.message);
    expect(warnings).toContain("Progress: no progress_secret and no OIDC: progress updates are not sent.");
  });

  /** A token service, and a receiver that accepts only tokens it issued for `audience` (and, with `secret`, HMAC). */
  async function oidcWorld(audience: string, secret?: string) {
    const requestToken = "oidc-request-token-5e1d9c0b7a";
    const tokens = await startTokenService(requestToken);
    closers.push(tokens.close);
    const presented: string[] = [];
    const ep = await endpoint({
      ...(secret ? { secret } : {}),
      verifyOidc: (token, { body }) => {
        presented.push(token);
        return tokens.issued.get(token) === audience && body.repository === REPO;
      },
    });
    return { ...ep, tokens, presented, requestToken, jobEnv: { ACTIONS_ID_TOKEN_REQUEST_URL: tokens.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken } };
  }

  it("with the runner's OIDC variables: every update (the action's and Claude's) carries a fresh bearer token for progress_audience", async () => {
    const audience = "https://backend.example.com/claude";
    const { receiver, url, requests, tokens, presented, requestToken, jobEnv } = await oidcWorld(audience);
    const event = await dispatch({ description: "Answer: what does greet() return?", progress_endpoint: url, correlation_id: "oidc-1" });
    world.script([
      { reply: [toolUse(PROGRESS, { status: "in_progress", message: "Reading src/greet.js" })] },
      {
        // Claude never sees the runner's OIDC variables: the broker, which holds them, mints a token for its update.
        check: (req) => expect(lastToolResults(req)[0]?.text).toBe("Progress update #2 (in_progress) delivered."),
        reply: [text("greet(name) returns `Hello ${name}`.")],
      },
    ]);

    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_audience: audience }, jobEnv });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    expect(result.outputs.conclusion).toBe("success");

    expect(receiver.rejected).toEqual([]);
    expect(receiver.updates.map((u) => [u.body.status, u.body.seq, u.body.delivery_id, u.auth])).toEqual([
      ["in_progress", 1, "oidc-1:1", "oidc"],
      ["in_progress", 2, "oidc-1:2", "oidc"],
      ["completed", 3, "oidc-1:3", "oidc"],
    ]);
    for (const r of requests) {
      expect(r.url).toBe("/progress");
      expect(r.headers.authorization).toMatch(/^Bearer eyJ/);
      expect(r.headers["x-claude-signature"]).toBeUndefined();
    }
    // One token request per update, each for the configured audience, each token used once.
    expect(tokens.requests.map((t) => t.audience)).toEqual([audience, audience, audience]);
    expect(new Set(presented).size).toBe(3);
    expect(secretsIn(requests, [...ALL_SECRETS, requestToken])).toEqual([]);
  });

  it("OIDC and progress_secret: every update by bearer token (OIDC wins), one seq", async () => {
    const audience = "https://backend.example.com/claude";
    const { receiver, url, requests, tokens, requestToken, jobEnv } = await oidcWorld(audience, SECRETS.progressSecret);
    const event = await dispatch({ description: "Answer: what does greet() return?", progress_endpoint: url, correlation_id: "oidc-2" });
    world.script([
      { reply: [toolUse(PROGRESS, { status: "in_progress", message: "Reading src/greet.js" })] },
      {
        check: (req) => expect(lastToolResults(req)[0]?.text).toBe("Progress update #2 (in_progress) delivered."),
        reply: [toolUse(PROGRESS, { status: "completed", message: "It returns a greeting." })],
      },
      { reply: [text("greet(name) returns `Hello ${name}`.")] },
    ]);

    const result = await world.runAction({
      eventName: "workflow_dispatch",
      event,
      with: { progress_audience: audience, progress_secret: SECRETS.progressSecret },
      jobEnv,
    });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();

    expect(receiver.rejected).toEqual([]);
    expect(receiver.updates.map((u) => [u.body.status, u.body.seq, u.auth])).toEqual([
      ["in_progress", 1, "oidc"],
      ["in_progress", 2, "oidc"],
      ["completed", 3, "oidc"],
      ["completed", 4, "oidc"],
    ]);
    expect(requests.map((r) => r.headers.authorization)).toEqual(Array(4).fill(expect.stringMatching(/^Bearer eyJ/)));
    expect(tokens.requests.map((t) => t.audience)).toEqual([audience, audience, audience, audience]);
    expect(secretsIn(requests, [...ALL_SECRETS, requestToken])).toEqual([]);
  });
});

describe("secrets never reach the endpoint", () => {
  const schema = JSON.stringify({
    type: "object",
    properties: { summary: { type: "string" }, files: { type: "array", items: { type: "string" } } },
    required: ["summary", "files"],
  });

  /** The backend's description, the model's messages and its structured output all carry `leaked`. */
  async function leakRun(leaked: string[], withInputs: Record<string, string>, correlation: string) {
    const { receiver, url, requests } = await endpoint({ secret: SECRETS.progressSecret });
    const event = await dispatch({ description: `Rotate ${leaked.join(" and ")}`, progress_endpoint: url, correlation_id: correlation });
    const leaky = leaked.map((s, i) => `s${i} ${s}`).join(" ");
    world.script([
      { reply: [toolUse(PROGRESS, { status: "in_progress", message: leaky, completed_tasks: [leaky], current_task: leaky })] },
      { reply: [structuredOutput({ summary: leaky, files: [leaky] })] },
    ]);
    const result = await world.runAction({
      eventName: "workflow_dispatch",
      event,
      with: { progress_secret: SECRETS.progressSecret, json_schema: schema, ...withInputs },
    });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    const masked = leaked.map((_, i) => `s${i} ***`).join(" ");
    expect(receiver.updates.map((u) => u.body.status)).toEqual(["in_progress", "in_progress", "completed"]);
    expect(receiver.updates[0]!.body.message).toBe(`Claude started: Rotate ${leaked.map(() => "***").join(" and ")}`);
    expect(receiver.updates[1]!.body).toMatchObject({ message: masked, completed_tasks: [masked], current_task: masked });
    expect(receiver.updates[2]!.body.structured_output).toEqual({ summary: masked, files: [masked] });
    expect(secretsIn(requests, ALL_SECRETS)).toEqual([]);
  }

  it("default tokens: the job token, the API key and the progress secret are redacted everywhere", async () => {
    await leakRun([SECRETS.jobToken, SECRETS.anthropicKey, SECRETS.progressSecret], {}, "leak-1");
  });

  it("with gitea_token: that token, the API key and the progress secret are redacted everywhere", async () => {
    await leakRun([SECRETS.adminToken, SECRETS.anthropicKey, SECRETS.progressSecret], { gitea_token: SECRETS.adminToken }, "leak-2");
  });
});
