/** Which MCP tools this run offers, as the prompt needs to know it. */
import { GITEA_TOOLS, giteaToolId } from "../mcp/gitea/names";
import type { PromptInput } from "./types";

/** The progress server's tool (dispatch runs with a progress endpoint). */
export const PROGRESS_TOOL = "mcp__progress__update_claude_progress";

export const TOOL = {
  comment: giteaToolId(GITEA_TOOLS.updateClaudeComment),
  commitFiles: giteaToolId(GITEA_TOOLS.commitFiles),
  createPullRequest: giteaToolId(GITEA_TOOLS.createPullRequest),
  setLabels: giteaToolId(GITEA_TOOLS.setLabels),
  submitReview: giteaToolId(GITEA_TOOLS.submitReview),
  getIssue: giteaToolId(GITEA_TOOLS.getIssue),
  getPullRequest: giteaToolId(GITEA_TOOLS.getPullRequest),
  listComments: giteaToolId(GITEA_TOOLS.listComments),
  listPullRequestFiles: giteaToolId(GITEA_TOOLS.listPullRequestFiles),
  getPullRequestFileDiff: giteaToolId(GITEA_TOOLS.getPullRequestFileDiff),
  listPullRequestCommits: giteaToolId(GITEA_TOOLS.listPullRequestCommits),
  listPullRequestReviews: giteaToolId(GITEA_TOOLS.listPullRequestReviews),
  listReviewComments: giteaToolId(GITEA_TOOLS.listReviewComments),
  getFileContents: giteaToolId(GITEA_TOOLS.getFileContents),
  listBranches: giteaToolId(GITEA_TOOLS.listBranches),
  listLabels: giteaToolId(GITEA_TOOLS.listLabels),
  getCiStatus: giteaToolId(GITEA_TOOLS.getCiStatus),
  getJobLog: giteaToolId(GITEA_TOOLS.getJobLog),
} as const;

export type Tools = {
  /** The tracking comment can be edited (tool present and a comment exists). */
  comment: boolean;
  /** Commits go through commit_files instead of git in Bash. */
  commitFiles: boolean;
  createPullRequest: boolean;
  setLabels: boolean;
  submitReview: boolean;
  progress: boolean;
  /** The CI tools (commit statuses, job logs) are on offer. */
  ci: boolean;
  /** Read tools on offer, full names. */
  read: string[];
  /** Paging tools for a pull request's files (and diffs), commits, reviews and review comments, full names. */
  pullPaging: string[];
};

export function availableTools(input: PromptInput): Tools {
  const has = (name: string) => input.mcpTools.includes(name);
  return {
    comment: has(TOOL.comment) && input.trackingCommentId !== undefined,
    commitFiles: input.useCommitSigning && has(TOOL.commitFiles),
    createPullRequest: has(TOOL.createPullRequest),
    setLabels: has(TOOL.setLabels),
    submitReview: has(TOOL.submitReview),
    progress: input.dispatch?.hasProgressEndpoint === true,
    ci: has(TOOL.getCiStatus) && has(TOOL.getJobLog),
    read: [TOOL.getIssue, TOOL.getPullRequest, TOOL.listComments, TOOL.getFileContents, TOOL.listBranches, TOOL.listLabels].filter(has),
    pullPaging: [TOOL.listPullRequestFiles, TOOL.getPullRequestFileDiff, TOOL.listPullRequestCommits, TOOL.listPullRequestReviews, TOOL.listReviewComments].filter(has),
  };
}
