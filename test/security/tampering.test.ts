/**
 * A workflow that widened Claude's tools to running code (`Bash(node:*)`)
 * has left the boundary (SECURITY.md, "What it cannot protect"). What the
 * action still checks: finish believes nothing from a state file that
 * changed after prepare (the API URL, the comment, the progress endpoint
 * stay finish's own), and refuses to run a finish bundle that is not this
 * release's, marking the tracking comment as failed instead of leaving it
 * "working".
 */
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCommentPayload } from "../support/gitea/payloads";
import { text, toolUse } from "../support/model/index";
import { REPO, USERS, World, step } from "../support/scenario";
import { commentsBy } from "../support/tag";
import { actionCopy, runnerJobEnv } from "./support";

let world: World;
let attacker: http.Server;
let attackerUrl: string;
const seenByAttacker: Array<{ url: string; authorization?: string }> = [];

beforeAll(async () => {
  world = await World.start();
  attacker = http.createServer((req, res) => {
    seenByAttacker.push({ url: req.url ?? "", ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => attacker?.close(r));
  await world?.close();
});

/** Whether a process is gone within a few seconds (SIGTERM lets the broker close its server first). */
async function exited(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** A run in which the model writes a script into the workspace and runs it with node. */
async function runWithScript(script: (o: { stateFile: string; finishJs: string; base: string }) => string) {
  const dirs = await world.runnerDirs();
  const base = path.dirname(dirs.workspace);
  const actionDir = await actionCopy(base);
  const issue = world.gitea.createIssue(REPO, { title: "Tidy up", body: "Please tidy the README.", user: USERS.alice });
  const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude tidy the README" });
  const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
  const code = script({ stateFile: path.join(dirs.runnerTemp, "claude-code-gitea", "state.json"), finishJs: path.join(actionDir, "dist", "finish.js"), base });
  world.script([
    { reply: [toolUse("Write", { file_path: path.join(dirs.workspace, "tamper.js"), content: code })] },
    { reply: [toolUse("Bash", { command: "node tamper.js" })] },
    { reply: [text("Done.")] },
  ]);
  const result = await world.runAction({ eventName: "issue_comment", event, dirs, actionDir, jobEnv: runnerJobEnv(), with: { allowed_tools: "Bash(node:*)" } });
  world.model.assertDone();
  return { result, issue, base };
}

describe("a state file changed during the run", () => {
  it("is not believed: finish reports the change with its own API URL and token and sends nothing elsewhere", async () => {
    const { result, issue } = await runWithScript(({ stateFile }) =>
      [
        "const fs = require('fs');",
        `const f = ${JSON.stringify(stateFile)};`,
        "const text = fs.readFileSync(f, 'utf8');",
        `fs.writeFileSync(f, text.split(${JSON.stringify(world.gitea.url)}).join(${JSON.stringify(attackerUrl)}));`,
        "console.log('state rewritten');",
      ].join("\n"),
    );
    const tamperResult = JSON.stringify(world.model.mainRequests.at(-1)!.body);
    expect(tamperResult).toContain("state rewritten");

    expect(step(result, "finish")?.outcome).toBe("failure");
    expect(result.outputs.conclusion).toBe("failure");
    expect(result.log).toMatch(/state file changed after prepare wrote it/);
    expect(seenByAttacker).toEqual([]);
    const [tracking] = commentsBy(world, issue.index);
    expect(tracking!.body).toMatch(/state file changed after prepare wrote it/);
    expect(tracking!.body).not.toMatch(/working/i);
  });
});

describe("a finish bundle changed during the run", () => {
  it("does not run; the run line stops the broker and marks the tracking comment as failed", async () => {
    const { result, issue, base } = await runWithScript(({ finishJs, base }) =>
      [
        "const fs = require('fs');",
        `fs.writeFileSync(${JSON.stringify(finishJs)}, ${JSON.stringify(`require('fs').writeFileSync(${JSON.stringify(path.join(base, "finish-pwned"))}, JSON.stringify(process.env));\n`)});`,
        "console.log('finish replaced');",
      ].join("\n"),
    );
    expect(JSON.stringify(world.model.mainRequests.at(-1)!.body)).toContain("finish replaced");

    expect(step(result, "finish")?.outcome).toBe("failure");
    expect(result.log).toMatch(/finish\.js is not the file this release shipped/);
    expect(existsSync(path.join(base, "finish-pwned"))).toBe(false);
    const pid = Number(step(result, "prepare")?.outputs.broker_pid);
    expect(pid).toBeGreaterThan(1);
    expect(await exited(pid)).toBe(true);
    const [tracking] = commentsBy(world, issue.index);
    expect(tracking!.body).toContain("**Claude could not finish**");
    expect(tracking!.body).not.toMatch(/working/i);
    expect(seenByAttacker).toEqual([]);
  });
});
