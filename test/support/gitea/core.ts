/**
 * The emulator's state and its git-backed operations, shared by the HTTP
 * routes, the seeding API and the payload builders.
 */
import { EventEmitter } from "node:events";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { conflict, notFound, unprocessable } from "./errors";
import { Faults } from "./faults";
import { GitRepo, type CommitInfo, type Identity } from "./git";
import type { Spec } from "./spec";
import {
  Store,
  atLeast,
  isoNow,
  repoKey,
  type PullRequest,
  type Repo,
  type Review,
  type ReviewComment,
  type ReviewState,
  type Run,
  type User,
} from "./store";

export interface RequestLogEntry {
  seq: number;
  /** api: REST under /api/v1; git: smart HTTP; web: other pages (attachment downloads) */
  kind: "api" | "git" | "web";
  method: string;
  /** path without /api/v1 for API requests; the URL path for git */
  path: string;
  /** swagger template like "GET /repos/{owner}/{repo}/issues/{index}", or null */
  route: string | null;
  query: Record<string, string>;
  /** 0 while in flight, or when the connection was reset / hung */
  status: number;
  /** performance.now() ms */
  startedAt: number;
  endedAt: number | null;
  /** login of the authenticated user, or null */
  auth: string | null;
  /** the fault applied, if any */
  fault: number | null;
}

export interface Violation {
  kind:
    | "unknown-route"
    | "unimplemented-route"
    | "unknown-query"
    | "invalid-body"
    | "unknown-body-field"
    | "invalid-response"
    | "emulator-error";
  method: string;
  path: string;
  route: string | null;
  message: string;
}

export interface CoreOptions {
  /** what GET /version reports: "1.22.6", or Forgejo's "11.0.1+gitea-1.22.0" */
  version: string;
  publicUrl: string | null;
  validate: boolean;
  /** [api] MAX_RESPONSE_ITEMS: the cap on `limit` (Gitea's default 50) */
  maxResponseItems: number;
  /** [api] DEFAULT_PAGING_NUM: the page size without `limit` (default 30) */
  defaultPagingNum: number;
  /** [attachment] ENABLED (default true); off, the assets routes answer 404 */
  attachments: boolean;
  /**
   * [repository.signing]: the server has a signing key and signs commits made
   * through the API (POST /contents) by CRUD_ACTIONS rules (Gitea's default:
   * pubkey, twofa, parentsigned). undefined: no signing key, nothing is signed.
   */
  signing?: { crudActions: ("never" | "always" | "pubkey" | "twofa" | "parentsigned")[] };
}

/** Forgejo reports "<forgejo>+gitea-<compatible gitea>"; the API follows that Gitea version. */
export function giteaCompatVersion(version: string): string {
  const m = /\+gitea-(\d[\w.]*)/.exec(version);
  return m ? m[1]! : version.replace(/^v/, "");
}

export function isForgejo(version: string): boolean {
  return /\+gitea-/.test(version) || /forgejo/i.test(version);
}

/** Compares dotted versions numerically ("1.22.6" < "1.24"). */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.replace(/^v/, "").split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const b = min.replace(/^v/, "").split(".").map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

export const WIP_PREFIXES = ["WIP:", "[WIP]"];

export class Core {
  readonly store = new Store();
  readonly faults = new Faults();
  readonly requests: RequestLogEntry[] = [];
  readonly violations: Violation[] = [];
  latencyMs = 0;
  /** `[attachment] ENABLED`: when false, the assets routes and attachment downloads answer 404 (mustEnableAttachments). */
  attachmentsEnabled: boolean;
  url = "";
  /** the pre-receive hook (protected branches) has been written */
  hooksReady = false;
  /** "cancelled" (run) when a run is cancelled, e.g. by a newer dispatch of the same workflow and ref */
  readonly runEvents = new EventEmitter();
  /** Webhook events the emulator emitted for API calls (label changes), oldest first. */
  readonly hookEvents: import("./hooks").HookEvent[] = [];
  private seq = 1;

  constructor(
    readonly root: string,
    readonly options: CoreOptions,
    readonly spec: Spec | null,
  ) {
    this.attachmentsEnabled = options.attachments;
  }

  get version(): string {
    return this.options.version;
  }
  /** The Gitea version whose API this server has (Forgejo: the "+gitea-" part). */
  get apiVersion(): string {
    return giteaCompatVersion(this.options.version);
  }
  get forgejo(): boolean {
    return isForgejo(this.options.version);
  }
  /** Is the API at least this Gitea version? */
  atLeast(min: string): boolean {
    return versionAtLeast(this.apiVersion, min);
  }
  get reposRoot(): string {
    return path.join(this.root, "repos");
  }
  get scratch(): string {
    return path.join(this.root, "scratch");
  }
  get publicUrl(): string {
    return (this.options.publicUrl ?? this.url).replace(/\/+$/, "");
  }
  get apiUrl(): string {
    return `${this.url}/api/v1`;
  }
  /** API base as Gitea renders it in `url` fields (AppURL based). */
  get publicApiUrl(): string {
    return `${this.publicUrl}/api/v1`;
  }
  get swaggerUrl(): string {
    return `${this.publicUrl}/api/swagger`;
  }

  nextSeq(): number {
    return this.seq++;
  }

  repoHtml(repo: Repo): string {
    return `${this.publicUrl}/${repo.owner}/${repo.name}`;
  }
  repoApi(repo: Repo): string {
    return `${this.publicApiUrl}/repos/${repo.owner}/${repo.name}`;
  }

  violation(v: Violation): void {
    this.violations.push(v);
  }

  // ---- repositories --------------------------------------------------------

  private repoDir(owner: string, name: string): string {
    return path.join(this.reposRoot, owner.toLowerCase(), `${name.toLowerCase()}.git`);
  }

  private ensureOwner(owner: string): User {
    return this.store.findUser(owner) ?? this.store.addUser({ login: owner });
  }

  identityOf(login: string): Identity {
    const u = this.store.user(login);
    return { name: u.full_name || u.login, email: u.email };
  }

  async createRepo(o: {
    owner: string;
    name: string;
    default_branch?: string;
    private?: boolean;
    description?: string;
    files?: Record<string, string>;
  }): Promise<Repo> {
    if (this.store.findRepo(`${o.owner}/${o.name}`)) throw new Error(`repository ${o.owner}/${o.name} exists`);
    const owner = this.ensureOwner(o.owner);
    const defaultBranch = o.default_branch ?? "main";
    const dir = this.repoDir(owner.login, o.name);
    await mkdir(path.dirname(dir), { recursive: true });
    const git = new GitRepo(dir, this.scratch);
    await git.init(defaultBranch);
    const now = isoNow();
    const repo: Repo = {
      id: this.store.nextId("repo"),
      owner: owner.login,
      name: o.name,
      fullName: `${owner.login}/${o.name}`,
      defaultBranch,
      private: o.private ?? false,
      description: o.description ?? "",
      parent: null,
      created: now,
      updated: now,
      collaborators: new Map(),
      nextIndex: 1,
      nextRunNumber: 1,
      git,
      protectedBranches: [],
      schedulesWithoutPayload: false,
    };
    this.store.repos.set(repoKey(repo.fullName), repo);
    const files = o.files ?? { "README.md": `# ${o.name}\n` };
    if (Object.keys(files).length > 0) {
      const sha = await git.writeCommit({
        parent: null,
        changes: Object.entries(files).map(([p, c]) => ({ path: p, content: Buffer.from(c) })),
        message: "Initial commit",
        author: this.identityOf(owner.login),
      });
      await git.updateRef(`refs/heads/${defaultBranch}`, sha);
      // [repository.signing] INITIAL_COMMIT defaults to "always": Gitea signs the commits it creates for a new repository.
      if (this.options.signing) this.store.signedCommits.add(sha);
    }
    return repo;
  }

  async forkRepo(repoName: string, newOwner: string, name?: string): Promise<Repo> {
    const base = this.store.repo(repoName);
    const owner = this.ensureOwner(newOwner);
    const forkName = name ?? base.name;
    if (this.store.findRepo(`${owner.login}/${forkName}`)) throw new Error(`repository ${owner.login}/${forkName} exists`);
    const dir = this.repoDir(owner.login, forkName);
    await mkdir(path.dirname(dir), { recursive: true });
    const git = new GitRepo(dir, this.scratch);
    await git.cloneBareFrom(base.git.dir);
    await git.setHead(base.defaultBranch);
    const now = isoNow();
    const repo: Repo = {
      id: this.store.nextId("repo"),
      owner: owner.login,
      name: forkName,
      fullName: `${owner.login}/${forkName}`,
      defaultBranch: base.defaultBranch,
      private: base.private,
      description: base.description,
      parent: base.fullName,
      created: now,
      updated: now,
      collaborators: new Map(),
      nextIndex: 1,
      nextRunNumber: 1,
      git,
      protectedBranches: [],
      schedulesWithoutPayload: false,
    };
    this.store.repos.set(repoKey(repo.fullName), repo);
    return repo;
  }

  async branchSha(repoName: string, branch: string): Promise<string | null> {
    return this.store.repo(repoName).git.revParse(`refs/heads/${branch}`);
  }

  /** Commits file changes (null deletes) on a branch; creates the branch from the default one when missing. */
  async commitFiles(
    repoName: string,
    branch: string,
    files: Record<string, string | Buffer | null>,
    message: string,
    author?: Identity | string,
  ): Promise<string> {
    const repo = this.store.repo(repoName);
    const ident = typeof author === "string" ? this.identityOf(author) : (author ?? this.identityOf(repo.owner));
    const sha = await repo.git.exclusive(async () => {
      const ref = `refs/heads/${branch}`;
      const current = await repo.git.revParse(ref);
      const parent = current ?? (await repo.git.revParse(`refs/heads/${repo.defaultBranch}`));
      const commit = await repo.git.writeCommit({
        parent,
        changes: Object.entries(files).map(([p, c]) => ({
          path: p,
          content: c === null ? null : Buffer.isBuffer(c) ? c : Buffer.from(c),
        })),
        message,
        author: ident,
      });
      await repo.git.updateRef(ref, commit, current);
      return commit;
    });
    this.touchRepo(repo);
    await this.syncPulls(repo.fullName);
    return sha;
  }

  async createBranch(repoName: string, name: string, fromRef: string): Promise<string> {
    const repo = this.store.repo(repoName);
    const from = await repo.git.resolveRef(fromRef);
    if (!from) throw notFound(`reference ${fromRef} does not exist`);
    await repo.git.exclusive(() => repo.git.updateRef(`refs/heads/${name}`, from.sha, null));
    return from.sha;
  }

  /**
   * Would Gitea sign a commit this user makes through the API (POST /contents)?
   * [repository.signing] CRUD_ACTIONS: every listed rule must hold (Gitea's
   * SignCRUDAction); the Actions user has no key and no 2FA, so with the
   * default rules (pubkey, twofa, parentsigned) its commits are never signed.
   */
  signsCrudCommit(user: User, parent: string | null): boolean {
    const signing = this.options.signing;
    if (!signing) return false;
    for (const rule of signing.crudActions) {
      if (rule === "never") return false;
      if (rule === "always") return true;
      if (rule === "pubkey" && !user.signingKey) return false;
      if (rule === "twofa" && !user.twofa) return false;
      if (rule === "parentsigned" && !(parent && this.store.signedCommits.has(parent))) return false;
    }
    return true;
  }

  /** Cancels a live run (its job is told through runEvents, as a runner is). */
  cancelRun(run: Run, byRun?: number): void {
    run.status = "cancelled";
    run.conclusion = "cancelled";
    if (byRun !== undefined) run.cancelledBy = byRun;
    this.runEvents.emit("cancelled", run);
  }

  touchRepo(repo: Repo): void {
    repo.updated = isoNow();
  }

  // ---- pull requests --------------------------------------------------------

  /** Head commit of a PR: the head branch when it still exists, else refs/pull/N/head. */
  async pullHeadSha(pr: PullRequest): Promise<string | null> {
    const headRepo = this.store.findRepo(pr.headRepo);
    const live = headRepo ? await headRepo.git.revParse(`refs/heads/${pr.headBranch}`) : null;
    if (live) return live;
    return this.store.repo(pr.repo).git.revParse(`refs/pull/${pr.index}/head`);
  }

  /** Head and merge base of a PR as seen from the base repository (refs/pull/N/head). */
  async pullRange(pr: PullRequest): Promise<{ head: string; base: string | null; mergeBase: string }> {
    const repo = this.store.repo(pr.repo);
    const head = (await repo.git.revParse(`refs/pull/${pr.index}/head`)) ?? (await this.pullHeadSha(pr));
    if (!head) throw notFound(`head of pull ${pr.index} is gone`);
    const base = await repo.git.revParse(`refs/heads/${pr.baseBranch}`);
    const mergeBase = (base && (await repo.git.mergeBase(base, head))) ?? head;
    return { head, base, mergeBase };
  }

  /** Moves refs/pull/N/head of open PRs whose head branch lives in the given repository. */
  async syncPulls(repoName: string): Promise<PullRequest[]> {
    const key = repoKey(repoName);
    const synced: PullRequest[] = [];
    for (const pr of this.store.pulls.values()) {
      if (pr.headRepo !== key || pr.merged || pr.flow === "agit") continue;
      const issue = this.store.findIssue(pr.repo, pr.index);
      if (!issue || issue.state !== "open") continue;
      const headRepo = this.store.findRepo(pr.headRepo);
      const base = this.store.findRepo(pr.repo);
      if (!headRepo || !base) continue;
      const sha = await headRepo.git.revParse(`refs/heads/${pr.headBranch}`);
      if (!sha) continue;
      const ref = `refs/pull/${pr.index}/head`;
      if ((await base.git.revParse(ref)) === sha) continue;
      await base.git.exclusive(async () => {
        if (headRepo === base) await base.git.updateRef(ref, sha);
        else await base.git.fetchRef(headRepo.git.dir, `refs/heads/${pr.headBranch}`, ref);
      });
      this.store.touch(issue);
      synced.push(pr);
    }
    return synced;
  }

  /**
   * Opens a pull request. With `agit`, `head` is a branch of the base repository standing for what
   * was pushed to refs/for/<base>/<topic>: it becomes refs/pull/N/head and the branch is removed, as
   * with AGit, where no head branch exists anywhere.
   */
  async createPull(
    repoName: string,
    o: { title: string; body?: string; user: string; head: string; base: string; headRepo?: string; agit?: boolean },
  ): Promise<PullRequest> {
    const base = this.store.repo(repoName);
    const headRepo = o.headRepo ? this.store.repo(o.headRepo) : base;
    if (headRepo !== base && repoKey(headRepo.parent ?? "") !== repoKey(base.fullName)) {
      throw unprocessable(`${headRepo.fullName} is not a fork of ${base.fullName}`);
    }
    const baseSha = await base.git.revParse(`refs/heads/${o.base}`);
    if (!baseSha) throw notFound(`branch does not exist [name: ${o.base}]`);
    const headSha = await headRepo.git.revParse(`refs/heads/${o.head}`);
    if (!headSha) throw notFound(`branch does not exist [name: ${o.head}]`);
    const hk = repoKey(headRepo.fullName);
    for (const pr of this.store.repoPulls(base.fullName)) {
      const issue = this.store.findIssue(pr.repo, pr.index);
      if (pr.headRepo === hk && pr.headBranch === o.head && pr.baseBranch === o.base && !pr.merged && issue?.state === "open") {
        throw conflict(
          `pull request already exists for these targets [id: ${pr.id}, issue_id: ${issue.id}, head_repo_id: ${headRepo.id}, base_repo_id: ${base.id}, head_branch: ${o.head}, base_branch: ${o.base}]`,
        );
      }
    }
    const poster = this.store.user(o.user);
    return base.git.exclusive(async () => {
      const tmp = `refs/emulator/tmp-${Date.now()}-${Math.random().toString(16).slice(2)}`;
      if (headRepo !== base) await base.git.fetchRef(headRepo.git.dir, `refs/heads/${o.head}`, tmp);
      try {
        const mergeBase = await base.git.mergeBase(baseSha, headSha);
        if (mergeBase === headSha) throw unprocessable("Invalid PullRequest: There are no changes between the head and the base");
        const issue = this.store.addIssue(base.fullName, { title: o.title, body: o.body ?? "", user: poster.login, isPull: true });
        const pr: PullRequest = {
          id: this.store.nextId("pull"),
          repo: repoKey(base.fullName),
          index: issue.index,
          headRepo: hk,
          headBranch: o.head,
          baseBranch: o.base,
          merged: false,
          merged_at: null,
          flow: o.agit ? "agit" : "github",
        };
        this.store.pulls.set(`${pr.repo}#${pr.index}`, pr);
        await base.git.updateRef(`refs/pull/${pr.index}/head`, headSha);
        if (o.agit) await base.git.deleteRef(`refs/heads/${o.head}`);
        return pr;
      } finally {
        if (headRepo !== base) await base.git.deleteRef(tmp);
      }
    });
  }

  pull(repoName: string, index: number): PullRequest {
    const pr = this.store.findPull(repoName, index);
    if (!pr) throw notFound(`pull request does not exist [id: 0, issue_id: 0, index: ${index}]`);
    return pr;
  }

  /** Whether two commits merge cleanly never changes: asked once per pair. */
  private readonly mergeable = new Map<string, boolean>();

  async isMergeable(pr: PullRequest): Promise<boolean> {
    const repo = this.store.repo(pr.repo);
    const { head, base } = await this.pullRange(pr);
    if (!base) return false;
    const key = `${repo.fullName}:${base}..${head}`;
    const known = this.mergeable.get(key);
    if (known !== undefined) return known;
    const r = await repo.git.raw(["merge-tree", "--write-tree", "--no-messages", base, head]);
    // 0 = clean, 1 = conflicts; anything else (git < 2.38) = cannot tell, assume mergeable
    const clean = r.code !== 1;
    this.mergeable.set(key, clean);
    return clean;
  }

  // ---- reviews -----------------------------------------------------------------

  async createReview(
    repoName: string,
    index: number,
    o: {
      user: string;
      event?: string;
      body?: string;
      comments?: { path: string; body: string; new_position?: number; old_position?: number }[];
      commit_id?: string;
    },
  ): Promise<Review> {
    const repo = this.store.repo(repoName);
    const pr = this.pull(repoName, index);
    const issue = this.store.issue(repoName, index);
    const reviewer = this.store.user(o.user);
    const body = o.body ?? "";
    const comments = o.comments ?? [];
    let state: ReviewState;
    switch (o.event) {
      // (GitHub's "APPROVE" is not Gitea's: it falls through to a PENDING review)
      case "APPROVED":
        if (issue.user.toLowerCase() === reviewer.login.toLowerCase()) throw unprocessable("approve your own pull is not allowed");
        state = "APPROVED";
        break;
      case "REQUEST_CHANGES":
        if (issue.user.toLowerCase() === reviewer.login.toLowerCase()) throw unprocessable("reject your own pull is not allowed");
        if (!body.trim()) throw unprocessable("review event REQUEST_CHANGES requires a body");
        state = "REQUEST_CHANGES";
        break;
      case "COMMENT":
        if (!body.trim() && comments.length === 0) throw unprocessable("review event COMMENT requires a body or a comment");
        state = "COMMENT";
        break;
      default:
        state = "PENDING";
    }
    const { head, mergeBase } = await this.pullRange(pr);
    const commitId = o.commit_id || head;
    const now = isoNow();
    const review: Review = {
      id: this.store.nextId("review"),
      repo: pr.repo,
      index,
      user: reviewer.login,
      state,
      body,
      commit_id: commitId,
      official: (state === "APPROVED" || state === "REQUEST_CHANGES") && atLeast(this.store.accessMode(repo, reviewer.login), "write"),
      submitted_at: state === "PENDING" ? null : now,
      updated_at: now,
      comments: [],
    };
    for (const c of comments) {
      const fileDiff = await repo.git.diff(mergeBase, head, [c.path]);
      const newLine = c.new_position ?? 0;
      const oldLine = c.old_position ?? 0;
      const rc: ReviewComment = {
        id: this.store.nextId("comment"),
        reviewId: review.id,
        user: reviewer.login,
        path: c.path,
        body: c.body,
        new_position: newLine,
        old_position: newLine > 0 ? 0 : oldLine,
        commit_id: commitId,
        diff_hunk: diffHunk(fileDiff, newLine > 0 ? newLine : oldLine, newLine <= 0),
        created_at: now,
        updated_at: now,
      };
      review.comments.push(rc);
    }
    this.store.reviews.set(review.id, review);
    this.store.touch(issue);
    return review;
  }

  async commitOrNull(repoName: string, sha: string): Promise<CommitInfo | null> {
    try {
      return await this.store.repo(repoName).git.commit(sha);
    } catch {
      return null;
    }
  }
}

/**
 * The part of a file diff that ends at the commented line: file header, hunk
 * header and hunk lines up to that line (Gitea cuts a similar excerpt).
 */
export function diffHunk(fileDiff: string, line: number, oldSide: boolean): string {
  if (!fileDiff || line <= 0) return "";
  const lines = fileDiff.replace(/\n$/, "").split("\n");
  const header: string[] = [];
  let i = 0;
  while (i < lines.length && !(lines[i] ?? "").startsWith("@@")) header.push(lines[i++] ?? "");
  const fileHeader = header.filter((l) => l.startsWith("diff --git") || l.startsWith("--- ") || l.startsWith("+++ "));
  while (i < lines.length) {
    const hunkHeader = lines[i] ?? "";
    const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(hunkHeader);
    i++;
    if (!m) continue;
    let oldNo = Number(m[1]);
    let newNo = Number(m[2]);
    const body: string[] = [];
    while (i < lines.length && !(lines[i] ?? "").startsWith("@@")) {
      const l = lines[i++] ?? "";
      body.push(l);
      const c = l[0];
      const hitsOld = c === "-" || c === " ";
      const hitsNew = c === "+" || c === " ";
      if (oldSide ? hitsOld && oldNo === line : hitsNew && newNo === line) {
        return [...fileHeader, hunkHeader, ...body].join("\n");
      }
      if (hitsOld) oldNo++;
      if (hitsNew) newNo++;
    }
  }
  return "";
}
