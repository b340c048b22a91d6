/**
 * The gitea MCP server driven by the real CLI, end to end: the model updates
 * the tracking comment as it goes and, with use_commit_signing, commits
 * through mcp__gitea__commit_files (Gitea's contents API; git in Bash is not
 * allowed); on a pull request it sets labels and submits a comment-only
 * review when those tools are allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCommentPayload } from "../support/gitea/payloads";
import { lastToolResults, text, toolUse, type MessagesRequest } from "../support/model/index";
import { REPO, USERS, World, cwdOf } from "../support/scenario";
import { commentsBy, expectSuccess, mainRequestsFrom } from "../support/tag";

const COMMENT_PATCH = "PATCH /repos/{owner}/{repo}/issues/comments/{id}";

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterAll(async () => world?.close());

const lastResult = (req: MessagesRequest) => {
  const [result] = lastToolResults(req);
  if (!result) throw new Error("no tool result in this request");
  return result;
};

describe("use_commit_signing: commits through the gitea MCP server", () => {
  it("updates the tracking comment as it goes and commits via the contents API, never git push", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Write release notes", body: "Add NOTES.md", user: USERS.alice });
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude write release notes" });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
    let trackingId = 0;
    const tracking = () => world.gitea.getComment(trackingId)!.body;
    let branch = "";

    world.script([
      {
        check: (req) => {
          // The prompt names the tracking comment; find it on the emulator the way a user would see it.
          const [ours] = commentsBy(world, issue.index);
          trackingId = ours!.id;
          expect(JSON.stringify(req)).toContain(String(trackingId));
          expect(tracking()).toContain("Claude is working");
          branch = /claude\/issue-\d+-\d{8}-\d{4}-r\d+/.exec(JSON.stringify(req))![0];
        },
        reply: [toolUse("mcp__gitea__update_claude_comment", { body: "- [ ] Write NOTES.md\n- [ ] Commit" })],
      },
      {
        check: (req) => {
          expect(lastResult(req).is_error).toBe(false);
          expect(tracking()).toContain("- [ ] Write NOTES.md\n- [ ] Commit");
        },
        reply: (req) => [toolUse("Write", { file_path: `${cwdOf(req)}/NOTES.md`, content: "# Release notes\n\n- Greets by name.\n" })],
      },
      { reply: [toolUse("mcp__gitea__update_claude_comment", { body: "- [x] Write NOTES.md\n- [ ] Commit" })] },
      {
        check: () => expect(tracking()).toContain("- [x] Write NOTES.md\n- [ ] Commit"),
        // git through Bash is not among the allowed tools when commits are signed by Gitea.
        reply: [toolUse("Bash", { command: "git add NOTES.md" })],
      },
      {
        check: (req) => expect(lastResult(req).is_error).toBe(true),
        reply: [toolUse("mcp__gitea__commit_files", { files: ["NOTES.md"], message: "Add release notes" })],
      },
      {
        check: (req) => {
          const result = lastResult(req);
          expect(result.is_error).toBe(false);
          expect(result.text).toContain(`Committed to ${branch}`);
          expect(result.text).toContain("added NOTES.md");
        },
        reply: [toolUse("mcp__gitea__update_claude_comment", { body: "- [x] Write NOTES.md\n- [x] Commit\n\nRelease notes are in NOTES.md." })],
      },
      { reply: [text("Done.")] },
    ]);

    const dirs = await world.runnerDirs();
    const logFrom = world.gitea.requests.length;
    const result = await world.runAction({ eventName: "issue_comment", event, with: { use_commit_signing: "true" }, dirs });
    expectSuccess(result);
    world.model.assertDone();

    // The commit is on the working branch, made by Gitea through the contents API.
    expect(result.outputs.branch_name).toBe(branch);
    const [commit] = await world.gitea.commitsOn(REPO, branch);
    expect(commit!.subject).toBe("Add release notes");
    expect(commit!.author.name).toBe("Claude");
    expect(commit!.parents).toEqual([(await world.gitea.branchSha(REPO, "main"))!]);
    expect(await world.gitea.readFile(REPO, branch, "NOTES.md")).toBe("# Release notes\n\n- Greets by name.\n");
    const during = world.gitea.requests.slice(logFrom);
    expect(during.filter((r) => r.route === "POST /repos/{owner}/{repo}/contents").map((r) => r.status)).toEqual([201]);
    expect(during.filter((r) => r.kind === "git" && r.path.includes("receive-pack"))).toEqual([]);
    // The checkout followed the commit (finish found nothing left to push).
    expect(result.log).not.toContain("Pushed Claude's unpushed commits");

    // Three updates by Claude plus the final one by finish, on one comment.
    expect(Number(result.outputs.comment_id)).toBe(trackingId);
    expect(during.filter((r) => r.route === COMMENT_PATCH && r.path.endsWith(`/${trackingId}`)).length).toBe(4);
    expect(commentsBy(world, issue.index)).toHaveLength(1);
    const final = tracking();
    expect(final).toContain("**Claude finished @alice's task");
    expect(final).toContain("- [x] Write NOTES.md\n- [x] Commit");
    expect(final).toContain("Release notes are in NOTES.md.");
    expect(final).toContain(`https://gitea.example.com/${REPO}/compare/main...${branch}`);
    expect(world.gitea.violations).toEqual([]);
  });
});

describe("triage and review tools on a pull request", () => {
  it("sets labels and submits a comment-only review with an inline comment when allowed", async () => {
    world.gitea.createLabel(REPO, { name: "bug" });
    world.gitea.createLabel(REPO, { name: "needs tests" });
    world.gitea.createLabel(REPO, { name: "wontfix" });
    await world.gitea.commitFiles(
      REPO,
      "fix/greet",
      { "src/greet.js": "export const greet = (name) => `Hello ${name ?? 'world'}`;\n" },
      "Default name",
      USERS.alice,
    );
    const pr = await world.gitea.createPullRequest(REPO, { title: "Default name", user: USERS.alice, head: "fix/greet", base: "main" });
    world.gitea.setIssueLabels(REPO, pr.index, ["wontfix"]);
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude triage and review this" });
    const event = await issueCommentPayload(world.gitea, REPO, pr.index, c.id);

    world.script([
      { reply: [toolUse("mcp__gitea__set_labels", { labels: ["bug", "Needs Tests"], mode: "replace" })] },
      {
        check: (req) => {
          const r = lastResult(req);
          expect(r.is_error).toBe(false);
          expect(r.text).toContain("bug, needs tests");
        },
        reply: [
          toolUse("mcp__gitea__submit_review", {
            body: "Looks good; one suggestion.",
            comments: [{ path: "src/greet.js", line: 1, body: "Consider a default parameter instead of `??`." }],
          }),
        ],
      },
      {
        check: (req) => {
          const r = lastResult(req);
          expect(r.is_error).toBe(false);
          expect(r.text).toContain("1 inline comment");
        },
        // A path outside the PR is an error the model can act on, not a crash.
        reply: [toolUse("mcp__gitea__submit_review", { body: "", comments: [{ path: "README.md", line: 1, body: "x" }] })],
      },
      {
        check: (req) => {
          const r = lastResult(req);
          expect(r.is_error).toBe(true);
          expect(r.text).toContain("'README.md' is not changed in pull request");
        },
        reply: [toolUse("mcp__gitea__update_claude_comment", { body: "Labelled **bug**, **needs tests** and left a review." })],
      },
      { reply: [text("Done.")] },
    ]);

    const main = mainRequestsFrom(world);
    const result = await world.runAction({
      eventName: "issue_comment",
      event,
      with: { allowed_tools: "mcp__gitea__set_labels\nmcp__gitea__submit_review" },
    });
    expectSuccess(result);
    world.model.assertDone();
    expect(main()).toHaveLength(5);

    expect(world.gitea.issueLabels(REPO, pr.index).sort()).toEqual(["bug", "needs tests"]);
    const reviews = world.gitea.reviews(REPO, pr.index);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ user: USERS.actions, state: "COMMENT", body: "Looks good; one suggestion." });
    expect(reviews[0]!.comments).toHaveLength(1);
    expect(reviews[0]!.comments[0]).toMatchObject({ path: "src/greet.js", new_position: 1, body: "Consider a default parameter instead of `??`." });
    // Nothing approved, nothing merged, the PR branch untouched.
    expect(world.gitea.getPull(REPO, pr.index)!.merged).toBe(false);
    expect(result.outputs.branch_name).toBe("fix/greet");
    expect((await world.gitea.commitsOn(REPO, "fix/greet"))[0]!.subject).toBe("Default name");

    const tracking = world.gitea.getComment(Number(result.outputs.comment_id))!;
    expect(tracking.body).toContain("Labelled **bug**, **needs tests** and left a review.");
    expect(tracking.body).toContain("**Claude finished @alice's task");
    expect(world.gitea.violations).toEqual([]);
  });

  it("without allowed_tools, set_labels is refused by the CLI and the labels stay", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Crash on start", user: USERS.alice, labels: ["wontfix"] });
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude label this" });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
    world.script([
      { reply: [toolUse("mcp__gitea__set_labels", { labels: ["bug"], mode: "replace" })] },
      { check: (req) => expect(lastResult(req).is_error).toBe(true), reply: [text("I am not allowed to set labels.")] },
    ]);
    const result = await world.runAction({ eventName: "issue_comment", event });
    expectSuccess(result);
    world.model.assertDone();
    expect(world.gitea.issueLabels(REPO, issue.index)).toEqual(["wontfix"]);
    expect(world.gitea.violations).toEqual([]);
  });
});
