/**
 * Pull requests from forks (and AGit pull requests) as Gitea really runs
 * them, through the runs Gitea starts (runner/gitea-runs.ts): a comment on
 * such a pull request is a fork run, with no secrets and a read-only job
 * token, and the action stops before any model call, saying why and what
 * works instead; `pull_request_target` (examples/claude-fork-prs.yml) runs the
 * base branch's workflow with the secrets, and Claude works on a new branch of
 * the base repository started from the pull request's head.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commentHook, labelHook, pullRequestHook } from "../support/gitea/hooks";
import { lastToolResults, text, toolUse } from "../support/model/index";
import { ROOT } from "../support/repo";
import { REPO, SECRETS, USERS, World, cwdOf } from "../support/scenario";

const example = (name: string) => readFileSync(join(ROOT, "examples", name), "utf8");
const COMMENT = "mcp__gitea__update_claude_comment";

let world: World;
beforeAll(async () => {
  world = await World.start({
    publicUrl: "https://gitea.example.com",
    files: {
      "README.md": "# app\n\nA small app.\n",
      "src/greet.js": "export const greet = (name) => `Hello ${name}`;\n",
      ".gitea/workflows/claude.yml": example("claude.yml"),
      ".gitea/workflows/claude-fork-prs.yml": example("claude-fork-prs.yml"),
      ".gitea/workflows/claude-review.yml": example("claude-review.yml"),
      ".gitea/claude-review-schema.json": example("claude-review-schema.json"),
    },
  });
  world.gitea.addUser({ login: "carol", full_name: "Carol Contributor", token: "carol-token-0000" });
  await world.gitea.forkRepo(REPO, "carol");
});
afterAll(async () => world?.close());

async function forkPull(branch: string, files: Record<string, string>) {
  const head = await world.gitea.commitFiles("carol/app", branch, files, `Change ${branch}`, "carol");
  const pr = await world.gitea.createPullRequest(REPO, { title: `Fix ${branch}`, user: "carol", head: branch, base: "main", headRepo: "carol/app" });
  return { pr, head };
}

describe("@claude on a pull request from a fork (a fork run)", () => {
  it("stops before any model call, and says why and what works, in the log, the job summary and on the pull request", async () => {
    const { pr } = await forkPull("typo", { "README.md": "# app\n\nA small application.\n" });
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude please add a NOTICE file" });
    const branchesBefore = await world.gitea.listBranches(REPO);
    const modelBefore = world.model.requests.length;

    const runs = await world.trigger(await commentHook(world.gitea, REPO, pr.index, c.id), { secrets: { CLAUDE_GITEA_TOKEN: SECRETS.adminToken } });
    expect(runs.map((r) => [r.run.workflow, r.run.eventName, r.run.secretsWithheld, r.run.tokenMode])).toEqual([["claude.yml", "issue_comment", true, "read"]]);
    const { job } = runs[0]!;
    expect(job.triggered).toBe(true);
    expect(job.success).toBe(false);
    expect(world.model.requests.length).toBe(modelBefore);

    const reason = /Claude cannot work on pull request #\d+ in this run: it comes from the fork carol\/app/;
    expect(job.log).toMatch(reason);
    expect(job.log).toContain("`anthropic_api_key`");
    expect(job.log).toContain("`gitea_token`");
    expect(job.log).toContain("pull_request_target");
    expect(job.log).toContain(`git fetch origin pull/${pr.index}/head && git push origin FETCH_HEAD:refs/heads/pr-${pr.index}`);
    expect(job.summary).toMatch(reason);
    expect(job.annotations.filter((a) => a.level === "error").map((a) => a.message).join("\n")).toMatch(reason);

    // Gitea lets the read-only token comment: the explanation is where the person who asked looks.
    const comments = world.gitea.listComments(REPO, pr.index);
    const explanation = comments.at(-1)!;
    expect(explanation.user).toBe(USERS.actions);
    expect(explanation.body).toContain("**Claude did not run**");
    expect(explanation.body).toMatch(reason);
    expect(explanation.body).not.toContain("working");
    expect(await world.gitea.listBranches(REPO)).toEqual(branchesBefore);
    for (const secret of Object.values(SECRETS)) expect(job.log).not.toContain(secret);
    expect(world.gitea.violations).toEqual([]);
  });

  it("the same for the review example on a fork's pull_request (read from the payload; the job fails, no model call)", async () => {
    const { pr } = await forkPull("review-me", { "src/greet.js": "export const greet = (n) => `Yo ${n}`;\n" });
    const modelBefore = world.model.requests.length;
    const runs = await world.trigger(await pullRequestHook(world.gitea, REPO, pr.index, "opened", "carol"), { secrets: { CLAUDE_GITEA_TOKEN: SECRETS.adminToken } });
    expect(runs.map((r) => [r.run.workflow, r.run.eventName, r.run.secretsWithheld])).toEqual([["claude-review.yml", "pull_request", true]]);
    const { job } = runs[0]!;
    expect(job.success).toBe(false);
    expect(job.log).toMatch(/Claude cannot work on pull request #\d+ in this run: it comes from the fork carol\/app, and Gitea runs `pull_request` workflows/);
    expect(world.model.requests.length).toBe(modelBefore);
    expect(world.gitea.listComments(REPO, pr.index).at(-1)!.body).toContain("**Claude did not run**");
  });

  it("the same for an AGit pull request", async () => {
    await world.gitea.commitFiles(REPO, "bob/agit", { "AGIT.md": "agit\n" }, "AGit change", USERS.bob);
    const pr = await world.gitea.createPullRequest(REPO, { title: "AGit change", user: USERS.bob, head: "bob/agit", base: "main", agit: true });
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude have a look" });
    const modelBefore = world.model.requests.length;
    const [run] = await world.trigger(await commentHook(world.gitea, REPO, pr.index, c.id));
    expect(run!.run.secretsWithheld).toBe(true);
    expect(run!.job.success).toBe(false);
    expect(run!.job.log).toMatch(/it comes from an AGit pull request/);
    expect(world.model.requests.length).toBe(modelBefore);
  });
});

describe("examples/claude-fork-prs.yml: a writer labels a fork's pull request (pull_request_target)", () => {
  it("runs the base branch's workflow with the secrets; Claude works on a new branch of this repository from the pull request's head", async () => {
    const { pr, head } = await forkPull("feature", { "src/greet.js": "export const greet = (name) => `Hi ${name}`;\n" });
    world.gitea.createLabel(REPO, { name: "claude" });
    world.gitea.setIssueLabels(REPO, pr.index, ["claude"]);
    const forkBranches = await world.gitea.listBranches("carol/app");

    world.script([
      { reply: (req) => [toolUse("Write", { file_path: `${cwdOf(req)}/NOTICE`, content: "Copyright Acme\n" })] },
      { reply: [toolUse("Bash", { command: "git add NOTICE" })] },
      { reply: [toolUse("Bash", { command: 'git commit -m "Add NOTICE"' })] },
      { reply: [toolUse("Bash", { command: "git push origin HEAD" })] },
      {
        check: (req) => expect(lastToolResults(req)[0]?.is_error).toBe(false),
        reply: [toolUse(COMMENT, { body: "Looks right. Added NOTICE on my branch." })],
      },
      { reply: [text("Done.")] },
    ]);
    const runs = await world.trigger(await labelHook(world.gitea, REPO, pr.index, USERS.alice, { added: ["claude"] }), {
      secrets: { CLAUDE_GITEA_TOKEN: SECRETS.adminToken },
      vars: { PUBLIC_GITEA_URL: "https://gitea.example.com" },
    });
    expect(runs.map((r) => [r.run.workflow, r.run.eventName, r.run.secretsWithheld, r.run.ref])).toEqual([
      ["claude-fork-prs.yml", "pull_request_target", false, "refs/heads/main"],
    ]);
    const { job } = runs[0]!;
    if (!job.success) console.log(job.log);
    expect(job.success).toBe(true);
    world.model.assertDone();

    const branch = job.outputs.claude!.branch_name!;
    expect(branch).toMatch(new RegExp(`^claude/pr-${pr.index}-\\d{8}-\\d{4}(-r\\d+)?$`));
    const commits = await world.gitea.commitsOn(REPO, branch);
    expect(commits[0]!.subject).toBe("Add NOTICE");
    expect(commits[0]!.parents).toEqual([head]);
    expect(await world.gitea.readFile(REPO, branch, "src/greet.js")).toContain("Hi ${name}");
    // The fork is untouched; the pull request still points at the fork's commit.
    expect(await world.gitea.listBranches("carol/app")).toEqual(forkBranches);
    expect(await world.gitea.pullHeadSha(REPO, pr.index)).toBe(head);
    const tracking = world.gitea.getComment(Number(job.outputs.claude!.comment_id))!;
    expect(tracking.body).toContain("**Claude finished @");
    expect(tracking.body).toContain("Looks right. Added NOTICE on my branch.");
    expect(tracking.body).toContain(`https://gitea.example.com/${REPO}/compare/main...${branch}`);
    expect(world.gitea.violations).toEqual([]);
  });
});
