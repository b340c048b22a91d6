/**
 * A pull request with CI as a busy Gitea 1.25 has it: other repositories'
 * runs between ours (so run id ≠ run number, job id ≠ job index ≠ task id), a
 * failure on an older head of the pull request, the current head's CI run
 * with a passing and a failing job (a long log whose error is near its end),
 * another CI's status, another repository's failed job, and this workflow
 * run (the one Claude runs in) whose id and number start the run search.
 */
import { ciOf, type CiJob, type GiteaEmulator } from "./gitea/index";

/** The long log of the failing job: its error is 3 lines from the end of 3,000 lines. */
export function longFailingLog(file = "src/greet.js"): string[] {
  const lines: string[] = ["##[group]Run npm test", "> app@1.0.0 test", "> node --test"];
  for (let i = 1; i <= 2990; i++) lines.push(`ok ${i} - case ${i} passes (${"·".repeat(20)})`);
  lines.push(`not ok 2991 - greet says hello`, `  AssertionError: expected 'Hi Ada' to equal 'Hello Ada' at ${file}:1:40`, "##[error]Process completed with exit code 1.");
  return lines;
}

export type CiFixture = {
  headSha: string;
  oldHeadSha: string;
  /** The failing job on the current head. */
  failing: CiJob;
  failingRun: { id: number; number: number };
  /** The failure on the older head (never to be confused with the current one). */
  stale: CiJob;
  /** A job of another repository (must not be readable through this one). */
  foreign: CiJob;
  /** This workflow run (GITHUB_RUN_ID / GITHUB_RUN_NUMBER). */
  current: { id: number; number: number };
};

/**
 * Seeds CI for pull request `pr` of `repo` whose head branch is `branch`; the
 * pull request's head must already be at `headSha` (and `oldHeadSha` an earlier head).
 */
export function seedPullRequestCi(
  gitea: GiteaEmulator,
  o: { repo: string; otherRepo: string; actor: string; pr: number; headSha: string; oldHeadSha: string; log?: string[] },
): CiFixture {
  const ci = ciOf(gitea);
  const ref = `refs/pull/${o.pr}/head`;
  ci.otherActivity({ runs: 37, jobs: 120, tasks: 310 });
  // The first head failed its tests in an earlier run.
  const old = ci.addWorkflowRun(o.repo, {
    workflow: "ci.yml",
    name: "CI",
    event: "pull_request",
    headSha: o.oldHeadSha,
    ref,
    actor: o.actor,
    jobs: [
      { name: "lint", status: "success", log: ["lint ok"] },
      { name: "test", status: "failure", log: ["not ok 1 - an old failure", "##[error]Process completed with exit code 1."] },
    ],
  });
  ci.otherActivity({ runs: 11, jobs: 40, tasks: 77 });
  // Another repository's failing job.
  const foreign = ci.addWorkflowRun(o.otherRepo, {
    workflow: "ci.yml",
    name: "CI",
    event: "push",
    headSha: o.headSha,
    ref: "refs/heads/main",
    actor: o.actor,
    jobs: [{ name: "secret-job", status: "failure", log: ["FOREIGN-LOG-LINE do not read"] }],
  });
  ci.otherActivity({ runs: 23, jobs: 51, tasks: 64 });
  // The current head: a push to the pull request (pull_request_sync), lint passes, test fails.
  const now = ci.addWorkflowRun(o.repo, {
    workflow: "ci.yml",
    name: "CI",
    event: "pull_request_sync",
    headSha: o.headSha,
    ref,
    actor: o.actor,
    jobs: [
      { name: "lint", status: "success", log: ["lint ok"] },
      { name: "test", status: "failure", log: o.log ?? longFailingLog(), seconds: 42 },
    ],
  });
  ci.addStatus(o.repo, o.headSha, { state: "success", context: "coverage/codecov", description: "93% of diff hit", targetUrl: "https://codecov.example.com/acme/app/pull/1", creator: o.actor });
  ci.otherActivity({ runs: 9, jobs: 30, tasks: 45 });
  // This run (the one Claude runs in).
  const self = ci.addWorkflowRun(o.repo, {
    workflow: "claude.yml",
    name: "Claude",
    event: "issue_comment",
    headSha: o.headSha,
    ref: "refs/heads/main",
    actor: o.actor,
    jobs: [{ name: "claude", status: "running" }],
  });
  return {
    headSha: o.headSha,
    oldHeadSha: o.oldHeadSha,
    failing: now.jobs[1]!,
    failingRun: { id: now.run.id, number: now.run.run_number },
    stale: old.jobs[1]!,
    foreign: foreign.jobs[0]!,
    current: { id: self.run.id, number: self.run.run_number },
  };
}
