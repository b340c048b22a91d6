/**
 * What Gitea does not let the Actions job token do (read from Gitea's source,
 * 1.22–1.25), as messages that name the limit and the fix. The job token is
 * the Actions user (id -2), no collaborator anywhere:
 * - POST /pulls on a private repository answers 404 (the head repository's
 *   permission is asked for that user, who cannot see a private repository);
 * - it is on no protected branch's push whitelist: pushes and API commits to
 *   a protected branch are refused;
 * - Gitea signs API commits (POST /contents) only for users that meet
 *   [repository.signing] CRUD_ACTIONS (default: pubkey, twofa, parentsigned):
 *   the Actions user has no key, so its commits are not signed.
 */
import { GiteaError } from "./client";

export const JOB_TOKEN_FIX = "pass a `gitea_token` (a token of a user with write access) to the action";

export function privatePullRequestLimit(branch: string, base: string): string {
  return (
    `Gitea does not let the Actions job token open pull requests on a private repository (it answers 404: the Actions user is no collaborator). ` +
    `${branch} is pushed; open the pull request into ${base} by hand, or ${JOB_TOKEN_FIX} so that Claude can.`
  );
}

/** Recognises the message below. */
export const PROTECTED_BRANCH_LIMIT = /push to the protected branch|is a protected branch/;

export function protectedBranchLimit(branch: string, usesJobToken: boolean): string {
  return usesJobToken
    ? `Gitea does not let the Actions job token push to the protected branch ${branch} (the Actions user can be on no push whitelist). ` +
        `Let Claude work on a branch of its own, or ${JOB_TOKEN_FIX.replace("with write access", `allowed to push to ${branch}`)}.`
    : `${branch} is a protected branch and this token's user may not push to it: give the token's user push access in the branch protection, or let Claude work on a branch of its own.`;
}

export const UNSIGNED_JOB_TOKEN_COMMITS =
  "use_commit_signing: commits made with the Actions job token will not be signed. Gitea signs commits made through its API only for users that " +
  "meet [repository.signing] CRUD_ACTIONS (default: pubkey, twofa, parentsigned), and the Actions user has no signing key. " +
  `For signed commits, ${JOB_TOKEN_FIX.replace("with write access", "with write access, a signing key (GPG or SSH) and two-factor authentication")}.`;

/** Did git (or Gitea) refuse a push because the branch is protected? Returns the branch when it says so. */
export function protectedBranchRefusal(output: string): string | undefined {
  const m = /Not allowed to push to protected branch (\S+)/.exec(output);
  return m ? m[1] : undefined;
}

/** The message for a failed POST /pulls when the job token meets the private-repository limit, else undefined. */
export function explainCreatePullFailure(error: unknown, o: { usesJobToken: boolean; branch: string; base: string }): string | undefined {
  return error instanceof GiteaError && error.status === 404 && o.usesJobToken ? privatePullRequestLimit(o.branch, o.base) : undefined;
}
