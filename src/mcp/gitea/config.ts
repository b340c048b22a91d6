/**
 * The gitea MCP server's configuration. The broker (src/boundary) builds it
 * from what prepare handed it on stdin; the token lives in the broker's
 * memory only.
 */

export type GiteaMcpConfig = {
  /** `<server>/api/v1` */
  apiUrl: string;
  owner: string;
  repo: string;
  /** `owner/name` */
  repository: string;
  /** Public web base for links (may be absent: links then come from Gitea's own html_url fields). */
  publicUrl?: string;
  /** The tracking comment; update_claude_comment exists only with it. */
  commentId?: number;
  /** The issue or pull request of this run; the default for reads, the only target for writes. */
  entityNumber?: number;
  isPR: boolean;
  /** The working branch: the only branch commit_files writes, push_branch pushes and create_pull_request opens from. */
  branch?: string;
  /** Where the working branch comes from and a pull request goes to. */
  baseBranch?: string;
  workspace: string;
  gitName: string;
  gitEmail: string;
  token: string;
  /**
   * This workflow run (GITHUB_RUN_ID, GITHUB_RUN_NUMBER): where the CI tools'
   * search for another run's id starts when the token may not list runs.
   */
  run?: { id: number; number: number };
  /** Runs the event named by id and number (a workflow_run payload's failed run). */
  knownRuns?: { id: number; number: number }[];
  /** The token is the Actions job token: Gitea's job-token limits apply (src/gitea/limits.ts). */
  usesJobToken?: boolean;
  /** Every secret value, for redaction. */
  secrets: string[];
};
