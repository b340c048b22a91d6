/**
 * The emulator's CI as Gitea serves it per version: commit statuses written by
 * Gitea Actions (context, relative link, no creator), runs/jobs/logs with
 * Gitea's ids, the owner-only run list, 500 for an unknown job id, plain 404
 * before a route exists, and text/plain logs that honour Range.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { giteaApi } from "../support/gitea/client";
import { ciOf, startGitea, type GiteaEmulator } from "../support/gitea/index";
import { seedPullRequestCi, type CiFixture } from "../support/ci-fixture";

const R = "acme/app";
const tok = { owner: "t-owner", writer: "t-writer", job: "t-job", admin: "t-admin", repoAdmin: "t-repo-admin" };

async function world(version: string): Promise<{ g: GiteaEmulator; fx: CiFixture; pr: number }> {
  const g = await startGitea({ version, publicUrl: "https://gitea.example.com" });
  g.addUser({ login: "acme", token: tok.owner });
  g.addUser({ login: "alice", token: tok.writer });
  g.addUser({ login: "gitea-actions", token: tok.job });
  g.addUser({ login: "root", is_admin: true, token: tok.admin });
  g.addUser({ login: "ada", token: tok.repoAdmin });
  await g.createRepo({ owner: "acme", name: "app", files: { "README.md": "# app\n" } });
  await g.createRepo({ owner: "acme", name: "other", files: { "README.md": "# other\n" } });
  g.setPermission(R, "alice", "write");
  g.setPermission(R, "gitea-actions", "write");
  g.setPermission(R, "ada", "admin");
  const oldHead = await g.commitFiles(R, "feature", { "a.txt": "1\n" }, "first", "alice");
  const pr = await g.createPullRequest(R, { title: "Feature", user: "alice", head: "feature", base: "main" });
  const head = await g.commitFiles(R, "feature", { "a.txt": "2\n" }, "second", "alice");
  const fx = seedPullRequestCi(g, { repo: R, otherRepo: "acme/other", actor: "alice", pr: pr.index, headSha: head, oldHeadSha: oldHead });
  return { g, fx, pr: pr.index };
}

describe("Gitea 1.25: statuses, runs, jobs and logs with real ids", () => {
  let g: GiteaEmulator;
  let fx: CiFixture;
  beforeAll(async () => {
    ({ g, fx } = await world("1.25.4"));
  });
  afterAll(async () => g?.stop());
  const p = `/repos/${R}`;

  it("ids: run number ≠ run id, job index ≠ job id ≠ task id", () => {
    const job = ciOf(g).job(fx.failing.id)!;
    expect(fx.failingRun.number).not.toBe(fx.failingRun.id);
    expect(new Set([1, job.id, job.taskId]).size).toBe(3);
  });

  it("the combined status: the latest status per context, as Gitea Actions writes it", async () => {
    const res = await giteaApi(g, "GET", `${p}/commits/${fx.headSha}/status`, { token: tok.job });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-total-count")).toBe("3");
    expect(res.json.state).toBe("failure");
    const byContext = Object.fromEntries(res.json.statuses.map((s: { context: string }) => [s.context, s]));
    expect(Object.keys(byContext).sort()).toEqual(["CI / lint (pull_request)", "CI / test (pull_request)", "coverage/codecov"]);
    expect(byContext["CI / test (pull_request)"]).toMatchObject({
      status: "failure",
      description: "Failing after 42s",
      target_url: `/acme/app/actions/runs/${fx.failingRun.number}/jobs/1`,
      creator: null,
    });
    // The older head's failure is on the older commit only.
    const old = await giteaApi(g, "GET", `${p}/commits/${fx.oldHeadSha}/status`, { token: tok.job });
    expect(old.json.statuses.find((s: { context: string }) => s.context === "CI / test (pull_request)").target_url).not.toBe(byContext["CI / test (pull_request)"].target_url);
    expect(g.violations).toEqual([]);
  });

  it("the repository's run list is for the owner or a site admin: the job token and a repository admin get 403", async () => {
    for (const t of [tok.owner, tok.admin]) {
      const res = await giteaApi(g, "GET", `${p}/actions/runs?head_sha=${fx.headSha}`, { token: t });
      expect(res.status).toBe(200);
      expect(res.json.workflow_runs.map((r: { id: number }) => r.id)).toContain(fx.failingRun.id);
    }
    for (const t of [tok.job, tok.repoAdmin, tok.writer]) {
      const res = await giteaApi(g, "GET", `${p}/actions/runs`, { token: t });
      expect(res.status).toBe(403);
      expect(res.json.message).toBe("user should be the owner of the repo");
    }
  });

  it("a run by id, its jobs (index = position), a job by id; another repository's are not found", async () => {
    const run = await giteaApi(g, "GET", `${p}/actions/runs/${fx.failingRun.id}`, { token: tok.job });
    expect(run.json).toMatchObject({ id: fx.failingRun.id, run_number: fx.failingRun.number, head_sha: fx.headSha, event: "pull_request_sync", head_branch: "" });
    const jobs = await giteaApi(g, "GET", `${p}/actions/runs/${fx.failingRun.id}/jobs`, { token: tok.job });
    expect(jobs.json.total_count).toBe(2);
    expect(jobs.json.jobs[1]).toMatchObject({ id: fx.failing.id, name: "test", status: "completed", conclusion: "failure", run_id: fx.failingRun.id });
    expect(jobs.json.jobs[1].html_url).toBe(`https://gitea.example.com/acme/app/actions/runs/${fx.failingRun.number}/jobs/1`);
    expect((await giteaApi(g, "GET", `${p}/actions/runs/${fx.current.number}`, { token: tok.job })).status).toBe(404);
    const foreignRun = fx.foreign.runId;
    expect((await giteaApi(g, "GET", `${p}/actions/runs/${foreignRun}`, { token: tok.job })).status).toBe(404);
    expect((await giteaApi(g, "GET", `${p}/actions/runs/${foreignRun}/jobs`, { token: tok.job })).json).toEqual({ total_count: 0, jobs: [] });
    expect((await giteaApi(g, "GET", `${p}/actions/jobs/${fx.failing.id}`, { token: tok.job })).json.name).toBe("test");
    expect((await giteaApi(g, "GET", `${p}/actions/jobs/${fx.foreign.id}`, { token: tok.job })).status).toBe(404);
  });

  it("logs: text/plain, a timestamp on every line, the tail by Range; 500 for an unknown job, 404 for another repository's or an unstarted one", async () => {
    const whole = await giteaApi(g, "GET", `${p}/actions/jobs/${fx.failing.id}/logs`, { token: tok.job });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(whole.headers.get("content-disposition")).toBe(`attachment; filename="ci-test-${ciOf(g).job(fx.failing.id)!.taskId}.log"`);
    const lines = whole.text.trimEnd().split("\n");
    expect(lines).toHaveLength(2996);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z /);
    const tail = await giteaApi(g, "GET", `${p}/actions/jobs/${fx.failing.id}/logs`, { token: tok.job, headers: { Range: "bytes=-400" } });
    expect(tail.status).toBe(206);
    const size = Buffer.byteLength(whole.text);
    expect(tail.headers.get("content-range")).toBe(`bytes ${size - 400}-${size - 1}/${size}`);
    expect(tail.text).toBe(Buffer.from(whole.text).subarray(size - 400).toString());
    expect(tail.text).toContain("AssertionError");
    // A 206 is the declared 200 in part (Go's http.ServeContent): not a violation of the spec.
    expect(g.violations).toEqual([]);

    const unknown = await giteaApi(g, "GET", `${p}/actions/jobs/999999/logs`, { token: tok.job });
    expect(unknown.status).toBe(500);
    expect((await giteaApi(g, "GET", `${p}/actions/jobs/${fx.foreign.id}/logs`, { token: tok.job })).status).toBe(404);
    const queued = ciOf(g).addWorkflowRun(R, { workflow: "ci.yml", event: "push", headSha: fx.headSha, ref: "refs/heads/main", actor: "alice", jobs: [{ name: "later", status: "waiting" }] });
    expect(queued.jobs[0]!.taskId).toBe(0);
    expect((await giteaApi(g, "GET", `${p}/actions/jobs/${queued.jobs[0]!.id}/logs`, { token: tok.job })).status).toBe(404);
    ciOf(g).expireLog(fx.stale.id);
    expect((await giteaApi(g, "GET", `${p}/actions/jobs/${fx.stale.id}/logs`, { token: tok.job })).status).toBe(404);
  });
});

describe("before the routes exist: plain 404", () => {
  it("1.24 has job logs but no runs or jobs lookups; 1.22 has statuses only", async () => {
    for (const [version, logs, lookups] of [["1.24.7", 200, 404], ["1.22.6", 404, 404]] as const) {
      const { g, fx } = await world(version);
      try {
        const p = `/repos/${R}`;
        expect((await giteaApi(g, "GET", `${p}/commits/${fx.headSha}/status`, { token: tok.job })).json.state).toBe("failure");
        expect((await giteaApi(g, "GET", `${p}/actions/jobs/${fx.failing.id}/logs`, { token: tok.job })).status, version).toBe(logs);
        for (const path of [`actions/runs/${fx.failingRun.id}`, `actions/runs/${fx.failingRun.id}/jobs`, `actions/jobs/${fx.failing.id}`, "actions/runs"]) {
          const res = await giteaApi(g, "GET", `${p}/${path}`, { token: tok.owner });
          expect(res.status, `${version} ${path}`).toBe(lookups);
          // No such route: the router's plain 404, not an API error.
          expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
          expect(res.text).toBe("404 page not found\n");
        }
      } finally {
        await g.stop();
      }
    }
  });

  it("1.22 answers an all-empty object for a commit without statuses; 1.25 names the commit", async () => {
    for (const version of ["1.22.6", "1.25.4"]) {
      const g = await startGitea({ version });
      g.addUser({ login: "acme", token: tok.owner });
      await g.createRepo({ owner: "acme", name: "app" });
      const sha = (await g.branchSha(R, "main"))!;
      const res = await giteaApi(g, "GET", `/repos/${R}/commits/${sha}/status`, { token: tok.owner });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject(version === "1.22.6" ? { state: "", sha: "", total_count: 0, statuses: null } : { state: "", sha, total_count: 0, statuses: null });
      await g.stop();
    }
  });
});
