/** Every gitea tool, in the order the server lists them. */
import type { GiteaTool } from "../tool";
import { commitFiles } from "./commit-files";
import { createPullRequest } from "./create-pull-request";
import { getFileContents } from "./get-file-contents";
import { getIssue } from "./get-issue";
import { getPullRequest } from "./get-pull-request";
import { listBranches } from "./list-branches";
import { listComments } from "./list-comments";
import { listLabels } from "./list-labels";
import { pushBranch } from "./push-branch";
import { setLabels } from "./set-labels";
import { submitReview } from "./submit-review";
import { updateClaudeComment } from "./update-claude-comment";

export const GITEA_TOOL_DEFINITIONS = [
  updateClaudeComment,
  getIssue,
  getPullRequest,
  listComments,
  getFileContents,
  listBranches,
  listLabels,
  pushBranch,
  commitFiles,
  createPullRequest,
  setLabels,
  submitReview,
] as unknown as readonly GiteaTool[];

export {
  commitFiles,
  createPullRequest,
  getFileContents,
  getIssue,
  getPullRequest,
  listBranches,
  listComments,
  listLabels,
  pushBranch,
  setLabels,
  submitReview,
  updateClaudeComment,
};
