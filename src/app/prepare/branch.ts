/**
 * The working branch: an open same-repository PR's head (at the commit the
 * trigger saw), a new branch from a fork's PR head or from the base branch
 * (issues, closed PRs, dispatch), or what was checked out (automation).
 *
 * First the checkout's persisted credentials leave `.git/config` (finish puts
 * them back); every fetch here authenticates through git's environment. On a
 * pull-request run the CLI's own config files then come from the base branch
 * (src/boundary/pr-config.ts).
 */
import { join } from "node:path";
import { removePersistedCredentials } from "../../boundary/git-credentials";
import { restoreConfigFromBase, type RestoredConfig } from "../../boundary/pr-config";
import { authEnv, remoteUrl } from "../../boundary/push";
import { DEFAULT_RETRY } from "../../gitea/http";
import type { EventContext } from "../../gitea/context";
import type { PullData } from "../../gitea/data";
import { randomBytes } from "node:crypto";
import { GIT_STALL_ENV, Git, checkoutPullBranch, configureGit, createWorkBranch, runTag, spawnRunner, workBranchName, type WorkBranch } from "../../gitea/git";
import type { RunMode } from "../../state";
import { PREPARE_OUTPUTS } from "../../steps";
import type { PrepareContext } from "./context";

export type PreparedBranch = { work: WorkBranch; restored?: RestoredConfig };

export const CREDENTIALS_FILE = "git-credentials.json";

/** Tokens finish has in its own environment too, by the names both steps use (src/app/finish/cleanup.ts). */
export function knownTokens(run: Pick<PrepareContext, "runner" | "inputs">): Record<string, string> {
  return { "job-token": run.runner.jobToken, "gitea-token": run.inputs.gitea_token, "github-token": run.inputs.github_token };
}

/** Local setup first (it needs no pull request data), then the branch once `pullP` has the pull request. */
export async function prepareBranch(run: PrepareContext, ctx: EventContext, mode: RunMode, pullP: Promise<PullData | undefined>): Promise<PreparedBranch | undefined> {
  const { deps, runner, inputs } = run;
  const retry = { ...DEFAULT_RETRY, ...deps.retry };
  const remote = remoteUrl(runner.serverUrl, ctx.repository.fullName);
  const git = new Git(
    deps.git ?? spawnRunner,
    runner.workspace,
    { ...GIT_STALL_ENV, ...deps.env, ...authEnv({ url: remote, token: run.token }) },
    { attempts: retry.attempts, baseDelayMs: retry.baseDelayMs },
  );
  const inGit = await git.tryRun(["rev-parse", "--is-inside-work-tree"]);
  if (inGit.code !== 0 || inGit.stdout.trim() !== "true") {
    run.io.warning(`${runner.workspace} is not a git checkout (run actions/checkout first); Claude gets no working branch.`);
    return undefined;
  }
  const credentialsFile = join(run.workDir, CREDENTIALS_FILE);
  run.state!.gitCredentialsFile = credentialsFile;
  await run.saveState();
  const removed = await removePersistedCredentials(git, credentialsFile, knownTokens(run));
  if (removed.sealKey) run.io.setOutput(PREPARE_OUTPUTS.credentialsKey, removed.sealKey);
  if (removed.removed) {
    run.io.info(`Took the checkout's persisted git credentials out of .git/config for the run (${removed.removed} entr${removed.removed === 1 ? "y" : "ies"}); finish puts them back.`);
  }
  await configureGit(git, { name: inputs.claude_git_name, email: inputs.claude_git_email });

  const pull = await pullP;
  const now = run.now();
  const prefix = inputs.branch_prefix;
  // New branch names carry the run's id, so runs on one issue at the same minute never share a branch.
  const tag = runTag(runner.runId, runner.runAttempt);
  const defaultBase = inputs.base_branch || ctx.repository.defaultBranch;
  let work: WorkBranch;
  if (ctx.kind === "entity" && ctx.entity.isPR && pull && pull.state === "open" && !pull.merged) {
    // The commit the trigger saw: the event's head for pull_request events, the head read at the trigger otherwise.
    const sha = ctx.entity.headSha ?? pull.headSha;
    // The base branch comes in the same fetch: its copies of the CLI's config files replace the PR's.
    const base = [`+refs/heads/${pull.baseRef}:refs/remotes/origin/${pull.baseRef}`];
    // Gitea reports the head as refs/pull/N/head when it is no branch here (AGit PRs, a deleted head branch).
    if (pull.fromFork || pull.headRef.startsWith("refs/")) {
      // A fork's branch (or a ref that is no branch) cannot take our pushes: work on a new branch of this repository from the PR head.
      const name = workBranchName(prefix, "pr", ctx.entity.number, now, tag);
      work = await createWorkBranch(git, name, { ref: `refs/pull/${ctx.entity.number}/head`, base: pull.baseRef, sha }, remote, base);
    } else {
      // Other runs may push to the same head: this run's commits then go to a branch of its own.
      work = { ...(await checkoutPullBranch(git, pull.headRef, pull.baseRef, sha, remote, base)), fallback: workBranchName(prefix, "pr", ctx.entity.number, now, tag) };
    }
    const restored = await restoreConfigFromBase(git, `refs/remotes/origin/${pull.baseRef}`);
    if (restored.protectedPaths.length) {
      run.io.info(`Pull request run: ${restored.protectedPaths.join(", ")} come${restored.protectedPaths.length === 1 ? "s" : ""} from ${pull.baseRef}, not from the pull request.`);
    }
    return { work: withFallback(work), restored };
  }
  if (ctx.kind === "entity") {
    work = await createWorkBranch(git, workBranchName(prefix, ctx.entity.isPR ? "pr" : "issue", ctx.entity.number, now, tag), { ref: defaultBase, base: defaultBase }, remote);
  } else if (mode === "dispatch" && ctx.kind === "dispatch") {
    work = await createWorkBranch(git, workBranchName(prefix, "task", ctx.correlationId, now, tag), { ref: defaultBase, base: defaultBase }, remote);
  } else {
    // Automation (schedule, workflow_dispatch, push): Claude works on what was checked out.
    const head = await git.tryRun(["symbolic-ref", "--short", "-q", "HEAD"]);
    const name = head.code === 0 ? head.stdout.trim() : "";
    if (!name) return undefined;
    const sha = await git.run(["rev-parse", "HEAD"]);
    work = { name, base: name, startSha: sha, isNew: false, pushable: true, fallback: workBranchName(prefix, "task", undefined, now, tag) };
  }
  return { work: withFallback(work) };
}

/** A new branch's name is already this run's; should another job still hold it (a matrix of jobs in one run), one more suffix. */
function withFallback(work: WorkBranch): WorkBranch {
  return work.isNew && !work.fallback ? { ...work, fallback: `${work.name}-${randomBytes(3).toString("hex")}` } : work;
}
