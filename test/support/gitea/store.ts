/**
 * In-memory model of the emulated Gitea: users, tokens, repositories'
 * metadata, issues, comments, labels, reviews, attachments, dispatches.
 * Git content lives on disk (see git.ts); this holds everything else.
 */
import { randomUUID } from "node:crypto";
import type { GitRepo } from "./git";

import {
  ACTIONS_USER,
  addTeam,
  permissionOf,
  repoTeams,
  userRepoTeams,
  type AccessMode,
  type BranchProtection,
  type CollaboratorPermission,
  type Permission,
  type TaskScope,
  type Team,
  type Unit,
} from "./access";

export * from "./access";

/** RFC3339, second precision, UTC (what Gitea emits with TZ=UTC). */
export function isoNow(): string {
  return toIso(new Date());
}
export function toIso(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}
/** Unix seconds of an RFC3339 string. */
export function unix(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

export interface User {
  id: number;
  login: string;
  full_name: string;
  email: string;
  is_admin: boolean;
  created: string;
  /** an organization (owns repositories and teams; cannot sign in) */
  isOrg: boolean;
  /** has a GPG/SSH signing key on the server (commit-signing rule `pubkey`) */
  signingKey: boolean;
  /** has two-factor authentication (rule `twofa`) */
  twofa: boolean;
}

export interface Repo {
  id: number;
  owner: string;
  name: string;
  /** "owner/name" as created */
  fullName: string;
  defaultBranch: string;
  private: boolean;
  description: string;
  /** full name of the repository this one was forked from */
  parent: string | null;
  created: string;
  updated: string;
  collaborators: Map<string, CollaboratorPermission>;
  /** next issue/PR index */
  nextIndex: number;
  nextRunNumber: number;
  git: GitRepo;
  protectedBranches: BranchProtection[];
  /**
   * Schedules were re-registered without a payload (the Actions user pushed
   * to the default branch): scheduled runs then receive `{}` as their event.
   */
  schedulesWithoutPayload: boolean;
}

export interface Label {
  id: number;
  repo: string;
  name: string;
  color: string;
  description: string;
  exclusive: boolean;
}

export interface Issue {
  id: number;
  /** repo key (lower-case full name) */
  repo: string;
  index: number;
  title: string;
  body: string;
  user: string;
  labels: number[];
  assignees: string[];
  state: "open" | "closed";
  isPull: boolean;
  locked: boolean;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface PullRequest {
  id: number;
  repo: string;
  index: number;
  /** repo key of the head repository */
  headRepo: string;
  headBranch: string;
  baseBranch: string;
  merged: boolean;
  merged_at: string | null;
  /** "agit": pushed to refs/for/<base>/<topic>, no head branch anywhere (always a fork run) */
  flow: "github" | "agit";
}

export interface Comment {
  id: number;
  repo: string;
  issueIndex: number;
  user: string;
  body: string;
  created_at: string;
  updated_at: string;
}

/** An issue's history entry other than a comment (Gitea keeps both in its comments table). */
export interface TimelineEntry {
  id: number;
  repo: string;
  issueIndex: number;
  type: "label" | "assignees" | "pull_push";
  user: string;
  created_at: string;
  /** pull_push: the old and new head for a force push, else the new commits, oldest first */
  commitIds?: string[];
  force?: boolean;
  /** label events: the label, and whether it was added */
  label?: number;
  added?: boolean;
  /** assignees events: the assignee, and whether they were removed */
  assignee?: string;
  removed?: boolean;
}

/** REQUEST_REVIEW: a review request (Gitea keeps it as a review of type "request" and lists it). */
export type ReviewState = "APPROVED" | "COMMENT" | "REQUEST_CHANGES" | "PENDING" | "REQUEST_REVIEW";

export interface ReviewComment {
  id: number;
  reviewId: number;
  user: string;
  path: string;
  body: string;
  /** line in the new file (0 = none) */
  new_position: number;
  /** line in the old file (0 = none) */
  old_position: number;
  commit_id: string;
  diff_hunk: string;
  created_at: string;
  updated_at: string;
}

export interface Review {
  id: number;
  repo: string;
  index: number;
  user: string;
  state: ReviewState;
  body: string;
  commit_id: string;
  official: boolean;
  submitted_at: string | null;
  updated_at: string;
  comments: ReviewComment[];
}

export interface Attachment {
  id: number;
  uuid: string;
  repo: string;
  issueIndex: number;
  /** set when attached to a comment */
  commentId: number | null;
  name: string;
  size: number;
  download_count: number;
  created_at: string;
  /** The file itself (downloads serve it; absent: empty). */
  content?: Buffer;
}

export interface Dispatch {
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
  user: string;
  at: string;
  runId: number;
}

export type RunStatus = "queued" | "waiting" | "in_progress" | "completed" | "cancelled";

export interface Run {
  id: number;
  run_number: number;
  repo: string;
  workflow: string;
  event: string;
  status: RunStatus;
  conclusion: string | null;
  head_branch: string;
  /** full ref the run is for (refs/heads/…, refs/tags/…) */
  ref: string;
  head_sha: string;
  actor: string;
  display_title: string;
  created_at: string;
  /** set when another dispatch cancelled this run */
  cancelledBy?: number;
}

export class NotFound extends Error {}

/** Repository key: Gitea names are case-insensitive. */
export function repoKey(fullName: string): string {
  return fullName.toLowerCase();
}
export function issueKey(repo: string, index: number): string {
  return `${repoKey(repo)}#${index}`;
}

export class Store {
  users = new Map<string, User>();
  tokens = new Map<string, string>();
  repos = new Map<string, Repo>();
  labels = new Map<number, Label>();
  issues = new Map<string, Issue>();
  pulls = new Map<string, PullRequest>();
  comments = new Map<number, Comment>();
  reviews = new Map<number, Review>();
  attachments = new Map<number, Attachment>();
  dispatches: Dispatch[] = [];
  runs = new Map<number, Run>();
  tokenScopes = new Map<string, TaskScope>();
  timeline: TimelineEntry[] = [];
  teams = new Map<number, Team>();
  /** commits the server signed (POST /contents under the signing rules, initial commits) */
  signedCommits = new Set<string>();

  private seq = { user: 1, repo: 1, label: 1, issue: 1, pull: 1, comment: 1, review: 1, attachment: 1, run: 1, team: 1 };

  nextId(kind: keyof Store["seq"]): number {
    return this.seq[kind]++;
  }

  // ---- users -------------------------------------------------------------

  addUser(u: {
    login: string;
    full_name?: string;
    email?: string;
    is_admin?: boolean;
    token?: string;
    id?: number;
    isOrg?: boolean;
    signingKey?: boolean;
    twofa?: boolean;
  }): User {
    const key = u.login.toLowerCase();
    const existing = this.users.get(key);
    if (existing) throw new Error(`user ${u.login} exists`);
    const user: User = {
      id: u.id ?? this.nextId("user"),
      login: u.login,
      full_name: u.full_name ?? "",
      email: u.email ?? `${key}@example.com`,
      is_admin: u.is_admin ?? false,
      created: isoNow(),
      isOrg: u.isOrg ?? false,
      signingKey: u.signingKey ?? false,
      twofa: u.twofa ?? false,
    };
    this.users.set(key, user);
    if (u.token) this.addToken(u.login, u.token);
    return user;
  }

  addToken(login: string, token: string): void {
    this.user(login);
    this.tokens.set(token, login.toLowerCase());
  }

  findUser(login: string): User | undefined {
    return this.users.get(login.toLowerCase());
  }

  user(login: string): User {
    const u = this.findUser(login);
    if (!u) throw new NotFound(`user ${login} does not exist`);
    return u;
  }

  userByToken(token: string): User | undefined {
    const login = this.tokens.get(token);
    return login ? this.users.get(login) : undefined;
  }

  /** Registers a job token of the Actions user for one task (see TaskScope). */
  addJobToken(token: string, scope: TaskScope): void {
    const actions = this.findUser(ACTIONS_USER.login) ?? this.addUser({ login: ACTIONS_USER.login, id: ACTIONS_USER.id, email: "teabot@gitea.io" });
    this.tokens.set(token, actions.login.toLowerCase());
    this.tokenScopes.set(token, { ...scope, repo: repoKey(scope.repo) });
  }

  userByEmail(email: string): User | undefined {
    const e = email.toLowerCase();
    for (const u of this.users.values()) if (u.email.toLowerCase() === e) return u;
    return undefined;
  }

  // ---- repositories --------------------------------------------------------

  findRepo(fullName: string): Repo | undefined {
    return this.repos.get(repoKey(fullName));
  }

  repo(fullName: string): Repo {
    const r = this.findRepo(fullName);
    if (!r) throw new NotFound(`repository ${fullName} does not exist`);
    return r;
  }

  /** Gitea's GetUserRepoPermission: the overall mode (what the collaborator-permission API reports). */
  accessMode(repo: Repo, login: string | null | undefined, scope?: TaskScope): AccessMode {
    return this.permission(repo, login, scope).mode;
  }

  /** The mode of one unit (Code for pushes and contents, Issues/Pulls for comments and labels). */
  unitMode(repo: Repo, login: string | null | undefined, unit: Unit, scope?: TaskScope): AccessMode {
    return this.permission(repo, login, scope).unit(unit);
  }

  /** See access.ts: owner, site admin, collaborators, teams, job tokens. */
  permission(repo: Repo, login: string | null | undefined, scope?: TaskScope): Permission {
    return permissionOf(this, repo, login, scope);
  }

  userRepoTeams(repo: Repo, login: string): Team[] {
    return userRepoTeams(this, repo, login);
  }

  repoTeams(repo: Repo): Team[] {
    return repoTeams(this, repo);
  }

  addTeam(o: Parameters<typeof addTeam>[1]): Team {
    return addTeam(this, o);
  }

  // ---- labels ---------------------------------------------------------------

  addLabel(repo: string, l: { name: string; color?: string; description?: string; exclusive?: boolean }): Label {
    const r = this.repo(repo);
    const label: Label = {
      id: this.nextId("label"),
      repo: repoKey(r.fullName),
      name: l.name,
      color: (l.color ?? "ee0701").replace(/^#/, ""),
      description: l.description ?? "",
      exclusive: l.exclusive ?? false,
    };
    this.labels.set(label.id, label);
    return label;
  }

  repoLabels(repo: string): Label[] {
    const k = repoKey(repo);
    return [...this.labels.values()].filter((l) => l.repo === k).sort((a, b) => a.name.localeCompare(b.name));
  }

  labelByName(repo: string, name: string): Label | undefined {
    return this.repoLabels(repo).find((l) => l.name === name);
  }

  // ---- issues ---------------------------------------------------------------

  findIssue(repo: string, index: number): Issue | undefined {
    return this.issues.get(issueKey(repo, index));
  }

  issue(repo: string, index: number): Issue {
    const i = this.findIssue(repo, index);
    if (!i) throw new NotFound(`issue ${repo}#${index} does not exist`);
    return i;
  }

  addIssue(
    repo: string,
    o: {
      title: string;
      body?: string;
      user: string;
      labels?: string[];
      assignees?: string[];
      state?: "open" | "closed";
      isPull?: boolean;
      created_at?: string;
    },
  ): Issue {
    const r = this.repo(repo);
    const poster = this.user(o.user);
    const labels = (o.labels ?? []).map((name) => {
      const l = this.labelByName(r.fullName, name) ?? this.addLabel(r.fullName, { name });
      return l.id;
    });
    const now = o.created_at ?? isoNow();
    const state = o.state ?? "open";
    const issue: Issue = {
      id: this.nextId("issue"),
      repo: repoKey(r.fullName),
      index: r.nextIndex++,
      title: o.title,
      body: o.body ?? "",
      user: poster.login,
      labels,
      assignees: (o.assignees ?? []).map((a) => this.user(a).login),
      state,
      isPull: o.isPull ?? false,
      locked: false,
      created_at: now,
      updated_at: now,
      closed_at: state === "closed" ? now : null,
    };
    this.issues.set(issueKey(r.fullName, issue.index), issue);
    // Gitea applies labels and assignees after creating the issue: each leaves a timeline entry.
    for (const id of labels) this.recordLabel(issue, poster.login, id, true, now);
    for (const a of issue.assignees) this.recordAssignee(issue, poster.login, a, false, now);
    return issue;
  }

  recordLabel(issue: Issue, by: string, label: number, added: boolean, at = isoNow()): void {
    this.timeline.push({ id: this.nextId("comment"), repo: issue.repo, issueIndex: issue.index, type: "label", user: by, created_at: at, label, added });
  }

  recordAssignee(issue: Issue, by: string, assignee: string, removed: boolean, at = isoNow()): void {
    this.timeline.push({ id: this.nextId("comment"), repo: issue.repo, issueIndex: issue.index, type: "assignees", user: by, created_at: at, assignee, removed });
  }

  touch(issue: Issue): void {
    issue.updated_at = isoNow();
  }

  // ---- comments -------------------------------------------------------------

  addComment(repo: string, index: number, c: { user: string; body: string; created_at?: string }): Comment {
    const issue = this.issue(repo, index);
    const user = this.user(c.user);
    const at = c.created_at ?? isoNow();
    const comment: Comment = {
      id: this.nextId("comment"),
      repo: issue.repo,
      issueIndex: index,
      user: user.login,
      body: c.body,
      created_at: at,
      updated_at: at,
    };
    this.comments.set(comment.id, comment);
    this.touch(issue);
    return comment;
  }

  issueComments(repo: string, index: number): Comment[] {
    const k = repoKey(repo);
    return [...this.comments.values()]
      .filter((c) => c.repo === k && c.issueIndex === index)
      .sort((a, b) => unix(a.created_at) - unix(b.created_at) || a.id - b.id);
  }

  // ---- pulls ------------------------------------------------------------------

  findPull(repo: string, index: number): PullRequest | undefined {
    return this.pulls.get(issueKey(repo, index));
  }

  repoPulls(repo: string): PullRequest[] {
    const k = repoKey(repo);
    return [...this.pulls.values()].filter((p) => p.repo === k);
  }

  // ---- reviews ----------------------------------------------------------------

  pullReviews(repo: string, index: number): Review[] {
    const k = repoKey(repo);
    return [...this.reviews.values()].filter((r) => r.repo === k && r.index === index).sort((a, b) => a.id - b.id);
  }

  // ---- attachments ------------------------------------------------------------

  addAttachment(
    repo: string,
    o: { index: number; commentId?: number; name: string; size?: number; created_at?: string; content?: Buffer },
  ): Attachment {
    const issue = this.issue(repo, o.index);
    if (o.commentId !== undefined) {
      const c = this.comments.get(o.commentId);
      if (!c || c.repo !== issue.repo || c.issueIndex !== o.index) throw new NotFound(`comment ${o.commentId} not on ${repo}#${o.index}`);
    }
    const a: Attachment = {
      id: this.nextId("attachment"),
      uuid: randomUUID(),
      repo: issue.repo,
      issueIndex: o.index,
      commentId: o.commentId ?? null,
      name: o.name,
      size: o.size ?? o.content?.length ?? 0,
      download_count: 0,
      created_at: o.created_at ?? isoNow(),
      ...(o.content ? { content: o.content } : {}),
    };
    this.attachments.set(a.id, a);
    return a;
  }

  issueAttachments(repo: string, index: number): Attachment[] {
    const k = repoKey(repo);
    return [...this.attachments.values()].filter((a) => a.repo === k && a.issueIndex === index && a.commentId === null);
  }

  commentAttachments(commentId: number): Attachment[] {
    return [...this.attachments.values()].filter((a) => a.commentId === commentId);
  }
}
