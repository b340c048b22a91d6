/**
 * Transient Gitea faults on every route prepare and finish use (found in the
 * request log of clean runs, not listed by hand): 5xx bursts, 429 with
 * Retry-After, a request that never answers (timeout) and connection resets,
 * each a couple of times. Each is retried with bounded backoff and the run
 * succeeds as if nothing happened: one tracking comment, in its final state,
 * with Claude's answer; the branch as a good run leaves it.
 *
 * prepare() and finish() run in-process (small retry delays and timeouts),
 * with the run step simulated; test/faults/action.test.ts runs the real action.
 */
import { afterAll, describe, expect, it } from "vitest";
import { FAST_RETRY } from "../support/inprocess";
import { FAULT_KINDS, callPattern, discoverRoutes, runScenario, type FaultKind, type Outcome } from "../support/faults";
import { REPO, World } from "../support/scenario";

const world = await World.start({ publicUrl: "https://gitea.example.com" });
afterAll(() => world.close());
const ROUTES = await discoverRoutes(world);

/** How many times each kind of fault hits before the route answers again. */
const TIMES: Record<FaultKind, number> = { "5xx burst": 2, "429 with Retry-After": 2, timeout: 1, "connection reset": 2 };

function expectGoodRun(o: Outcome): void {
  const { result, prepared } = o;
  if (result.prepare.code !== 0 || result.finish?.code !== 0) console.log(result.log);
  expect(result.prepare.code).toBe(0);
  expect(result.finish?.code).toBe(0);
  expect(result.log).not.toMatch(/^::error::/m);
  if (prepared.index !== undefined) {
    // Exactly one tracking comment: a retried POST never posts twice.
    expect(o.trackingComments).toHaveLength(1);
    const body = o.trackingComments[0]!.body;
    expect(body).toMatch(/^\*\*Claude finished/m);
    expect(body).toContain(prepared.answer);
    expect(body).not.toContain("Claude is working");
  }
  const added = o.branchesAfter.filter((b) => !o.branchesBefore.includes(b));
  if (prepared.branch === "commit") expect(added).toEqual([expect.stringMatching(/^claude\/issue-\d+-/)]);
  else expect(added).toEqual([]);
  if (prepared.receiver) expect(prepared.receiver.updates.map((u) => u.body.status)).toEqual(["in_progress", "completed"]);
}

it("finds every route of prepare and finish in the clean runs", () => {
  const routes = ROUTES.map((r) => r.route);
  expect(routes).toEqual(
    expect.arrayContaining([
      "GET /version",
      "POST /repos/{owner}/{repo}/issues/{index}/comments",
      "PATCH /repos/{owner}/{repo}/issues/comments/{id}",
      "GET /repos/{owner}/{repo}/pulls/{index}/files",
      "GET /repos/{owner}/{repo}/branches/{branch}",
      "DELETE /repos/{owner}/{repo}/branches/{branch}",
      "git",
    ]),
  );
  expect(ROUTES.some((r) => r.steps.includes("prepare")) && ROUTES.some((r) => r.steps.includes("finish"))).toBe(true);
});

describe.each(ROUTES)("$route ($scenario.name, $steps)", (use) => {
  it.each(Object.keys(FAULT_KINDS) as FaultKind[])("%s: retried, and the run succeeds", async (kind) => {
    const times = TIMES[kind];
    const o = await runScenario(world, use.scenario, FAULT_KINDS[kind](use.route, times), kind === "timeout" ? { retry: { timeoutMs: 500 } } : {});
    expect(o.fired).toBe(times);
    expectGoodRun(o);
    if (use.route !== "git") {
      // Each retry is in the log, naming the call (a loaded machine may add a retry after a slow answer).
      const retries = o.result.log.split("\n").filter((l) => l.startsWith("::warning::Gitea ") && callPattern(use.route).test(l) && /retrying in/.test(l));
      expect(retries.length).toBeGreaterThanOrEqual(times);
      if (kind === "5xx burst") expect(retries.filter((l) => /HTTP 50[02]/.test(l))).toHaveLength(times);
      if (kind === "429 with Retry-After") {
        // The server's Retry-After (1 s) sets the wait, capped by the policy's longest wait.
        const waits = retries.filter((l) => /HTTP 429/.test(l));
        expect(waits).toHaveLength(times);
        for (const l of waits) expect(l).toContain(`retrying in ${FAST_RETRY.maxDelayMs} ms`);
      }
    }
  });
});

it("leaves the emulator without spec violations", () => {
  expect(world.gitea.violations.filter((v) => v.kind !== "unknown-query")).toEqual([]);
  expect(REPO).toBe("acme/app");
});
