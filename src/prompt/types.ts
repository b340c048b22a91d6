/**
 * Everything the prompt builders need, gathered by prepare. The builders are
 * pure: data in, text out.
 */
import type { EntityData } from "../gitea/data";

export type PromptMode = "tag" | "agent" | "dispatch";

export type BranchInfo = {
  /** The branch Claude works on (checked out in the workspace). */
  name: string;
  /** The branch a pull request from `name` would target. */
  base: string;
  /** Created for this run (not on Gitea until the first push). */
  isNew: boolean;
  /** The head branch of the pull request this run is about. */
  isPRBranch: boolean;
};

export type DispatchInfo = {
  /** What the backend asked for (untrusted; sanitized by the builder). */
  description: string;
  /** A progress endpoint exists, so the progress MCP tool is there. */
  hasProgressEndpoint: boolean;
};

export type PromptInput = {
  mode: PromptMode;
  /** `owner/name`. */
  repository: string;
  eventName: string;
  eventAction?: string;
  /** The login that caused the event (agent mode names it). */
  actor?: string;
  /** Issue or pull request data; required in tag mode, optional in agent mode. */
  data?: EntityData;
  triggerPhrase: string;
  /** The assignee_trigger input, for describing an assignment trigger. */
  assigneeTrigger?: string;
  /** The label_trigger input, for describing a label trigger. */
  labelTrigger?: string;
  /** A review request: the user asked to review (the reviewer_trigger user). */
  requestedReviewer?: string;
  /** A failed CI run of the pull request's head (workflow_run). */
  ciRun?: { workflow: string; number: number; event: string; headSha: string; htmlUrl: string };
  /** Id of the tracking comment, when there is one. */
  trackingCommentId?: number;
  branch?: BranchInfo;
  /** Public web base of the Gitea server (e.g. https://gitea.example.com, may include a sub-path). */
  publicUrl: string;
  /** Link to this workflow run. */
  runUrl?: string;
  useCommitSigning: boolean;
  /** Full names (`mcp__server__tool`) of the MCP tools Claude may use in this run. */
  mcpTools: readonly string[];
  directPrompt?: string;
  overridePrompt?: string;
  customInstructions?: string;
  dispatch?: DispatchInfo;
  /**
   * The context budget in estimated tokens (tokens.ts): when the issue or pull
   * request would make the prompt larger, or was not read whole, the lists are
   * cut to fit and the prompt says what was left out. Absent: no budget.
   */
  contextBudget?: number;
};

export type PromptKind = "tag" | "agent" | "dispatch" | "override";

export type BuiltPrompt = {
  text: string;
  kind: PromptKind;
  /** Things prepare should tell the user (e.g. an input that had no effect). */
  notices: string[];
};

export class PromptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromptError";
  }
}
