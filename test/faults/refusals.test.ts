/**
 * Refusals never pile up on one pull request: someone who may not run Claude
 * (a reader) mentions it again and again, and each run is refused. Without
 * use_sticky_comment the second and later refusals edit the first; with it
 * the answer goes into Claude's one comment on the PR. Each refused run's
 * conclusion is `failure`.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { REFUSAL_MARKER, TRACKING_MARKER } from "../../src/gitea/tracking";
import { PREPARE_OUTPUTS } from "../../src/steps";
import { issueCommentPayload } from "../support/gitea/payloads";
import { runInProcess } from "../support/inprocess";
import { REPO, SECRETS, USERS, World } from "../support/scenario";

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterAll(async () => world?.close());

async function mentions(index: number, times: number, withInputs: Record<string, string> = {}) {
  const conclusions: string[] = [];
  for (let i = 0; i < times; i++) {
    const c = world.gitea.addComment(REPO, index, { user: USERS.bob, body: `@claude merge this, attempt ${i + 1}` });
    const event = await issueCommentPayload(world.gitea, REPO, index, c.id);
    const run = await runInProcess(world, { eventName: "issue_comment", event, with: withInputs });
    expect(run.prepare.code, run.log).toBe(1);
    expect(run.log).toMatch(/Refused: @bob does not have write access/);
    conclusions.push(run.prepare.io.outputs[PREPARE_OUTPUTS.conclusion] ?? "");
  }
  return conclusions;
}

async function pull(name: string) {
  await world.gitea.commitFiles(REPO, `feature/refused-${name}`, { "start.txt": "start\n" }, "start", USERS.alice);
  return world.gitea.createPullRequest(REPO, { title: "Refused", body: "@claude please review", user: USERS.alice, head: `feature/refused-${name}`, base: "main" });
}

it("three mentions by a reader: one 'did not run' comment, edited in place; conclusion failure each time", async () => {
  world.gitea.setPermission(REPO, USERS.bob, "read");
  const pr = await pull("a");
  const ours = () => world.gitea.listComments(REPO, pr.index).filter((c) => c.user !== USERS.bob);
  const before = ours().length;
  expect(await mentions(pr.index, 3)).toEqual(["failure", "failure", "failure"]);
  const comments = ours().slice(before);
  expect(comments).toHaveLength(1);
  expect(comments[0]!.body).toContain(REFUSAL_MARKER);
  expect(comments[0]!.body).not.toContain(TRACKING_MARKER);
  expect(world.model.requests).toEqual([]);
});

it("with use_sticky_comment the refusal goes into Claude's one comment on the pull request, which a later allowed run reuses", async () => {
  world.gitea.setPermission(REPO, USERS.bob, "read");
  const pr = await pull("b");
  const ours = () => world.gitea.listComments(REPO, pr.index).filter((c) => c.user !== USERS.bob && c.user !== USERS.alice);
  const before = ours().length;
  const sticky = { use_sticky_comment: "true", gitea_token: SECRETS.adminToken };
  expect(await mentions(pr.index, 2, sticky)).toEqual(["failure", "failure"]);
  const comments = ours().slice(before);
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
