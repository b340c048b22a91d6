/**
 * Persistent Gitea faults on every route prepare and finish use (found in the
 * request log of clean runs): the route keeps failing (5xx, 429, no answer,
 * connection reset) for the whole run. The run ends with what a user can act
 * on and nothing half done:
 *
 * - most routes: the job fails and the tracking comment is in a final error
 *   state naming the failing call (method and path), never left "working";
 *   one tracking comment, no branch left behind without Claude's work;
 * - reads the run can do without degrade with a warning naming the call and the
 *   run succeeds (the Gitea version, the sticky-comment lookup, the open-PR
 *   lookup for the link) — and a branch delete the API keeps refusing is done
 *   with git instead, so no unused branch is left either;
 * - posting the tracking comment: nothing is posted, the job fails naming the
 *   call, and Claude never runs;
 * - editing the tracking comment (finish): the comment is replaced by a new
 *   one in its final state and the old one removed (a warning names the call),
 *   so no comment is left saying Claude is working;
 * - downloading an image: the image stays a link, with a warning naming the
 *   call, and the run succeeds.
 * - reading the tracking comment back to confirm it is this run's (finish):
 *   it is left alone, a new comment holds the final state naming the call;
 * test/faults/uneditable-comment.test.ts covers a deleted tracking comment and
 * a comment that can neither be edited nor removed.
 */
import { afterAll, describe, expect, it } from "vitest";
import { FINISH_OUTPUTS } from "../../src/steps";
import { FAULT_KINDS, callPattern, discoverRoutes, runScenario, type FaultKind, type Outcome } from "../support/faults";
import { REPO, World } from "../support/scenario";

const world = await World.start({ publicUrl: "https://gitea.example.com" });
afterAll(() => world.close());
const ROUTES = await discoverRoutes(world);

const POST_COMMENT = "POST /repos/{owner}/{repo}/issues/{index}/comments";
const EDIT_COMMENT = "PATCH /repos/{owner}/{repo}/issues/comments/{id}";
/**
 * What finish reads to confirm the tracking comment is this run's before it
 * edits it: when that fails, the comment is left alone and a new comment
 * holds the final state (the job still fails, naming the call).
 */
const VERIFY = new Set(["GET /repos/{owner}/{repo}/issues/comments/{id}", "GET /user"]);

/** Reads the run can do without, and a delete that has another way. */
const DEGRADES = new Set([
  "GET /version",
  "GET /user",
  "GET /repos/{owner}/{repo}/pulls",
  "DELETE /repos/{owner}/{repo}/branches/{branch}",
  "GET /attachments/{uuid}",
]);

const errorLines = (o: Outcome) => o.result.log.split("\n").filter((l) => l.startsWith("::error::"));
const warningLines = (o: Outcome) => o.result.log.split("\n").filter((l) => l.startsWith("::warning::"));

/** New branches must hold Claude's commit: an unused branch is never left behind. */
async function expectNoOrphanBranch(o: Outcome): Promise<void> {
  const added = o.branchesAfter.filter((b) => !o.branchesBefore.includes(b));
  for (const b of added) {
    const [head] = await world.gitea.commitsOn(REPO, b);
    expect(head?.subject, `branch ${b} was left without Claude's work`).toMatch(/^Add NOTES-\d+\.md$/);
  }
}

function expectFailedLoudly(o: Outcome, call: RegExp): void {
  const { result } = o;
  expect(result.prepare.code === 1 || result.finish?.code === 1, result.log).toBe(true);
  expect(errorLines(o).some((l) => call.test(l)), `no ::error:: naming ${call}:\n${result.log}`).toBe(true);
  // Claude never runs on a prepare that failed.
  if (result.prepare.code !== 0) expect(result.executionFile).toBeUndefined();
}

describe.each(ROUTES)("$route ($scenario.name, $steps)", (use) => {
  const call = callPattern(use.route);
  it.each(Object.keys(FAULT_KINDS) as FaultKind[])("%s for good", async (kind) => {
    // Two attempts are enough to show a fault that stays (the transient suite covers the retries);
    // a request that never answers is given up on sooner.
    const retry = { attempts: 2, ...(kind === "timeout" ? { timeoutMs: 500 } : {}) };
    const o = await runScenario(world, use.scenario, FAULT_KINDS[kind](use.route), { retry });
    expect(o.fired).toBeGreaterThan(0);
    const { prepared, result } = o;

    if (VERIFY.has(use.route) && use.steps.length === 1 && use.steps[0] === "finish") {
      expectFailedLoudly(o, call);
      expect(result.finish?.code).toBe(1);
      // The unverified comment is not edited; the newest comment holds the final state and names the call.
      const replacement = o.trackingComments[o.trackingComments.length - 1]!;
      expect(o.trackingComments.length).toBeGreaterThanOrEqual(1);
      expect(replacement.body).toMatch(/^\*\*Claude encountered an error/m);
      expect(replacement.body).toMatch(call);
      expect(replacement.body).toContain("could not be read back");
      expect(result.finish?.io.outputs[FINISH_OUTPUTS.conclusion]).toBe("failure");
      return;
    }

    if (DEGRADES.has(use.route)) {
      if (result.prepare.code !== 0 || result.finish?.code !== 0) console.log(result.log);
      expect(result.prepare.code).toBe(0);
      expect(result.finish?.code).toBe(0);
      expect(warningLines(o).some((l) => call.test(l) && !/retrying in/.test(l)), `no warning naming ${call}:\n${result.log}`).toBe(true);
      expect(o.trackingComments).toHaveLength(1);
      expect(o.trackingComments[0]!.body).toMatch(/^\*\*Claude finished/m);
      expect(o.trackingComments[0]!.body).toContain(prepared.answer);
      expect(o.branchesAfter.filter((b) => !o.branchesBefore.includes(b))).toEqual(prepared.branch === "commit" ? [expect.any(String)] : []);
      await expectNoOrphanBranch(o);
      return;
    }

    if (use.route === EDIT_COMMENT) {
      // finish cannot edit the comment: a new one in the final state replaces it, and the old one is gone.
      if (result.finish?.code !== 0) console.log(result.log);
      expect(result.prepare.code).toBe(0);
      expect(result.finish?.code).toBe(0);
      expect(warningLines(o).some((l) => call.test(l) && /posted comment \d+ in its final state instead/.test(l)), result.log).toBe(true);
      expect(o.trackingComments).toHaveLength(1);
      const [replacement] = o.trackingComments;
      expect(replacement!.body).toMatch(/^\*\*Claude finished/m);
      expect(replacement!.body).toContain(prepared.answer);
      expect(replacement!.body).not.toContain("Claude is working");
      expect(result.finish?.io.outputs[FINISH_OUTPUTS.commentId]).toBe(String(replacement!.id));
      expect(result.finish?.io.outputs[FINISH_OUTPUTS.conclusion]).toBe("success");
      return;
    }

    expectFailedLoudly(o, call);
    await expectNoOrphanBranch(o);

    if (use.route === POST_COMMENT) {
      // Nothing could be posted, and nothing was posted twice.
      expect(o.trackingComments).toEqual([]);
      expect(result.prepare.code).toBe(1);
      return;
    }
    // Every other route: one tracking comment, final, in the error state, naming the failing call.
    expect(o.trackingComments).toHaveLength(1);
    const body = o.trackingComments[0]!.body;
    expect(body).toMatch(/^\*\*Claude encountered an error/m);
    expect(body).not.toContain("Claude is working");
    expect(body).toMatch(call);
    if (result.finish) expect(result.finish.io.outputs[FINISH_OUTPUTS.conclusion]).toBe("failure");
  });
});
