/**
 * git in the workspace, always as argv arrays spawned asynchronously. Push
 * authentication is an http.extraheader in the repository's local config (as
 * actions/checkout does), so the token never appears in a URL, an argument or
 * a log; finish restores what was there before.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";

export type CommandResult = { code: number; stdout: string; stderr: string };

export interface CommandRunner {
  run(command: string, args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<CommandResult>;
}

export const spawnRunner: CommandRunner = {
  run(command, args, { cwd, env }) {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  },
};

export class GitError extends Error {
  constructor(args: string[], result: CommandResult) {
    super(`git ${args.join(" ")} failed (exit ${result.code}): ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
    this.name = "GitError";
  }
}

/** A failure of the server or the connection (not of the request), worth another try. */
export const TRANSIENT_GIT_ERROR =
  /returned error: (408|429|5\d\d)|Empty reply from server|Operation too slow|Operation timed out|Connection reset|Recv failure|Failed to connect|RPC failed|early EOF|remote end hung up unexpectedly/i;

/** Attempts (including the first) for `git fetch`, which only reads; the delay doubles each time. */
export type GitRetry = { attempts: number; baseDelayMs: number };

/**
 * Without these, git waits forever on a server that stopped answering; the
 * runner's own values (GIT_HTTP_LOW_SPEED_*) win.
 */
export const GIT_STALL_ENV = { GIT_HTTP_LOW_SPEED_LIMIT: "1000", GIT_HTTP_LOW_SPEED_TIME: "60" } as const;

export class Git {
  constructor(
    private readonly runner: CommandRunner,
    readonly cwd: string,
    private readonly env: Record<string, string | undefined> = { ...process.env, GIT_TERMINAL_PROMPT: "0" },
    private readonly retry: GitRetry = { attempts: 3, baseDelayMs: 1000 },
  ) {}

  async run(args: string[]): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.runner.run("git", args, { cwd: this.cwd, env: this.env });
      if (result.code === 0) return result.stdout.trim();
      const retryable = args[0] === "fetch" && TRANSIENT_GIT_ERROR.test(result.stderr) && attempt < this.retry.attempts;
      if (!retryable) throw new GitError(args, result);
      await new Promise((resolve) => setTimeout(resolve, this.retry.baseDelayMs * 2 ** (attempt - 1)));
    }
  }

  async tryRun(args: string[]): Promise<CommandResult> {
    return this.runner.run("git", args, { cwd: this.cwd, env: this.env });
  }
}

/** `http.<scheme>://<host>/.extraheader` for the remote's server. */
export function authConfigKey(remoteUrl: string): string {
  const url = new URL(remoteUrl);
  return `http.${url.protocol}//${url.host}/.extraheader`;
}

export function authHeaderValue(token: string): string {
  return `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
}

/**
 * Where the header that was there before (actions/checkout's, with the job
 * token) waits while ours is in place: in the same local config, so no copy
 * of it is written anywhere else.
 */
export const SAVED_HEADER_KEY = "claude-code-gitea.saved-extraheader";

/** The config key prepare set; finish passes it back to restoreGitAuth. */
export type GitAuth = { key: string };

/** Sets identity and push auth; returns what finish needs to undo the auth. */
export async function configureGit(
  git: Git,
  options: { name: string; email: string; token: string },
): Promise<GitAuth | undefined> {
  await git.run(["config", "--local", "user.name", options.name]);
  await git.run(["config", "--local", "user.email", options.email]);
  const remote = (await git.tryRun(["remote", "get-url", "origin"])).stdout.trim();
  if (!/^https?:\/\//.test(remote) || !options.token) return undefined;
  const key = authConfigKey(remote);
  const existing = await git.tryRun(["config", "--local", "--get-all", key]);
  const alreadySaved = (await git.tryRun(["config", "--local", "--get-all", SAVED_HEADER_KEY])).code === 0;
  if (existing.code === 0 && !alreadySaved) {
    for (const value of existing.stdout.split("\n").filter(Boolean)) {
      await git.run(["config", "--local", "--add", SAVED_HEADER_KEY, value]);
    }
  }
  await git.tryRun(["config", "--local", "--unset-all", key]);
  await git.run(["config", "--local", key, authHeaderValue(options.token)]);
  return { key };
}

/** Removes our header and puts back the one that was there before, if any. */
export async function restoreGitAuth(git: Git, auth: GitAuth): Promise<void> {
  await git.tryRun(["config", "--local", "--unset-all", auth.key]);
  const saved = await git.tryRun(["config", "--local", "--get-all", SAVED_HEADER_KEY]);
  if (saved.code !== 0) return;
  for (const value of saved.stdout.split("\n").filter(Boolean)) await git.run(["config", "--local", "--add", auth.key, value]);
  await git.tryRun(["config", "--local", "--unset-all", SAVED_HEADER_KEY]);
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * What makes a branch name this run's own: `r<run id>` (`.<attempt>` for a
 * re-run), or random hex when the runner gives no run id. Two runs on one
 * issue at the same minute then still get two branches.
 */
export function runTag(runId: string, attempt: string, random: () => string = () => randomBytes(3).toString("hex")): string {
  const id = runId.trim().replace(/[^0-9A-Za-z]/g, "");
  if (!id) return random();
  const a = attempt.trim().replace(/[^0-9]/g, "");
  return a && a !== "1" && a !== "0" ? `r${id}.${a}` : `r${id}`;
}

/** `<prefix><kind>-<n>-YYYYMMDD-HHMM[-<tag>]` (UTC), e.g. claude/issue-12-20260101-1200-r4242. */
export function workBranchName(prefix: string, kind: "issue" | "pr" | "task", n: number | string | undefined, now: Date, tag?: string): string {
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}`;
  const slug = n === undefined ? "" : String(n).toLowerCase().replace(/[^a-z0-9._-]+|\.{2,}/g, "-").replace(/^-+|-+$/g, "");
  // A correlation id like "task-7f3a" must not give "task-task-7f3a".
  const trimmed = slug.startsWith(`${kind}-`) ? slug.slice(kind.length + 1) : slug;
  const id = trimmed ? `-${trimmed.slice(0, 40).replace(/[-.]+$/, "")}` : "";
  return `${prefix}${kind}${id}-${stamp}${tag ? `-${tag}` : ""}`;
}

export type WorkBranch = {
  name: string;
  base: string;
  startSha: string;
  isNew: boolean;
  pushable: boolean;
  /**
   * A branch name no other run uses: where this run's commits go when `name`
   * moved on under it (another run pushed first) and they cannot go there.
   */
  fallback?: string;
};

/** Checks out an open same-repository PR's head branch (pushes go back to it). */
export async function checkoutPullBranch(git: Git, headRef: string, baseRef: string): Promise<WorkBranch> {
  await git.run(["fetch", "--no-tags", "origin", `+refs/heads/${headRef}:refs/remotes/origin/${headRef}`]);
  await git.run(["checkout", "-B", headRef, `refs/remotes/origin/${headRef}`]);
  await git.tryRun(["branch", `--set-upstream-to=origin/${headRef}`, headRef]);
  const startSha = await git.run(["rev-parse", "HEAD"]);
  return { name: headRef, base: baseRef, startSha, isNew: false, pushable: true };
}

/**
 * A new branch for this run from `from` (a branch of origin, or a PR ref such
 * as refs/pull/7/head for a fork's PR). Nothing is pushed: Claude's first push
 * creates it, and finish deletes it if it ends up with no commits.
 */
export async function createWorkBranch(git: Git, name: string, from: { ref: string; base: string }): Promise<WorkBranch> {
  const tracking = from.ref.startsWith("refs/") ? `refs/remotes/origin/claude-base/${name}` : `refs/remotes/origin/${from.ref}`;
  const source = from.ref.startsWith("refs/") ? from.ref : `refs/heads/${from.ref}`;
  await git.run(["fetch", "--no-tags", "origin", `+${source}:${tracking}`]);
  await git.run(["checkout", "-B", name, tracking]);
  const startSha = await git.run(["rev-parse", "HEAD"]);
  return { name, base: from.base, startSha, isNew: true, pushable: true };
}

export type BranchOutcome = {
  /** The branch that holds Claude's work, or "" when there is none. */
  branch: string;
  commits: number;
  pushed: boolean;
  deleted: boolean;
  /** Set when the work went to `branch` because the working branch (this name) had moved on. */
  movedFrom?: string;
  note?: string;
};

/** git's answer when a push is not a fast-forward (the branch moved on). */
export const NON_FAST_FORWARD = /\[rejected\]|non-fast-forward|fetch first|\[remote rejected\][^\n]*(?:cannot lock ref|reference already exists)/i;

/** Whether `sha` is already in the remote's `branch` (someone built on it), fetching that branch to see. */
async function remoteContains(git: Git, branch: string, sha: string): Promise<boolean> {
  const fetched = await git.tryRun(["fetch", "--no-tags", "--quiet", "origin", `refs/heads/${branch}`]);
  if (fetched.code !== 0) return false;
  return (await git.tryRun(["merge-base", "--is-ancestor", sha, "FETCH_HEAD"])).code === 0;
}

/**
 * Pushes `sha` to the working branch; when the branch moved on under this run
 * (a non-fast-forward), this run's commits go to `branch.fallback` instead,
 * never over another run's work (no force) and never lost.
 *
 * Contract (finish, and any push of the run's work):
 *   - `{ branch: name }` the commits are on the working branch (pushed, or
 *     already there because someone built on them);
 *   - `{ branch: fallback, movedFrom: name }` they are on the fallback branch;
 *   - `{ branch: "", note }` they could not be pushed anywhere (the note says why).
 */
export async function pushWork(git: Git, branch: WorkBranch, sha: string): Promise<{ branch: string; pushed: boolean; movedFrom?: string; note?: string }> {
  const last = (r: CommandResult) => r.stderr.trim().split("\n").slice(-1)[0] ?? "";
  const push = await git.tryRun(["push", "origin", `${sha}:refs/heads/${branch.name}`]);
  if (push.code === 0) return { branch: branch.name, pushed: true };
  const note = `could not push leftover commits to ${branch.name}: ${last(push)}`;
  if (!NON_FAST_FORWARD.test(push.stderr)) return { branch: "", pushed: false, note };
  if (await remoteContains(git, branch.name, sha)) return { branch: branch.name, pushed: false };
  if (!branch.fallback) return { branch: "", pushed: false, note };
  const moved = await git.tryRun(["push", "origin", `${sha}:refs/heads/${branch.fallback}`]);
  if (moved.code !== 0) return { branch: "", pushed: false, note: `${note}; pushing them to ${branch.fallback} failed too: ${last(moved)}` };
  return {
    branch: branch.fallback,
    pushed: true,
    movedFrom: branch.name,
    note: `${branch.name} moved on while Claude worked (another push came first); Claude's commits are on ${branch.fallback} instead`,
  };
}

export interface RemoteBranches {
  branch(name: string): Promise<{ commit: { id: string } } | undefined>;
  deleteBranch(name: string): Promise<void>;
}

/**
 * After the run: push commits Claude left unpushed (to `branch.fallback` when
 * the branch moved on under the run, see pushWork), and delete a new branch
 * that got no commits, so no empty branch is left behind.
 */
export async function finalizeBranch(git: Git, remote: RemoteBranches, branch: WorkBranch): Promise<BranchOutcome> {
  const local = await git.tryRun(["rev-parse", "--verify", "--quiet", `refs/heads/${branch.name}`]);
  const localSha = local.code === 0 ? local.stdout.trim() : "";
  const counted = localSha ? await git.tryRun(["rev-list", "--count", `${branch.startSha}..${localSha}`]) : undefined;
  const localCommits = counted && counted.code === 0 ? Number(counted.stdout.trim()) : 0;
  const remoteBranch = await remote.branch(branch.name);
  const remoteSha = remoteBranch?.commit.id;

  let pushed = false;
  let note: string | undefined;
  let contained = false;
  if (localSha && localCommits > 0 && remoteSha !== localSha && branch.pushable) {
    const result = await pushWork(git, branch, localSha);
    if (result.movedFrom) {
      return { branch: result.branch, commits: localCommits, pushed: true, deleted: false, movedFrom: result.movedFrom, ...(result.note ? { note: result.note } : {}) };
    }
    pushed = result.pushed;
    contained = !result.pushed && result.branch === branch.name;
    if (result.note) note = result.note;
  }

  const after = pushed || contained ? localSha : remoteSha;
  const hasWork = after !== undefined && after !== branch.startSha;
  if (branch.isNew && !hasWork) {
    if (remoteSha !== undefined) await remote.deleteBranch(branch.name);
    return { branch: "", commits: 0, pushed: false, deleted: remoteSha !== undefined, ...(note ? { note } : {}) };
  }
  if (!branch.isNew) return { branch: branch.name, commits: localCommits, pushed, deleted: false, ...(note ? { note } : {}) };
  return { branch: remoteSha !== undefined || pushed || contained ? branch.name : "", commits: localCommits, pushed, deleted: false, ...(note ? { note } : {}) };
}
