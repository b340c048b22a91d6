/**
 * Contract between the action's Gitea client, the emulator and Gitea's own
 * swagger specs (1.22, 1.24.7, 1.25.4):
 *  1. every route the client calls (src/gitea/routes.ts, NEWER_ROUTES with the
 *     version that added it) is in the spec of every version it is used on,
 *     and absent from the specs of older versions (which answer 404);
 *  2. the same for every route the emulator serves;
 *  3. an emulator of each version (and Forgejo 11, Gitea 1.22 compatible),
 *     exercised on every route it serves, records no violations against the
 *     spec of that version, and answers 404 for the routes it lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEWER_ROUTES, ROUTES } from "../../src/gitea/routes";
import { type ApiResponse, giteaApi } from "../support/gitea/client";
import { EMULATOR_ROUTES, type GiteaEmulator, NEWER_EMULATOR_ROUTES, SPEC_VERSIONS, SWAGGER_PATHS, type SpecVersion, ciOf, loadSpec, startGitea } from "../support/gitea/index";

const specs = Object.fromEntries(SPEC_VERSIONS.map((v) => [v, loadSpec(v)])) as Record<SpecVersion, ReturnType<typeof loadSpec>>;

/** The version that added a route (1.22 for everything in the 1.22 spec). */
const since = (route: string) => NEWER_ROUTES[route] ?? NEWER_EMULATOR_ROUTES[route] ?? "1.22";
const newer = (a: string, b: string) => {
  const [x = 0, y = 0] = a.split(".").map(Number);
  const [u = 0, v = 0] = b.split(".").map(Number);
  return x > u || (x === u && y > v);
};

describe("gitea route table", () => {
  // Without the specs every check below, and the emulator's own spec checks, pass on nothing: fail, never skip.
  it("has Gitea's swagger spec of every version it checks against", () => {
    expect(SPEC_VERSIONS.filter((v) => specs[v] === null).map((v) => SWAGGER_PATHS[v])).toEqual([]);
  });

  it("the emulator serves every route the client calls", () => {
    const served = new Set(EMULATOR_ROUTES);
    const missing = [...Object.values(ROUTES), ...Object.keys(NEWER_ROUTES)].filter((r) => !served.has(r));
    expect(missing).toEqual([]);
  });

  it("the emulator's newer-than-1.22 routes are the client's NEWER_ROUTES, with the same versions", () => {
    for (const [route, added] of Object.entries(NEWER_EMULATOR_ROUTES)) expect(NEWER_ROUTES[route], route).toBe(added);
    for (const [route, added] of Object.entries(NEWER_ROUTES)) expect(NEWER_EMULATOR_ROUTES[route], route).toBe(added);
  });
});

describe(`gitea swagger contract, per version`, () => {
  const routes = [...new Set([...Object.values(ROUTES), ...Object.keys(NEWER_ROUTES), ...EMULATOR_ROUTES])];

  for (const version of SPEC_VERSIONS) {
    it(`${version}: every route used on ${version} is in its spec, and every newer route is not`, () => {
      const spec = specs[version]!;
      const missing = routes.filter((r) => !newer(since(r), version) && !spec.has(r));
      const early = routes.filter((r) => newer(since(r), version) && spec.has(r));
      expect(missing).toEqual([]);
      expect(early).toEqual([]);
    });
  }
});

type Results = [string, ApiResponse<any>][]; // eslint-disable-line @typescript-eslint/no-explicit-any

const R = "owner/proj";
const tok = { owner: "c-owner", writer: "c-writer", contrib: "c-contrib", admin: "c-admin" };

/** Seeds an emulator and calls every route it has; returns what each call answered. */
async function exerciseAll(g: GiteaEmulator): Promise<Results> {
  const ids: Record<string, number> = {};
  const results: Results = [];
  g.addUser({ login: "owner", full_name: "Owner", email: "owner@example.com", token: tok.owner });
    g.addUser({ login: "writer", email: "writer@example.com", token: tok.writer });
    g.addUser({ login: "contrib", email: "contrib@example.com", token: tok.contrib });
  g.addUser({ login: "sadmin", is_admin: true, token: tok.admin });
    await g.createRepo({
      owner: "owner",
      name: "proj",
      files: {
        "README.md": "# proj\n",
        "src/app.ts": "export const a = 1;\n",
        ".gitea/workflows/claude.yml": "on:\n  workflow_dispatch:\n",
      },
    });
    g.setPermission(R, "writer", "write");
    const bug = g.createLabel(R, { name: "bug", description: "broken" });
    g.createLabel(R, { name: "claude" });
    ids.bug = bug.id;
    const issue = g.createIssue(R, { title: "Issue", body: "body", user: "contrib", labels: ["bug"], assignees: ["writer"] });
    ids.issue = issue.index;
    const c = g.addComment(R, issue.index, { user: "contrib", body: "@claude help" });
    ids.comment = c.id;
    g.addAttachment(R, { index: issue.index, name: "a.png", size: 3 });
    g.addAttachment(R, { index: issue.index, commentId: c.id, name: "b.log", size: 4 });
    await g.forkRepo(R, "contrib");
    await g.commitFiles("contrib/proj", "topic", { "src/app.ts": "export const a = 2;\nexport const b = 3;\n" }, "topic", "contrib");
    const pr = await g.createPullRequest(R, { title: "Topic", body: "from fork", user: "contrib", head: "topic", base: "main", headRepo: "contrib/proj" });
    ids.pr = pr.index;
    const review = await g.addReview(R, pr.index, {
      user: "owner",
      type: "REQUEST_CHANGES",
      body: "fix",
      comments: [{ path: "src/app.ts", body: "why", new_position: 2 }],
    });
    ids.review = review.id;
    await g.commitFiles(R, "feat", { "f.txt": "f\n" }, "feat", "writer");
    g.addRun(R, { workflow: "claude.yml", actor: "owner" });
    const headSha = (await g.branchSha(R, "feat"))!;
    const ci = ciOf(g).addWorkflowRun(R, { workflow: "ci.yml", name: "CI", event: "push", headSha, ref: "refs/heads/feat", actor: "writer", jobs: [{ name: "test", status: "failure", log: ["boom"] }] });
    g.clearLog();
    g.clearViolations();

    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const call = async (route: string, method: string, path: string, opts: Parameters<typeof giteaApi>[3] = {}) => {
      results.push([route, await giteaApi(g, method, path, { token: tok.owner, ...opts })]);
    };
    const p = `/repos/${R}`;
    await call("GET /version", "GET", "/version");
  await call("GET /settings/api", "GET", "/settings/api");
    await call("GET /user", "GET", "/user");
    await call("GET /repos/{owner}/{repo}", "GET", p);
    await call("GET /repos/{owner}/{repo}/collaborators/{collaborator}/permission", "GET", `${p}/collaborators/writer/permission`);
  // teams: a repository of an organization
  g.addOrg("acme-org");
  await g.createRepo({ owner: "acme-org", name: "svc" });
  const team = g.addTeam({ org: "acme-org", name: "devs", units: { "repo.code": "write", "repo.issues": "write", "repo.pulls": "write", "repo.wiki": "read" }, members: ["writer"], repos: ["acme-org/svc"] });
  await call("GET /repos/{owner}/{repo}/teams", "GET", "/repos/acme-org/svc/teams", { token: tok.admin });
  await call("GET /teams/{id}/members/{username}", "GET", `/teams/${team.id}/members/writer`, { token: tok.admin });
    await call("GET /repos/{owner}/{repo}/issues/{index}", "GET", `${p}/issues/${ids.issue}`);
    await call("GET /repos/{owner}/{repo}/issues/{index}/comments", "GET", `${p}/issues/${ids.issue}/comments?since=2000-01-01T00:00:00Z`);
    await call("GET /repos/{owner}/{repo}/issues/{index}/timeline", "GET", `${p}/issues/${ids.issue}/timeline?page=1&limit=10`);
  await call("POST /repos/{owner}/{repo}/issues/{index}/comments", "POST", `${p}/issues/${ids.issue}/comments`, { body: { body: "on it" } });
    await call("GET /repos/{owner}/{repo}/issues/comments/{id}", "GET", `${p}/issues/comments/${ids.comment}`);
    const mine = results.at(-2)?.[1].json.id as number;
    await call("PATCH /repos/{owner}/{repo}/issues/comments/{id}", "PATCH", `${p}/issues/comments/${mine}`, { body: { body: "done" } });
    await call("GET /repos/{owner}/{repo}/issues/{index}/assets", "GET", `${p}/issues/${ids.issue}/assets`);
    await call("GET /repos/{owner}/{repo}/issues/comments/{id}/assets", "GET", `${p}/issues/comments/${ids.comment}/assets`);
    await call("GET /repos/{owner}/{repo}/issues/{index}/labels", "GET", `${p}/issues/${ids.issue}/labels`);
    await call("POST /repos/{owner}/{repo}/issues/{index}/labels", "POST", `${p}/issues/${ids.issue}/labels`, { body: { labels: ["claude"] } });
    await call("PUT /repos/{owner}/{repo}/issues/{index}/labels", "PUT", `${p}/issues/${ids.issue}/labels`, { body: { labels: [ids.bug, "claude"] } });
    await call("DELETE /repos/{owner}/{repo}/issues/{index}/labels/{id}", "DELETE", `${p}/issues/${ids.issue}/labels/${ids.bug}`);
    await call("DELETE /repos/{owner}/{repo}/issues/{index}/labels", "DELETE", `${p}/issues/${ids.issue}/labels`);
    await call("GET /repos/{owner}/{repo}/labels", "GET", `${p}/labels?page=1&limit=10`);
    await call("GET /repos/{owner}/{repo}/pulls", "GET", `${p}/pulls?state=open&page=1&limit=10`);
    await call("POST /repos/{owner}/{repo}/pulls", "POST", `${p}/pulls`, { body: { head: "feat", base: "main", title: "Feat", body: "adds f" } });
    await call("GET /repos/{owner}/{repo}/pulls/{index}", "GET", `${p}/pulls/${ids.pr}`);
    await call("GET /repos/{owner}/{repo}/pulls/{index}.{diffType}", "GET", `${p}/pulls/${ids.pr}.diff`);
    await call("GET /repos/{owner}/{repo}/pulls/{index}/files", "GET", `${p}/pulls/${ids.pr}/files?page=1&limit=10`);
    await call("GET /repos/{owner}/{repo}/pulls/{index}/commits", "GET", `${p}/pulls/${ids.pr}/commits`);
    await call("GET /repos/{owner}/{repo}/pulls/{index}/reviews", "GET", `${p}/pulls/${ids.pr}/reviews`);
    await call("POST /repos/{owner}/{repo}/pulls/{index}/reviews", "POST", `${p}/pulls/${ids.pr}/reviews`, {
      token: tok.writer,
      body: { event: "COMMENT", body: "", comments: [{ path: "src/app.ts", body: "nit", new_position: 1, old_position: 0 }], commit_id: "" },
    });
    await call("GET /repos/{owner}/{repo}/pulls/{index}/reviews/{id}", "GET", `${p}/pulls/${ids.pr}/reviews/${ids.review}`);
    await call("GET /repos/{owner}/{repo}/pulls/{index}/reviews/{id}/comments", "GET", `${p}/pulls/${ids.pr}/reviews/${ids.review}/comments`);
    await call("GET /repos/{owner}/{repo}/branches", "GET", `${p}/branches`);
    await call("POST /repos/{owner}/{repo}/branches", "POST", `${p}/branches`, { body: { new_branch_name: "claude/x", old_ref_name: "main" } });
    await call("GET /repos/{owner}/{repo}/branches/{branch}", "GET", `${p}/branches/claude/x`);
    await call("DELETE /repos/{owner}/{repo}/branches/{branch}", "DELETE", `${p}/branches/claude/x`);
    await call("GET /repos/{owner}/{repo}/contents", "GET", `${p}/contents?ref=main`);
    await call("GET /repos/{owner}/{repo}/contents/{filepath}", "GET", `${p}/contents/src/app.ts?ref=main`);
    const sha = results.at(-1)?.[1].json.sha as string;
    await call("POST /repos/{owner}/{repo}/contents", "POST", `${p}/contents`, {
      body: {
        branch: "main",
        new_branch: "claude/files",
        message: "Change files",
        author: { name: "Claude", email: "claude@example.com" },
        files: [
          { operation: "create", path: "docs/x.md", content: b64("x\n") },
          { operation: "update", path: "src/app.ts", content: b64("export const a = 5;\n"), sha },
        ],
      },
    });
    await call("GET /repos/{owner}/{repo}/raw/{filepath}", "GET", `${p}/raw/README.md?ref=main`);
    await call("DELETE /repos/{owner}/{repo}/issues/comments/{id}", "DELETE", `${p}/issues/comments/${mine}`);
    await call("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", "POST", `${p}/actions/workflows/claude.yml/dispatches`, {
      body: { ref: "main", inputs: { prompt: "hi" } },
    });
    await call("GET /repos/{owner}/{repo}/actions/runs/{run}", "GET", `${p}/actions/runs/${g.runs(R)[0]?.id}`);
    // CI: statuses (every version), job logs (1.24), runs and jobs (1.25).
    await call("GET /repos/{owner}/{repo}/commits/{ref}/status", "GET", `${p}/commits/${headSha}/status?page=1&limit=50`);
    await call("GET /repos/{owner}/{repo}/actions/runs", "GET", `${p}/actions/runs?head_sha=${headSha}`);
    await call("GET /repos/{owner}/{repo}/actions/runs/{run}/jobs", "GET", `${p}/actions/runs/${ci.run.id}/jobs`);
    await call("GET /repos/{owner}/{repo}/actions/jobs/{job_id}", "GET", `${p}/actions/jobs/${ci.jobs[0]!.id}`);
    await call("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", "GET", `${p}/actions/jobs/${ci.jobs[0]!.id}/logs`);
  return results;
}

/** Emulated servers: one per spec, a 1.23 (checked against 1.22's spec) and Forgejo 11 (Gitea 1.22 API plus dispatch). */
const SERVERS: { version: string; spec: SpecVersion; forgejo?: boolean }[] = [
  { version: "1.22.6", spec: "1.22" },
  { version: "1.23.8", spec: "1.22" },
  { version: "1.24.7", spec: "1.24" },
  { version: "1.25.4", spec: "1.25" },
  { version: "11.0.1+gitea-1.22.0", spec: "1.22", forgejo: true },
];

for (const server of SERVERS) {
  describe(`a seeded ${server.version} emulator on every route`, () => {
    let g: GiteaEmulator;
    let results: Results;
    const compat = server.version.replace(/^.*\+gitea-/, "");
    const available = (route: string) => !newer(since(route), compat) || (server.forgejo === true && route.includes("/dispatches"));

    beforeAll(async () => {
      g = await startGitea({ version: server.version, publicUrl: "https://gitea.example.com" });
      results = await exerciseAll(g);
    });
    afterAll(async () => {
      await g?.stop();
    });

    it("exercises every served route", () => {
      const exercised = new Set(results.map(([r]) => r));
      expect(EMULATOR_ROUTES.filter((r) => !exercised.has(r))).toEqual([]);
    });

    it(`answers 2xx on the routes ${server.version} has, 404 on the others, each logged under its template`, () => {
      const bad = results
        .filter(([route, r]) => (available(route) ? r.status < 200 || r.status >= 300 : r.status !== 404))
        .map(([route, r]) => `${route}: ${r.status} ${r.text}`);
      expect(bad).toEqual([]);
      expect(g.apiRequests().map((e) => e.route)).toEqual(results.map(([route]) => route));
    });

    it(`records no violations against the ${server.spec} spec`, () => {
      expect(g.violations).toEqual([]);
    });
  });
}
