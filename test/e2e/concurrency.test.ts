/**
 * Any number at once: two and five runs of the action on one issue, and on
 * one pull request's head branch, really at the same time (each a workflow
 * run of its own, each with its own Claude). Nothing is lost: every run's
 * commit reaches Gitea, each run's tracking comment and branch_name name the
 * branch that holds that run's own commit, and no run names another's branch.
 * On the pull request every run pushes to the head after all of them have
 * committed, so all but the first push are rejected: finish puts those runs'
 * commits on branches of their own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCommentPayload } from "../support/gitea/payloads";
import { startModel, text, toolUse, type ScriptedModel } from "../support/model/index";
import { REPO, USERS, World, cliEnv, cwdOf } from "../support/scenario";
import { expectSuccess } from "../support/tag";

let world: World;
const models: ScriptedModel[] = [];
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterAll(async () => {
  await Promise.allSettled(models.map((m) => m.close()));
  await world?.close();
});

/** Resolves once `n` parties have arrived. */
function barrier(n: number) {
  let arrived = 0;
  let open!: () => void;
  const all = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    if (++arrived >= n) open();
    await all;
  };
}

/** One run's Claude: writes its own file, commits, (waits for the others to commit,) pushes, reports. */
async function claudeFor(run: string, beforePush: () => Promise<void>): Promise<ScriptedModel> {
  const model = await startModel();
  models.push(model);
  model.script([
    { reply: (req) => [toolUse("Write", { file_path: `${cwdOf(req)}/${run}.md`, content: `written by ${run}\n` })] },
    { reply: [toolUse("Bash", { command: `git add ${run}.md` })] },
    { reply: [toolUse("Bash", { command: `git commit -m "Add ${run}.md"` })] },
    {
      reply: async () => {
        await beforePush();
        return [toolUse("Bash", { command: "git push origin HEAD" })];
      },
    },
    { reply: [toolUse("mcp__gitea__update_claude_comment", { body: `Added ${run}.md.` })] },
    { reply: [text("Done.")] },
  ]);
  return model;
}

async function runAll(n: number, index: number, triggerIds: number[], o: { barrierBeforePush: boolean }) {
  const wait = o.barrierBeforePush ? barrier(n) : async () => {};
  const runs = Array.from({ length: n }, (_, k) => `run-${index}-${k + 1}`);
  const clauds = await Promise.all(runs.map((r) => claudeFor(r, wait)));
  const results = await Promise.all(
    runs.map(async (run, k) =>
      world.runAction({
        eventName: "issue_comment",
        event: await issueCommentPayload(world.gitea, REPO, index, triggerIds[k]!),
        stepEnv: { ...cliEnv(clauds[k]!.url) },
        runId: 7000 + index * 10 + k,
        timeoutMs: 300_000,
      }),
    ),
  );
  for (const m of clauds) m.assertDone();
  return runs.map((run, k) => ({ run, result: results[k]! }));
}

/** Every run's commit is on the branch its outputs and comment name, and its comment names no other run's branch. */
async function expectNothingLost(runs: Awaited<ReturnType<typeof runAll>>) {
  const branches = runs.map((r) => r.result.outputs.branch_name!);
  for (const { run, result } of runs) {
    expectSuccess(result);
    const branch = result.outputs.branch_name!;
    expect(branch, run).toBeTruthy();
    expect(await world.gitea.readFile(REPO, branch, `${run}.md`), `${run} on ${branch}`).toBe(`written by ${run}\n`);
    const commits = await world.gitea.commitsOn(REPO, branch);
    expect(commits.some((c) => c.subject === `Add ${run}.md`)).toBe(true);
    const comment = world.gitea.getComment(Number(result.outputs.comment_id))!;
    expect(comment.body).toMatch(/^\*\*Claude finished/m);
    expect(comment.body).toContain(`Added ${run}.md.`);
    expect(comment.body).toContain(`/src/branch/${branch})`);
    for (const other of branches.filter((b) => b !== branch)) expect(comment.body, `${run} names ${other}`).not.toContain(`/src/branch/${other})`);
    expect(comment.body).not.toContain("Claude is working");
  }
}

describe.each([2, 5])("%i runs at once", (n) => {
  it("on one issue: each run's commit lands on a branch of its own, and each run names only that branch", async () => {
    const issue = world.gitea.createIssue(REPO, { title: `Concurrent ${n}`, body: "Each run adds a file.", user: USERS.alice });
    const triggers = Array.from({ length: n }, (_, k) => world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: `@claude add file ${k + 1}` }).id);
    const runs = await runAll(n, issue.index, triggers, { barrierBeforePush: true });
    await expectNothingLost(runs);
    const branches = runs.map((r) => r.result.outputs.branch_name!);
    expect(new Set(branches).size).toBe(n);
    for (const b of branches) expect(b).toMatch(new RegExp(`^claude/issue-${issue.index}-\\d{8}-\\d{4}-r\\d+$`));
    // No run's branch holds another run's file.
    for (const { result } of runs) {
      const files = runs.filter((x) => x.result !== result).map((x) => `${x.run}.md`);
      for (const f of files) expect(await world.gitea.readFile(REPO, result.outputs.branch_name!, f)).toBeNull();
    }
    expect(world.gitea.violations.filter((v) => v.kind !== "unknown-query")).toEqual([]);
  }, 600_000);

  it("on one pull request's head branch: the first push lands there, every other run's commit on a branch of its own", async () => {
    const head = `feature/concurrent-${n}`;
    await world.gitea.commitFiles(REPO, head, { [`base-${n}.txt`]: "x\n" }, "Start", USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: `Concurrent PR ${n}`, user: USERS.alice, head, base: "main" });
    const triggers = Array.from({ length: n }, (_, k) => world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: `@claude add file ${k + 1}` }).id);
    const runs = await runAll(n, pr.index, triggers, { barrierBeforePush: true });
    await expectNothingLost(runs);
    const onHead = runs.filter((r) => r.result.outputs.branch_name === head);
    const moved = runs.filter((r) => r.result.outputs.branch_name !== head);
    expect(onHead).toHaveLength(1);
    expect(moved).toHaveLength(n - 1);
    for (const { result } of moved) {
      const branch = result.outputs.branch_name!;
      expect(branch).toMatch(new RegExp(`^claude/pr-${pr.index}-\\d{8}-\\d{4}-r\\d+$`));
      const comment = world.gitea.getComment(Number(result.outputs.comment_id))!;
      expect(comment.body).toContain(`${head} moved on while Claude worked`);
      // A link to merge the run's commit into the pull request's branch.
      expect(comment.body).toContain(`/compare/${head}...${branch}`);
    }
    expect(new Set(runs.map((r) => r.result.outputs.branch_name)).size).toBe(n);
  }, 600_000);
});
