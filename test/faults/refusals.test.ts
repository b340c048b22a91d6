/**
 * Refusals never pile up on one pull request: every push to a PR whose body
 * mentions the trigger phrase re-runs the workflow, and a push by someone the
 * action cannot check (the job token cannot read other users' permissions on
 * `synchronized`) is refused each time. Without use_sticky_comment the second
 * and later refusals edit the first; with it the answer goes into Claude's one
 * comment on the PR. Each refused run's conclusion is `failure`.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { REFUSAL_MARKER, TRACKING_MARKER } from "../../src/gitea/tracking";
import { PREPARE_OUTPUTS } from "../../src/steps";
import { issueCommentPayload, pullRequestPayload } from "../support/gitea/payloads";
import { runInProcess } from "../support/inprocess";
import { REPO, SECRETS, USERS, World } from "../support/scenario";

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterAll(async () => world?.close());

async function pushes(index: number, times: number, withInputs: Record<string, string> = {}, sender: string = USERS.alice, refusal = /Refused: I could not verify that @alice may write/) {
  const conclusions: string[] = [];
  for (let i = 0; i < times; i++) {
    const event = await pullRequestPayload(world.gitea, REPO, index, "synchronized", sender);
    const run = await runInProcess(world, { eventName: "pull_request", event, with: withInputs });
    expect(run.prepare.code, run.log).toBe(1);
    expect(run.log).toMatch(refusal);
    conclusions.push(run.prepare.io.outputs[PREPARE_OUTPUTS.conclusion] ?? "");
  }
  return conclusions;
}

async function pull(name: string) {
  await world.gitea.commitFiles(REPO, `feature/refused-${name}`, { "start.txt": "start\n" }, "start", USERS.alice);
  return world.gitea.createPullRequest(REPO, { title: "Refused", body: "@claude please review", user: USERS.alice, head: `feature/refused-${name}`, base: "main" });
}

it("three pushes by a sender the job token cannot check: one 'did not run' comment, edited in place; conclusion failure each time", async () => {
  const pr = await pull("a");
  const before = world.gitea.listComments(REPO, pr.index).length;
  expect(await pushes(pr.index, 3)).toEqual(["failure", "failure", "failure"]);
  const comments = world.gitea.listComments(REPO, pr.index).slice(before);
  expect(comments).toHaveLength(1);
  expect(comments[0]!.body).toContain(REFUSAL_MARKER);
  expect(comments[0]!.body).not.toContain(TRACKING_MARKER);
  expect(world.model.requests).toEqual([]);
});

it("with use_sticky_comment the refusal goes into Claude's one comment on the pull request, which a later allowed run reuses", async () => {
  world.gitea.setPermission(REPO, USERS.bob, "read");
  const pr = await pull("b");
  const before = world.gitea.listComments(REPO, pr.index).length;
  // An admin token answers the permission question: bob (a reader) pushing is refused, twice.
  const sticky = { use_sticky_comment: "true", gitea_token: SECRETS.adminToken };
  expect(await pushes(pr.index, 2, sticky, USERS.bob, /Refused: @bob has 'read' permission/)).toEqual(["failure", "failure"]);
  const comments = world.gitea.listComments(REPO, pr.index).slice(before);
  expect(comments).toHaveLength(1);
  expect(comments[0]!.body).toContain(TRACKING_MARKER);

  // A writer's @claude afterwards: the same comment becomes the run's tracking comment.
  const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude go" });
  const run = await runInProcess(world, {
    eventName: "issue_comment",
    event: await issueCommentPayload(world.gitea, REPO, pr.index, c.id),
    with: sticky,
  });
  expect(run.prepare.code, run.log).toBe(0);
  expect(run.prepare.io.outputs[PREPARE_OUTPUTS.commentId]).toBe(String(comments[0]!.id));
});
