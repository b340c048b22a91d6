/**
 * Contract between the action's Gitea client, the emulator and Gitea's own
 * 1.22 swagger spec:
 *  1. every route the client calls (src/gitea/routes.ts) is in the spec or in NEWER_ROUTES;
 *  2. every route the emulator serves is in the spec or in NEWER_ROUTES;
 *  3. a seeded emulator exercised on every served route records no violations
 *     (requests and responses validate against the spec).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEWER_ROUTES, ROUTES } from "../../src/gitea/routes";
import { type ApiResponse, giteaApi } from "../support/gitea/client";
import { EMULATOR_ROUTES, type GiteaEmulator, NEWER_EMULATOR_ROUTES, SWAGGER_PATH, ciOf, loadSpec, startGitea } from "../support/gitea/index";

const spec = loadSpec();
const describeSpec = spec ? describe : describe.skip;
const specNote = spec ? "" : ` (SKIPPED: swagger spec not found at ${SWAGGER_PATH})`;
if (!spec) console.warn(`gitea contract: ${SWAGGER_PATH} is missing; spec checks are skipped`);

describe("gitea route table", () => {
  it("the emulator serves every route the client calls", () => {
    const served = new Set(EMULATOR_ROUTES);
    const missing = [...Object.values(ROUTES), ...Object.keys(NEWER_ROUTES)].filter((r) => !served.has(r));
    expect(missing).toEqual([]);
  });

  it("the emulator's newer-than-1.22 routes are the client's NEWER_ROUTES, with the same versions", () => {
    for (const [route, since] of Object.entries(NEWER_EMULATOR_ROUTES)) expect(NEWER_ROUTES[route], route).toBe(since);
  });
});

describeSpec(`gitea swagger contract${specNote}`, () => {
  const inSpec = (route: string) => spec?.has(route) === true;

  it("every client route exists in the 1.22 spec or in NEWER_ROUTES", () => {
    const bad = Object.entries(ROUTES).filter(([, r]) => !inSpec(r) && !(r in NEWER_ROUTES));
    expect(bad).toEqual([]);
    // and NEWER_ROUTES really are absent from 1.22
    expect(Object.keys(NEWER_ROUTES).filter(inSpec)).toEqual([]);
  });

  it("every emulator route exists in the 1.22 spec or in NEWER_ROUTES", () => {
    expect(EMULATOR_ROUTES.filter((r) => !inSpec(r) && !(r in NEWER_ROUTES))).toEqual([]);
  });

  describe("a seeded emulator on every served route", () => {
    let g: GiteaEmulator;
    const R = "owner/proj";
    const tok = { owner: "c-owner", writer: "c-writer", contrib: "c-contrib" };
    const ids: Record<string, number> = {};
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const results: [string, ApiResponse<any>][] = [];

    beforeAll(async () => {
      // a version new enough for every served route
      g = await startGitea({ version: "1.26.0", publicUrl: "https://gitea.example.com" });
      g.addUser({ login: "owner", full_name: "Owner", email: "owner@example.com", token: tok.owner });
      g.addUser({ login: "writer", email: "writer@example.com", token: tok.writer });
      g.addUser({ login: "contrib", email: "contrib@example.com", token: tok.contrib });
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
      await call("GET /user", "GET", "/user");
      await call("GET /repos/{owner}/{repo}", "GET", p);
      await call("GET /repos/{owner}/{repo}/collaborators/{collaborator}/permission", "GET", `${p}/collaborators/writer/permission`);
      await call("GET /repos/{owner}/{repo}/issues/{index}", "GET", `${p}/issues/${ids.issue}`);
      await call("GET /repos/{owner}/{repo}/issues/{index}/comments", "GET", `${p}/issues/${ids.issue}/comments?since=2000-01-01T00:00:00Z`);
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
      await call("GET /repos/{owner}/{repo}/commits/{ref}/status", "GET", `${p}/commits/${headSha}/status?page=1&limit=50`);
      await call("GET /repos/{owner}/{repo}/actions/runs", "GET", `${p}/actions/runs?head_sha=${headSha}`);
      await call("GET /repos/{owner}/{repo}/actions/runs/{run}/jobs", "GET", `${p}/actions/runs/${ci.run.id}/jobs`);
      await call("GET /repos/{owner}/{repo}/actions/jobs/{job_id}", "GET", `${p}/actions/jobs/${ci.jobs[0]!.id}`);
      await call("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", "GET", `${p}/actions/jobs/${ci.jobs[0]!.id}/logs`);
    });

    afterAll(async () => {
      await g?.stop();
    });

    it("exercises every served route", () => {
      const exercised = new Set(results.map(([r]) => r));
      expect(EMULATOR_ROUTES.filter((r) => !exercised.has(r))).toEqual([]);
    });

    it("answers every call with a 2xx and logs it under the right template", () => {
      const bad = results.filter(([, r]) => r.status < 200 || r.status >= 300).map(([route, r]) => `${route}: ${r.status} ${r.text}`);
      expect(bad).toEqual([]);
      expect(g.apiRequests().map((e) => e.route)).toEqual(results.map(([route]) => route));
    });

    it("records no spec violations (requests and responses match the spec)", () => {
      expect(g.violations).toEqual([]);
    });
  });
});
