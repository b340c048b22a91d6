/** The parts of Gitea's REST objects this action reads (names as in Gitea's swagger spec). */

export type GiteaUser = {
  id: number;
  login: string;
  full_name?: string;
  email?: string;
  is_admin?: boolean;
};

export type GiteaPermissions = { admin?: boolean; push?: boolean; pull?: boolean };

export type GiteaRepository = {
  id?: number;
  name: string;
  full_name: string;
  owner: GiteaUser;
  default_branch?: string;
  html_url?: string;
  clone_url?: string;
  private?: boolean;
  fork?: boolean;
  permissions?: GiteaPermissions;
};

export type GiteaLabel = { id: number; name: string; color?: string; description?: string };

export type GiteaIssue = {
  id: number;
  number: number;
  title: string;
  body?: string | null;
  user: GiteaUser;
  state: string;
  html_url?: string;
  labels?: GiteaLabel[] | null;
  assignee?: GiteaUser | null;
  assignees?: GiteaUser[] | null;
  created_at?: string;
  updated_at?: string;
  pull_request?: { merged?: boolean; merged_at?: string | null; draft?: boolean; html_url?: string } | null;
  /** Number of comments. */
  comments?: number;
  assets?: GiteaAttachment[] | null;
};

/** One entry of an issue's timeline (`GET …/issues/{index}/timeline`): labels, assignments, comments… */
export type GiteaTimelineEvent = {
  id: number;
  type: string;
  created_at: string;
  /** For `label`: "1" when added, "" when removed. */
  body?: string;
  user?: GiteaUser | null;
  label?: { name: string } | null;
  assignee?: GiteaUser | null;
  removed_assignee?: boolean;
};

export type GiteaComment = {
  id: number;
  body: string;
  user: GiteaUser;
  html_url?: string;
  issue_url?: string;
  pull_request_url?: string;
  created_at: string;
  updated_at?: string;
  /** Files attached to the comment (Gitea lists them with the comment). */
  assets?: GiteaAttachment[] | null;
};

export type GiteaBranchRef = {
  label?: string;
  ref: string;
  sha: string;
  repo_id?: number;
  repo?: GiteaRepository | null;
};

export type GiteaPullRequest = {
  id: number;
  number: number;
  title: string;
  body?: string | null;
  user: GiteaUser;
  state: string;
  merged?: boolean;
  html_url?: string;
  head: GiteaBranchRef;
  base: GiteaBranchRef;
  additions?: number;
  deletions?: number;
  changed_files?: number;
  created_at?: string;
  labels?: GiteaLabel[] | null;
};

export type GiteaChangedFile = {
  filename: string;
  previous_filename?: string;
  status: string;
  additions: number;
  deletions: number;
  changes: number;
};

export type GiteaCommit = {
  sha: string;
  commit: { message: string; author?: { name?: string; email?: string; date?: string } };
  author?: GiteaUser | null;
};

export type GiteaReview = {
  id: number;
  body: string;
  state: string;
  user: GiteaUser | null;
  commit_id?: string;
  submitted_at?: string;
  comments_count?: number;
  html_url?: string;
};

export type GiteaReviewComment = {
  id: number;
  body: string;
  user: GiteaUser | null;
  path: string;
  position?: number;
  original_position?: number;
  diff_hunk?: string;
  created_at?: string;
  html_url?: string;
};

export type GiteaAttachment = {
  id: number;
  name: string;
  size?: number;
  uuid?: string;
  browser_download_url: string;
};

export type GiteaBranch = { name: string; commit: { id: string; message?: string }; protected?: boolean };

export type GiteaContents = {
  type: string;
  name: string;
  path: string;
  sha: string;
  size?: number;
  encoding?: string | null;
  content?: string | null;
};

export type CollaboratorPermission = {
  permission: "owner" | "admin" | "write" | "read" | "none" | string;
  role_name?: string;
};

/** A commit status (`status` is its state; Gitea names the field so). */
export type GiteaCommitStatus = {
  id: number;
  status: string;
  target_url?: string;
  description?: string;
  context: string;
  creator?: GiteaUser | null;
  created_at?: string;
  updated_at?: string;
};

/** `GET …/commits/{ref}/status`: the latest status of each context. Gitea 1.22 answers `{}` (state "") when there is none. */
export type GiteaCombinedStatus = {
  state?: string;
  sha?: string;
  total_count?: number;
  statuses?: GiteaCommitStatus[] | null;
};

/** A Gitea Actions run (1.25): `id` is the database id the API takes, `run_number` the number in web links. */
export type GiteaWorkflowRun = {
  id: number;
  run_number: number;
  event?: string;
  head_sha?: string;
  head_branch?: string;
  status?: string;
  conclusion?: string;
  html_url?: string;
  path?: string;
  display_title?: string;
};

/** A Gitea Actions job (1.25): `id` is the database id; `html_url` ends in `/runs/{run number}/jobs/{job index}`. */
export type GiteaWorkflowJob = {
  id: number;
  run_id: number;
  name: string;
  status?: string;
  conclusion?: string;
  head_sha?: string;
  html_url?: string;
  started_at?: string;
  completed_at?: string;
};

/** A team of the repository's organization (GET /repos/{owner}/{repo}/teams). */
export type GiteaTeam = {
  id: number;
  name: string;
  /** Below admin: the lowest of the team's unit modes. */
  permission?: "none" | "read" | "write" | "admin" | "owner";
  /** Unit → mode, e.g. {"repo.code": "write", "repo.wiki": "read"}. */
  units_map?: Record<string, string>;
};
