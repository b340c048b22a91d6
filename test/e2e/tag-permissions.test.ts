/**
 * Who may start Claude, end to end: a reader and bots are refused with one
 * short explanation and no model call; bots run when listed in allowed_bots;
 * assignee and label triggers (whose payload permissions describe the poster,
 * not the sender) need the collaborator-permission API, which answers 403 to
 * the job token, so they are refused unless gitea_token belongs to an admin;
 * a comment without the phrase does nothing at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCommentPayload, issuesPayload, pullRequestReviewPayload, reviewEventName } from "../support/gitea/payloads";
import { text, toolUse } from "../support/model/index";
import { REPO, SECRETS, USERS, World, step } from "../support/scenario";
import { commentsBy, expectRefused, expectSuccess, mainRequestsFrom, promptOf } from "../support/tag";

const PERMISSION_ROUTE = "GET /repos/{owner}/{repo}/collaborators/{collaborator}/permission";
const ADMIN = "site-admin";

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
  world.gitea.addUser({ login: "renovate-bot", full_name: "Renovate", token: "renovate-token-0123456789" });
  world.gitea.setPermission(REPO, "renovate-bot", "write");
  world.gitea.addUser({ login: "claude", full_name: "Claude" });
  world.gitea.setPermission(REPO, "claude", "write");
});
afterAll(async () => world?.close());

async function refusal(o: {
  index: number;
  event: Record<string, unknown>;
  eventName: string;
  with?: Record<string, string>;
  message: RegExp;
}) {
  const commentsBefore = world.gitea.listComments(REPO, o.index).length;
  const branchesBefore = await world.gitea.listBranches(REPO);
  const main = mainRequestsFrom(world);
  const result = await world.runAction({ eventName: o.eventName, event: o.event, ...(o.with ? { with: o.with } : {}) });
  const explanation = expectRefused(world, {
    result,
    index: o.index,
    commentsBefore,
    main,
    branchesBefore,
    branchesAfter: await world.gitea.listBranches(REPO),
    message: o.message,
  });
  expect(world.model.remaining()).toEqual([]);
  expect(world.gitea.violations).toEqual([]);
  // Not a tracking comment: a later sticky run must not pick it up.
  const last = world.gitea.listComments(REPO, o.index).at(-1)!;
  expect(last.body).not.toContain("claude-code-gitea-action:tracking");
  return { result, explanation };
}

/** Runs a trivial Claude and checks the run went through: tracking comment final, one model conversation. */
async function allowedRun(o: { index: number; event: Record<string, unknown>; eventName: string; with?: Record<string, string>; commenter?: string }) {
  world.script([{ reply: [toolUse("mcp__gitea__update_claude_comment", { body: "On it." })] }, { reply: [text("Done.")] }]);
  const main = mainRequestsFrom(world);
  const result = await world.runAction({ eventName: o.eventName, event: o.event, ...(o.with ? { with: o.with } : {}) });
  expectSuccess(result);
  world.model.assertDone();
  expect(main().length).toBe(2);
  const tracking = world.gitea.getComment(Number(result.outputs.comment_id))!;
  expect(tracking.user).toBe(o.commenter ?? USERS.actions);
  expect(tracking.body).toContain("**Claude finished");
  expect(tracking.body).toContain("On it.");
  expect(world.gitea.violations).toEqual([]);
  return { result, prompt: promptOf(main()) };
}

describe("a read-only commenter", () => {
  it("is refused: one short explanation, no model request, no branch, prepare fails clearly", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Typo", body: "There is a typo.", user: USERS.bob });
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.bob, body: "@claude fix the typo please" });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
    const { explanation } = await refusal({ index: issue.index, event, eventName: "issue_comment", message: /@bob does not have write access to acme\/app/ });
    expect(explanation.user).toBe(USERS.actions);
    expect(explanation.body).toContain(`https://gitea.example.com/${REPO}/actions/runs/17`);
  });
});

describe("bots", () => {
  it("the Actions user commenting is refused", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Nightly report", user: USERS.alice });
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.actions, body: "@claude summarise the nightly report" });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
    await refusal({ index: issue.index, event, eventName: "issue_comment", message: /@gitea-actions is a bot or the Actions user.*allowed_bots/ });
  });

  it("a *-bot user (even with write access) is refused unless listed in allowed_bots", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Update deps", user: USERS.alice });
    const c = world.gitea.addComment(REPO, issue.index, { user: "renovate-bot", body: "@claude please rebase this" });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
    await refusal({ index: issue.index, event, eventName: "issue_comment", message: /@renovate-bot is a bot/ });
    // Another bot listed does not help; the second refusal edits the first answer instead of adding one.
    const before = world.gitea.listComments(REPO, issue.index);
    const again = await world.runAction({ eventName: "issue_comment", event, with: { allowed_bots: "dependabot" } });
    expect(again.success).toBe(false);
    expect(again.outputs.conclusion).toBe("failure");
    const after = world.gitea.listComments(REPO, issue.index);
    expect(after).toHaveLength(before.length);
    expect(after.at(-1)!.id).toBe(before.at(-1)!.id);
    expect(after.at(-1)!.body).toMatch(/@renovate-bot is a bot/);

    await allowedRun({ index: issue.index, event, eventName: "issue_comment", with: { allowed_bots: "dependabot, renovate-bot" } });
  });

  // (Not the Actions user: Gitea starts no workflow for its events, and its payload permissions are a
  // stranger's, since it is no collaborator.)
  it("allowed_bots: '*' lets a bot with write access through", async () => {
    if (!world.gitea.getUser("ci-bot")) world.gitea.addUser({ login: "ci-bot" });
    world.gitea.setPermission(REPO, "ci-bot", "write");
    const issue = world.gitea.createIssue(REPO, { title: "Scheduled triage", user: USERS.alice });
    const c = world.gitea.addComment(REPO, issue.index, { user: "ci-bot", body: "@claude triage this" });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
    await allowedRun({ index: issue.index, event, eventName: "issue_comment", with: { allowed_bots: "*" } });
  });
});

describe("assignee trigger (issues: assigned)", () => {
  const ASSIGN = { assignee_trigger: "claude" };

  it("with the job token: refused, asking for a gitea_token of a repository admin", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Add a LICENSE", body: "MIT please.", user: USERS.alice });
    world.gitea.setAssignees(REPO, issue.index, ["claude"]);
    const event = await issuesPayload(world.gitea, REPO, issue.index, "assigned", USERS.alice);
    const asked = world.gitea.apiRequests(PERMISSION_ROUTE).length;
    await refusal({
      index: issue.index,
      event,
      eventName: "issues",
      with: ASSIGN,
      message: /could not verify that @alice may write.*pass a `gitea_token` whose user is a repository admin/s,
    });
    // It did ask, and Gitea said no to the job token.
    const asks = world.gitea.apiRequests(PERMISSION_ROUTE).slice(asked);
    expect(asks.map((r) => [r.auth, r.status, r.path.split("/")[5]])).toEqual([[USERS.actions, 403, USERS.alice]]);
  });

  it("with gitea_token of an admin: the sender's write access is read from the API and Claude runs", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Add a CONTRIBUTING guide", body: "Explain the workflow.", user: USERS.bob });
    world.gitea.setAssignees(REPO, issue.index, ["claude"]);
    // The poster (bob) may only read; the payload's permissions are his, but the sender is alice.
    const event = await issuesPayload(world.gitea, REPO, issue.index, "assigned", USERS.alice);
    expect((event.repository as { permissions: { push: boolean } }).permissions.push).toBe(false);
    const asked = world.gitea.apiRequests(PERMISSION_ROUTE).length;
    const { prompt } = await allowedRun({ index: issue.index, event, eventName: "issues", with: { ...ASSIGN, gitea_token: SECRETS.adminToken }, commenter: ADMIN });
    expect(prompt).toContain("Add a CONTRIBUTING guide");
    expect(prompt).toContain("Explain the workflow.");
    const asks = world.gitea.apiRequests(PERMISSION_ROUTE).slice(asked);
    expect(asks.map((r) => [r.auth, r.status, r.path.split("/")[5]])).toEqual([[ADMIN, 200, USERS.alice]]);
  });

  it("another assignment on an issue Claude answered is no new request: Gitea's payload does not say who was assigned (the timeline does)", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Add a CHANGELOG", body: "Keep a changelog.", user: USERS.alice });
    world.gitea.setAssignees(REPO, issue.index, ["claude"], USERS.alice);
    const first = await issuesPayload(world.gitea, REPO, issue.index, "assigned", USERS.alice);
    await allowedRun({ index: issue.index, event: first, eventName: "issues", with: { ...ASSIGN, gitea_token: SECRETS.adminToken }, commenter: ADMIN });

    world.gitea.setAssignees(REPO, issue.index, ["claude", USERS.alice], USERS.alice);
    const again = await issuesPayload(world.gitea, REPO, issue.index, "assigned", USERS.alice);
    const commentsBefore = world.gitea.listComments(REPO, issue.index).length;
    const main = mainRequestsFrom(world);
    const result = await world.runAction({ eventName: "issues", event: again, with: { ...ASSIGN, gitea_token: SECRETS.adminToken } });
    expect(result.success).toBe(true);
    expect(result.outputs.conclusion).toBe("skipped");
    expect(step(result, "prepare")?.log).toMatch(/Nothing to do: the assignment to claude \(.*\) already has an answer \(comment \d+\)/);
    expect(main()).toEqual([]);
    expect(world.gitea.listComments(REPO, issue.index)).toHaveLength(commentsBefore);
  });

  it("with gitea_token of an admin: a reader who assigns is refused even though the poster can write", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Rename the app", user: USERS.alice });
    world.gitea.setAssignees(REPO, issue.index, ["claude"]);
    const event = await issuesPayload(world.gitea, REPO, issue.index, "assigned", USERS.bob);
    expect((event.repository as { permissions: { push: boolean } }).permissions.push).toBe(true);
    await refusal({
      index: issue.index,
      event,
      eventName: "issues",
      with: { ...ASSIGN, gitea_token: SECRETS.adminToken },
      message: /@bob has 'read' permission on acme\/app; write access is required/,
    });
  });

  it("an issue assigned to someone else does not trigger", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "For alice", user: USERS.alice });
    world.gitea.setAssignees(REPO, issue.index, [USERS.alice]);
    const event = await issuesPayload(world.gitea, REPO, issue.index, "assigned", USERS.alice);
    const main = mainRequestsFrom(world);
    const result = await world.runAction({ eventName: "issues", event, with: { ...ASSIGN, gitea_token: SECRETS.adminToken } });
    expectSuccess(result);
    expect(step(result, "prepare")?.outputs.contains_trigger).toBe("false");
    expect(main()).toEqual([]);
    expect(world.gitea.listComments(REPO, issue.index)).toEqual([]);
    expect(world.gitea.violations).toEqual([]);
  });
});

describe("label trigger (issues: label_updated)", () => {
  const LABEL = { label_trigger: "claude" };

  it("with the job token: refused with the same explanation", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Speed up tests", user: USERS.alice });
    world.gitea.setIssueLabels(REPO, issue.index, ["claude"]);
    const event = await issuesPayload(world.gitea, REPO, issue.index, "label_updated", USERS.alice);
    await refusal({
      index: issue.index,
      event,
      eventName: "issues",
      with: LABEL,
      message: /could not verify that @alice may write.*pass a `gitea_token` whose user is a repository admin/s,
    });
  });

  it("with gitea_token of an admin: Claude runs", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Cache dependencies", body: "CI is slow.", user: USERS.alice });
    world.gitea.setIssueLabels(REPO, issue.index, ["enhancement", "claude"]);
    const event = await issuesPayload(world.gitea, REPO, issue.index, "label_updated", USERS.alice);
    const { prompt } = await allowedRun({ index: issue.index, event, eventName: "issues", with: { ...LABEL, gitea_token: SECRETS.adminToken }, commenter: ADMIN });
    expect(prompt).toContain("Cache dependencies");
    expect(prompt).toContain("CI is slow.");
  });
});

describe("review triggers (pull_request_review: reviewed), whose payload permissions are the PR poster's", () => {
  async function reviewedPR(title: string, poster: string, reviewer: string) {
    await world.gitea.commitFiles(REPO, `review/${title}`, { [`${title}.md`]: "x\n" }, title, poster);
    const pr = await world.gitea.createPullRequest(REPO, { title, user: poster, head: `review/${title}`, base: "main" });
    const content = "@claude please double-check the error handling";
    await world.gitea.addReview(REPO, pr.index, { user: reviewer, type: "REQUEST_CHANGES", body: content });
    const event = await pullRequestReviewPayload(world.gitea, REPO, pr.index, { type: "REQUEST_CHANGES", content }, reviewer);
    return { pr, event, eventName: reviewEventName("REQUEST_CHANGES") };
  }

  it("a reader's review of a writer's PR is refused, with the job token and with an admin token", async () => {
    const { pr, event, eventName } = await reviewedPR("errors", USERS.alice, USERS.bob);
    expect(eventName).toBe("pull_request_review");
    expect((event.repository as { permissions: { push: boolean } }).permissions.push).toBe(true);
    await refusal({ index: pr.index, event, eventName, message: /could not verify that @bob may write.*gitea_token/s });
    await refusal({ index: pr.index, event, eventName, with: { gitea_token: SECRETS.adminToken }, message: /@bob has 'read' permission/ });
  });

  it("a writer's review runs with an admin token, the review's text in the prompt", async () => {
    const { pr, event, eventName } = await reviewedPR("handling", USERS.bob, USERS.alice);
    const { prompt } = await allowedRun({ index: pr.index, event, eventName, with: { gitea_token: SECRETS.adminToken }, commenter: ADMIN });
    expect(prompt).toContain("please double-check the error handling");
  });
});

describe("no trigger", () => {
  it("a comment without the phrase: success, contains_trigger false, no comment, no model call", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Question", user: USERS.alice });
    // "@claudette" and "email@claude" are not the phrase as a word.
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "Thanks @claudette, mail me at me@claude.example" });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
    const branchesBefore = await world.gitea.listBranches(REPO);
    const posts = world.gitea.apiRequests().filter((r) => r.method !== "GET").length;
    const main = mainRequestsFrom(world);

    const result = await world.runAction({ eventName: "issue_comment", event });
    expectSuccess(result);
    expect(step(result, "prepare")?.outcome).toBe("success");
    expect(step(result, "prepare")?.outputs.contains_trigger).toBe("false");
    expect(step(result, "run")?.outcome).toBe("skipped");
    expect(step(result, "finish")?.outcome).toBe("skipped");
    expect(result.outputs.conclusion).toBe("skipped");
    expect(result.outputs.comment_id ?? "").toBe("");
    expect(main()).toEqual([]);
    expect(world.gitea.listComments(REPO, issue.index).map((x) => x.id)).toEqual([c.id]);
    expect(commentsBy(world, issue.index)).toEqual([]);
    expect(await world.gitea.listBranches(REPO)).toEqual(branchesBefore);
    expect(world.gitea.apiRequests().filter((r) => r.method !== "GET").length).toBe(posts);
    expect(world.gitea.violations).toEqual([]);
  });
});
