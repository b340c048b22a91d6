/**
 * CI facts read from Gitea, as pure functions: which Gitea version has which
 * Actions route, what a status written by Gitea Actions says (its context and
 * link), and the end of a job log made readable.
 *
 * From Gitea's source (services/actions/commit_status.go, 1.22–1.25): a job of
 * a push, pull request or release run writes a status on the commit with the
 * context `"<workflow name> / <job name> (<event>)"`, the relative link
 * `<sub-path>/{owner}/{repo}/actions/runs/{run}/jobs/{job index}` and no creator
 * (the Actions user has none). `{run}` is the run NUMBER up to 1.25 (the run id
 * from 1.26); the job index is the job's position in its run. The API's `{run}`
 * and `{job_id}` are database ids, which neither the status nor the link gives.
 * Logs (routers/common/actions.go) come whole as text/plain, one
 * `<RFC 3339 time with 7 decimals> <text>` line per log line; `Range` works.
 */
import { stripInvisible } from "../text/sanitize";

/** The Gitea version that added each Actions route the CI tools use. */
export const CI_SINCE = { logs: "1.24", lookups: "1.25" } as const;

/** The Gitea version whose API a server has: Forgejo reports `11.0.1+gitea-1.22.0`. */
export function giteaApiVersion(version: string): string {
  const compat = /\+gitea-(\d[\w.]*)/.exec(version);
  return compat ? compat[1]! : version.replace(/^v/, "");
}

/** Is the server's API at least `min` ("1.24")? Unknown versions are not. */
export function apiAtLeast(version: string | undefined, min: string): boolean {
  if (!version) return false;
  const [a = 0, b = 0] = giteaApiVersion(version).split(".").map((x) => Number.parseInt(x, 10) || 0);
  const [c = 0, d = 0] = min.split(".").map(Number);
  return a > c || (a === c && b >= d);
}

export type ActionsStatus = {
  workflow: string;
  job: string;
  event: string;
  /** The `{run}` of the link: the run number up to Gitea 1.25, the run id from 1.26. */
  run: number;
  jobIndex: number;
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The workflow, job, event, run and job index of a status Gitea Actions wrote
 * for a job of this repository; undefined for any other status (another CI,
 * another repository's link, a hand-made context).
 */
export function parseActionsStatus(status: { context: string; target_url?: string }, repository: string): ActionsStatus | undefined {
  const [owner, repo] = repository.split("/") as [string, string];
  let path = status.target_url ?? "";
  try {
    if (/^https?:\/\//i.test(path)) path = new URL(path).pathname;
  } catch {
    return undefined;
  }
  const link = new RegExp(`(?:^|/)${escapeRegExp(owner)}/${escapeRegExp(repo)}/actions/runs/(\\d+)/jobs/(\\d+)/?$`, "i").exec(path);
  if (!link) return undefined;
  // The event is the last parenthesised word; the workflow name is everything before the last " / ".
  const ctx = /^(.*) \/ (.*) \(([a-z_]+)\)$/s.exec(status.context.trim());
  if (!ctx) return undefined;
  return { workflow: ctx[1]!, job: ctx[2]!, event: ctx[3]!, run: Number(link[1]), jobIndex: Number(link[2]) };
}

/** A status link as a reader opens it: Gitea Actions writes it relative to the server. */
export function absoluteLink(targetUrl: string | undefined, publicUrl: string | undefined): string | undefined {
  const raw = stripInvisible(targetUrl ?? "").trim();
  if (!raw) return undefined;
  try {
    const url = publicUrl ? new URL(raw, `${publicUrl.replace(/\/+$/, "")}/`) : new URL(raw);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return raw.startsWith("/") ? raw : undefined;
  }
}

/** Failed, as a reader of the pull request sees it (Gitea shows error and failure alike). */
export const isFailedState = (state: string) => state === "failure" || state === "error";

const LOG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}) /;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

export type LogTail = {
  /** The kept lines, oldest first. */
  lines: string[];
  /** Lines before the kept ones were left out (by the line count, the size cap, or because only the log's end was read). */
  truncated: boolean;
};

/**
 * The end of a job log as a person reads it: without the partial first line
 * of a ranged read, without timestamps, colour codes, control and invisible
 * characters; at most `tailLines` lines and `maxChars` characters, keeping the
 * last ones (where a failing step's error is).
 */
export function logTail(text: string, o: { fromStart: boolean; tailLines: number; maxChars: number }): LogTail {
  let lines = text.split("\n");
  let truncated = !o.fromStart;
  if (!o.fromStart) lines = lines.slice(1);
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  lines = lines.map((line) => stripInvisible(line.replace(/\r$/, "").replace(LOG_TIMESTAMP, "").replace(ANSI, "").replace(CONTROL, "")));
  if (lines.length > o.tailLines) {
    lines = lines.slice(-o.tailLines);
    truncated = true;
  }
  let size = 0;
  let keep = lines.length;
  while (keep > 0 && size + lines[keep - 1]!.length + 1 <= o.maxChars) {
    size += lines[keep - 1]!.length + 1;
    keep--;
  }
  if (keep > 0) {
    truncated = true;
    const kept = lines.slice(keep);
    // Not even the last line fits: keep its end.
    if (!kept.length) return { lines: [`…${lines[lines.length - 1]!.slice(-(o.maxChars - 1))}`], truncated };
    lines = kept;
  }
  return { lines, truncated };
}
