/**
 * Gitea faults through the real action (action.yml, dist/, the real claude
 * CLI against the scripted model), with the action's own retry policy:
 * a transient burst is absorbed and the run succeeds; a route that stays
 * down ends the run with the tracking comment in a final error state naming
 * the call, Claude never started and nothing left behind; when the route that
 * edits the tracking comment stays down, a new comment in the final state
 * replaces it, with a warning naming the call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRACKING_MARKER } from "../../src/gitea/tracking";
import { issueCommentPayload } from "../support/gitea/payloads";
import { text, toolUse } from "../support/model/index";
import { REPO, USERS, World, step } from "../support/scenario";

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterAll(async () => world?.close());

const POST_COMMENT = "POST /repos/{owner}/{repo}/issues/{index}/comments";
const GET_COMMENT = "GET /repos/{owner}/{repo}/issues/comments/{id}";
const EDIT_COMMENT = "PATCH /repos/{owner}/{repo}/issues/comments/{id}";
const VERSION = "GET /version";
const PULL_FILES = "GET /repos/{owner}/{repo}/pulls/{index}/files";

const trackingComments = (index: number) => world.gitea.listComments(REPO, index).filter((c) => c.body.includes(TRACKING_MARKER));
const mainRequestsFrom = () => {
  const from = world.model.requests.length;
  return () => world.model.mainRequests.filter((r) => r.index >= from);
};

describe("the action under Gitea faults", () => {
  it("absorbs a 5xx burst on posting the comment, a 429 with Retry-After and a reset, and succeeds", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Explain greet()", body: "What does it do?", user: USERS.alice });
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude what does greet() do?" });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
    world.script([
      { reply: [toolUse("mcp__gitea__update_claude_comment", { body: "greet(name) returns `Hello ${name}`." })] },
      { reply: [text("Answered in the comment.")] },
    ]);
    const faults = [
      world.gitea.faults.add({ route: VERSION, status: 429, retryAfter: 1, times: 1 }),
      world.gitea.faults.add({ route: POST_COMMENT, status: 502, times: 2 }),
      world.gitea.faults.add({ route: GET_COMMENT, reset: true, times: 1 }),
    ];
    let result;
    try {
      result = await world.runAction({ eventName: "issue_comment", event });
    } finally {
      world.gitea.faults.clear();
    }
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    expect(faults.map((f) => f.fired)).toEqual([1, 2, 1]);
    world.model.assertDone();
    const comments = trackingComments(issue.index);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^\*\*Claude finished @alice's task/m);
    expect(comments[0]!.body).toContain("greet(name) returns `Hello ${name}`.");
    expect(result.outputs.conclusion).toBe("success");
    expect(step(result, "prepare")?.log).toMatch(/Gitea GET \/version: HTTP 429.*retrying in 1000 ms/);
  });

  it("ends with the comment in a final error state naming the call when the PR's files stay unreadable", async () => {
    await world.gitea.commitFiles(REPO, "feature/faulty", { "lib/a.txt": "a\n" }, "Add a", USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: "Faulty", user: USERS.alice, head: "feature/faulty", base: "main" });
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude review" });
    const event = await issueCommentPayload(world.gitea, REPO, pr.index, c.id);
    const branchesBefore = await world.gitea.listBranches(REPO);
    const main = mainRequestsFrom();
    world.script([]);
    world.gitea.faults.add({ route: PULL_FILES, status: 500 });
    let result;
    try {
      result = await world.runAction({ eventName: "issue_comment", event });
    } finally {
      world.gitea.faults.clear();
    }
    expect(result.success).toBe(false);
    expect(step(result, "prepare")?.outcome).toBe("failure");
    expect(step(result, "prepare")?.log).toContain(`Gitea GET /repos/${REPO}/pulls/${pr.index}/files failed: HTTP 500`);
    expect(step(result, "run")?.outcome).toBe("skipped");
    expect(step(result, "finish")?.outcome).toBe("success");
    expect(main()).toEqual([]);
    const comments = trackingComments(pr.index);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^\*\*Claude encountered an error/m);
    expect(comments[0]!.body).toContain(`Gitea GET /repos/${REPO}/pulls/${pr.index}/files failed: HTTP 500`);
    expect(comments[0]!.body).not.toContain("Claude is working");
    expect(await world.gitea.listBranches(REPO)).toEqual(branchesBefore);
  });

  it("replaces the tracking comment, naming the call, when it cannot be edited at the end", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Question", user: USERS.alice });
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude how are you?" });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
    world.script([{ reply: [text("Fine, thanks.")] }]);
    const branchesBefore = await world.gitea.listBranches(REPO);
    world.gitea.faults.add({ route: EDIT_COMMENT, status: 503 });
    let result;
    try {
      result = await world.runAction({ eventName: "issue_comment", event });
    } finally {
      world.gitea.faults.clear();
    }
    world.model.assertDone();
    expect(step(result, "run")?.outcome).toBe("success");
    expect(step(result, "finish")?.outcome, result.log).toBe("success");
    expect(result.success).toBe(true);
    // One tracking comment: a new one in the final state; the one saying Claude is working is gone.
    const comments = trackingComments(issue.index);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^\*\*Claude finished/m);
    expect(comments[0]!.body).not.toContain("Claude is working");
    expect(
      result.annotations.some((a) => a.level === "warning" && a.message.includes(`PATCH /repos/${REPO}/issues/comments/`) && /posted comment \d+ in its final state instead/.test(a.message)),
      result.log,
    ).toBe(true);
    // The unused branch is gone all the same.
    expect(await world.gitea.listBranches(REPO)).toEqual(branchesBefore);
  });
});
