/**
 * The working branch: an open same-repository PR's head, a new branch from a
 * fork's PR head or from the base branch (issues, closed PRs, dispatch), or
 * what was checked out (automation). git identity and push auth are set here.
 */
import { DEFAULT_RETRY } from "../../gitea/http";
import type { EventContext } from "../../gitea/context";
import type { PullData } from "../../gitea/data";
import { randomBytes } from "node:crypto";
import { GIT_STALL_ENV, Git, checkoutPullBranch, configureGit, createWorkBranch, runTag, spawnRunner, workBranchName, type WorkBranch } from "../../gitea/git";
import type { RunMode } from "../../state";
import type { PrepareContext } from "./context";

export type PreparedBranch = { work: WorkBranch; authKey?: string };

export async function prepareBranch(run: PrepareContext, ctx: EventContext, mode: RunMode, pull: PullData | undefined): Promise<PreparedBranch | undefined> {
  const { deps, runner, inputs } = run;
  const retry = { ...DEFAULT_RETRY, ...deps.retry };
  const git = new Git(
    deps.git ?? spawnRunner,
    runner.workspace,
    { ...GIT_STALL_ENV, ...deps.env, GIT_TERMINAL_PROMPT: "0" },
    { attempts: retry.attempts, baseDelayMs: retry.baseDelayMs },
  );
  const inGit = await git.tryRun(["rev-parse", "--is-inside-work-tree"]);
  if (inGit.code !== 0 || inGit.stdout.trim() !== "true") {
    run.io.warning(`${runner.workspace} is not a git checkout (run actions/checkout first); Claude gets no working branch.`);
    return undefined;
  }
  const auth = await configureGit(git, { name: inputs.claude_git_name, email: inputs.claude_git_email, token: run.token });
  const authKey = auth?.key;
  if (auth) {
    run.state!.gitAuthKey = auth.key;
    await run.saveState();
  }
  const now = run.now();
  const prefix = inputs.branch_prefix;
  // New branch names carry the run's id, so runs on one issue at the same minute never share a branch.
  const tag = runTag(runner.runId, runner.runAttempt);
  const defaultBase = inputs.base_branch || ctx.repository.defaultBranch;
  let work: WorkBranch;
  if (ctx.kind === "entity" && ctx.entity.isPR && pull && pull.state === "open" && !pull.merged) {
    // Gitea reports the head as refs/pull/N/head when it is no branch here (AGit PRs, a deleted head branch).
    if (pull.fromFork || pull.headRef.startsWith("refs/")) {
      // A fork's branch (or a ref that is no branch) cannot take our pushes: work on a new branch of this repository from the PR head.
      work = await createWorkBranch(git, workBranchName(prefix, "pr", ctx.entity.number, now, tag), { ref: `refs/pull/${ctx.entity.number}/head`, base: pull.baseRef });
    } else {
      // Other runs may push to the same head: this run's commits then go to a branch of its own.
      work = { ...(await checkoutPullBranch(git, pull.headRef, pull.baseRef)), fallback: workBranchName(prefix, "pr", ctx.entity.number, now, tag) };
    }
  } else if (ctx.kind === "entity") {
    work = await createWorkBranch(git, workBranchName(prefix, ctx.entity.isPR ? "pr" : "issue", ctx.entity.number, now, tag), { ref: defaultBase, base: defaultBase });
  } else if (mode === "dispatch" && ctx.kind === "dispatch") {
    work = await createWorkBranch(git, workBranchName(prefix, "task", ctx.correlationId, now, tag), { ref: defaultBase, base: defaultBase });
  } else {
    // Automation (schedule, workflow_dispatch, push): Claude works on what was checked out.
    const head = await git.tryRun(["symbolic-ref", "--short", "-q", "HEAD"]);
    const name = head.code === 0 ? head.stdout.trim() : "";
    if (!name) return undefined;
    const sha = await git.run(["rev-parse", "HEAD"]);
    work = { name, base: name, startSha: sha, isNew: false, pushable: true, fallback: workBranchName(prefix, "task", undefined, now, tag) };
  }
  // A new branch's name is already this run's; should another run still hold it (a matrix of jobs in one run), one more suffix.
  if (work.isNew && !work.fallback) work = { ...work, fallback: `${work.name}-${randomBytes(3).toString("hex")}` };
  return { work, ...(authKey ? { authKey } : {}) };
}
