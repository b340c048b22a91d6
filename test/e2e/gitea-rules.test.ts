/**
 * The action against an emulated Gitea that enforces Gitea's rules, end to
 * end (action.yml, the real claude CLI, the scripted model): the server's page
 * cap (nothing truncated at 10, 20, 50 or 100), attachments off, schedules
 * with `{}` as their event, `pull_request_comment`, Forgejo's version string,
 * team members with Code write, and a comment list that answers 500 for a
 * missing issue.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GiteaClient } from "../../src/gitea/client";
import { issueCommentPayload, issuesPayload, schedulePayload } from "../support/gitea/payloads";
import { text, toolUse } from "../support/model/index";
import { REPO, SECRETS, USERS, World, step } from "../support/scenario";
import { commentsBy, mainRequestsFrom, promptOf } from "../support/tag";

const notices = (r: { annotations: { level: string; message: string }[] }) => r.annotations.filter((a) => a.level === "notice").map((a) => a.message);

describe.each([10, 20, 50, 100])("a server whose MAX_RESPONSE_ITEMS is %i", (cap) => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ publicUrl: "https://gitea.example.com", gitea: { maxResponseItems: cap } });
  });
  afterAll(async () => world?.close());

  it("every changed file and commit of a 120-file pull request reaches the prompt", async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 120; i++) files[`pages/page-${String(i).padStart(3, "0")}.md`] = `# Page ${i}\n`;
    await world.gitea.commitFiles(REPO, "pages", files, "120 pages", USERS.alice);
    for (let i = 1; i <= 24; i++) await world.gitea.commitFiles(REPO, "pages", { [`notes/n${i}.md`]: `${i}\n` }, `Note number ${i}`, USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: "Pages", user: USERS.alice, head: "pages", base: "main" });
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude summarise" });
    const event = await issueCommentPayload(world.gitea, REPO, pr.index, c.id);
    world.script([{ reply: [text("Summarised.")] }]);
    const main = mainRequestsFrom(world);
    const result = await world.runAction({ eventName: "issue_comment", event });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    const prompt = promptOf(main());
    for (const name of Object.keys(files)) expect(prompt).toContain(name);
    // 1 + 24 commits, counted in the prompt
    expect(prompt).toContain("25 commits");
    expect(prompt).toContain("144 changed files");
    // Pages were asked for with the page size the server really serves.
    const pages = world.gitea.apiRequests("GET /repos/{owner}/{repo}/pulls/{index}/files").map((r) => Number(r.query.page));
    expect(Math.max(...pages)).toBe(Math.ceil(144 / Math.min(cap, 50)));
    expect(world.gitea.violations).toEqual([]);
  });
});

describe("attachments disabled on the server", () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ gitea: { attachments: false } });
  });
  afterAll(async () => world?.close());

  it("the run goes on without them, with a notice", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Broken", body: "See the screenshot.", user: USERS.alice });
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude why?" });
    world.script([{ reply: [text("Because.")] }]);
    const result = await world.runAction({ eventName: "issue_comment", event: await issueCommentPayload(world.gitea, REPO, issue.index, c.id) });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    expect(notices(result).some((n) => n.includes("Attachments are disabled on this Gitea"))).toBe(true);
    expect(world.gitea.apiRequests("GET /repos/{owner}/{repo}/issues/{index}/assets").map((r) => r.status)).toEqual([404]);
    expect(commentsBy(world, issue.index)[0]!.body).toContain("**Claude finished @alice's task");
  });
});

describe("schedules, pull_request_comment, Forgejo, teams, a missing issue", () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ giteaVersion: "11.0.1+gitea-1.22.0", publicUrl: "https://git.example.org" });
  });
  afterAll(async () => world?.close());

  it("a schedule whose event is {} (re-registered after the job token pushed to main) runs its direct_prompt", async () => {
    const { workspace } = await world.runnerDirs();
    // The job token pushes to the default branch: Gitea re-registers the schedules without a payload.
    const { git } = await import("../support/scenario");
    await git(["-c", "user.name=Claude", "-c", "user.email=c@example.com", "commit", "-q", "--allow-empty", "-m", "nightly"], workspace);
    await git(["push", "-q", "origin", "HEAD:main"], workspace);
    const event = await schedulePayload(world.gitea, REPO);
    expect(event).toEqual({});
    world.script([{ reply: [text("Nightly report: all good.")] }]);
    const main = mainRequestsFrom(world);
    const result = await world.runAction({ eventName: "schedule", event, actor: USERS.owner, with: { direct_prompt: "Write the nightly report.", mode: "agent" } });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    expect(promptOf(main())).toContain("Write the nightly report.");
    expect(notices(result).some((n) => n.includes("came with no payload"))).toBe(true);
    expect(result.outputs.conclusion).toBe("success");
  });

  it("pull_request_comment behaves as issue_comment on a pull request; Forgejo's job link uses the run number", async () => {
    await world.gitea.commitFiles(REPO, "feature/prc", { "prc.txt": "x\n" }, "PRC", USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: "PRC", user: USERS.alice, head: "feature/prc", base: "main" });
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude what does this change?" });
    const event = await issueCommentPayload(world.gitea, REPO, pr.index, c.id);
    world.script([{ reply: [toolUse("mcp__gitea__update_claude_comment", { body: "It adds prc.txt." })] }, { reply: [text("Done.")] }]);
    const result = await world.runAction({ eventName: "pull_request_comment", event });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    expect(result.outputs.branch_name).toBe("feature/prc");
    const [tracking] = commentsBy(world, pr.index);
    expect(tracking!.body).toContain("**Claude finished @alice's task");
    expect(tracking!.body).toContain("It adds prc.txt.");
    // Forgejo 11 links runs by number (17), not by id (4242).
    expect(tracking!.body).toContain(`https://git.example.org/${REPO}/actions/runs/17`);
    expect(tracking!.body).not.toContain("/actions/runs/4242");
  });

  it("a team member with Code write passes, end to end (an assignment, checked with an admin token)", async () => {
    const w = await World.start({ org: true });
    try {
      w.gitea.addUser({ login: "dana", full_name: "Dana Dev" });
      w.gitea.addUser({ login: "claude-bot" });
      w.gitea.addTeam({ org: USERS.owner, name: "devs", units: { "repo.code": "write", "repo.issues": "write", "repo.pulls": "write", "repo.wiki": "read" }, members: ["dana"], repos: [REPO] });
      const issue = w.gitea.createIssue(REPO, { title: "Task", body: "Do it.", user: "dana", assignees: ["claude-bot"] });
      w.script([{ reply: [text("On it.")] }]);
      const result = await w.runAction({
        eventName: "issues",
        event: await issuesPayload(w.gitea, REPO, issue.index, "assigned", "dana"),
        with: { assignee_trigger: "claude-bot", gitea_token: SECRETS.adminToken },
      });
      if (!result.success) console.log(result.log);
      expect(result.success).toBe(true);
      expect(step(result, "prepare")?.log).toContain("@dana has Code write through team 'devs'");
    } finally {
      await w.close();
    }
  });

  it("a comment list that answers 500 for a missing issue is reported as such, after one look at the issue, not four tries", async () => {
    const client = new GiteaClient({ apiUrl: world.gitea.apiUrl, token: SECRETS.jobToken, owner: "acme", repo: "app", retry: { baseDelayMs: 1 } });
    world.gitea.clearLog();
    await expect(client.issueComments(999)).rejects.toThrow("issue #999 does not exist in acme/app (Gitea answers HTTP 500 when listing the comments of a missing issue)");
    expect(world.gitea.apiRequests().map((r) => [r.route, r.status])).toEqual([
      ["GET /repos/{owner}/{repo}/issues/{index}/comments", 500],
      ["GET /repos/{owner}/{repo}/issues/{index}", 404],
    ]);
  });
});
