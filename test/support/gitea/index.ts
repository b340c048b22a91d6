/**
 * Gitea API emulator for tests: REST (/api/v1) checked against the Gitea
 * 1.22 swagger spec, git smart HTTP backed by real bare repositories, fault
 * injection and a request log.
 *
 *   const gitea = await startGitea();
 *   gitea.addUser({ login: "alice", token: "t-alice" });
 *   await gitea.createRepo({ owner: "alice", name: "demo", files: { "a.txt": "hi\n" } });
 *   ...
 *   await gitea.stop();
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Core, giteaCompatVersion, type CoreOptions, type RequestLogEntry, type Violation } from "./core";
import type { Faults } from "./faults";
import type { CommitInfo, Identity } from "./git";
import { EmulatorServer } from "./server";
import { loadSpec, specVersionFor } from "./spec";
import {
  type AccessMode,
  type Attachment,
  type CollaboratorPermission,
  type Comment,
  type Dispatch,
  type Issue,
  type Label,
  type PullRequest,
  type Repo,
  type Review,
  type Run,
  type RunStatus,
  type TaskScope,
  type Team,
  type Unit,
  type User,
  isoNow,
  repoKey,
} from "./store";

export type {
  AccessMode,
  Attachment,
  Comment,
  Dispatch,
  Issue,
  Label,
  PullRequest,
  Repo,
  Review,
  Run,
  RunStatus,
  TaskScope,
  Team,
  Unit,
  User,
  RequestLogEntry,
  Violation,
  Identity,
};
export type { Fault, FaultSpec } from "./faults";
export { EMULATOR_ROUTES, NEWER_EMULATOR_ROUTES } from "./routes/index";
export { CiEmulator, ciOf, logTime, workflowRunPayload, type CiJob, type CiStatus, type CiTask, type JobSeed, type JobStatus } from "./ci";
export { requestReview } from "./review-requests";
export { SPEC_VERSIONS, SWAGGER_PATH, SWAGGER_PATHS, loadSpec, specVersionFor, type SpecVersion } from "./spec";
export { Core, giteaCompatVersion, isForgejo } from "./core";
export { ACTIONS_USER } from "./store";
export type { HookEvent, HookEventType } from "./hooks";

export interface GiteaOptions {
  /**
   * reported by GET /version; gates routes newer than 1.22 and picks the spec
   * requests are checked against (default "1.22.6"). Forgejo: "11.0.1+gitea-1.22.0".
   */
  version?: string;
  /** base of html_url / url fields (default: the emulator's own http://127.0.0.1:PORT) */
  publicUrl?: string;
  /** check requests/responses against the swagger spec when it exists (default true) */
  validate?: boolean;
  /** [api] MAX_RESPONSE_ITEMS (default 50): the largest page any list returns */
  maxResponseItems?: number;
  /** [api] DEFAULT_PAGING_NUM (default 30) */
  defaultPagingNum?: number;
  /** [attachment] ENABLED (default true) */
  attachments?: boolean;
  /** [repository.signing] with a key: which API commits Gitea signs (see CoreOptions) */
  signing?: CoreOptions["signing"];
}

export interface CommitSummary {
  sha: string;
  subject: string;
  message: string;
  author: { name: string; email: string };
  committer: { name: string; email: string };
  parents: string[];
}

export class GiteaEmulator {
  private constructor(
    /** internals (state, git helpers); for payload builders and advanced tests */
    readonly core: Core,
    private readonly server: EmulatorServer,
  ) {}

  /** Starts an emulator on 127.0.0.1 with a random port. */
  static async start(opts: GiteaOptions = {}): Promise<GiteaEmulator> {
    const root = await mkdtemp(path.join(os.tmpdir(), "gitea-emu-"));
    const version = opts.version ?? "1.22.6";
    const spec = opts.validate === false ? null : loadSpec(specVersionFor(giteaCompatVersion(version)));
    const core = new Core(
      root,
      {
        version,
        publicUrl: opts.publicUrl ?? null,
        validate: opts.validate ?? true,
        maxResponseItems: opts.maxResponseItems ?? 50,
        defaultPagingNum: opts.defaultPagingNum ?? 30,
        attachments: opts.attachments ?? true,
        ...(opts.signing ? { signing: opts.signing } : {}),
      },
      spec,
    );
    await mkdir(core.reposRoot, { recursive: true });
    await mkdir(core.scratch, { recursive: true });
    const server = new EmulatorServer(core);
    core.url = await server.listen();
    return new GiteaEmulator(core, server);
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return this.core.url;
  }
  /** url + "/api/v1" */
  get apiUrl(): string {
    return this.core.apiUrl;
  }
  /** base used in html_url fields */
  get publicUrl(): string {
    return this.core.publicUrl;
  }
  get version(): string {
    return this.core.version;
  }
  /** whether the swagger spec was found and checks are on */
  get validating(): boolean {
    return this.core.options.validate && this.core.spec !== null;
  }

  /** Stops the server (hung requests are dropped) and deletes the repositories. */
  async stop(): Promise<void> {
    await this.server.stop();
    await rm(this.core.root, { recursive: true, force: true });
  }

  // ---- seeding ---------------------------------------------------------------

  /**
   * Adds a user; `token` authenticates as that user. `signingKey` / `twofa`
   * feed the commit-signing rules (pubkey, twofa).
   */
  addUser(u: { login: string; full_name?: string; email?: string; is_admin?: boolean; token?: string; signingKey?: boolean; twofa?: boolean }): User {
    return this.core.store.addUser(u);
  }

  /** Adds an organization (an owner of repositories and teams). */
  addOrg(login: string, full_name = ""): User {
    return this.core.store.addUser({ login, full_name, isOrg: true });
  }

  /**
   * A team of an organization. Below admin, the team's mode is the lowest of
   * its unit modes (what the collaborator-permission API then reports for its
   * members); `units` keys are Gitea's ("repo.code", "repo.issues", …).
   */
  addTeam(o: { org: string; name: string; permission?: AccessMode; units?: Partial<Record<Unit, AccessMode>>; members?: string[]; repos?: string[]; includesAllRepos?: boolean }): Team {
    return this.core.store.addTeam(o);
  }

  /**
   * An Actions job token for one task: the Actions user (id -2), its task's
   * repository only, write access — or read only for a fork run.
   */
  addJobToken(token: string, scope: TaskScope): void {
    this.core.store.addJobToken(token, scope);
  }

  /** Protects a branch (glob pattern); only `pushWhitelist` logins may push or commit to it. */
  protectBranch(repo: string, pattern: string, pushWhitelist: string[] = []): void {
    this.core.store.repo(repo).protectedBranches.push({ pattern, pushWhitelist: pushWhitelist.map((l) => l.toLowerCase()) });
  }

  /** Was this commit signed by the server? */
  isSigned(sha: string): boolean {
    return this.core.store.signedCommits.has(sha);
  }

  /** Webhook events emitted by API calls so far (label changes). */
  get hookEvents(): readonly import("./hooks").HookEvent[] {
    return this.core.hookEvents;
  }

  /** Sets a run's status as a runner reports it (in_progress, completed with a conclusion). */
  setRunStatus(id: number, status: RunStatus, conclusion: string | null = null): Run {
    const run = this.core.store.runs.get(id);
    if (!run) throw new Error(`run ${id} does not exist`);
    if (run.status === "cancelled") return run;
    run.status = status;
    run.conclusion = conclusion;
    return run;
  }

  /** Calls back when Gitea cancels a run (e.g. a newer dispatch of the same workflow and ref); returns an unsubscribe. */
  onRunCancelled(listener: (run: Run) => void): () => void {
    this.core.runEvents.on("cancelled", listener);
    return () => this.core.runEvents.off("cancelled", listener);
  }

  /** Another token for an existing user. */
  addToken(login: string, token: string): void {
    this.core.store.addToken(login, token);
  }

  /**
   * Creates a bare repository with an initial commit of `files` on the default
   * branch (committed as the owner; default files: README.md; `{}` = empty repo).
   * A missing owner user is created.
   */
  createRepo(o: {
    owner: string;
    name: string;
    default_branch?: string;
    private?: boolean;
    description?: string;
    files?: Record<string, string>;
  }): Promise<Repo> {
    return this.core.createRepo(o);
  }

  /** Forks `repo` ("owner/name") into `newOwner` (branches and tags copied). */
  forkRepo(repo: string, newOwner: string, name?: string): Promise<Repo> {
    return this.core.forkRepo(repo, newOwner, name);
  }

  /** Collaborator permission; the owner is implicitly "owner", site admins "admin". */
  setPermission(repo: string, login: string, permission: CollaboratorPermission): void {
    const r = this.core.store.repo(repo);
    const u = this.core.store.user(login);
    r.collaborators.set(u.login.toLowerCase(), permission);
  }

  /** The access mode Gitea would compute for login (null = anonymous). */
  permission(repo: string, login: string | null): AccessMode {
    return this.core.store.accessMode(this.core.store.repo(repo), login);
  }

  /** Creates an issue; unknown label names are created on the fly. */
  createIssue(
    repo: string,
    o: { title: string; body?: string; user: string; labels?: string[]; assignees?: string[]; state?: "open" | "closed"; created_at?: string },
  ): Issue {
    return this.core.store.addIssue(repo, o);
  }

  setIssueState(repo: string, index: number, state: "open" | "closed"): Issue {
    const issue = this.core.store.issue(repo, index);
    issue.state = state;
    issue.closed_at = state === "closed" ? isoNow() : null;
    this.core.store.touch(issue);
    return issue;
  }

  /** Sets assignees (logins) of an issue or PR; the changes go on its timeline as done by `by` (default: the poster). */
  setAssignees(repo: string, index: number, logins: string[], by?: string): Issue {
    const store = this.core.store;
    const issue = store.issue(repo, index);
    const next = logins.map((l) => store.user(l).login);
    const doer = by ?? issue.user;
    for (const a of issue.assignees) if (!next.includes(a)) store.recordAssignee(issue, doer, a, true);
    for (const a of next) if (!issue.assignees.includes(a)) store.recordAssignee(issue, doer, a, false);
    issue.assignees = next;
    store.touch(issue);
    return issue;
  }

  /** Replaces an issue's labels by name (creating unknown labels); the changes go on its timeline as done by `by` (default: the poster). */
  setIssueLabels(repo: string, index: number, names: string[], by?: string): Issue {
    const store = this.core.store;
    const issue = store.issue(repo, index);
    const next = names.map((n) => (store.labelByName(repo, n) ?? store.addLabel(repo, { name: n })).id);
    const doer = by ?? issue.user;
    for (const id of issue.labels) if (!next.includes(id)) store.recordLabel(issue, doer, id, false);
    for (const id of next) if (!issue.labels.includes(id)) store.recordLabel(issue, doer, id, true);
    issue.labels = next;
    store.touch(issue);
    return issue;
  }

  createLabel(repo: string, l: { name: string; color?: string; description?: string; exclusive?: boolean }): Label {
    return this.core.store.addLabel(repo, l);
  }

  addComment(repo: string, index: number, c: { user: string; body: string; created_at?: string }): Comment {
    return this.core.store.addComment(repo, index, c);
  }

  /** Edits a comment body (as a later edit would). */
  editComment(id: number, body: string): Comment {
    const c = this.core.store.comments.get(id);
    if (!c) throw new Error(`comment ${id} does not exist`);
    c.body = body;
    c.updated_at = isoNow();
    return c;
  }

  /** Creates a branch at a branch, tag or sha; returns the sha. */
  createBranch(repo: string, name: string, fromRef: string): Promise<string> {
    return this.core.createBranch(repo, name, fromRef);
  }

  /**
   * Commits files (null deletes) on a branch — created from the default branch
   * when missing; author defaults to the repository owner (a login is accepted).
   * Returns the new sha. Open PRs with this head branch follow.
   */
  commitFiles(
    repo: string,
    branch: string,
    files: Record<string, string | null>,
    message: string,
    author?: Identity | string,
  ): Promise<string> {
    return this.core.commitFiles(repo, branch, files, message, author);
  }

  /**
   * Opens a PR `head` → `base`. For a fork, pass `headRepo` ("owner/name");
   * refs/pull/N/head is created in the base repository like Gitea does. With
   * `agit`, `head` (a branch here) stands for what was pushed to
   * refs/for/<base>/<topic>: only refs/pull/N/head remains.
   */
  createPullRequest(
    repo: string,
    o: { title: string; body?: string; user: string; head: string; base: string; headRepo?: string; agit?: boolean },
  ): Promise<PullRequest> {
    return this.core.createPull(repo, o);
  }

  /** Submits a review (same rules as POST …/reviews). */
  addReview(
    repo: string,
    index: number,
    o: {
      user: string;
      type: "COMMENT" | "APPROVED" | "REQUEST_CHANGES" | "PENDING";
      body: string;
      comments?: { path: string; body: string; new_position?: number; old_position?: number }[];
      commit_id?: string;
    },
  ): Promise<Review> {
    return this.core.createReview(repo, index, { ...o, event: o.type });
  }

  /** Attachment metadata on an issue (or on one of its comments with commentId). */
  addAttachment(repo: string, o: { index: number; commentId?: number; name: string; size?: number; content?: Buffer }): Attachment {
    return this.core.store.addAttachment(repo, o);
  }

  /** `[attachment] ENABLED = false`: the assets routes and downloads answer 404 (existing attachments stay listed with comments). */
  setAttachmentsEnabled(enabled: boolean): void {
    this.core.attachmentsEnabled = enabled;
  }

  /** A workflow run record (as GET …/actions/runs/{run} returns it). */
  addRun(
    repo: string,
    o: { workflow: string; event?: string; status?: string; conclusion?: string | null; head_branch?: string; head_sha?: string; actor: string },
  ): Run {
    const r = this.core.store.repo(repo);
    const run: Run = {
      id: this.core.store.nextId("run"),
      run_number: r.nextRunNumber++,
      repo: repoKey(r.fullName),
      workflow: o.workflow,
      event: o.event ?? "workflow_dispatch",
      status: (o.status as RunStatus | undefined) ?? "in_progress",
      conclusion: o.conclusion ?? null,
      head_branch: o.head_branch ?? r.defaultBranch,
      ref: `refs/heads/${o.head_branch ?? r.defaultBranch}`,
      head_sha: o.head_sha ?? "",
      actor: this.core.store.user(o.actor).login,
      display_title: o.workflow,
      created_at: isoNow(),
    };
    this.core.store.runs.set(run.id, run);
    return run;
  }

  // ---- faults & latency --------------------------------------------------------

  get faults(): Faults {
    return this.core.faults;
  }

  /** Extra latency for every API request (ms). */
  setLatency(ms: number): void {
    this.core.latencyMs = ms;
  }

  // ---- inspection ----------------------------------------------------------------

  /** Every request received (API and git), oldest first. */
  get requests(): readonly RequestLogEntry[] {
    return this.core.requests;
  }

  /** Requests of the API only, optionally filtered by route template. */
  apiRequests(route?: string): RequestLogEntry[] {
    return this.core.requests.filter((r) => r.kind === "api" && (route === undefined || r.route === route));
  }

  clearLog(): void {
    this.core.requests.length = 0;
  }

  /** Spec violations (and emulator errors) recorded so far. */
  get violations(): readonly Violation[] {
    return this.core.violations;
  }

  clearViolations(): void {
    this.core.violations.length = 0;
  }

  get dispatches(): readonly Dispatch[] {
    return this.core.store.dispatches;
  }

  getUser(login: string): User | undefined {
    return this.core.store.findUser(login);
  }

  getRepo(repo: string): Repo | undefined {
    return this.core.store.findRepo(repo);
  }

  getIssue(repo: string, index: number): Issue | undefined {
    return this.core.store.findIssue(repo, index);
  }

  listComments(repo: string, index: number): Comment[] {
    return this.core.store.issueComments(repo, index);
  }

  getComment(id: number): Comment | undefined {
    return this.core.store.comments.get(id);
  }

  /** Label names of an issue. */
  issueLabels(repo: string, index: number): string[] {
    return this.core.store
      .issue(repo, index)
      .labels.map((id) => this.core.store.labels.get(id)?.name)
      .filter((n): n is string => n !== undefined);
  }

  repoLabels(repo: string): Label[] {
    return this.core.store.repoLabels(repo);
  }

  /** Branch names, read from git. */
  async listBranches(repo: string): Promise<string[]> {
    return (await this.core.store.repo(repo).git.branches()).map((b) => b.name).sort();
  }

  branchSha(repo: string, branch: string): Promise<string | null> {
    return this.core.branchSha(repo, branch);
  }

  /** Resolves a branch, tag, full ref or sha; null when unknown. */
  async resolveRef(repo: string, ref: string): Promise<string | null> {
    return (await this.core.store.repo(repo).git.resolveRef(ref))?.sha ?? null;
  }

  /** File content (utf-8) at a ref, or null. */
  async readFile(repo: string, ref: string, filePath: string): Promise<string | null> {
    const r = this.core.store.repo(repo);
    const resolved = await r.git.resolveRef(ref);
    if (!resolved) return null;
    const data = await r.git.readFile(resolved.sha, filePath);
    return data ? data.toString("utf8") : null;
  }

  /** Commits reachable from a branch (newest first). */
  async commitsOn(repo: string, branch: string): Promise<CommitSummary[]> {
    const r = this.core.store.repo(repo);
    const sha = await r.git.revParse(`refs/heads/${branch}`);
    if (!sha) return [];
    return (await r.git.log([sha])).map(summary);
  }

  pulls(repo: string): PullRequest[] {
    return this.core.store.repoPulls(repo).sort((a, b) => a.index - b.index);
  }

  getPull(repo: string, index: number): PullRequest | undefined {
    return this.core.store.findPull(repo, index);
  }

  /** Current head sha of a PR. */
  pullHeadSha(repo: string, index: number): Promise<string | null> {
    return this.core.pullHeadSha(this.core.pull(repo, index));
  }

  reviews(repo: string, index: number): Review[] {
    return this.core.store.pullReviews(repo, index);
  }

  runs(repo: string): Run[] {
    const k = repoKey(repo);
    return [...this.core.store.runs.values()].filter((r) => r.repo === k);
  }
}

function summary(c: CommitInfo): CommitSummary {
  return {
    sha: c.sha,
    subject: c.subject,
    message: c.message,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
    parents: c.parents,
  };
}

/** Starts an emulator (see GiteaOptions). */
export function startGitea(opts: GiteaOptions = {}): Promise<GiteaEmulator> {
  return GiteaEmulator.start(opts);
}
