/**
 * Store records → Gitea API JSON shapes (services/convert in Gitea).
 * `viewer` is the requesting user (null = anonymous / notifier context).
 */
import { createHash } from "node:crypto";
import type { Core } from "./core";
import { WIP_PREFIXES } from "./core";
import type { CommitInfo, RawChangedFile, TreeEntry } from "./git";
import { protectionMatches } from "./protection";
import {
  atLeast,
  type AccessMode,
  type Attachment,
  type Comment,
  type Issue,
  type Label,
  type Permission,
  type PullRequest,
  type Repo,
  type Review,
  type ReviewComment,
  type Team,
  type TimelineEntry,
  type User,
  UNITS,
  uniformPermission,
} from "./store";

type Json = Record<string, unknown>;

export function pathEscape(p: string): string {
  return p.split("/").map(encodeURIComponent).join("/");
}

function placeholderEmail(core: Core, u: User): string {
  let host = "localhost";
  try {
    host = new URL(core.publicUrl).hostname;
  } catch {
    /* keep default */
  }
  return `${u.login.toLowerCase()}@noreply.${host}`;
}

/** Gitea's convert.ToUser(user, doer). */
export function apiUser(core: Core, u: User, viewer: User | null): Json {
  const signed = viewer !== null;
  const authed = viewer !== null && (viewer.is_admin || viewer.id === u.id);
  const email = signed ? u.email : placeholderEmail(core, u);
  return {
    id: u.id,
    login: u.login,
    login_name: "",
    source_id: 0,
    full_name: u.full_name,
    email,
    avatar_url: `${core.publicUrl}/avatars/${createHash("md5").update(u.email.toLowerCase()).digest("hex")}`,
    html_url: `${core.publicUrl}/${u.login}`,
    language: "",
    is_admin: authed ? u.is_admin : false,
    last_login: authed ? u.created : "0001-01-01T00:00:00Z",
    created: u.created,
    restricted: false,
    active: authed,
    prohibit_login: false,
    location: "",
    website: "",
    description: "",
    visibility: "public",
    followers_count: 0,
    following_count: 0,
    starred_repos_count: 0,
    username: u.login,
  };
}

export function apiUserByLogin(core: Core, login: string, viewer: User | null): Json | null {
  const u = core.store.findUser(login);
  return u ? apiUser(core, u, viewer) : null;
}

/** convert.ToRepo's `permissions`: admin from the overall mode, push and pull from the Code unit. */
export function permissionObject(perm: AccessMode | Permission): { admin: boolean; push: boolean; pull: boolean } {
  const p = typeof perm === "string" ? uniformPermission(perm) : perm;
  const code = p.unit("repo.code");
  return { admin: atLeast(p.mode, "admin"), push: atLeast(code, "write"), pull: atLeast(code, "read") };
}

/** convert.ToTeams (organizations not loaded). */
export function apiTeam(_core: Core, t: Team): Json {
  const units = UNITS.filter((u) => (t.units[u] ?? t.permission) !== "none");
  return {
    id: t.id,
    name: t.name,
    description: "",
    organization: null,
    includes_all_repositories: t.includesAllRepos,
    permission: t.permission,
    units,
    units_map: Object.fromEntries(UNITS.map((u) => [u, t.units[u] ?? (atLeast(t.permission, "admin") ? t.permission : "none")])),
    can_create_org_repo: atLeast(t.permission, "admin"),
  };
}

/** convert.ToRepo with the permission of `perm` (a mode, or a full permission with unit modes). */
export function apiRepo(core: Core, repo: Repo, perm: AccessMode | Permission, viewer: User | null, withParent = true): Json {
  const html = core.repoHtml(repo);
  const owner = core.store.user(repo.owner);
  let host = "localhost";
  try {
    host = new URL(core.publicUrl).hostname;
  } catch {
    /* keep default */
  }
  const issues = [...core.store.issues.values()].filter((i) => i.repo === repo.fullName.toLowerCase() && i.state === "open");
  const parent = repo.parent ? core.store.findRepo(repo.parent) : undefined;
  return {
    id: repo.id,
    owner: apiUser(core, owner, viewer),
    name: repo.name,
    full_name: repo.fullName,
    description: repo.description,
    empty: false,
    private: repo.private,
    fork: repo.parent !== null,
    template: false,
    parent: parent && withParent ? apiRepo(core, parent, core.store.permission(parent, viewer?.login), viewer, false) : null,
    mirror: false,
    size: 0,
    language: "",
    languages_url: `${core.repoApi(repo)}/languages`,
    html_url: html,
    url: core.repoApi(repo),
    link: "",
    ssh_url: `git@${host}:${repo.owner}/${repo.name}.git`,
    clone_url: `${html}.git`,
    original_url: "",
    website: "",
    stars_count: 0,
    forks_count: [...core.store.repos.values()].filter((r) => r.parent?.toLowerCase() === repo.fullName.toLowerCase()).length,
    watchers_count: 0,
    open_issues_count: issues.filter((i) => !i.isPull).length,
    open_pr_counter: issues.filter((i) => i.isPull).length,
    release_counter: 0,
    default_branch: repo.defaultBranch,
    archived: false,
    created_at: repo.created,
    updated_at: repo.updated,
    archived_at: "1970-01-01T00:00:00Z",
    permissions: permissionObject(perm),
    has_issues: true,
    internal_tracker: {
      enable_time_tracker: true,
      allow_only_contributors_to_track_time: true,
      enable_issue_dependencies: true,
    },
    has_wiki: true,
    has_pull_requests: true,
    has_projects: true,
    has_releases: true,
    has_packages: true,
    has_actions: true,
    ignore_whitespace_conflicts: false,
    allow_merge_commits: true,
    allow_rebase: true,
    allow_rebase_explicit: true,
    allow_squash_merge: true,
    allow_fast_forward_only_merge: true,
    allow_rebase_update: true,
    default_delete_branch_after_merge: false,
    default_merge_style: "merge",
    default_allow_maintainer_edit: false,
    avatar_url: "",
    internal: false,
    mirror_interval: "",
    object_format_name: "sha1",
    mirror_updated: "0001-01-01T00:00:00Z",
    repo_transfer: null,
    topics: null,
  };
}

export function apiLabel(core: Core, l: Label): Json {
  const repo = core.store.repo(l.repo);
  return {
    id: l.id,
    name: l.name,
    exclusive: l.exclusive,
    is_archived: false,
    color: l.color,
    description: l.description,
    url: `${core.repoApi(repo)}/labels/${l.id}`,
  };
}

export function apiAttachment(core: Core, a: Attachment): Json {
  return {
    id: a.id,
    name: a.name,
    size: a.size,
    download_count: a.download_count,
    created_at: a.created_at,
    uuid: a.uuid,
    browser_download_url: `${core.publicUrl}/attachments/${a.uuid}`,
  };
}

export function issueHtmlUrl(core: Core, issue: Issue): string {
  const repo = core.store.repo(issue.repo);
  return `${core.repoHtml(repo)}/${issue.isPull ? "pulls" : "issues"}/${issue.index}`;
}

export function isDraft(title: string): boolean {
  const t = title.toUpperCase();
  return WIP_PREFIXES.some((p) => t.startsWith(p));
}

/** convert.ToAPIIssue */
export function apiIssue(core: Core, issue: Issue, viewer: User | null): Json {
  const repo = core.store.repo(issue.repo);
  const html = issueHtmlUrl(core, issue);
  const assignees = issue.assignees.map((a) => apiUserByLogin(core, a, viewer)).filter((x) => x !== null);
  const pr = issue.isPull ? core.store.findPull(issue.repo, issue.index) : undefined;
  return {
    id: issue.id,
    url: `${core.repoApi(repo)}/issues/${issue.index}`,
    html_url: html,
    number: issue.index,
    user: apiUserByLogin(core, issue.user, viewer),
    original_author: "",
    original_author_id: 0,
    title: issue.title,
    body: issue.body,
    ref: "",
    assets: core.store.issueAttachments(issue.repo, issue.index).map((a) => apiAttachment(core, a)),
    labels: issue.labels
      .map((id) => core.store.labels.get(id))
      .filter((l): l is Label => l !== undefined)
      .map((l) => apiLabel(core, l)),
    milestone: null,
    assignee: assignees[0] ?? null,
    assignees: assignees.length ? assignees : null,
    state: issue.state,
    is_locked: issue.locked,
    comments: core.store.issueComments(issue.repo, issue.index).length,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    due_date: null,
    pin_order: 0,
    ...(issue.isPull
      ? {
          pull_request: {
            merged: pr?.merged ?? false,
            merged_at: pr?.merged_at ?? null,
            draft: isDraft(issue.title),
            html_url: html,
          },
        }
      : {}),
    repository: { id: repo.id, name: repo.name, owner: repo.owner, full_name: repo.fullName },
  };
}

/** convert.ToTimelineComment for label and assignee entries. */
export function apiTimelineEntry(core: Core, issue: Issue, t: TimelineEntry, viewer: User | null): Json {
  const html = issueHtmlUrl(core, issue);
  const label = t.label !== undefined ? core.store.labels.get(t.label) : undefined;
  return {
    id: t.id,
    type: t.type,
    html_url: `${html}#issuecomment-${t.id}`,
    pull_request_url: issue.isPull ? html : "",
    issue_url: issue.isPull ? "" : html,
    user: apiUserByLogin(core, t.user, viewer),
    body: t.type === "label" ? (t.added ? "1" : "") : "",
    created_at: t.created_at,
    updated_at: t.created_at,
    ...(label ? { label: apiLabel(core, label) } : {}),
    ...(t.assignee ? { assignee: apiUserByLogin(core, t.assignee, viewer), removed_assignee: t.removed === true } : { removed_assignee: false }),
    ref_action: "",
    ref_commit_sha: "",
    review_id: 0,
    old_title: "",
    new_title: "",
    old_ref: "",
    new_ref: "",
    old_project_id: 0,
    project_id: 0,
  };
}

/** convert.ToAPIComment */
export function apiComment(core: Core, c: Comment, viewer: User | null): Json {
  const issue = core.store.issue(c.repo, c.issueIndex);
  const html = issueHtmlUrl(core, issue);
  return {
    id: c.id,
    html_url: `${html}#issuecomment-${c.id}`,
    pull_request_url: issue.isPull ? html : "",
    issue_url: issue.isPull ? "" : html,
    user: apiUserByLogin(core, c.user, viewer),
    original_author: "",
    original_author_id: 0,
    body: c.body,
    assets: core.store.commentAttachments(c.id).map((a) => apiAttachment(core, a)),
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

/** convert.ToAPIPullRequest (git-derived fields included). */
export async function apiPull(core: Core, pr: PullRequest, viewer: User | null): Promise<Json> {
  const issue = core.store.issue(pr.repo, pr.index);
  const base = core.store.repo(pr.repo);
  const headRepo = core.store.findRepo(pr.headRepo);
  const apiIss = apiIssue(core, issue, viewer);
  const html = issueHtmlUrl(core, issue);
  const { head: refHead, base: baseSha, mergeBase } = await core.pullRange(pr);
  const liveHead = headRepo ? await headRepo.git.revParse(`refs/heads/${pr.headBranch}`) : null;
  const files = await base.git.changedFiles(mergeBase, refHead);
  const mergeable = issue.state === "open" && !pr.merged ? await core.isMergeable(pr) : false;
  return {
    id: pr.id,
    url: html,
    number: pr.index,
    user: apiIss.user,
    title: issue.title,
    body: issue.body,
    labels: apiIss.labels,
    milestone: null,
    assignee: apiIss.assignee,
    assignees: apiIss.assignees,
    requested_reviewers: null,
    requested_reviewers_teams: null,
    state: issue.state,
    draft: isDraft(issue.title),
    is_locked: issue.locked,
    comments: apiIss.comments,
    review_comments: core.store.pullReviews(pr.repo, pr.index).reduce((n, r) => n + r.comments.length, 0),
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changed_files: files.length,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    mergeable,
    merged: pr.merged,
    merged_at: pr.merged_at,
    merge_commit_sha: null,
    merged_by: null,
    allow_maintainer_edit: false,
    base: {
      label: pr.baseBranch,
      ref: pr.baseBranch,
      sha: baseSha ?? "",
      repo_id: base.id,
      repo: apiRepo(core, base, core.store.permission(base, viewer?.login), viewer),
    },
    head: pr.flow === "agit"
      ? // AGit: the head is refs/pull/N/head of the base repository, with no branch name (convert.ToAPIPullRequest)
        { label: "", ref: `refs/pull/${pr.index}/head`, sha: refHead, repo_id: base.id, repo: apiRepo(core, base, core.store.permission(base, viewer?.login), viewer) }
      : headRepo
      ? {
          label: pr.headBranch,
          ref: liveHead ? pr.headBranch : `refs/pull/${pr.index}/head`,
          sha: liveHead ?? refHead,
          repo_id: headRepo.id,
          repo: apiRepo(core, headRepo, core.store.permission(headRepo, viewer?.login), viewer),
        }
      : { label: pr.headBranch, ref: `refs/pull/${pr.index}/head`, sha: refHead, repo_id: -1, repo: null },
    merge_base: mergeBase,
    due_date: null,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    pin_order: 0,
  };
}

export function apiReview(core: Core, r: Review, viewer: User | null): Json {
  const issue = core.store.issue(r.repo, r.index);
  const html = issueHtmlUrl(core, issue);
  return {
    id: r.id,
    user: apiUserByLogin(core, r.user, viewer),
    team: null,
    state: r.state,
    body: r.body,
    commit_id: r.commit_id,
    stale: false,
    official: r.official,
    dismissed: false,
    comments_count: r.comments.length,
    submitted_at: r.submitted_at,
    updated_at: r.updated_at,
    html_url: `${html}#issuecomment-${r.id}`,
    pull_request_url: html,
  };
}

export function apiReviewComment(core: Core, r: Review, c: ReviewComment, viewer: User | null): Json {
  const issue = core.store.issue(r.repo, r.index);
  const html = issueHtmlUrl(core, issue);
  return {
    id: c.id,
    body: c.body,
    user: apiUserByLogin(core, c.user, viewer),
    resolver: null,
    pull_request_review_id: r.id,
    created_at: c.created_at,
    updated_at: c.updated_at,
    path: c.path,
    commit_id: c.commit_id,
    original_commit_id: c.commit_id,
    diff_hunk: c.diff_hunk,
    position: c.new_position,
    original_position: c.old_position,
    html_url: `${html}#issuecomment-${c.id}`,
    pull_request_url: html,
  };
}

function commitUser(core: Core, email: string, viewer: User | null): Json | null {
  const u = core.store.userByEmail(email);
  return u ? apiUser(core, u, viewer) : null;
}

const VERIFICATION_UNSIGNED = {
  verified: false,
  reason: "gpg.error.not_signed_commit",
  signature: "",
  signer: null,
  payload: "",
};

/** A commit's `verification`: signed by the server's key when the emulator signed it. */
export function verification(core: Core, sha: string): Json {
  if (!core.store.signedCommits.has(sha)) return VERIFICATION_UNSIGNED;
  return {
    verified: true,
    reason: "",
    signature: `-----BEGIN PGP SIGNATURE-----\n\nemulated-signature-of-${sha}\n-----END PGP SIGNATURE-----\n`,
    signer: { name: "Gitea", email: "gitea@noreply.example.com", username: "" },
    payload: "",
  };
}

/** convert.ToCommit (with stats/files). */
export function apiCommit(core: Core, repo: Repo, c: CommitInfo, files: RawChangedFile[] | null, viewer: User | null): Json {
  const api = core.repoApi(repo);
  const out: Json = {
    url: `${api}/git/commits/${c.sha}`,
    sha: c.sha,
    created: c.committer.date,
    html_url: `${core.repoHtml(repo)}/commit/${c.sha}`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: { name: c.author.name, email: c.author.email, date: c.author.date },
      committer: { name: c.committer.name, email: c.committer.email, date: c.committer.date },
      message: `${c.message}\n`,
      tree: { url: `${api}/git/trees/${c.tree}`, sha: c.tree, created: c.committer.date },
      verification: verification(core, c.sha),
    },
    author: commitUser(core, c.author.email, viewer),
    committer: commitUser(core, c.committer.email, viewer),
    parents: c.parents.map((p) => ({ url: `${api}/git/commits/${p}`, sha: p })),
  };
  if (files) {
    out.files = files.map((f) => ({
      filename: f.filename,
      status: f.status === "added" ? "added" : f.status === "deleted" ? "removed" : "modified",
    }));
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    out.stats = { total: additions + deletions, additions, deletions };
  }
  return out;
}

/** convert.ToBranch */
export function apiBranch(core: Core, repo: Repo, name: string, c: CommitInfo, mode: AccessMode, viewer: User | null): Json {
  const authorUser = core.store.userByEmail(c.author.email);
  const committerUser = core.store.userByEmail(c.committer.email);
  return {
    name,
    commit: {
      id: c.sha,
      message: `${c.message}\n`,
      url: `${core.repoHtml(repo)}/commit/${c.sha}`,
      author: { name: c.author.name, email: c.author.email, username: authorUser?.login ?? "" },
      committer: { name: c.committer.name, email: c.committer.email, username: committerUser?.login ?? "" },
      verification: verification(core, c.sha),
      timestamp: c.committer.date,
      added: null,
      removed: null,
      modified: null,
    },
    protected: repo.protectedBranches.some((p) => protectionMatches(p.pattern, name)),
    required_approvals: 0,
    enable_status_check: false,
    status_check_contexts: [],
    user_can_push: atLeast(mode, "write") && viewer !== null,
    user_can_merge: atLeast(mode, "write") && viewer !== null,
    effective_branch_protection_name: "",
  };
}

/** ChangedFile of GET /pulls/{index}/files */
export function apiChangedFile(core: Core, repo: Repo, f: RawChangedFile, commit: string): Json {
  const status =
    f.status === "deleted"
      ? "deleted"
      : f.status === "added"
        ? "added"
        : f.status === "copied"
          ? "copied"
          : f.status === "renamed"
            ? "renamed"
            : f.additions === 0 && f.deletions === 0
              ? "unchanged"
              : "changed";
  const p = pathEscape(f.filename);
  return {
    filename: f.filename,
    status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    html_url: `${core.repoHtml(repo)}/src/commit/${commit}/${p}`,
    contents_url: `${core.repoApi(repo)}/contents/${p}?ref=${commit}`,
    raw_url: `${core.repoHtml(repo)}/raw/commit/${commit}/${p}`,
    previous_filename: status === "renamed" ? (f.previousFilename ?? "") : "",
  };
}

/** ContentsResponse */
export function apiContents(
  core: Core,
  repo: Repo,
  ref: { name: string; kind: "branch" | "tag" | "commit" },
  entry: TreeEntry,
  lastCommit: string,
  content: Buffer | null,
): Json {
  const p = pathEscape(entry.path);
  const type = entry.type === "tree" ? "dir" : entry.type === "commit" ? "submodule" : entry.mode === "120000" ? "symlink" : "file";
  const refPath = `${ref.kind}/${pathEscape(ref.name)}`;
  const self = `${core.repoApi(repo)}/contents/${p}?ref=${encodeURIComponent(ref.name)}`;
  const gitUrl = `${core.repoApi(repo)}/git/${entry.type === "tree" ? "trees" : "blobs"}/${entry.sha}`;
  const html = `${core.repoHtml(repo)}/src/${refPath}/${p}`;
  return {
    name: entry.name,
    path: entry.path,
    sha: entry.sha,
    last_commit_sha: lastCommit,
    type,
    size: entry.size,
    encoding: type === "file" && content ? "base64" : null,
    content: type === "file" && content ? content.toString("base64") : null,
    target: type === "symlink" && content ? content.toString("utf8") : null,
    url: self,
    html_url: html,
    git_url: gitUrl,
    download_url: type === "file" ? `${core.repoHtml(repo)}/raw/${refPath}/${p}` : null,
    submodule_git_url: null,
    _links: { self, git: gitUrl, html },
  };
}
