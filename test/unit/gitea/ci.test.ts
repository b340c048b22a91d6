/** CI facts as pure functions, and the job-id search over a fake Gitea. */
import { describe, expect, it } from "vitest";
import { absoluteLink, apiAtLeast, logTail, parseActionsStatus } from "../../../src/gitea/ci";
import type { CiApi } from "../../../src/gitea/ci-api";
import { JobResolver, MAX_PROBES, MAX_RUNS } from "../../../src/gitea/ci-jobs";
import type { GiteaWorkflowJob, GiteaWorkflowRun } from "../../../src/gitea/types";

describe("versions", () => {
  it("reads Gitea and Forgejo versions", () => {
    expect(apiAtLeast("1.24.7", "1.24")).toBe(true);
    expect(apiAtLeast("1.23.8", "1.24")).toBe(false);
    expect(apiAtLeast("1.25.0+dev-12-gabc", "1.25")).toBe(true);
    expect(apiAtLeast("11.0.1+gitea-1.22.0", "1.24")).toBe(false);
    expect(apiAtLeast(undefined, "1.24")).toBe(false);
    expect(apiAtLeast("2.0.0", "1.25")).toBe(true);
  });
});

describe("statuses Gitea Actions wrote", () => {
  it("context and relative link (with a sub-path), and nothing else", () => {
    expect(parseActionsStatus({ context: "CI / test (pull_request)", target_url: "/acme/app/actions/runs/12/jobs/1" }, "acme/app")).toEqual({
      workflow: "CI",
      job: "test",
      event: "pull_request",
      run: 12,
      jobIndex: 1,
    });
    expect(parseActionsStatus({ context: "Build / CI / test (ubuntu, 20) (push)", target_url: "/gitea/Acme/App/actions/runs/3/jobs/0" }, "acme/app")).toMatchObject({
      workflow: "Build / CI",
      job: "test (ubuntu, 20)",
      event: "push",
    });
    // Another repository's link, another CI, a hand-made context.
    expect(parseActionsStatus({ context: "CI / test (push)", target_url: "/acme/other/actions/runs/1/jobs/0" }, "acme/app")).toBeUndefined();
    expect(parseActionsStatus({ context: "ci/woodpecker", target_url: "https://ci.example.com/1" }, "acme/app")).toBeUndefined();
    expect(parseActionsStatus({ context: "whatever", target_url: "/acme/app/actions/runs/1/jobs/0" }, "acme/app")).toBeUndefined();
  });

  it("links are made absolute on the public URL (keeping a sub-path) and only http(s)", () => {
    expect(absoluteLink("/acme/app/actions/runs/1/jobs/0", "https://g.example.com")).toBe("https://g.example.com/acme/app/actions/runs/1/jobs/0");
    expect(absoluteLink("/gitea/acme/app/actions/runs/1/jobs/0", "https://g.example.com/gitea")).toBe("https://g.example.com/gitea/acme/app/actions/runs/1/jobs/0");
    expect(absoluteLink("javascript:alert(1)", "https://g.example.com")).toBeUndefined();
    expect(absoluteLink("", "https://g.example.com")).toBeUndefined();
  });
});

describe("logTail", () => {
  const ts = (i: number) => `2026-03-01T10:00:${String(i % 60).padStart(2, "0")}.1234567Z`;
  const log = (n: number) => Array.from({ length: n }, (_, i) => `${ts(i)} line ${i + 1}`).join("\n") + "\n";

  it("drops the partial first line of a ranged read and the timestamps, keeps the last lines", () => {
    const text = log(10).slice(30);
    expect(logTail(text, { fromStart: false, tailLines: 3, maxChars: 10_000 })).toEqual({ lines: ["line 8", "line 9", "line 10"], truncated: true });
    expect(logTail(log(2), { fromStart: true, tailLines: 5, maxChars: 10_000 })).toEqual({ lines: ["line 1", "line 2"], truncated: false });
  });

  it("strips colour codes, control and invisible characters", () => {
    const text = `${ts(1)} \u001b[31mFAIL\u001b[0m src/a.test.ts\u200b\r\n${ts(2)} done\u0007\n`;
    expect(logTail(text, { fromStart: true, tailLines: 10, maxChars: 1000 }).lines).toEqual(["FAIL src/a.test.ts", "done"]);
  });

  it("caps the size, keeping the end", () => {
    const out = logTail(log(1000), { fromStart: true, tailLines: 1000, maxChars: 100 });
    expect(out.lines.at(-1)).toBe("line 1000");
    expect(out.lines.join("\n").length).toBeLessThanOrEqual(100);
    expect(out.truncated).toBe(true);
    const long = logTail(`${ts(1)} ${"x".repeat(500)}END\n`, { fromStart: true, tailLines: 10, maxChars: 50 });
    expect(long.lines[0]!.endsWith("END")).toBe(true);
    expect(long.lines[0]!.length).toBe(50);
  });
});

/** A server with runs of this repository at `ids` (id → number) among other repositories' ids. */
function fakeGitea(runs: Record<number, number>, o: { listed?: boolean; sha?: string } = {}) {
  const calls: string[] = [];
  const sha = o.sha ?? "a".repeat(40);
  const api: CiApi = {
    version: async () => "1.25.4",
    pull: async () => {
      throw new Error("unused");
    },
    branch: async () => undefined,
    combinedStatus: async () => ({ state: "", statuses: [], truncated: false }),
    workflowRuns: async () => {
      calls.push("list");
      return o.listed ? Object.entries(runs).map(([id, number]) => ({ id: Number(id), run_number: number, head_sha: sha })) : undefined;
    },
    workflowRun: async (id: number) => {
      calls.push(`run ${id}`);
      const number = runs[id];
      return number === undefined ? undefined : ({ id, run_number: number, head_sha: sha, html_url: `https://g/acme/app/actions/runs/${number}` } satisfies GiteaWorkflowRun);
    },
    runJobs: async (runId: number) => {
      calls.push(`jobs ${runId}`);
      return [0, 1].map((i) => ({ id: runId * 10 + i, run_id: runId, name: `job${i}`, html_url: `https://g/acme/app/actions/runs/${runs[runId]}/jobs/${i}` }) satisfies GiteaWorkflowJob);
    },
    workflowJob: async () => undefined,
    jobLogTail: async () => ({ missing: 404 }),
  };
  return { api, calls };
}

describe("JobResolver", () => {
  it("finds an earlier run by walking down from this run's id, jumping by the numbers of runs found on the way", async () => {
    // This run: id 500, number 40. Run 30 has id 455; runs 38 (id 488) and 34 (id 470) are on the way; other ids are other repositories'.
    const { api, calls } = fakeGitea({ 500: 40, 488: 38, 470: 34, 455: 30 });
    const found = await new JobResolver(api, { current: { id: 500, number: 40 }, headSha: "a".repeat(40) }).job(30, 1, "a".repeat(40));
    expect(found).toMatchObject({ ok: true, job: { id: 4551 }, run: { id: 455 } });
    const probes = calls.filter((c) => c.startsWith("run ")).map((c) => Number(c.slice(4)));
    expect(probes[0]).toBe(490); // 500 − (40 − 30)
    // After run 38 at id 488, the bound is 488 − 8; after run 34 at 470, 470 − 4.
    expect(probes).toContain(480);
    expect(probes).toContain(466);
    expect(probes.length).toBeLessThanOrEqual(40);
  });

  it("finds a later run upwards, uses the list when the token may read it, and stops after MAX_PROBES", async () => {
    const up = fakeGitea({ 500: 40, 530: 42 });
    expect(await new JobResolver(up.api, { current: { id: 500, number: 40 } }).job(42, 0)).toMatchObject({ ok: true, run: { id: 530 } });

    const listed = fakeGitea({ 77: 3 }, { listed: true });
    expect(await new JobResolver(listed.api, { current: { id: 500, number: 40 }, headSha: "a".repeat(40) }).job(3, 0, "a".repeat(40))).toMatchObject({ ok: true, run: { id: 77 } });
    expect(listed.calls.filter((c) => c.startsWith("run "))).toEqual([]);

    const far = fakeGitea({ 500: 40, 10: 39 });
    const lost = await new JobResolver(far.api, { current: { id: 500, number: 40 } }).job(39, 0);
    expect(lost).toMatchObject({ ok: false });
    expect(far.calls.filter((c) => c.startsWith("run ")).length).toBe(MAX_PROBES);
  });

  it("one tool call makes at most MAX_PROBES lookups and resolves at most MAX_RUNS runs, whatever the statuses name", async () => {
    const { api, calls } = fakeGitea({ 500: 40 });
    const resolver = new JobResolver(api, { current: { id: 500, number: 40 } });
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => resolver.job(i + 1, 0)));
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(calls.filter((c) => c.startsWith("run ")).length).toBe(MAX_PROBES);
    expect(results.filter((r) => !r.ok && r.reason.startsWith(`not looked up: more than ${MAX_RUNS} runs`))).toHaveLength(25 - MAX_RUNS);
  });

  it("a run the event named (workflow_run) is read by its id, without a search", async () => {
    const { api, calls } = fakeGitea({ 300: 30 });
    const found = await new JobResolver(api, { known: [{ id: 300, number: 30 }] }).job(30, 1);
    expect(found).toMatchObject({ ok: true, run: { id: 300 }, how: "the event" });
    expect(calls).toEqual(["run 300", "jobs 300"]);
  });

  it("a failing Gitea call is a reason, not an error of the whole tool", async () => {
    const { api } = fakeGitea({ 300: 30 });
    api.runJobs = async () => {
      throw new Error("Gitea GET /repos/acme/app/actions/runs/300/jobs failed: HTTP 502");
    };
    expect(await new JobResolver(api, { known: [{ id: 300, number: 30 }] }).job(30, 1)).toEqual({ ok: false, reason: "Gitea GET /repos/acme/app/actions/runs/300/jobs failed: HTTP 502" });
  });

  it("never takes a run of another commit for the one a status names", async () => {
    const { api } = fakeGitea({ 500: 40, 488: 30 }, { sha: "b".repeat(40) });
    const found = await new JobResolver(api, { current: { id: 500, number: 40 } }).job(30, 1, "a".repeat(40));
    expect(found).toEqual({ ok: false, reason: `run 30 is for commit ${"b".repeat(12)}, not ${"a".repeat(12)}` });
  });
});
