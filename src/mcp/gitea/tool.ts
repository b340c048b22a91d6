/**
 * The shape every gitea tool has: a name, a description, a zod input shape,
 * optional availability (some tools exist only for some runs), and a handler
 * taking typed dependencies. Transport and error handling live in server.ts.
 */
import type { z } from "zod";
import type { CiApi } from "../../gitea/ci-api";
import type { GiteaClient } from "../../gitea/client";
import type { Git } from "../../gitea/git";
import type { Redactor } from "../../text/redact";
import type { GiteaMcpConfig } from "./config";
import type { GiteaToolName } from "./names";

/** The Gitea calls the tools make: the real client, or a fake in tests. */
export type GiteaApi = Pick<
  GiteaClient,
  | "editComment"
  | "issue"
  | "issueComments"
  | "pull"
  | "pullFiles"
  | "pullFilesPage"
  | "pullFilesUpTo"
  | "pullDiffStream"
  | "pullCommitsPage"
  | "pullReviews"
  | "pullReviewsPage"
  | "pullReviewComments"
  | "openPulls"
  | "createPull"
  | "createReview"
  | "contents"
  | "commitFiles"
  | "branch"
  | "branches"
  | "repoLabels"
  | "issueLabels"
  | "replaceIssueLabels"
  | "addIssueLabels"
>;

export type ToolDeps = {
  config: GiteaMcpConfig;
  api: GiteaApi;
  /** Commit statuses and Gitea Actions (the CI tools); absent, those tools refuse. */
  ci?: CiApi;
  /** git in the workspace (argv arrays, async). */
  git: Git;
  /** Pushes the working branch (fast-forward only); absent when the run has none. */
  push?: () => Promise<{ ok: boolean; message: string }>;
  redactor: Redactor;
  /** stderr only. */
  log: (message: string) => void;
};

export type ToolResult = { text: string; isError?: boolean };

/** A refusal or a problem the model can act on: returned as a tool result with isError. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

export type ToolAnnotations = {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
};

export type GiteaTool<S extends z.ZodRawShape = z.ZodRawShape> = {
  name: GiteaToolName;
  description: string;
  inputSchema: S;
  annotations: ToolAnnotations;
  /** Whether this run offers the tool (default: always). */
  available?: (config: GiteaMcpConfig) => boolean;
  handler: (args: z.infer<z.ZodObject<S>>, deps: ToolDeps) => Promise<ToolResult | string>;
};

export function defineTool<S extends z.ZodRawShape>(tool: GiteaTool<S>): GiteaTool<S> {
  return tool;
}
