/**
 * Gitea Actions' CI records, as Gitea keeps them (read from its source at
 * 1.22.6–1.25.4, services/actions/commit_status.go, models/actions,
 * routers/common/actions.go): workflow runs, their jobs, the tasks that ran
 * them (with the log), and the commit statuses the jobs wrote.
 *
 * Ids are Gitea's: a run's id is server-wide (shared with every other run,
 * dispatch runs included) and its number counts within the repository; job
 * ids and task ids are server-wide sequences of their own, and a job's index
 * is its position in its run. `otherActivity` burns ids the way other
 * repositories' CI does on a real server, so that in a test no two of
 * them coincide by accident.
 *
 * Held per emulator (a WeakMap on its Core), seeded through `ciOf(gitea)`.
 */
import type { Core } from "./core";
import type { GiteaEmulator } from "./index";
import { isoNow, repoKey, type Run } from "./store";

/** A job's status as Gitea stores it (models/actions/status.go). */
export type JobStatus = "waiting" | "blocked" | "running" | "success" | "failure" | "cancelled" | "skipped";

export interface CiJob {
  id: number;
  runId: number;
  /** repo key */
  repo: string;
  name: string;
  status: JobStatus;
  /** 0 until a runner picked the job up (then the task's id). */
  taskId: number;
  labels: string[];
  created: string;
  started: string | null;
  stopped: string | null;
}

export interface CiTask {
  id: number;
  jobId: number;
  repo: string;
  /** The stored log: one `<time> <text>` line per log line. */
  log: string;
  logExpired: boolean;
}

export interface CiStatus {
  /** per repository and commit, from 1 (the API's `id`) */
  index: number;
  repo: string;
  sha: string;
  state: "pending" | "success" | "error" | "failure" | "warning" | "skipped";
  targetUrl: string;
  description: string;
  context: string;
  /** login; null for the Actions user (Gitea renders no creator for it) */
  creator: string | null;
  created: string;
}

export interface CiRun {
  runId: number;
  /** the workflow's `name:` (statuses use it), else its file name */
  workflowName: string;
  /** the run's ref (refs/heads/…, refs/pull/N/head, refs/tags/…) */
  ref: string;
  jobIds: number[];
}

class CiState {
  jobs = new Map<number, CiJob>();
  tasks = new Map<number, CiTask>();
  statuses: CiStatus[] = [];
  runs = new Map<number, CiRun>();
  private nextJob = 1;
  private nextTask = 1;
  jobId(): number {
    return this.nextJob++;
  }
  taskId(): number {
    return this.nextTask++;
  }
  burn(o: { jobs?: number; tasks?: number }): void {
    this.nextJob += o.jobs ?? 0;
    this.nextTask += o.tasks ?? 0;
  }
}

const STATES = new WeakMap<Core, CiState>();

export function ciState(core: Core): CiState {
  let s = STATES.get(core);
  if (!s) {
    s = new CiState();
    STATES.set(core, s);
  }
  return s;
}

/** Gitea's log time format: RFC 3339 with 7 decimals, UTC. */
export function logTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/** A job's status as the API reports it (convert.ToActionsStatus). */
export function apiJobStatus(status: JobStatus): { status: string; conclusion: string } {
  switch (status) {
    case "waiting":
      return { status: "queued", conclusion: "" };
    case "blocked":
      return { status: "waiting", conclusion: "" };
    case "running":
      return { status: "in_progress", conclusion: "" };
    default:
      return { status: "completed", conclusion: status };
  }
}

/** The state a job's status writes (services/actions/commit_status.go toCommitStatus; 1.22 reports skipped as success). */
function commitState(status: JobStatus, core: Core): CiStatus["state"] {
  switch (status) {
    case "success":
      return "success";
    case "skipped":
      return versionAtLeast(core.version, "1.23") ? "skipped" : "success";
    case "failure":
    case "cancelled":
      return "failure";
    default:
      return "pending";
  }
}

function describe(status: JobStatus, seconds: number): string {
  switch (status) {
    case "success":
      return `Successful in ${seconds}s`;
    case "failure":
      return `Failing after ${seconds}s`;
    case "cancelled":
      return "Has been cancelled";
    case "skipped":
      return "Has been skipped";
    case "running":
      return "Has started running";
    case "waiting":
      return "Waiting to run";
    case "blocked":
      return "Blocked by required conditions";
  }
}

function versionAtLeast(version: string, min: string): boolean {
  const m = /\+gitea-(\d[\w.]*)/.exec(version);
  const [a = 0, b = 0] = (m ? m[1]! : version).replace(/^v/, "").split(".").map((x) => Number.parseInt(x, 10) || 0);
  const [c = 0, d = 0] = min.split(".").map(Number);
  return a > c || (a === c && b >= d);
}

/** The event name a status context carries, or undefined when Gitea writes no status for the run's event. */
function statusEvent(hookEvent: string, core: Core, target: boolean): string | undefined {
  if (hookEvent === "push") return "push";
  if (hookEvent === "release") return "release";
  const prEvents = versionAtLeast(core.version, "1.23")
    ? ["pull_request", "pull_request_sync", "pull_request_assign", "pull_request_label", "pull_request_review_request", "pull_request_milestone"]
    : ["pull_request", "pull_request_sync"];
  if (prEvents.includes(hookEvent)) return target ? "pull_request_target" : "pull_request";
  return undefined;
}

export type JobSeed = {
  name: string;
  status: JobStatus;
  /** The log's lines (without timestamps); a job that ran gets a task, whose log this is. */
  log?: string[];
  /** Seconds the job ran (its status description). */
  seconds?: number;
};

/** Seeding and inspection of the CI records of an emulator. */
export class CiEmulator {
  constructor(private readonly core: Core) {}

  private get state(): CiState {
    return ciState(this.core);
  }

  /** Ids other repositories' CI took meanwhile (a real server is busy): runs, jobs, tasks. */
  otherActivity(o: { runs?: number; jobs?: number; tasks?: number }): void {
    for (let i = 0; i < (o.runs ?? 0); i++) this.core.store.nextId("run");
    this.state.burn(o);
  }

  /**
   * A workflow run that ran to the jobs' statuses: the run, its jobs (in
   * order: job index = position), a task per job that started (with its
   * log), and, for push / pull request / release runs, the commit statuses
   * each job wrote as it went (pending when queued, then its final state).
   */
  addWorkflowRun(
    repo: string,
    o: {
      /** workflow file, e.g. "ci.yml" */
      workflow: string;
      /** the workflow's `name:` (default: the file name) */
      name?: string;
      /** the hook event: push, pull_request, pull_request_sync, release, workflow_dispatch, … */
      event: string;
      /** pull_request_target workflows (statuses say so) */
      target?: boolean;
      headSha: string;
      ref: string;
      actor: string;
      jobs: JobSeed[];
      title?: string;
    },
  ): { run: Run; jobs: CiJob[]; tasks: CiTask[] } {
    const core = this.core;
    const r = core.store.repo(repo);
    const key = repoKey(r.fullName);
    const finished = o.jobs.every((j) => !["waiting", "blocked", "running"].includes(j.status));
    const failed = o.jobs.some((j) => j.status === "failure");
    const cancelled = o.jobs.some((j) => j.status === "cancelled");
    const now = isoNow();
    const run = {
      id: core.store.nextId("run"),
      run_number: r.nextRunNumber++,
      repo: key,
      workflow: o.workflow,
      event: o.event,
      status: finished ? "completed" : o.jobs.some((j) => j.status === "running") ? "in_progress" : "queued",
      conclusion: finished ? (failed ? "failure" : cancelled ? "cancelled" : "success") : null,
      head_branch: o.ref.startsWith("refs/heads/") ? o.ref.slice("refs/heads/".length) : "",
      ref: o.ref,
      head_sha: o.headSha,
      actor: core.store.user(o.actor).login,
      display_title: o.title ?? o.workflow,
      created_at: now,
    } as Run;
    core.store.runs.set(run.id, run);
    const ci: CiRun = { runId: run.id, workflowName: o.name ?? o.workflow, ref: o.ref, jobIds: [] };
    this.state.runs.set(run.id, ci);

    const jobs: CiJob[] = [];
    const tasks: CiTask[] = [];
    const start = Date.now();
    for (const seed of o.jobs) {
      const ran = !["waiting", "blocked", "skipped"].includes(seed.status) || seed.log !== undefined;
      const job: CiJob = {
        id: this.state.jobId(),
        runId: run.id,
        repo: key,
        name: seed.name,
        status: seed.status,
        taskId: 0,
        labels: ["ubuntu-latest"],
        created: now,
        started: ran ? now : null,
        stopped: ran && !["running"].includes(seed.status) ? now : null,
      };
      if (ran) {
        const task: CiTask = {
          id: this.state.taskId(),
          jobId: job.id,
          repo: key,
          log: (seed.log ?? []).map((line, i) => `${logTime(new Date(start + i * 10))} ${line.replace(/\n/g, "\\n")}\n`).join(""),
          logExpired: false,
        };
        job.taskId = task.id;
        this.state.tasks.set(task.id, task);
        tasks.push(task);
      }
      this.state.jobs.set(job.id, job);
      ci.jobIds.push(job.id);
      jobs.push(job);
    }
    // Statuses: each job wrote "Waiting to run" (pending) when the run was created, then its latest state.
    const event = statusEvent(o.event, core, o.target === true);
    if (event) {
      const sub = new URL(core.publicUrl).pathname.replace(/\/+$/, "");
      jobs.forEach((job, index) => {
        const context = `${ci.workflowName} / ${job.name} (${event})`;
        const targetUrl = `${sub}/${r.owner}/${r.name}/actions/runs/${run.run_number}/jobs/${index}`;
        this.addStatus(repo, o.headSha, { state: "pending", context, description: describe("waiting", 0), targetUrl, creator: null });
        // A status with the same state as the context's latest is not written again (running stays "Waiting to run").
        const state = commitState(job.status, core);
        if (state !== "pending") this.addStatus(repo, o.headSha, { state, context, description: describe(job.status, o.jobs[index]!.seconds ?? 12), targetUrl, creator: null });
      });
    }
    return { run, jobs, tasks };
  }

  /** A commit status written by someone (another CI through the API, or Gitea Actions above). */
  addStatus(repo: string, sha: string, s: { state: CiStatus["state"]; context: string; description?: string; targetUrl?: string; creator: string | null }): CiStatus {
    const key = repoKey(this.core.store.repo(repo).fullName);
    const index = this.state.statuses.filter((x) => x.repo === key && x.sha === sha).length + 1;
    const status: CiStatus = {
      index,
      repo: key,
      sha,
      state: s.state,
      targetUrl: s.targetUrl ?? "",
      description: s.description ?? "",
      context: s.context,
      creator: s.creator,
      created: isoNow(),
    };
    this.state.statuses.push(status);
    return status;
  }

  /** The logs of a job's task were cleaned up (Gitea's log retention). */
  expireLog(jobId: number): void {
    const job = this.state.jobs.get(jobId);
    const task = job && this.state.tasks.get(job.taskId);
    if (task) task.logExpired = true;
  }

  job(id: number): CiJob | undefined {
    return this.state.jobs.get(id);
  }
}

export function ciOf(gitea: GiteaEmulator | Core): CiEmulator {
  return new CiEmulator("core" in gitea ? gitea.core : gitea);
}

/**
 * workflow_run (Gitea ≥ 1.25, services/actions/notifier.go WorkflowRunStatusUpdate):
 * `{action, workflow, workflow_run, repository, sender}`; no pull_request (the
 * field exists but the notifier never sets it), the run's `head_branch` is
 * empty for a pull request's `refs/pull/N/head`, `repository.permissions` are
 * the owner's, and the sender is the run's trigger user.
 */
export async function workflowRunPayload(gitea: GiteaEmulator | Core, runId: number): Promise<Record<string, unknown>> {
  const core = "core" in gitea ? gitea.core : gitea;
  if (!versionAtLeast(core.version, "1.25")) throw new Error(`Gitea ${core.version} sends no workflow_run events (1.25 does)`);
  const { runJson } = await import("./routes/ci");
  const { apiRepo, apiUserByLogin } = await import("./convert");
  const run = core.store.runs.get(runId);
  if (!run) throw new Error(`run ${runId} does not exist`);
  const repo = [...core.store.repos.values()].find((r) => repoKey(r.fullName) === run.repo)!;
  const ci = ciState(core).runs.get(runId);
  const html = core.repoHtml(repo);
  return {
    action: run.status === "completed" ? "completed" : run.status === "in_progress" ? "in_progress" : "requested",
    workflow: {
      id: run.workflow,
      name: ci?.workflowName ?? run.workflow,
      path: `.gitea/workflows/${run.workflow}`,
      state: "active",
      created_at: run.created_at,
      updated_at: run.created_at,
      url: `${core.repoApi(repo)}/actions/workflows/${run.workflow}`,
      html_url: `${html}/src/branch/${repo.defaultBranch}/.gitea/workflows/${run.workflow}`,
      badge_url: `${html}/actions/workflows/${run.workflow}/badge.svg?branch=${repo.defaultBranch}`,
    },
    workflow_run: runJson(core, repo, run),
    repository: apiRepo(core, repo, "owner", null),
    sender: apiUserByLogin(core, run.actor, null),
  };
}
