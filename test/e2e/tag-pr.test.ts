/**
 * @claude on pull requests, end to end: a same-repository PR is worked on at
 * its head branch; a comment on a fork's PR is a fork run on Gitea and is
 * refused (test/e2e/fork-prs.test.ts shows what works instead); a PR whose
 * head is no branch here is worked on from refs/pull/N/head on a new branch;
 * use_sticky_comment reuses the tracking comment; prepare reads every page of
 * a large PR in few round trips.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCommentPayload } from "../support/gitea/payloads";
import { lastToolResults, text, toolUse } from "../support/model/index";
import { REPO, USERS, World, cwdOf, step } from "../support/scenario";
import { TRACKING_MARKER, commentsBy, expectSuccess, gitCommands, mainRequestsFrom, promptOf, sequentialDepth } from "../support/tag";

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterAll(async () => world?.close());

/** The turns of a Claude that writes one file, commits and pushes it with git in Bash. */
function commitAndPush(file: string, content: string, message: string) {
  return [
    { reply: (req: unknown) => [toolUse("Write", { file_path: `${cwdOf(req)}/${file}`, content })] },
    { reply: [toolUse("Bash", { command: `git add ${file}` })] },
    { reply: [toolUse("Bash", { command: `git commit -m "${message}"` })] },
    {
      check: (req: Parameters<typeof lastToolResults>[0]) => expect(JSON.stringify(lastToolResults(req))).toContain(message),
      reply: [toolUse("Bash", { command: "git push origin HEAD" })],
    },
    {
      check: (req: Parameters<typeof lastToolResults>[0]) => expect(lastToolResults(req)[0]?.is_error).toBe(false),
      reply: [toolUse("mcp__gitea__update_claude_comment", { body: `Committed ${file}.` })],
    },
    { reply: [text("Done.")] },
  ];
}

describe("@claude on an open pull request from the same repository", () => {
  it("commits and pushes to the PR's head branch, creates no branch, and reports it", async () => {
    await world.gitea.commitFiles(REPO, "feature/greeting", { "src/greet.js": "export const greet = (name) => `Hi ${name}`;\n" }, "Shorter greeting", USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: "Shorter greeting", user: USERS.alice, head: "feature/greeting", base: "main" });
    const headBefore = (await world.gitea.branchSha(REPO, "feature/greeting"))!;
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude add a CHANGELOG entry for this" });
    const event = await issueCommentPayload(world.gitea, REPO, pr.index, c.id);
    expect(event.is_pull).toBe(true);
    const branchesBefore = await world.gitea.listBranches(REPO);

    world.script(commitAndPush("CHANGELOG.md", "- Shorter greeting\n", "Add CHANGELOG entry"));
    const main = mainRequestsFrom(world);
    const result = await world.runAction({ eventName: "issue_comment", event });
    expectSuccess(result);
    world.model.assertDone();

    // The prompt told Claude it is on the PR branch, and the CLI ran on it.
    const prompt = promptOf(main());
    expect(prompt).toContain("feature/greeting");

    expect(result.outputs.branch_name).toBe("feature/greeting");
    expect(step(result, "prepare")?.outputs.branch_name).toBe("feature/greeting");
    expect(await world.gitea.listBranches(REPO)).toEqual(branchesBefore);
    const commits = await world.gitea.commitsOn(REPO, "feature/greeting");
    expect(commits[0]!.subject).toBe("Add CHANGELOG entry");
    expect(commits[0]!.author.name).toBe("Claude");
    expect(commits[0]!.parents).toEqual([headBefore]);
    expect(await world.gitea.pullHeadSha(REPO, pr.index)).toBe(commits[0]!.sha);
    expect(await world.gitea.readFile(REPO, "feature/greeting", "CHANGELOG.md")).toBe("- Shorter greeting\n");

    const [tracking] = commentsBy(world, pr.index);
    expect(commentsBy(world, pr.index)).toHaveLength(1);
    expect(String(tracking!.id)).toBe(result.outputs.comment_id);
    expect(tracking!.body).toContain("**Claude finished @alice's task");
    expect(tracking!.body).toContain("Committed CHANGELOG.md.");
    expect(tracking!.body).toContain(`https://gitea.example.com/${REPO}/src/branch/feature/greeting`);
    // Work on the PR branch needs no "Create PR" link.
    expect(tracking!.body).not.toContain("/compare/");
    expect(tracking!.body).not.toContain("Claude is working");
    expect(result.outputs.conclusion).toBe("success");
    expect(world.gitea.violations).toEqual([]);
  });
});

describe("@claude on an open pull request from a fork", () => {
  it("is a fork run on Gitea (read-only job token): refused before any model call, even with credentials given", async () => {
    world.gitea.addUser({ login: "carol", full_name: "Carol Contributor" });
    await world.gitea.forkRepo(REPO, "carol");
    await world.gitea.commitFiles("carol/app", "fix-typo", { "README.md": "# app\n\nA small application.\n" }, "Fix wording", "carol");
    const pr = await world.gitea.createPullRequest(REPO, { title: "Fix wording", user: "carol", head: "fix-typo", base: "main", headRepo: "carol/app" });
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude please also add a NOTICE file" });
    const event = await issueCommentPayload(world.gitea, REPO, pr.index, c.id);
    const branchesBefore = await world.gitea.listBranches(REPO);
    const main = mainRequestsFrom(world);

    // Credentials reached this run some other way than secrets (Gitea withholds those: see fork-prs.test.ts);
    // the job token of a fork run is read-only all the same: refused.
    world.gitea.addJobToken("fork-run-job-token-000000000000000000", { repo: REPO, mode: "read", fork: true });
    const result = await world.runAction({ eventName: "issue_comment", event, token: "fork-run-job-token-000000000000000000" });
    expect(result.success).toBe(false);
    expect(step(result, "prepare")?.log).toMatch(/it comes from the fork carol\/app/);
    expect(step(result, "run")?.outcome).toBe("skipped");
    expect(main()).toEqual([]);
    expect(await world.gitea.listBranches(REPO)).toEqual(branchesBefore);
    const last = world.gitea.listComments(REPO, pr.index).at(-1)!;
    expect(last.body).toContain("**Claude did not run**");
    expect(last.body).toContain("pull_request_target");
    expect(world.gitea.violations).toEqual([]);
  });
});

describe("@claude on an open pull request whose head is not a branch here", () => {
  it("works from refs/pull/N/head on a new branch when Gitea reports the head as that ref (a deleted head branch; AGit pull requests are fork runs)", async () => {
    const headSha = await world.gitea.commitFiles(REPO, "feature/gone", { "GONE.md": "gone\n" }, "Gone", USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: "Gone", user: USERS.alice, head: "feature/gone", base: "main" });
    await world.gitea.core.store.repo(REPO).git.deleteRef("refs/heads/feature/gone");
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude add a GONE note" });
    const event = await issueCommentPayload(world.gitea, REPO, pr.index, c.id);

    world.script(commitAndPush("NOTE.md", "note\n", "Add note"));
    const result = await world.runAction({ eventName: "issue_comment", event });
    expectSuccess(result);
    world.model.assertDone();

    const branch = result.outputs.branch_name!;
    expect(branch).toMatch(new RegExp(`^claude/pr-${pr.index}-\\d{8}-\\d{4}-r\\d+$`));
    const commits = await world.gitea.commitsOn(REPO, branch);
    expect(commits[0]!.subject).toBe("Add note");
    expect(commits[0]!.parents).toEqual([headSha]);
    expect(await world.gitea.branchSha(REPO, "feature/gone")).toBeNull();
    expect(world.gitea.violations).toEqual([]);
  });
});

describe("use_sticky_comment on a pull request", () => {
  it("edits the previous tracking comment on the second run instead of posting another", async () => {
    await world.gitea.commitFiles(REPO, "feature/sticky", { "src/sticky.js": "export {};\n" }, "Sticky", USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: "Sticky", user: USERS.alice, head: "feature/sticky", base: "main" });

    const first = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude review this" });
    world.script([{ reply: [toolUse("mcp__gitea__update_claude_comment", { body: "First answer." })] }, { reply: [text("ok")] }]);
    const r1 = await world.runAction({
      eventName: "issue_comment",
      event: await issueCommentPayload(world.gitea, REPO, pr.index, first.id),
      with: { use_sticky_comment: "true" },
    });
    expectSuccess(r1);
    world.model.assertDone();
    const id = Number(r1.outputs.comment_id);
    expect(world.gitea.getComment(id)!.body).toContain("First answer.");

    const second = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude and now check the tests" });
    world.script([
      {
        // While the second run works, the one comment shows it is working again.
        check: () => expect(world.gitea.getComment(id)!.body).toContain("Claude is working"),
        reply: [toolUse("mcp__gitea__update_claude_comment", { body: "Second answer." })],
      },
      { reply: [text("ok")] },
    ]);
    const r2 = await world.runAction({
      eventName: "issue_comment",
      event: await issueCommentPayload(world.gitea, REPO, pr.index, second.id),
      with: { use_sticky_comment: "true" },
    });
    expectSuccess(r2);
    world.model.assertDone();

    expect(Number(r2.outputs.comment_id)).toBe(id);
    const ours = commentsBy(world, pr.index);
    expect(ours.map((c) => c.id)).toEqual([id]);
    expect(ours[0]!.body).toContain(TRACKING_MARKER);
    expect(ours[0]!.body).toContain("Second answer.");
    expect(ours[0]!.body).not.toContain("First answer.");
    expect(ours[0]!.body).toContain("**Claude finished @alice's task");
    expect(world.gitea.apiRequests("PATCH /repos/{owner}/{repo}/issues/comments/{id}").filter((r) => r.path.endsWith(`/${id}`)).length).toBeGreaterThanOrEqual(4);
    expect(world.gitea.violations).toEqual([]);
  });

  it("without use_sticky_comment, a second run posts a new tracking comment", async () => {
    await world.gitea.commitFiles(REPO, "feature/nonsticky", { "src/nonsticky.js": "export {};\n" }, "Not sticky", USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: "Not sticky", user: USERS.alice, head: "feature/nonsticky", base: "main" });
    for (const body of ["@claude one", "@claude two"]) {
      const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body });
      world.script([{ reply: [text("ok")] }]);
      expectSuccess(await world.runAction({ eventName: "issue_comment", event: await issueCommentPayload(world.gitea, REPO, pr.index, c.id) }));
      world.model.assertDone();
    }
    expect(commentsBy(world, pr.index)).toHaveLength(2);
    expect(world.gitea.violations).toEqual([]);
  });
});

describe("prepare's Gitea round trips on a pull request comment", () => {
  it("reads every page of a PR with more than 50 changed files in at most 3 sequential round trips", async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 63; i++) files[`docs/page-${String(i).padStart(2, "0")}.md`] = `# Page ${i}\n`;
    await world.gitea.commitFiles(REPO, "docs/many", files, "Many pages", USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: "Docs", user: USERS.alice, head: "docs/many", base: "main" });
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude summarise the docs" });
    const event = await issueCommentPayload(world.gitea, REPO, pr.index, c.id);

    // Check out first (that is actions/checkout's traffic, not ours), then log only the action's requests.
    const dirs = await world.runnerDirs();
    world.gitea.clearLog();
    // Latency makes requests sent together overlap in the log, whatever the scheduling.
    world.gitea.setLatency(300);
    let beforeRun: typeof world.gitea.requests = [];
    world.script([
      {
        check: () => {
          beforeRun = world.gitea.requests.map((r) => ({ ...r }));
        },
        reply: [text("Summarised.")],
      },
    ]);
    const main = mainRequestsFrom(world);
    try {
      const result = await world.runAction({ eventName: "issue_comment", event, dirs });
      expectSuccess(result);
    } finally {
      world.gitea.setLatency(0);
    }
    world.model.assertDone();

    const api = beforeRun.filter((r) => r.kind === "api");
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((r) => r.endedAt !== null)).toBe(true);
    expect(sequentialDepth(api), api.map((r) => `${r.method} ${r.path}`).join("\n")).toBeLessThanOrEqual(3);
    // With each git command (the branch fetch) as one round trip, the whole of prepare stays within 3 too.
    const gitOps = gitCommands(beforeRun);
    expect(gitOps.length).toBeGreaterThan(0);
    const timeline = [...api, ...gitOps].sort((a, b) => a.startedAt - b.startedAt).map((r) => `${r.method} ${r.path} ${Math.round(r.startedAt - api[0]!.startedAt)}–${Math.round((r.endedAt ?? 0) - api[0]!.startedAt)} ms`);
    expect(sequentialDepth([...api, ...gitOps]), timeline.join("\n")).toBeLessThanOrEqual(3);

    // Every page of the changed files was read, and all 63 files reached the prompt.
    const filePages = api.filter((r) => r.route === "GET /repos/{owner}/{repo}/pulls/{index}/files").map((r) => r.query.page ?? "1");
    expect(new Set(filePages)).toEqual(new Set(["1", "2"]));
    const prompt = promptOf(main());
    for (const name of Object.keys(files)) expect(prompt).toContain(name);
    expect(world.gitea.violations).toEqual([]);
  });
});
