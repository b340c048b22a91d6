/**
 * git in the workspace, always as argv arrays spawned asynchronously: the
 * working branch (checkout, new branches), and settling it after the run.
 * Authentication is the caller's: a Git whose environment carries the token
 * (src/boundary/push.ts authEnv), never the repository's config.
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

/** Sets the identity Claude's commits carry. (Credentials never go into the repository's config: see src/boundary/push.ts.) */
export async function configureGit(git: Git, options: { name: string; email: string }): Promise<void> {
  await git.run(["config", "--local", "user.name", options.name]);
  await git.run(["config", "--local", "user.email", options.email]);
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

/**
 * Checks out an open same-repository PR's head branch (pushes go back to it),
 * at `sha` when given: the commit the trigger saw, not whatever the branch
 * points to by now.
 */
export async function checkoutPullBranch(git: Git, headRef: string, baseRef: string, sha?: string, remote = "origin", alsoFetch: string[] = []): Promise<WorkBranch> {
  await git.run(["fetch", "--no-tags", remote, `+refs/heads/${headRef}:refs/remotes/origin/${headRef}`, ...alsoFetch]);
  await git.run(["checkout", "-B", headRef, sha ? await commitAt(git, sha, headRef) : `refs/remotes/origin/${headRef}`]);
  await git.tryRun(["branch", `--set-upstream-to=origin/${headRef}`, headRef]);
  const startSha = await git.run(["rev-parse", "HEAD"]);
  return { name: headRef, base: baseRef, startSha, isNew: false, pushable: true };
}

/**
 * A new branch for this run from `from` (a branch of origin, or a PR ref such
 * as refs/pull/7/head for a fork's PR). Nothing is pushed: Claude's first push
 * creates it, and finish deletes it if it ends up with no commits.
 */
export async function createWorkBranch(
  git: Git,
  name: string,
  from: { ref: string; base: string; sha?: string },
  remote = "origin",
  alsoFetch: string[] = [],
): Promise<WorkBranch> {
  const tracking = from.ref.startsWith("refs/") ? `refs/remotes/origin/claude-base/${name}` : `refs/remotes/origin/${from.ref}`;
  const source = from.ref.startsWith("refs/") ? from.ref : `refs/heads/${from.ref}`;
  await git.run(["fetch", "--no-tags", remote, `+${source}:${tracking}`, ...alsoFetch]);
  await git.run(["checkout", "-B", name, from.sha ? await commitAt(git, from.sha, from.ref) : tracking]);
  const startSha = await git.run(["rev-parse", "HEAD"]);
  return { name, base: from.base, startSha, isNew: true, pushable: true };
}

/** `sha` when it is in the fetched history; a clear error when the ref moved away from it (a force-push after the trigger). */
async function commitAt(git: Git, sha: string, ref: string): Promise<string> {
  if (!/^[0-9a-f]{40,64}$/i.test(sha)) throw new Error(`'${sha}' is not a commit id`);
  const found = await git.tryRun(["cat-file", "-e", `${sha}^{commit}`]);
  if (found.code !== 0) {
    throw new Error(`The pull request's head was ${sha.slice(0, 12)} when this run was triggered, but ${ref} no longer contains that commit (force-pushed since). Trigger Claude again.`);
  }
  return sha;
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

export interface RemoteBranches {
  branch(name: string): Promise<{ commit: { id: string } } | undefined>;
  deleteBranch(name: string): Promise<void>;
  /**
   * Pushes the local working branch's commits to branch `target` of this
   * repository (default: the working branch itself), fast-forward only
   * (src/boundary/push.ts). `nonFastForward`: refused because the branch has
   * commits this run does not have.
   */
  push(branch: WorkBranch, target?: string): Promise<{ ok: boolean; message: string; nonFastForward?: boolean }>;
  /** Fetches branch `name` of this repository into refs/remotes/origin/<name>; false when it could not. */
  fetch(name: string): Promise<boolean>;
}

export type PushWorkResult = { branch: string; pushed: boolean; movedFrom?: string; note?: string };

/**
 * Pushes the run's commits (the local working branch, at `sha`) to the
 * working branch; when the branch moved on under the run (another run pushed
 * first: not a fast-forward), commits someone already built on stay where they
 * are, and others go to `branch.fallback`, a branch only this run uses: never
 * over another run's work (no force), never lost.
 *
 *   { branch: name, pushed: true }            pushed to the working branch
 *   { branch: name, pushed: false }           already in it (someone built on them)
 *   { branch: fallback, movedFrom: name }     on the fallback branch instead (note says so)
 *   { branch: "", note }                      not pushed anywhere (note says why)
 */
export async function pushWork(git: Git, remote: RemoteBranches, branch: WorkBranch, sha: string): Promise<PushWorkResult> {
  const push = await remote.push(branch);
  if (push.ok) return { branch: branch.name, pushed: true };
  const note = `could not push leftover commits to ${branch.name}: ${push.message}`;
  if (!push.nonFastForward) return { branch: "", pushed: false, note };
  const contained = (await remote.fetch(branch.name)) && (await git.tryRun(["merge-base", "--is-ancestor", sha, `refs/remotes/origin/${branch.name}`])).code === 0;
  if (contained) return { branch: branch.name, pushed: false };
  if (!branch.fallback) return { branch: "", pushed: false, note };
  const moved = await remote.push(branch, branch.fallback);
  if (!moved.ok) return { branch: "", pushed: false, note: `${note}; pushing them to ${branch.fallback} failed too: ${moved.message}` };
  return {
    branch: branch.fallback,
    pushed: true,
    movedFrom: branch.name,
    note: `${branch.name} moved on while Claude worked (another push came first); Claude's commits are on ${branch.fallback} instead`,
  };
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
    const result = await pushWork(git, remote, branch, localSha);
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
