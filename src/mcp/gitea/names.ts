/**
 * Names of the `gitea` MCP server and its tools, grouped by what they can do.
 * Claude sees each tool as `mcp__gitea__<name>`; these names are a contract
 * with the prompt, the tool lists and users' `allowed_tools`.
 *
 * Pure data: the tool-list code and the prompt import it without pulling in
 * the server.
 */
export const GITEA_MCP_SERVER = "gitea";

export const GITEA_TOOLS = {
  updateClaudeComment: "update_claude_comment",
  getIssue: "get_issue",
  getPullRequest: "get_pull_request",
  listComments: "list_comments",
  listPullRequestFiles: "list_pull_request_files",
  getPullRequestFileDiff: "get_pull_request_file_diff",
  listPullRequestCommits: "list_pull_request_commits",
  listPullRequestReviews: "list_pull_request_reviews",
  listReviewComments: "list_review_comments",
  getFileContents: "get_file_contents",
  listBranches: "list_branches",
  listLabels: "list_labels",
  commitFiles: "commit_files",
  createPullRequest: "create_pull_request",
  setLabels: "set_labels",
  submitReview: "submit_review",
  pushBranch: "push_branch",
  getCiStatus: "get_ci_status",
  getJobLog: "get_job_log",
} as const;

export type GiteaToolName = (typeof GITEA_TOOLS)[keyof typeof GITEA_TOOLS];

/** Tools that only read this repository: allowed by default. */
export const READ_ONLY_TOOLS: readonly GiteaToolName[] = [
  GITEA_TOOLS.getIssue,
  GITEA_TOOLS.getPullRequest,
  GITEA_TOOLS.listComments,
  GITEA_TOOLS.listPullRequestFiles,
  GITEA_TOOLS.getPullRequestFileDiff,
  GITEA_TOOLS.listPullRequestCommits,
  GITEA_TOOLS.listPullRequestReviews,
  GITEA_TOOLS.listReviewComments,
  GITEA_TOOLS.getFileContents,
  GITEA_TOOLS.listBranches,
  GITEA_TOOLS.listLabels,
];

/**
 * Read-only tools about CI (commit statuses, Gitea Actions jobs and logs):
 * allowed by default on runs about a pull request, and wherever
 * `additional_permissions` grants `actions: read` (see ciToolsAllowed).
 */
export const CI_TOOLS: readonly GiteaToolName[] = [GITEA_TOOLS.getCiStatus, GITEA_TOOLS.getJobLog];

/** Whether a run allows the CI tools by default: it is about a pull request, or `additional_permissions` has `actions: read` (or `write`). */
export function ciToolsAllowed(o: { isPR: boolean; additionalPermissions: Readonly<Record<string, string>> }): boolean {
  const actions = Object.entries(o.additionalPermissions).find(([name]) => name.trim().toLowerCase() === "actions")?.[1]?.trim().toLowerCase();
  return o.isPR || actions === "read" || actions === "write";
}

/** Tools that change something on Gitea. */
export const WRITE_TOOLS: readonly GiteaToolName[] = [
  GITEA_TOOLS.updateClaudeComment,
  GITEA_TOOLS.pushBranch,
  GITEA_TOOLS.commitFiles,
  GITEA_TOOLS.createPullRequest,
  GITEA_TOOLS.setLabels,
  GITEA_TOOLS.submitReview,
];

/** Write tools allowed by default: editing the run's own tracking comment. */
export const DEFAULT_WRITE_TOOLS: readonly GiteaToolName[] = [GITEA_TOOLS.updateClaudeComment];

/** Write tools allowed by default only when `use_commit_signing` is on (they replace git in Bash). */
export const SIGNING_TOOLS: readonly GiteaToolName[] = [GITEA_TOOLS.commitFiles];

/** Write tools that must be listed in `allowed_tools` to be used. */
export const EXPLICIT_TOOLS: readonly GiteaToolName[] = [
  GITEA_TOOLS.createPullRequest,
  GITEA_TOOLS.setLabels,
  GITEA_TOOLS.submitReview,
];

export const ALL_GITEA_TOOLS: readonly GiteaToolName[] = [...READ_ONLY_TOOLS, ...CI_TOOLS, ...WRITE_TOOLS];

/** `update_claude_comment` → `mcp__gitea__update_claude_comment`. */
export function giteaToolId(name: GiteaToolName): string {
  return `mcp__${GITEA_MCP_SERVER}__${name}`;
}

/** Full names of the gitea tools allowed without an explicit `allowed_tools` entry. */
export function defaultAllowedGiteaTools(options: { useCommitSigning: boolean }): string[] {
  const names = [...READ_ONLY_TOOLS, ...DEFAULT_WRITE_TOOLS, ...(options.useCommitSigning ? SIGNING_TOOLS : [])];
  return names.map(giteaToolId);
}
