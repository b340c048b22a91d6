/**
 * Contract of the CI routes (commit statuses, Gitea Actions runs, jobs and
 * logs) with Gitea's own specs at 1.22, 1.24.7 and 1.25.4: every route the
 * client calls is in the spec of each version it is used on (the version in
 * NEWER_ROUTES and on) and absent before it, the emulator serves the same
 * versions, and its answers on 1.24 and 1.25 validate against that version's
 * spec (queries and response bodies).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEWER_ROUTES, ROUTES } from "../../src/gitea/routes";
import { giteaApi } from "../support/gitea/client";
import { NEWER_EMULATOR_ROUTES, loadSpec, startGitea, type GiteaEmulator } from "../support/gitea/index";
import { seedPullRequestCi, type CiFixture } from "../support/ci-fixture";

const VERSIONS = { "1.22": "1.22.6", "1.24": "1.24.7", "1.25": "1.25.4" } as const;
type V = keyof typeof VERSIONS;
const specs = Object.fromEntries((Object.keys(VERSIONS) as V[]).map((v) => [v, loadSpec(v)])) as Record<V, ReturnType<typeof loadSpec>>;
const haveSpecs = Object.values(specs).every(Boolean);
const describeSpec = haveSpecs ? describe : describe.skip;

const CI_ROUTES = [ROUTES.combinedStatus, ROUTES.actionRuns, ROUTES.actionRun, ROUTES.actionRunJobs, ROUTES.actionJob, ROUTES.actionJobLogs];
const since = (route: string) => NEWER_ROUTES[route] ?? "1.22";
const atLeast = (v: string, min: string) => {
  const [a = 0, b = 0] = v.split(".").map(Number);
  const [c = 0, d = 0] = min.split(".").map(Number);
  return a > c || (a === c && b >= d);
};

describe("CI routes: client and emulator agree on the versions", () => {
  it("every CI route the emulator serves newer than 1.22 has the client's version", () => {
    for (const route of CI_ROUTES) expect(NEWER_EMULATOR_ROUTES[route], route).toBe(NEWER_ROUTES[route]);
  });
});

describeSpec("CI routes against Gitea's specs", () => {
  for (const v of Object.keys(VERSIONS) as V[]) {
    it(`${v}: each CI route is in the spec exactly when the client uses it there`, () => {
      for (const route of CI_ROUTES) expect(specs[v]!.has(route), `${route} on ${v}`).toBe(atLeast(v, since(route)));
    });
  }

  describe("the emulator's answers validate against the spec of its version", () => {
    const worlds: Partial<Record<V, { g: GiteaEmulator; fx: CiFixture }>> = {};
    beforeAll(async () => {
      for (const v of ["1.22", "1.24", "1.25"] as V[]) {
        const g = await startGitea({ version: VERSIONS[v], publicUrl: "https://gitea.example.com" });
        g.addUser({ login: "acme", token: "t-owner" });
        g.addUser({ login: "alice", token: "t-alice" });
        await g.createRepo({ owner: "acme", name: "app" });
        await g.createRepo({ owner: "acme", name: "other" });
        g.setPermission("acme/app", "alice", "write");
        const oldHead = await g.commitFiles("acme/app", "f", { "x.txt": "1\n" }, "one", "alice");
        const pr = await g.createPullRequest("acme/app", { title: "F", user: "alice", head: "f", base: "main" });
        const head = await g.commitFiles("acme/app", "f", { "x.txt": "2\n" }, "two", "alice");
        worlds[v] = { g, fx: seedPullRequestCi(g, { repo: "acme/app", otherRepo: "acme/other", actor: "alice", pr: pr.index, headSha: head, oldHeadSha: oldHead }) };
      }
    });
    afterAll(async () => {
      await Promise.all(Object.values(worlds).map((w) => w?.g.stop()));
    });

    it("1.22: the combined status, checked by the emulator's own 1.22 validation", async () => {
      const { g, fx } = worlds["1.22"]!;
      const res = await giteaApi(g, "GET", `/repos/acme/app/commits/${fx.headSha}/status?page=1&limit=50`, { token: "t-alice" });
      expect(res.status).toBe(200);
      expect(g.violations).toEqual([]);
    });

    for (const v of ["1.24", "1.25"] as V[]) {
      it(`${v}: every CI route the version has`, async () => {
        const { g, fx } = worlds[v]!;
        const spec = specs[v]!;
        const calls: [string, string][] = [
          [ROUTES.combinedStatus, `/repos/acme/app/commits/${fx.headSha}/status?page=1&limit=50`],
          [ROUTES.actionRuns, `/repos/acme/app/actions/runs?head_sha=${fx.headSha}&page=1&limit=50`],
          [ROUTES.actionRun, `/repos/acme/app/actions/runs/${fx.failingRun.id}`],
          [ROUTES.actionRunJobs, `/repos/acme/app/actions/runs/${fx.failingRun.id}/jobs?page=1&limit=50`],
          [ROUTES.actionJob, `/repos/acme/app/actions/jobs/${fx.failing.id}`],
          [ROUTES.actionJobLogs, `/repos/acme/app/actions/jobs/${fx.failing.id}/logs`],
        ];
        let checked = 0;
        for (const [route, url] of calls) {
          if (!atLeast(v, since(route))) continue;
          const res = await giteaApi(g, "GET", url, { token: "t-owner" });
          expect(res.status, `${route}: ${res.text.slice(0, 200)}`).toBe(200);
          const query = new URL(url, "http://x").searchParams;
          expect(spec.checkQuery(route, query), route).toEqual([]);
          // Logs are text (the spec declares "output blob content" without a schema).
          const body = route === ROUTES.actionJobLogs ? undefined : res.json;
          expect(spec.validateResponse(route, res.status, body), route).toEqual([]);
          checked++;
        }
        expect(checked).toBe(v === "1.25" ? 6 : 2);
      });
    }
  });
});
