/**
 * Secrets: the demo scenario (test/demo.ts: @claude on an issue, Claude
 * edits the README, commits, pushes and answers in the tracking comment) and
 * a dispatch with a progress endpoint run with recognizable values for the
 * job token, a gitea_token, the Anthropic API key and the progress secret.
 * Everything the runs produce is scanned for those values and their base64
 * forms (as in basic-auth headers) and for any 24-character piece of them:
 * the runner log — with the runner's own masking switched off, so the action
 * cannot be relying on it —, the step summary, every comment, issue, PR and
 * review body on the emulator, what the progress endpoint received (URL,
 * headers, body), what the model received (request bodies), and every file
 * under RUNNER_TEMP except the ones that must hold a secret (see below).
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { start as startReceiver, type Receiver } from "../../examples/dispatch/receiver";
import { secretVariants } from "../../src/text/redact";
import { startTap, type Tapped } from "../support/dispatch";
import { DEMO, setUpDemo } from "../support/demo-scenario";
import { workflowDispatchPayload } from "../support/gitea/payloads";
import { text, toolUse } from "../support/model/index";
import { Masker } from "../support/runner/index";
import { REPO, SECRETS, USERS, World, cwdOf } from "../support/scenario";

const ALL = Object.entries(SECRETS) as Array<[keyof typeof SECRETS, string]>;

/** Every secret, in any of the forms it could leak in, found in `text`. */
function leaksIn(text: string): string[] {
  const found = new Set<string>();
  for (const [name, value] of ALL) {
    for (const v of secretVariants(value)) if (text.includes(v)) found.add(`${name} (${v === value ? "raw" : "base64"})`);
    for (let i = 0; i + 24 <= value.length; i += 4) if (text.includes(value.slice(i, i + 24))) found.add(`${name} (a piece)`);
  }
  return [...found];
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(p)));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/**
 * Files under RUNNER_TEMP that must hold a secret (relative paths): none.
 * The action's own files — state.json, the prompt, mcp-config.json,
 * settings.json, the timeout wrapper bin/claude, the progress seq file — carry
 * no secret: the MCP servers and the CLI get the tokens, the key and the
 * progress secret from the run step's environment, which the runner passes to
 * the processes and never writes down; git's push credential lives in the
 * workspace's .git/config (as actions/checkout's does), not here. The runner's
 * files (event.json, step scripts, file-command files) and the base action's
 * execution log hold none either. The list stays empty; a file that must hold
 * a secret would be named here with the reason.
 */
const MUST_HOLD: RegExp[] = [];

/** The action's files that must exist (so the scan covers them). */
const ACTION_FILES = [
  "claude-code-gitea/state.json",
  "claude-code-gitea/prompt/claude-prompt.md",
  "claude-code-gitea/claude/mcp-config.json",
  "claude-code-gitea/claude/settings.json",
  "claude-code-gitea/bin/claude",
  "claude-execution-output.json",
];

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
  // The runner masks the job token and every ::add-mask:: value in its log; switch that off here, so the
  // log shows exactly what the action and the tools it started printed.
  vi.spyOn(Masker.prototype, "mask").mockImplementation((t: string) => t);
  const check = new Masker();
  check.add("a-registered-value");
  expect(check.mask("a-registered-value")).toBe("a-registered-value");
});
afterAll(async () => {
  vi.restoreAllMocks();
  await world?.close();
});

/** Everything Gitea holds that a user can read: comments, issue and PR bodies and titles, reviews. */
function giteaText(): string {
  const store = world.gitea.core.store;
  const parts: string[] = [];
  for (const c of store.comments.values()) parts.push(c.body);
  for (const pr of world.gitea.pulls(REPO)) {
    const issue = world.gitea.getIssue(REPO, pr.index);
    parts.push(issue?.title ?? "", issue?.body ?? "");
    for (const r of world.gitea.reviews(REPO, pr.index)) parts.push(JSON.stringify(r));
  }
  return parts.join("\n");
}

async function scanRunnerTemp(runnerTemp: string): Promise<{ leaks: Record<string, string[]>; scanned: string[] }> {
  const leaks: Record<string, string[]> = {};
  const files = await filesUnder(runnerTemp);
  for (const file of files) {
    const rel = path.relative(runnerTemp, file);
    if (MUST_HOLD.some((r) => r.test(rel))) continue;
    const found = leaksIn((await readFile(file)).toString("latin1"));
    if (found.length) leaks[rel] = found;
  }
  return { leaks, scanned: files.map((f) => path.relative(runnerTemp, f)) };
}

describe("no secret in anything a run produces", () => {
  it("the demo scenario (issue comment, commit, push, answer in the comment)", async () => {
    const { event } = await setUpDemo(world);
    const from = world.model.requests.length;
    const result = await world.runAction({ eventName: "issue_comment", event, with: { progress_secret: SECRETS.progressSecret } });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();
    // The run did what the demo shows, so there was something to leak into.
    const branch = result.outputs.branch_name!;
    expect((await world.gitea.commitsOn(REPO, branch))[0]!.subject).toBe(DEMO.commitSubject);
    expect(world.gitea.getComment(Number(result.outputs.comment_id))!.body).toContain(DEMO.answer);

    expect(leaksIn(result.log), "runner log").toEqual([]);
    expect(leaksIn(result.summary), "step summary").toEqual([]);
    expect(result.summary).toContain("Claude Code");
    expect(leaksIn(result.annotations.map((a) => a.message).join("\n")), "annotations").toEqual([]);
    expect(leaksIn(JSON.stringify(result.outputs)), "outputs").toEqual([]);
    expect(leaksIn(giteaText()), "Gitea comments and bodies").toEqual([]);
    expect(leaksIn(world.model.requests.slice(from).map((r) => JSON.stringify(r.body)).join("\n")), "what the model received").toEqual([]);
    const temp = await scanRunnerTemp(result.dirs.runnerTemp);
    expect(temp.scanned).toEqual(expect.arrayContaining(ACTION_FILES));
    expect(temp.leaks, "files under RUNNER_TEMP").toEqual({});
  });

  describe("a dispatch with a progress endpoint and a gitea_token", () => {
    let receiver: Receiver;
    let tap: { url: string; requests: Tapped[]; close(): Promise<void> };
    beforeAll(async () => {
      receiver = await startReceiver({ secret: SECRETS.progressSecret, path: "/progress" });
      tap = await startTap(receiver.url);
    });
    afterAll(async () => {
      await tap?.close();
      await receiver?.close();
    });

    it("progress payloads, comments, log, summary and RUNNER_TEMP hold none of them", async () => {
      const PROGRESS = "mcp__progress__update_claude_progress";
      const event = await workflowDispatchPayload(world.gitea, REPO, {
        workflow: "claude-dispatch.yml",
        sender: USERS.alice,
        inputs: { description: "Add NOTES.md saying hello", progress_endpoint: tap.url, correlation_id: "secrets-1" },
      });
      world.script([
        { reply: [toolUse(PROGRESS, { status: "in_progress", message: "Writing NOTES.md", current_task: "Write NOTES.md" })] },
        { reply: (req) => [toolUse("Write", { file_path: `${cwdOf(req)}/NOTES.md`, content: "hello\n" })] },
        { reply: [toolUse("Bash", { command: "git add NOTES.md" })] },
        { reply: [toolUse("Bash", { command: 'git commit -m "Add NOTES.md"' })] },
        { reply: [toolUse("Bash", { command: "git push origin HEAD" })] },
        { reply: [toolUse(PROGRESS, { status: "completed", message: "Added NOTES.md", completed_tasks: ["Write NOTES.md"] })] },
        { reply: [text("Added NOTES.md.")] },
      ]);
      const from = world.model.requests.length;
      const result = await world.runAction({
        eventName: "workflow_dispatch",
        event,
        with: { progress_secret: SECRETS.progressSecret, gitea_token: SECRETS.adminToken },
      });
      if (!result.success) console.log(result.log);
      expect(result.success).toBe(true);
      world.model.assertDone();
      // Progress payloads exist: the action's start and final updates and the model's two, all accepted.
      expect(receiver.updates.map((u) => u.body.status)).toEqual(["in_progress", "in_progress", "completed", "completed"]);
      expect(tap.requests).toHaveLength(4);

      expect(leaksIn(tap.requests.map((r) => `${r.method} ${r.url}\n${JSON.stringify(r.headers)}\n${r.raw}`).join("\n")), "progress requests").toEqual([]);
      expect(leaksIn(result.log), "runner log").toEqual([]);
      expect(leaksIn(result.summary), "step summary").toEqual([]);
      expect(leaksIn(result.annotations.map((a) => a.message).join("\n")), "annotations").toEqual([]);
      expect(leaksIn(JSON.stringify(result.outputs)), "outputs").toEqual([]);
      expect(leaksIn(giteaText()), "Gitea comments and bodies").toEqual([]);
      expect(leaksIn(world.model.requests.slice(from).map((r) => JSON.stringify(r.body)).join("\n")), "what the model received").toEqual([]);
      const temp = await scanRunnerTemp(result.dirs.runnerTemp);
      expect(temp.scanned).toEqual(expect.arrayContaining([...ACTION_FILES, "claude-progress/seq"]));
      expect(temp.leaks, "files under RUNNER_TEMP").toEqual({});
    });
  });
});
