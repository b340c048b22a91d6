/**
 * CI routes: a commit's combined status (every version) and Gitea Actions'
 * runs, jobs and job logs (1.24 / 1.25), answering as Gitea does on each
 * version (routers/api/v1/api.go, repo/status.go, repo/action.go,
 * repo/actions_run.go, routers/common/actions.go at 1.22.6, 1.24.7, 1.25.4):
 *
 * - the repository-wide run list is for the repository owner or a site admin
 *   (reqOwner): anyone else, the job token included, gets 403;
 * - run and job ids are database ids; a job of another repository is 404;
 * - a job id that does not exist makes the log route answer 500
 *   (GetRunJobByID's error goes to APIErrorInternal), a job that never
 *   started or whose log was cleaned up 404;
 * - logs are text/plain, whole or by `Range` (Go's http.ServeContent);
 * - on 1.22 a commit without statuses answers an all-empty object.
 */
import { type Ctx, type RouteDef, intParam, json, listOptions, paginate, repoAccess, requireUser, setTotalCount } from "../context";
import { apiRepo, apiUser, apiUserByLogin } from "../convert";
import { ApiError, forbidden, notFound } from "../errors";
import { apiJobStatus, ciState, type CiJob, type CiStatus } from "../ci";
import type { Core } from "../core";
import { repoKey, type Repo, type Run } from "../store";

/** CI routes absent from the 1.22 spec, with the version that added them. */
export const CI_NEWER_ROUTES: Record<string, string> = {
  "GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs": "1.24",
  "GET /repos/{owner}/{repo}/actions/runs": "1.25",
  "GET /repos/{owner}/{repo}/actions/runs/{run}/jobs": "1.25",
  "GET /repos/{owner}/{repo}/actions/jobs/{job_id}": "1.25",
};

const ZERO_TIME = "1970-01-01T00:00:00Z";

function versionAtLeast(version: string, min: string): boolean {
  const m = /\+gitea-(\d[\w.]*)/.exec(version);
  const [a = 0, b = 0] = (m ? m[1]! : version).replace(/^v/, "").split(".").map((x) => Number.parseInt(x, 10) || 0);
  const [c = 0, d = 0] = min.split(".").map(Number);
  return a > c || (a === c && b >= d);
}

function apiStatus(ctx: Ctx, repo: Repo, s: CiStatus) {
  const creator = s.creator ? ctx.core.store.findUser(s.creator) : undefined;
  return {
    id: s.index,
    status: s.state,
    target_url: s.targetUrl,
    description: s.description,
    url: `${ctx.core.repoApi(repo)}/statuses/${s.sha}`,
    context: s.context,
    creator: creator ? apiUser(ctx.core, creator, ctx.user) : null,
    created_at: s.created,
    updated_at: s.created,
  };
}

/** The combined state: 1.22 takes the worst (error as failure); 1.23+ `Combine()` (failure, else pending, else success). */
function combine(states: string[], newer: boolean): string {
  if (newer) {
    if (states.some((s) => s === "error" || s === "failure")) return "failure";
    if (states.some((s) => s === "pending")) return "pending";
    return "success";
  }
  const rank: Record<string, number> = { error: 0, failure: 1, warning: 2, pending: 3, success: 4 };
  let worst = "";
  for (const s of states) if (worst === "" || (s in rank && (rank[s] ?? 9) <= (rank[worst] ?? 9))) worst = s;
  return worst === "error" ? "failure" : worst;
}

/** A run as the API (and the workflow_run payload) renders it: convert.ToActionWorkflowRun. */
export function runJson(core: Core, repo: Repo, run: Run) {
  const ci = ciState(core).runs.get(run.id);
  const linkId = versionAtLeast(core.version, "1.26") ? run.id : run.run_number;
  const ref = ci?.ref ?? `refs/heads/${run.head_branch}`;
  return {
    id: run.id,
    url: `${core.repoApi(repo)}/actions/runs/${run.id}`,
    html_url: `${core.repoHtml(repo)}/actions/runs/${linkId}`,
    display_title: run.display_title,
    path: `${run.workflow}@${ref}`,
    event: run.event,
    run_attempt: 1,
    run_number: run.run_number,
    head_sha: run.head_sha,
    head_branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : "",
    status: run.status === "cancelled" ? "completed" : run.status,
    conclusion: run.conclusion ?? "",
    actor: apiUserByLogin(core, run.actor, null),
    trigger_actor: apiUserByLogin(core, run.actor, null),
    repository: apiRepo(core, repo, "none", null),
    started_at: run.created_at,
    completed_at: run.status === "completed" ? run.created_at : ZERO_TIME,
  };
}

function jobJson(ctx: Ctx, repo: Repo, job: CiJob) {
  const state = ciState(ctx.core);
  const run = ctx.core.store.runs.get(job.runId)!;
  const ci = state.runs.get(job.runId);
  const index = ci?.jobIds.indexOf(job.id) ?? 0;
  const linkId = versionAtLeast(ctx.core.version, "1.26") ? run.id : run.run_number;
  const { status, conclusion } = apiJobStatus(job.status);
  const ref = ci?.ref ?? "";
  return {
    id: job.id,
    url: `${ctx.core.repoApi(repo)}/actions/jobs/${job.id}`,
    html_url: `${ctx.core.repoHtml(repo)}/actions/runs/${linkId}/jobs/${index}`,
    run_id: job.runId,
    run_url: `${ctx.core.repoApi(repo)}/actions/runs/${job.runId}`,
    name: job.name,
    labels: job.labels,
    run_attempt: 1,
    head_sha: run.head_sha,
    head_branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : "",
    status,
    conclusion,
    runner_id: job.taskId ? 1 : 0,
    runner_name: job.taskId ? "runner-1" : "",
    steps: [],
    created_at: job.created,
    started_at: job.started ?? ZERO_TIME,
    completed_at: job.stopped ?? ZERO_TIME,
  };
}

/** reqOwner(): the repository's owner or a site admin. */
function requireOwner(ctx: Ctx, mode: string): void {
  const user = requireUser(ctx);
  if (mode !== "owner" && !user.is_admin) throw forbidden("user should be the owner of the repo");
}

/** A single `Range: bytes=…` as Go's http.ServeContent reads it; null: serve the whole content. */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | null | "unsatisfiable" {
  const m = /^bytes=(\d*)-(\d*)$/.exec((header ?? "").trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const n = Math.min(Number(m[2]), size);
    return { start: size - n, end: size - 1 };
  }
  const start = Number(m[1]);
  if (start >= size) return "unsatisfiable";
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  return end < start ? null : { start, end };
}

export const ciRoutes: RouteDef[] = [
  {
    route: "GET /repos/{owner}/{repo}/commits/{ref}/status",
    handler: async (ctx) => {
      const { repo, mode } = repoAccess(ctx);
      const ref = ctx.params.ref ?? "";
      const resolved = await repo.git.resolveRef(decodeURIComponent(ref));
      if (!resolved) throw notFound(`object does not exist [id: ${ref}, rel_path: ]`);
      const sha = resolved.sha;
      const key = repoKey(repo.fullName);
      const latest = new Map<string, CiStatus>();
      for (const s of ciState(ctx.core).statuses) {
        if (s.repo !== key || s.sha !== sha) continue;
        const cur = latest.get(s.context);
        if (!cur || s.index > cur.index) latest.set(s.context, s);
      }
      // Contexts by their latest index, newest first; one page of them, each page in index order.
      const all = [...latest.values()].sort((a, b) => b.index - a.index);
      const { page, limit } = listOptions(ctx);
      const slice = all.slice((page - 1) * limit, page * limit).sort((a, b) => a.index - b.index);
      const newer = versionAtLeast(ctx.core.version, "1.23");
      const repoJson = apiRepo(ctx.core, repo, mode, ctx.user);
      if (!newer && all.length === 0) {
        return json(200, { state: "", sha: "", total_count: 0, statuses: null, repository: null, commit_url: "", url: "" });
      }
      setTotalCount(ctx, all.length);
      const combined = slice.length ? combine(slice.map((s) => s.state), newer) : "";
      const apiBase = `${ctx.core.repoApi(repo)}/commits/${sha}`;
      return json(200, {
        state: combined,
        sha: newer ? sha : (slice[0]?.sha ?? sha),
        total_count: slice.length,
        statuses: slice.length ? slice.map((s) => apiStatus(ctx, repo, s)) : null,
        repository: repoJson,
        commit_url: newer ? apiBase : "",
        url: newer ? `${apiBase}/status` : "",
      });
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/actions/runs",
    since: CI_NEWER_ROUTES["GET /repos/{owner}/{repo}/actions/runs"],
    handler: (ctx) => {
      const { repo, mode } = repoAccess(ctx);
      requireOwner(ctx, mode);
      const key = repoKey(repo.fullName);
      const q = (name: string) => ctx.query.get(name) ?? "";
      const runs = [...ctx.core.store.runs.values()]
        .filter((r) => r.repo === key)
        .filter((r) => !q("event") || r.event === q("event"))
        .filter((r) => !q("head_sha") || r.head_sha === q("head_sha"))
        .filter((r) => !q("branch") || r.head_branch === q("branch"))
        .filter((r) => !q("actor") || r.actor.toLowerCase() === q("actor").toLowerCase())
        .filter((r) => !q("status") || r.status === q("status") || r.conclusion === q("status"))
        .sort((a, b) => b.id - a.id);
      const pageRuns = paginate(ctx, runs);
      return json(200, { total_count: runs.length, workflow_runs: pageRuns.map((r) => runJson(ctx.core, repo, r)) });
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/actions/runs/{run}/jobs",
    since: CI_NEWER_ROUTES["GET /repos/{owner}/{repo}/actions/runs/{run}/jobs"],
    handler: (ctx) => {
      const { repo } = repoAccess(ctx);
      const runId = intParam(ctx, "run");
      if (runId <= 0) throw new ApiError(400, "runID must be a positive integer");
      const key = repoKey(repo.fullName);
      // Filtered by repository and run: another repository's run simply has no jobs here.
      const jobs = [...ciState(ctx.core).jobs.values()].filter((j) => j.repo === key && j.runId === runId).sort((a, b) => a.id - b.id);
      const pageJobs = paginate(ctx, jobs);
      return json(200, { total_count: jobs.length, jobs: pageJobs.map((j) => jobJson(ctx, repo, j)) });
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/actions/jobs/{job_id}",
    since: CI_NEWER_ROUTES["GET /repos/{owner}/{repo}/actions/jobs/{job_id}"],
    handler: (ctx) => {
      const { repo } = repoAccess(ctx);
      requireUser(ctx);
      const job = ciState(ctx.core).jobs.get(intParam(ctx, "job_id"));
      if (!job || job.repo !== repoKey(repo.fullName)) throw notFound("resource does not exist");
      return json(200, jobJson(ctx, repo, job));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs",
    since: CI_NEWER_ROUTES["GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs"],
    handler: (ctx) => {
      const { repo } = repoAccess(ctx);
      requireUser(ctx);
      const state = ciState(ctx.core);
      const id = intParam(ctx, "job_id");
      const job = state.jobs.get(id);
      if (!job) throw new ApiError(500, `run job with id ${id}: resource does not exist`);
      if (job.repo !== repoKey(repo.fullName)) throw notFound("job not found");
      if (!job.taskId) throw notFound("job not started");
      const task = state.tasks.get(job.taskId)!;
      if (task.logExpired) throw notFound("logs have been cleaned up");
      const body = Buffer.from(task.log, "utf8");
      const run = ctx.core.store.runs.get(job.runId)!;
      const workflow = run.workflow.includes(".") ? run.workflow.slice(0, run.workflow.indexOf(".")) : run.workflow;
      ctx.headers["Content-Disposition"] = `attachment; filename="${workflow}-${job.name}-${task.id}.log"`;
      ctx.headers["Accept-Ranges"] = "bytes";
      const header = ctx.requestHeaders?.range;
      const range = byteRange(Array.isArray(header) ? header[0] : header, body.length);
      if (range === "unsatisfiable") {
        ctx.headers["Content-Range"] = `bytes */${body.length}`;
        throw new ApiError(416, "invalid range: failed to overlap");
      }
      if (range) {
        ctx.headers["Content-Range"] = `bytes ${range.start}-${range.end}/${body.length}`;
        return { status: 206, raw: body.subarray(range.start, range.end + 1), contentType: "text/plain; charset=utf-8" };
      }
      return { status: 200, raw: body, contentType: "text/plain; charset=utf-8" };
    },
  },
];
