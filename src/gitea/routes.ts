/**
 * Every Gitea REST route this action calls, as `METHOD /path/{param}` templates
 * relative to `<server>/api/v1`, spelled exactly as in Gitea's swagger spec.
 * The client builds its URLs from these templates only, so the contract test
 * can check the whole surface against the spec.
 */
export const ROUTES = {
  version: "GET /version",
  apiSettings: "GET /settings/api",
  currentUser: "GET /user",
  repo: "GET /repos/{owner}/{repo}",
  collaboratorPermission: "GET /repos/{owner}/{repo}/collaborators/{collaborator}/permission",
  repoTeams: "GET /repos/{owner}/{repo}/teams",
  teamMember: "GET /teams/{id}/members/{username}",
  issue: "GET /repos/{owner}/{repo}/issues/{index}",
  issueComments: "GET /repos/{owner}/{repo}/issues/{index}/comments",
  issueTimeline: "GET /repos/{owner}/{repo}/issues/{index}/timeline",
  createIssueComment: "POST /repos/{owner}/{repo}/issues/{index}/comments",
  comment: "GET /repos/{owner}/{repo}/issues/comments/{id}",
  editComment: "PATCH /repos/{owner}/{repo}/issues/comments/{id}",
  deleteComment: "DELETE /repos/{owner}/{repo}/issues/comments/{id}",
  issueAssets: "GET /repos/{owner}/{repo}/issues/{index}/assets",
  commentAssets: "GET /repos/{owner}/{repo}/issues/comments/{id}/assets",
  issueLabels: "GET /repos/{owner}/{repo}/issues/{index}/labels",
  replaceIssueLabels: "PUT /repos/{owner}/{repo}/issues/{index}/labels",
  addIssueLabels: "POST /repos/{owner}/{repo}/issues/{index}/labels",
  removeIssueLabel: "DELETE /repos/{owner}/{repo}/issues/{index}/labels/{id}",
  repoLabels: "GET /repos/{owner}/{repo}/labels",
  pull: "GET /repos/{owner}/{repo}/pulls/{index}",
  pulls: "GET /repos/{owner}/{repo}/pulls",
  createPull: "POST /repos/{owner}/{repo}/pulls",
  pullFiles: "GET /repos/{owner}/{repo}/pulls/{index}/files",
  pullDiff: "GET /repos/{owner}/{repo}/pulls/{index}.{diffType}",
  pullCommits: "GET /repos/{owner}/{repo}/pulls/{index}/commits",
  pullReviews: "GET /repos/{owner}/{repo}/pulls/{index}/reviews",
  createPullReview: "POST /repos/{owner}/{repo}/pulls/{index}/reviews",
  pullReviewComments: "GET /repos/{owner}/{repo}/pulls/{index}/reviews/{id}/comments",
  branches: "GET /repos/{owner}/{repo}/branches",
  branch: "GET /repos/{owner}/{repo}/branches/{branch}",
  createBranch: "POST /repos/{owner}/{repo}/branches",
  deleteBranch: "DELETE /repos/{owner}/{repo}/branches/{branch}",
  contents: "GET /repos/{owner}/{repo}/contents/{filepath}",
  changeFiles: "POST /repos/{owner}/{repo}/contents",
  raw: "GET /repos/{owner}/{repo}/raw/{filepath}",
  // CI: commit statuses (every version), Gitea Actions runs, jobs and logs (see NEWER_ROUTES).
  combinedStatus: "GET /repos/{owner}/{repo}/commits/{ref}/status",
  actionRuns: "GET /repos/{owner}/{repo}/actions/runs",
  actionRun: "GET /repos/{owner}/{repo}/actions/runs/{run}",
  actionRunJobs: "GET /repos/{owner}/{repo}/actions/runs/{run}/jobs",
  actionJob: "GET /repos/{owner}/{repo}/actions/jobs/{job_id}",
  actionJobLogs: "GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs",
} as const;

export type RouteName = keyof typeof ROUTES;

/**
 * Routes newer than Gitea 1.22 (absent from the 1.22 swagger spec), with the
 * version that introduced them (checked against the 1.24 and 1.25 specs by the
 * contract test). The action calls only the Actions ones, and only from the CI
 * tools, after GET /version said the server has them; the workflow dispatch
 * route is for backends (examples/dispatch/).
 */
export const NEWER_ROUTES: Record<string, string> = {
  "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches": "1.24",
  "GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs": "1.24",
  // Absent from the 1.24.7 spec (which has only …/runs/{run}/artifacts): added in 1.25.
  "GET /repos/{owner}/{repo}/actions/runs/{run}": "1.25",
  "GET /repos/{owner}/{repo}/actions/runs/{run}/jobs": "1.25",
  "GET /repos/{owner}/{repo}/actions/jobs/{job_id}": "1.25",
  // Repository-wide list: the repository owner or a site admin only (not the job token).
  "GET /repos/{owner}/{repo}/actions/runs": "1.25",
};
