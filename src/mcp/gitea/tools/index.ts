/** Every gitea tool, in the order the server lists them. */
import type { GiteaTool } from "../tool";
import { commitFiles } from "./commit-files";
import { createPullRequest } from "./create-pull-request";
import { getCiStatus } from "./get-ci-status";
import { getFileContents } from "./get-file-contents";
import { getIssue } from "./get-issue";
import { getJobLog } from "./get-job-log";
import { getPullRequest } from "./get-pull-request";
import { getPullRequestFileDiff } from "./get-pull-request-file-diff";
import { listBranches } from "./list-branches";
import { listComments } from "./list-comments";
import { listLabels } from "./list-labels";
import { listPullRequestCommits } from "./list-pull-request-commits";
import { listPullRequestFiles } from "./list-pull-request-files";
import { listPullRequestReviews } from "./list-pull-request-reviews";
import { listReviewComments } from "./list-review-comments";
import { pushBranch } from "./push-branch";
import { setLabels } from "./set-labels";
import { submitReview } from "./submit-review";
import { updateClaudeComment } from "./update-claude-comment";

export const GITEA_TOOL_DEFINITIONS = [
  updateClaudeComment,
  getIssue,
  getPullRequest,
  listComments,
  listPullRequestFiles,
  getPullRequestFileDiff,
  listPullRequestCommits,
  listPullRequestReviews,
  listReviewComments,
  getFileContents,
  listBranches,
  listLabels,
  getCiStatus,
  getJobLog,
  pushBranch,
  commitFiles,
  createPullRequest,
  setLabels,
  submitReview,
] as unknown as readonly GiteaTool[];

export {
  commitFiles,
  createPullRequest,
  getCiStatus,
  getFileContents,
  getIssue,
  getJobLog,
  getPullRequest,
  getPullRequestFileDiff,
  listBranches,
  listComments,
  listLabels,
  listPullRequestCommits,
  listPullRequestFiles,
  listPullRequestReviews,
  listReviewComments,
  pushBranch,
  setLabels,
  submitReview,
  updateClaudeComment,
};
