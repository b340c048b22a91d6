/**
 * git in the workspace, always as argv arrays spawned asynchronously: the
 * working branch (checkout, new branches), and settling it after the run.
 * Authentication is the caller's: a Git whose environment carries the token
 * (src/boundary/push.ts authEnv), never the repository's config.
 */
import { spawn } from "node:child_process";

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

/** `<prefix><kind>-<n>-YYYYMMDD-HHMM` (UTC), e.g. claude/issue-12-20260101-1200. */
export function workBranchName(prefix: string, kind: "issue" | "pr" | "task", n: number | string | undefined, now: Date): string {
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}`;
  const slug = n === undefined ? "" : String(n).toLowerCase().replace(/[^a-z0-9._-]+|\.{2,}/g, "-").replace(/^-+|-+$/g, "");
  // A correlation id like "task-7f3a" must not give "task-task-7f3a".
  const trimmed = slug.startsWith(`${kind}-`) ? slug.slice(kind.length + 1) : slug;
  const id = trimmed ? `-${trimmed.slice(0, 40).replace(/[-.]+$/, "")}` : "";
  return `${prefix}${kind}${id}-${stamp}`;
}

export type WorkBranch = {
  name: string;
  base: string;
  startSha: string;
  isNew: boolean;
  pushable: boolean;
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
  note?: string;
};

export interface RemoteBranches {
  branch(name: string): Promise<{ commit: { id: string } } | undefined>;
  deleteBranch(name: string): Promise<void>;
  /** Pushes the local working branch, fast-forward only (src/boundary/push.ts). */
  push(branch: WorkBranch): Promise<{ ok: boolean; message: string }>;
}

/**
 * After the run: push commits Claude left unpushed, and delete a new branch
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
  if (localSha && localCommits > 0 && remoteSha !== localSha && branch.pushable) {
    const push = await remote.push(branch);
    if (push.ok) pushed = true;
    else note = `could not push leftover commits to ${branch.name}: ${push.message}`;
  }

  const after = pushed ? localSha : remoteSha;
  const hasWork = after !== undefined && after !== branch.startSha;
  if (branch.isNew && !hasWork) {
    if (remoteSha !== undefined) await remote.deleteBranch(branch.name);
    return { branch: "", commits: 0, pushed: false, deleted: remoteSha !== undefined, ...(note ? { note } : {}) };
  }
  if (!branch.isNew) return { branch: branch.name, commits: localCommits, pushed, deleted: false, ...(note ? { note } : {}) };
  return { branch: remoteSha !== undefined || pushed ? branch.name : "", commits: localCommits, pushed, deleted: false, ...(note ? { note } : {}) };
}
