/**
 * Phase 2 of finish: the work branch. Leftover commits are pushed and an
 * unused new branch is deleted (through the remote below), what happened is
 * logged, and the links to the branch, its compare view or its pull request
 * are found for the tracking comment and the backend.
 */
import { authEnv, fetchBranches, pushWorkBranch } from "../../boundary/push";
import type { GiteaClient } from "../../gitea/client";
import { GIT_STALL_ENV, Git, spawnRunner, type BranchOutcome, type RemoteBranches } from "../../gitea/git";
import { PROTECTED_BRANCH_LIMIT as PROTECTED } from "../../gitea/limits";
import type { links as linksFor } from "../../gitea/links";
import type { LinkSet } from "../../gitea/tracking";
import type { ActionIO } from "../../io";
import type { RunState } from "../../state";
import { describeError } from "../errors";
import type { Settled } from "../settle";

/** Logs how the branch was settled; returns its outcome and what failed the run. */
export function reportBranch(branchName: string, settled: Settled<BranchOutcome>, io: ActionIO): { branch?: BranchOutcome; problems: string[] } {
  if (!settled.ok) return { problems: [`settling the branch: ${describeError(settled.error)}`] };
  const branch = settled.value;
  const problems: string[] = [];
  if (branch.note && !branch.movedFrom) io.warning(branch.note);
  // Claude's commits did not reach Gitea because the branch is protected: the limit and the fix fail the run.
  if (branch.note && !branch.movedFrom && PROTECTED.test(branch.note)) problems.push(branch.note);
  if (branch.deleted) io.info(`Deleted ${branchName}: it got no commits.`);
  if (branch.pushed) io.info(`Pushed Claude's unpushed commits to ${branch.branch}.`);
  if (branch.movedFrom) io.warning(`${branch.note ?? `${branch.movedFrom} moved on; Claude's commits are on ${branch.branch}`}.`);
  return { branch, problems };
}

/**
 * Branch reads and deletes over the API (a delete the API keeps refusing is
 * done with git, so no unused branch is left behind); pushes and fetches of
 * this repository through src/boundary/push.ts.
 */
export function remoteBranches(
  client: GiteaClient,
  git: Git,
  io: ActionIO,
  remote: { url: string; token: string },
  env: Record<string, string | undefined>,
): RemoteBranches {
  return {
    branch: (name) => client.branch(name),
    async push(branch, target) {
      const pushed = await pushWorkBranch({
        workspace: git.cwd,
        remote,
        branch: branch.name,
        ...(target ? { target } : {}),
        startSha: branch.startSha,
        env: { ...GIT_STALL_ENV, ...env },
        usesJobToken: remote.token === env.GITHUB_TOKEN,
      });
      return { ok: pushed.ok, message: pushed.message, ...(!pushed.ok && pushed.reason === "non-fast-forward" ? { nonFastForward: true } : {}) };
    },
    fetch: async (name) => (await fetchBranches({ workspace: git.cwd, remote, branches: [name], env: { ...GIT_STALL_ENV, ...env } })).ok,
    async deleteBranch(name) {
      try {
        await client.deleteBranch(name);
      } catch (error) {
        const pushed = await new Git(spawnRunner, git.cwd, { ...env, ...authEnv(remote) }).tryRun(["-c", "core.hooksPath=/dev/null", "push", "--quiet", remote.url, "--delete", `refs/heads/${name}`]);
        if (pushed.code !== 0) throw error;
        io.warning(`${describeError(error)}; deleted ${name} with git push instead.`);
      }
    },
  };
}

export async function branchLinks(
  client: GiteaClient,
  state: RunState,
  branch: BranchOutcome | undefined,
  links: ReturnType<typeof linksFor>,
  warn: (message: string) => void,
): Promise<LinkSet> {
  if (!state.branch || !branch?.branch) return {};
  const set: LinkSet = { branch: { name: branch.branch, url: links.branch(branch.branch) } };
  if (branch.movedFrom) {
    // The work is on a branch of its own: offer to merge it into the branch it was meant for.
    set.compare = links.compare(state.branch.isNew ? state.branch.base : branch.movedFrom, branch.branch);
    return set;
  }
  if (state.branch.isNew) {
    const open = await client.openPulls().catch((error: unknown) => {
      warn(`Could not look for a pull request from ${branch.branch} (${describeError(error)}); linking the compare view instead.`);
      return [];
    });
    const pr = open.find((p) => p.head.ref === branch.branch);
    if (pr) set.pr = pr.html_url ?? links.issue(pr.number, true);
    else set.compare = links.compare(state.branch.base, branch.branch);
  }
  return set;
}
