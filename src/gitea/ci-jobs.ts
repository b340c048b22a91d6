/**
 * From what a status link gives (a run number and a job index) to the job id
 * the API takes (Gitea ≥ 1.25), with only the calls the token may make, all
 * under this repository:
 *
 * 1. the repository's run list filtered by commit (`GET …/actions/runs?head_sha=`):
 *    one call, but only for the repository owner or a site admin (the job token
 *    gets 403);
 * 2. otherwise a bounded search of run ids with `GET …/actions/runs/{id}` (which
 *    the job token may read), starting from this run's own id and number: run
 *    ids grow across the whole server and run numbers within the repository,
 *    so run N's id is at most `this id − (this number − N)`; a run of this
 *    repository found on the way moves that bound by its own number, other
 *    ids answer 404. At most MAX_PROBES lookups per tool call, for at most MAX_RUNS runs.
 *
 * A run found for a status must be for the same commit as the status: a run
 * number of an older head of the pull request is never taken for the current one.
 */
import type { CiApi } from "./ci-api";
import type { GiteaWorkflowJob, GiteaWorkflowRun } from "./types";

/** This workflow run: GITHUB_RUN_ID (the run's id) and GITHUB_RUN_NUMBER. */
export type RunRef = { id: number; number: number };

/** Lookups of `GET …/actions/runs/{id}` one tool call may make (all its searches together). */
export const MAX_PROBES = 100;
/** Ids looked up at once while searching. */
export const PROBE_WINDOW = 10;
/** Runs one tool call resolves at most (statuses can name any run number: a writer can post them). */
export const MAX_RUNS = 10;

export type JobLookup =
  | { ok: true; job: GiteaWorkflowJob; run: GiteaWorkflowRun; how: string }
  | { ok: false; reason: string };

const jobIndexOf = (job: GiteaWorkflowJob): number | undefined => {
  const m = /\/jobs\/(\d+)\/?$/.exec(job.html_url ?? "");
  return m ? Number(m[1]) : undefined;
};

/** Resolves run numbers and job indexes; remembers what it read, for one tool call. */
export class JobResolver {
  private listed: Promise<GiteaWorkflowRun[] | undefined> | undefined;
  private readonly runs = new Map<number, Promise<{ run?: GiteaWorkflowRun; how: string; reason?: string }>>();
  private readonly jobs = new Map<number, Promise<GiteaWorkflowJob[]>>();
  private probesLeft = MAX_PROBES;

  constructor(
    private readonly api: CiApi,
    private readonly o: { current?: RunRef; headSha?: string; runsUseIds?: boolean; known?: readonly RunRef[] },
  ) {}

  /** The job `jobIndex` of run `run` (a run number, or a run id on Gitea ≥ 1.26), for commit `sha` when given; never throws. */
  async job(run: number, jobIndex: number, sha?: string): Promise<JobLookup> {
    try {
      return await this.lookup(run, jobIndex, sha);
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  private async lookup(run: number, jobIndex: number, sha?: string): Promise<JobLookup> {
    let found = this.runs.get(run);
    if (!found) {
      if (this.runs.size >= MAX_RUNS) return { ok: false, reason: `not looked up: more than ${MAX_RUNS} runs are named` };
      found = this.findRun(run);
      this.runs.set(run, found);
    }
    const r = await found;
    if (!r.run) return { ok: false, reason: r.reason ?? `run ${run} was not found` };
    if (sha && r.run.head_sha && r.run.head_sha !== sha) {
      return { ok: false, reason: `run ${run} is for commit ${r.run.head_sha.slice(0, 12)}, not ${sha.slice(0, 12)}` };
    }
    let jobs = this.jobs.get(r.run.id);
    if (!jobs) {
      jobs = this.api.runJobs(r.run.id);
      this.jobs.set(r.run.id, jobs);
    }
    const list = await jobs;
    const byLink = list.find((j) => jobIndexOf(j) === jobIndex);
    // Gitea numbers a run's jobs by their position in id order.
    const job = byLink ?? (list.every((j) => jobIndexOf(j) === undefined) ? [...list].sort((a, b) => a.id - b.id)[jobIndex] : undefined);
    if (!job) return { ok: false, reason: `run ${run} has no job ${jobIndex}` };
    return { ok: true, job, run: r.run, how: r.how };
  }

  private async findRun(run: number): Promise<{ run?: GiteaWorkflowRun; how: string; reason?: string }> {
    // A run the event named (a workflow_run payload gives the failed run's id).
    const known = this.o.known?.find((k) => k.number === run);
    if (known) {
      const r = await this.api.workflowRun(known.id);
      if (r && r.run_number === run) return { run: r, how: "the event" };
    }
    if (this.o.runsUseIds) {
      // Gitea ≥ 1.26 links runs by id; statuses written before an upgrade still carry numbers.
      const byId = await this.api.workflowRun(run);
      if (byId && new RegExp(`/actions/runs/${run}/?$`).test(byId.html_url ?? "")) return { run: byId, how: "the run id in the status link" };
    }
    if (this.o.headSha) {
      this.listed ??= this.api.workflowRuns({ head_sha: this.o.headSha });
      const listed = await this.listed;
      if (listed) {
        const hit = listed.find((r) => r.run_number === run);
        if (hit) return { run: hit, how: "the repository's run list" };
      }
    }
    return this.search(run);
  }

  /** The bounded search of run ids (see the file comment). */
  private async search(number: number): Promise<{ run?: GiteaWorkflowRun; how: string; reason?: string }> {
    const cur = this.o.current;
    const how = "a search of run ids";
    if (!cur) {
      return { how, reason: "this run's id and number are unknown, and the token may not list the repository's runs (a repository owner's or site admin's token may)" };
    }
    if (number === cur.number) {
      const own = await this.api.workflowRun(cur.id);
      return own ? { run: own, how } : { how, reason: `this run (id ${cur.id}) was not found` };
    }
    const down = number < cur.number;
    let id = down ? cur.id - (cur.number - number) : cur.id + (number - cur.number);
    while (this.probesLeft > 0 && id > 0) {
      // A window of ids at once, walking away from this run.
      const ids: number[] = [];
      for (let k = 0; k < PROBE_WINDOW && this.probesLeft > 0 && (down ? id - k : id + k) > 0; k++, this.probesLeft--) ids.push(down ? id - k : id + k);
      const hits = (await Promise.all(ids.map((i) => this.api.workflowRun(i)))).filter((r): r is GiteaWorkflowRun => r !== undefined);
      const exact = hits.find((r) => r.run_number === number);
      if (exact) return { run: exact, how };
      // Past the target: it is not there (or ids and numbers do not grow together here).
      if (hits.some((r) => (down ? r.run_number < number : r.run_number > number))) break;
      const last = ids[ids.length - 1]!;
      // Ids and numbers grow together: a run found on the way moves the bound by the numbers between them.
      const bounds = hits.map((r) => r.id + (number - r.run_number));
      id = down ? Math.min(last - 1, ...bounds) : Math.max(last + 1, ...bounds);
    }
    return { how, reason: `run number ${number} was not found within ${MAX_PROBES} run-id lookups in all (a repository owner's or site admin's token lists runs directly)` };
  }
}
