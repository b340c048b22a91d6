/**
 * The Gitea calls the CI tools make, on top of the one client (its routes,
 * retries and errors), scoped to the client's repository: commit statuses
 * (every version), and Gitea Actions runs, jobs and logs (routes.ts names the
 * version that added each). Every list is read a bounded number of pages.
 */
import { PAGE_LIMIT, type GiteaClient } from "./client";
import type { GiteaBranch, GiteaCombinedStatus, GiteaCommitStatus, GiteaPullRequest, GiteaWorkflowJob, GiteaWorkflowRun } from "./types";

export type LogTailRead = { text: string; fromStart: boolean; totalBytes?: number } | { missing: 404 | 500 };

/** What the CI tools need from Gitea (the real implementation below; a fake in unit tests). */
export interface CiApi {
  version(): Promise<string>;
  pull(index: number): Promise<GiteaPullRequest>;
  branch(name: string): Promise<GiteaBranch | undefined>;
  combinedStatus(sha: string): Promise<{ state: string; statuses: GiteaCommitStatus[]; truncated: boolean }>;
  /** undefined when the token may not list runs (403: only the owner or a site admin may; 404: no list). */
  workflowRuns(query: { head_sha?: string }): Promise<GiteaWorkflowRun[] | undefined>;
  workflowRun(id: number): Promise<GiteaWorkflowRun | undefined>;
  runJobs(runId: number): Promise<GiteaWorkflowJob[]>;
  workflowJob(id: number): Promise<GiteaWorkflowJob | undefined>;
  jobLogTail(id: number, tailBytes: number): Promise<LogTailRead>;
}

type Paged<K extends string, T> = { total_count?: number } & { [key in K]?: T[] | null };

export class GiteaCiApi implements CiApi {
  private versionP: Promise<string> | undefined;

  constructor(
    private readonly client: Pick<GiteaClient, "call" | "version" | "pull" | "branch">,
    private readonly maxPages = 10,
  ) {}

  /** Asked once per server (GET /version). */
  version(): Promise<string> {
    this.versionP ??= this.client.version().catch((error: unknown) => {
      this.versionP = undefined;
      throw error;
    });
    return this.versionP;
  }

  pull(index: number): Promise<GiteaPullRequest> {
    return this.client.pull(index);
  }

  branch(name: string): Promise<GiteaBranch | undefined> {
    return this.client.branch(name);
  }

  /** The latest status of each context (GET …/commits/{sha}/status), every page up to the cap. */
  async combinedStatus(sha: string): Promise<{ state: string; statuses: GiteaCommitStatus[]; truncated: boolean }> {
    const statuses: GiteaCommitStatus[] = [];
    let state = "";
    let total: number | undefined;
    for (let page = 1; page <= this.maxPages; page++) {
      const res = await this.client.call<GiteaCombinedStatus>("combinedStatus", { ref: sha }, { query: { page, limit: PAGE_LIMIT } });
      const got = res.data?.statuses ?? [];
      if (page === 1) {
        state = res.data?.state ?? "";
        const header = res.headers.get("x-total-count");
        total = header !== null && header !== "" && Number.isFinite(Number(header)) ? Number(header) : undefined;
      }
      statuses.push(...got);
      const more = got.length > 0 && (total !== undefined ? statuses.length < total : got.length >= PAGE_LIMIT);
      if (!more) return { state, statuses, truncated: false };
    }
    return { state, statuses, truncated: true };
  }

  async workflowRuns(query: { head_sha?: string }): Promise<GiteaWorkflowRun[] | undefined> {
    // 403: not the owner or a site admin; 404: no such list here (Actions off for the repository).
    return this.pages<"workflow_runs", GiteaWorkflowRun>("actionRuns", {}, "workflow_runs", query, [403, 404]);
  }

  async workflowRun(id: number): Promise<GiteaWorkflowRun | undefined> {
    const res = await this.client.call<GiteaWorkflowRun>("actionRun", { run: id }, { accept: [404] });
    return res.status === 404 ? undefined : res.data;
  }

  async runJobs(runId: number): Promise<GiteaWorkflowJob[]> {
    return (await this.pages<"jobs", GiteaWorkflowJob>("actionRunJobs", { run: runId }, "jobs", {}, [])) ?? [];
  }

  async workflowJob(id: number): Promise<GiteaWorkflowJob | undefined> {
    const res = await this.client.call<GiteaWorkflowJob>("actionJob", { job_id: id }, { accept: [404] });
    return res.status === 404 ? undefined : res.data;
  }

  /**
   * The last `tailBytes` bytes of a job's log (`Range: bytes=-N`). 404: not a
   * job of this repository, not started, or its logs were cleaned up; 500: what
   * Gitea answers for a job id that does not exist at all (so it is an answer
   * here, not retried).
   */
  async jobLogTail(id: number, tailBytes: number): Promise<LogTailRead> {
    const res = await this.client.call<string>("actionJobLogs", { job_id: id }, { raw: true, headers: { range: `bytes=-${tailBytes}` }, accept: [404, 416, 500] });
    if (res.status === 404 || res.status === 500) return { missing: res.status };
    if (res.status === 416) return { text: "", fromStart: true, totalBytes: 0 };
    const text = res.data ?? "";
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
    if (res.status === 206 && range) {
      return { text, fromStart: Number(range[1]) === 0, ...(range[3] !== "*" ? { totalBytes: Number(range[3]) } : {}) };
    }
    // The whole log (the range was ignored): keep its end.
    const bytes = Buffer.from(text, "utf8");
    if (bytes.length <= tailBytes) return { text, fromStart: true, totalBytes: bytes.length };
    return { text: bytes.subarray(bytes.length - tailBytes).toString("utf8"), fromStart: false, totalBytes: bytes.length };
  }

  /** `{total_count, <key>: [...]}` lists, a bounded number of pages; undefined when a status in `refused` answered. */
  private async pages<K extends string, T>(
    route: "actionRuns" | "actionRunJobs",
    params: Record<string, string | number>,
    key: K,
    query: Record<string, string | undefined>,
    refused: number[],
  ): Promise<T[] | undefined> {
    const items: T[] = [];
    for (let page = 1; page <= this.maxPages; page++) {
      const res = await this.client.call<Paged<K, T>>(route, params, { query: { ...query, page, limit: PAGE_LIMIT }, accept: refused });
      if (refused.includes(res.status)) return undefined;
      const got = (res.data?.[key] as T[] | null | undefined) ?? [];
      items.push(...got);
      const total = res.data?.total_count;
      if (got.length === 0 || (typeof total === "number" ? items.length >= total : got.length < PAGE_LIMIT)) break;
    }
    return items;
  }
}
