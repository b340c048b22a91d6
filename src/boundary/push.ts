/**
 * The only way anything of this run reaches Gitea over git: push the working
 * branch of this repository, fast-forward only; fetch branches of this
 * repository. Used by the broker (Claude's `git push` / `git fetch`, and the
 * push_branch tool) and by finish (commits Claude left unpushed).
 *
 * - The URL is this repository's, computed from the runner's server URL, not
 *   read from `.git/config`; the refspec is `<sha>:refs/heads/<working
 *   branch>` without `+`, so the server refuses anything but a fast-forward;
 *   the pushed commit must descend from the commit the branch started from.
 * - The token travels to git in its environment (GIT_CONFIG_* as an
 *   `http.<origin>/.extraheader`), never in a URL, an argument, a file or
 *   the repository's config; hooks and credential helpers are off.
 */
import { Git, spawnRunner, type CommandRunner } from "../gitea/git";
import { protectedBranchLimit, protectedBranchRefusal } from "../gitea/limits";

export type GitRemote = {
  /** `<server>/<owner>/<repo>.git` as the runner reaches it. */
  url: string;
  token: string;
};

export type PushOutcome =
  | { ok: true; sha: string; status: "pushed" | "up-to-date" | "nothing-to-push"; message: string }
  | { ok: false; sha?: string; reason: "non-fast-forward" | "not-descendant" | "no-branch" | "rejected" | "failed"; message: string };

/** `-c` settings for the git runs that talk to Gitea. */
const NETWORK_HARDENING = [
  "core.hooksPath=/dev/null",
  "credential.helper=",
  "core.askPass=",
  "protocol.ext.allow=never",
  "protocol.file.allow=never",
  "submodule.recurse=false",
  "http.followRedirects=false",
];

export function remoteUrl(serverUrl: string, repository: string): string {
  return `${serverUrl.replace(/\/+$/, "")}/${repository}.git`;
}

/** The environment that gives git the token for this server only (as actions/checkout's header, but never in a file). */
export function authEnv(remote: GitRemote): Record<string, string> {
  const origin = new URL(remote.url).origin;
  return {
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: `http.${origin}/.extraheader`,
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${remote.token}`).toString("base64")}`,
    GIT_TERMINAL_PROMPT: "0",
  };
}

const withHardening = (args: string[]) => [...NETWORK_HARDENING.flatMap((c) => ["-c", c]), ...args];

export type PushOptions = {
  workspace: string;
  remote: GitRemote;
  branch: string;
  /**
   * The branch of this repository to push to; default `branch`. finish gives
   * the run's own fallback branch when the working branch moved on under the
   * run (src/gitea/git.ts pushWork).
   */
  target?: string;
  /** The commit the branch started from; what is pushed must contain it. */
  startSha: string;
  /** Environment for git without any secret (PATH, HOME, …). */
  env: Record<string, string | undefined>;
  runner?: CommandRunner;
  /** The token is the Actions job token (its limits are named when Gitea refuses the push). */
  usesJobToken?: boolean;
};

function gitFor(o: Pick<PushOptions, "workspace" | "remote" | "env" | "runner">): Git {
  const env: Record<string, string | undefined> = { ...o.env, ...authEnv(o.remote) };
  for (const name of ["GIT_DIR", "GIT_WORK_TREE", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS", "GIT_EXEC_PATH", "GIT_CONFIG_PARAMETERS"]) delete env[name];
  return new Git(o.runner ?? spawnRunner, o.workspace, env);
}

const lastLine = (text: string) => text.trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";

/** Pushes the local working branch to the same branch of this repository, fast-forward only. */
export async function pushWorkBranch(o: PushOptions): Promise<PushOutcome> {
  const git = gitFor(o);
  const local = await git.tryRun(["rev-parse", "--verify", "--quiet", `refs/heads/${o.branch}^{commit}`]);
  if (local.code !== 0) return { ok: false, reason: "no-branch", message: `There is no local branch '${o.branch}' to push.` };
  const sha = local.stdout.trim();
  if (sha === o.startSha) {
    return { ok: true, sha, status: "nothing-to-push", message: `'${o.branch}' has no commits since ${o.startSha.slice(0, 12)}: nothing to push.` };
  }
  const descends = await git.tryRun(["merge-base", "--is-ancestor", o.startSha, sha]);
  if (descends.code !== 0) {
    return {
      ok: false,
      sha,
      reason: "not-descendant",
      message: `'${o.branch}' no longer contains ${o.startSha.slice(0, 12)}, the commit it started from; history cannot be rewritten on Gitea. Put the changes back on top of it (e.g. git reset --soft ${o.startSha.slice(0, 12)} and commit again).`,
    };
  }
  const target = o.target ?? o.branch;
  const result = await git.tryRun(withHardening(["push", "--porcelain", "--no-verify", o.remote.url, `${sha}:refs/heads/${target}`]));
  const line = result.stdout.split("\n").find((l) => l.includes(`refs/heads/${target}`)) ?? "";
  if (result.code === 0) {
    const upToDate = line.startsWith("=");
    return { ok: true, sha, status: upToDate ? "up-to-date" : "pushed", message: upToDate ? `'${target}' is up to date on Gitea.` : `Pushed ${sha.slice(0, 12)} to '${target}'.` };
  }
  if (/non-fast-forward|fetch first|\(stale info\)/.test(line + result.stderr)) {
    return {
      ok: false,
      sha,
      reason: "non-fast-forward",
      message: `Gitea refused the push: '${target}' has commits this run does not have (someone pushed meanwhile). Nothing was overwritten.`,
    };
  }
  // A protected branch: Gitea's pre-receive check says so on stderr ("Gitea: Not allowed to push to protected branch …").
  const protectedOn = protectedBranchRefusal(result.stderr);
  if (protectedOn) return { ok: false, sha, reason: "rejected", message: `Gitea refused the push to '${o.branch}': ${protectedBranchLimit(protectedOn, o.usesJobToken === true)}` };
  const why = lastLine(line.replace(/^[!]\s*/, "")) || lastLine(result.stderr) || `git push exited with ${result.code}`;
  return { ok: false, sha, reason: line.startsWith("!") ? "rejected" : "failed", message: `Gitea refused the push to '${target}': ${why}` };
}

export type FetchOptions = Pick<PushOptions, "workspace" | "remote" | "env" | "runner"> & {
  branches: readonly string[];
  depth?: number;
  unshallow?: boolean;
  prune?: boolean;
};

/** Fetches branches of this repository into refs/remotes/origin/* (all branches when none is named). */
export async function fetchBranches(o: FetchOptions): Promise<{ ok: boolean; message: string }> {
  const git = gitFor(o);
  const refspecs = o.branches.length ? o.branches.map((b) => `+refs/heads/${b}:refs/remotes/origin/${b}`) : ["+refs/heads/*:refs/remotes/origin/*"];
  const options = [
    "--no-tags",
    ...(o.depth !== undefined ? [`--depth=${o.depth}`] : []),
    ...(o.unshallow ? ["--unshallow"] : []),
    ...(o.prune ? ["--prune"] : []),
  ];
  const result = await git.tryRun(withHardening(["fetch", ...options, o.remote.url, ...refspecs]));
  if (result.code === 0) return { ok: true, message: `Fetched ${o.branches.length ? o.branches.map((b) => `origin/${b}`).join(", ") : "every branch of origin"}.` };
  return { ok: false, message: `git fetch failed: ${lastLine(result.stderr) || `exit ${result.code}`}` };
}
