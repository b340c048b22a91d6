/**
 * get_ci_status and get_job_log as Claude reaches them (through the broker,
 * over HTTP, with the real client) against the emulator of Gitea 1.25, 1.24
 * and 1.22: real ids, a stale failure on an older head, a long log whose
 * error is near the end, the owner-only run list, another repository's job.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker } from "../../../src/boundary/broker";
import { MAX_PROBES } from "../../../src/gitea/ci-jobs";
import { MAX_LOG_CHARS } from "../../../src/mcp/gitea/tools/get-job-log";
import { seedPullRequestCi, type CiFixture } from "../../support/ci-fixture";
import { type GiteaEmulator, startGitea } from "../../support/gitea/index";

const JOB_TOKEN = "t-job-token-0123456789abcdef";
const OWNER_TOKEN = "t-owner-token-0123456789abcdef";
const CAPABILITY = "cap-0123456789abcdef0123456789abcdef";
const REPO = "acme/app";

type Call = (name: string, args?: Record<string, unknown>) => Promise<{ text: string; isError: boolean }>;

async function session(g: GiteaEmulator, o: { token: string; pr?: number; run?: { id: number; number: number }; branch?: string }): Promise<{ call: Call; close: () => Promise<void> }> {
  const broker = await startBroker({
    capability: CAPABILITY,
    lifetimeMs: 600_000,
    watchDir: "/tmp",
    secrets: [o.token],
    env: { PATH: process.env.PATH ?? "" },
    gitea: {
      apiUrl: g.apiUrl,
      repository: REPO,
      publicUrl: "https://gitea.example.com",
      token: o.token,
      ...(o.pr !== undefined ? { entityNumber: o.pr } : {}),
      isPR: o.pr !== undefined,
      workspace: "/tmp",
      gitName: "Claude",
      gitEmail: "claude@example.com",
      ...(o.run ? { run: o.run } : {}),
    },
    ...(o.branch ? { git: { remoteUrl: `${g.url}/${REPO}.git`, branch: o.branch, baseBranch: "main", startSha: "0".repeat(40) } } : {}),
  });
  const client = new Client({ name: "ci-test", version: "0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${broker.port}/mcp/gitea`), { requestInit: { headers: { Authorization: `Bearer ${CAPABILITY}` } } }));
  return {
    call: async (name, args = {}) => {
      const res = await client.callTool({ name, arguments: args });
      return { text: (res.content as { text: string }[]).map((c) => c.text).join("\n"), isError: res.isError === true };
    },
    close: async () => {
      await client.close();
      await broker.close();
    },
  };
}

async function world(version: string): Promise<{ g: GiteaEmulator; fx: CiFixture; pr: number }> {
  const g = await startGitea({ version, publicUrl: "https://gitea.example.com" });
  g.addUser({ login: "acme", token: OWNER_TOKEN });
  g.addUser({ login: "alice" });
  g.addUser({ login: "gitea-actions", token: JOB_TOKEN });
  await g.createRepo({ owner: "acme", name: "app", files: { "src/greet.js": "export const greet = (n) => `Hi ${n}`;\n" } });
  await g.createRepo({ owner: "acme", name: "other" });
  g.setPermission(REPO, "alice", "write");
  g.setPermission(REPO, "gitea-actions", "write");
  const oldHead = await g.commitFiles(REPO, "feature", { "a.txt": "1\n" }, "first", "alice");
  const pr = await g.createPullRequest(REPO, { title: "Feature", user: "alice", head: "feature", base: "main" });
  const head = await g.commitFiles(REPO, "feature", { "a.txt": "2\n" }, "second", "alice");
  return { g, fx: seedPullRequestCi(g, { repo: REPO, otherRepo: "acme/other", actor: "alice", pr: pr.index, headSha: head, oldHeadSha: oldHead }), pr: pr.index };
}

type Status = { context: string; state: string; link: string | null; job_id?: number; run?: number; job_index?: number; run_id?: number; run_number?: number; job_id_unknown?: string };

describe("Gitea 1.25", () => {
  let g: GiteaEmulator;
  let fx: CiFixture;
  let pr: number;
  beforeAll(async () => {
    ({ g, fx, pr } = await world("1.25.4"));
  });
  afterAll(async () => g?.stop());

  it("get_ci_status with the job token: the current head's checks, the failed job's id found by a bounded search of run ids", async () => {
    const s = await session(g, { token: JOB_TOKEN, pr, run: fx.current });
    try {
      g.clearLog();
      const res = await s.call("get_ci_status");
      expect(res.isError, res.text).toBe(false);
      const out = JSON.parse(res.text) as { commit: string; state: string; failed_jobs: number; statuses: Status[] };
      expect(out).toMatchObject({ commit: fx.headSha, state: "failure", failed_jobs: 1 });
      expect(out.statuses[0]).toMatchObject({
        context: "CI / test (pull_request)",
        state: "failure",
        workflow: "CI",
        job: "test",
        event: "pull_request",
        run: fx.failingRun.number,
        job_index: 1,
        job_id: fx.failing.id,
        run_id: fx.failingRun.id,
        run_number: fx.failingRun.number,
        link: `https://gitea.example.com/acme/app/actions/runs/${fx.failingRun.number}/jobs/1`,
      });
      // The older head's failure is not there, and passing jobs carry no job id.
      expect(out.statuses.map((x) => x.job_id).filter(Boolean)).toEqual([fx.failing.id]);
      expect(out.statuses.find((x) => x.context === "coverage/codecov")).toMatchObject({ state: "success", link: "https://codecov.example.com/acme/app/pull/1" });
      // The job token may not list runs (403); the search stays within its bound, all under this repository.
      const api = g.apiRequests();
      expect(api.filter((e) => e.route === "GET /repos/{owner}/{repo}/actions/runs").map((e) => e.status)).toEqual([403]);
      const probes = api.filter((e) => e.route === "GET /repos/{owner}/{repo}/actions/runs/{run}");
      expect(probes.length).toBeGreaterThan(0);
      expect(probes.length).toBeLessThanOrEqual(MAX_PROBES);
      expect(api.every((e) => e.path.startsWith("/version") || e.path.startsWith(`/repos/${REPO}/`))).toBe(true);
      expect(res.text).not.toContain(JOB_TOKEN);
    } finally {
      await s.close();
    }
  });

  it("with an owner's token: one call to the run list, no search", async () => {
    const s = await session(g, { token: OWNER_TOKEN, pr });
    try {
      g.clearLog();
      const out = JSON.parse((await s.call("get_ci_status")).text) as { statuses: Status[] };
      expect(out.statuses[0]!.job_id).toBe(fx.failing.id);
      expect(g.apiRequests().filter((e) => e.route === "GET /repos/{owner}/{repo}/actions/runs/{run}")).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it("without this run's id and number the job token cannot find job ids, and says why", async () => {
    const s = await session(g, { token: JOB_TOKEN, pr });
    try {
      const out = JSON.parse((await s.call("get_ci_status")).text) as { statuses: Status[] };
      expect(out.statuses[0]!.job_id).toBeUndefined();
      expect(out.statuses[0]!.job_id_unknown).toContain("may not list the repository's runs");
    } finally {
      await s.close();
    }
  });

  it("get_job_log: the end of the log, timestamps removed, by job id or by run number and job index", async () => {
    const s = await session(g, { token: JOB_TOKEN, pr, run: fx.current });
    try {
      const byId = await s.call("get_job_log", { job_id: fx.failing.id, tail_lines: 5 });
      expect(byId.isError, byId.text).toBe(false);
      const [head, log] = byId.text.split("\n\n");
      expect(head).toContain(`Job ${fx.failing.id} of acme/app: test (failure), commit ${fx.headSha}`);
      expect(head).toContain("The last 5 lines of the log");
      expect(log!.split("\n")).toEqual([
        `ok 2989 - case 2989 passes (${"·".repeat(20)})`,
        `ok 2990 - case 2990 passes (${"·".repeat(20)})`,
        "not ok 2991 - greet says hello",
        "  AssertionError: expected 'Hi Ada' to equal 'Hello Ada' at src/greet.js:1:40",
        "##[error]Process completed with exit code 1.",
      ]);
      // Only the end was read (Range), never the whole log.
      const logCalls = g.apiRequests().filter((e) => e.route === "GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs");
      expect(logCalls.at(-1)!.status).toBe(206);

      const byLink = await s.call("get_job_log", { run_number: fx.failingRun.number, job_index: 1, tail_lines: 1 });
      expect(byLink.text).toContain("##[error]Process completed with exit code 1.");
      const all = await s.call("get_job_log", { job_id: fx.failing.id, tail_lines: 2000 });
      expect(all.text.length).toBeLessThanOrEqual(MAX_LOG_CHARS + 500);
      // The cap keeps the end: the failing lines are still there, the start of the log is not.
      expect(all.text).toMatch(/The last \d+ lines of the log of \d+ bytes/);
      expect(all.text.trimEnd().endsWith("not ok 2991 - greet says hello\n  AssertionError: expected 'Hi Ada' to equal 'Hello Ada' at src/greet.js:1:40\n##[error]Process completed with exit code 1.")).toBe(true);
      expect(all.text).not.toContain("> app@1.0.0 test");
      expect(all.text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z/);
    } finally {
      await s.close();
    }
  });

  it("get_job_log refuses another repository's job, an unknown id, and says when a job ran on an older head", async () => {
    const s = await session(g, { token: JOB_TOKEN, pr, run: fx.current });
    try {
      const foreign = await s.call("get_job_log", { job_id: fx.foreign.id });
      expect(foreign).toEqual({ isError: true, text: `acme/app has no job with id ${fx.foreign.id}.` });
      expect((await s.call("get_job_log", { job_id: 987654 })).isError).toBe(true);
      const stale = await s.call("get_job_log", { job_id: fx.stale.id });
      expect(stale.text).toContain(`this job ran on commit ${fx.oldHeadSha}, not on the head of pull request #${pr} now (${fx.headSha})`);
      expect((await s.call("get_job_log", { run_number: fx.failingRun.number })).text).toBe("Give either job_id, or both run_number and job_index.");
      expect(JSON.stringify(await s.call("get_job_log", { job_id: fx.foreign.id }))).not.toContain("FOREIGN-LOG-LINE");
    } finally {
      await s.close();
    }
  });

  it("on a run about an issue, the working branch's head once it is on Gitea", async () => {
    const branch = await session(g, { token: JOB_TOKEN, branch: "feature", run: fx.current });
    try {
      const out = JSON.parse((await branch.call("get_ci_status")).text) as { commit: string; of: string };
      expect(out).toMatchObject({ commit: fx.headSha, of: "the head of the working branch feature" });
    } finally {
      await branch.close();
    }
    const unpushed = await session(g, { token: JOB_TOKEN, branch: "claude/issue-9-20260101-0000" });
    try {
      expect(await unpushed.call("get_ci_status")).toEqual({ isError: true, text: "The working branch claude/issue-9-20260101-0000 is not on Gitea yet (nothing was pushed), so it has no CI." });
    } finally {
      await unpushed.close();
    }
  });

  it("made no request outside the spec", () => {
    expect(g.violations).toEqual([]);
  });
});

describe("Gitea 1.24 and 1.22", () => {
  it("1.24: statuses with run and job index but no job id (needs 1.25); logs by job id; a lookup by run number names 1.25", async () => {
    const { g, fx, pr } = await world("1.24.7");
    const s = await session(g, { token: JOB_TOKEN, pr, run: fx.current });
    try {
      const out = JSON.parse((await s.call("get_ci_status")).text) as { statuses: Status[]; notes: string[] };
      expect(out.statuses[0]).toMatchObject({ context: "CI / test (pull_request)", run: fx.failingRun.number, job_index: 1 });
      expect(out.statuses[0]!.job_id).toBeUndefined();
      expect(out.notes.join(" ")).toContain("Gitea 1.25");
      expect((await s.call("get_job_log", { job_id: fx.failing.id, tail_lines: 1 })).text).toContain("##[error]Process completed with exit code 1.");
      expect(await s.call("get_job_log", { run_number: fx.failingRun.number, job_index: 1 })).toEqual({
        isError: true,
        text: "Finding a job by run number and job index needs Gitea 1.25 or newer; this server is 1.24.7. Give job_id instead.",
      });
      // 1.24 cannot say whose job an id is before reading its log: Gitea's own 404 and 500 decide.
      expect((await s.call("get_job_log", { job_id: fx.foreign.id })).text).toContain("not a job of this repository");
      expect((await s.call("get_job_log", { job_id: 987654 })).text).toBe("Gitea has no job with id 987654 (it answers 500 for an unknown job id).");
    } finally {
      await s.close();
      await g.stop();
    }
  });

  it("1.22: statuses only; job logs name the version they need", async () => {
    const { g, fx, pr } = await world("1.22.6");
    const s = await session(g, { token: JOB_TOKEN, pr, run: fx.current });
    try {
      const out = JSON.parse((await s.call("get_ci_status")).text) as { state: string; statuses: Status[]; notes: string[] };
      expect(out.state).toBe("failure");
      expect(out.statuses[0]).toMatchObject({ context: "CI / test (pull_request)", state: "failure", run: fx.failingRun.number, job_index: 1 });
      expect(out.notes.join(" ")).toContain("job logs need Gitea 1.24");
      expect(await s.call("get_job_log", { job_id: fx.failing.id })).toEqual({
        isError: true,
        text: "Job logs need Gitea 1.24 or newer; this server is 1.22.6. Open the job's page in Gitea instead.",
      });
      expect(g.violations).toEqual([]);
    } finally {
      await s.close();
      await g.stop();
    }
  });
});
