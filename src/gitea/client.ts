/**
 * The one Gitea REST client. URLs are built only from the route templates in
 * routes.ts, scoped to one repository; reads of paginated lists fetch every
 * page (pages.ts, first-items.ts); transient failures are retried with
 * bounded backoff and errors name the failing call (request.ts).
 */
import { DEFAULT_RETRY, fetchTransport, sleep as realSleep, type HttpStream, type HttpTransport, type RetryPolicy } from "./http";
import { readFirstItems, type Page } from "./first-items";
import { readAllPages } from "./pages";
import { GiteaError, openOnServer, request, type CallOptions, type Result, type Sender } from "./request";
import { ROUTES, type RouteName } from "./routes";
import type {
  GiteaTimelineEvent,
  CollaboratorPermission,
  GiteaAttachment,
  GiteaBranch,
  GiteaChangedFile,
  GiteaComment,
  GiteaCommit,
  GiteaContents,
  GiteaIssue,
  GiteaLabel,
  GiteaPullRequest,
  GiteaRepository,
  GiteaReview,
  GiteaReviewComment,
  GiteaTeam,
  GiteaUser,
} from "./types";

export { GiteaError, type Page, type Result };

/**
 * The `limit` asked for. Gitea caps it at MAX_RESPONSE_ITEMS (50 by default,
 * configurable, reported by GET /settings/api), so the page size actually
 * served is learnt from the answers (see `all`), never assumed.
 */
export const PAGE_LIMIT = 50;
const PAGE_CONCURRENCY = 8;

export type GiteaClientOptions = {
  /** `<server>/api/v1` */
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  transport?: HttpTransport;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
};

type Params = Record<string, string | number>;
type Query = Record<string, string | number | boolean | undefined>;

export class GiteaClient {
  readonly owner: string;
  readonly repo: string;
  private readonly apiUrl: string;
  private readonly sender: Sender;
  private readonly log: (message: string) => void;

  constructor(options: GiteaClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.owner = options.owner;
    this.repo = options.repo;
    this.log = options.log ?? (() => {});
    this.sender = {
      token: options.token,
      transport: options.transport ?? fetchTransport,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      sleep: options.sleep ?? realSleep,
      log: this.log,
    };
  }

  /** Fills a route template; owner and repo come from the client, never from callers. */
  url(route: RouteName, params: Params = {}, query: Query = {}): string {
    const [, template] = ROUTES[route].split(" ", 2) as [string, string];
    const all: Params = { owner: this.owner, repo: this.repo, ...params };
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = all[name];
      if (value === undefined) throw new Error(`route ${route}: missing parameter ${name}`);
      // File paths keep their slashes; every other parameter is one segment.
      return name === "filepath"
        ? String(value).split("/").map(encodeURIComponent).join("/")
        : encodeURIComponent(String(value));
    });
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
    const qs = search.toString();
    return `${this.apiUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  async call<T>(route: RouteName, params: Params = {}, options: CallOptions<T> = {}): Promise<Result<T>> {
    const [method] = ROUTES[route].split(" ", 1) as [string];
    const url = this.url(route, params, options.query);
    return request<T>(this.sender, method, url, `${method} ${url.slice(this.apiUrl.length).split("?")[0]}`, options);
  }

  /** Every item of a paginated list, by the server's real page size (see pages.ts). */
  async all<T>(route: RouteName, params: Params = {}, query: Query = {}, options: { ignoreTotal?: boolean } = {}): Promise<T[]> {
    return readAllPages<T>((n) => this.call<T[]>(route, params, { query: { ...query, page: n, limit: PAGE_LIMIT } }), () => this.maxResponseItems(), {
      limit: PAGE_LIMIT,
      concurrency: PAGE_CONCURRENCY,
      ...options,
    });
  }

  private maxItems?: Promise<number>;

  /** MAX_RESPONSE_ITEMS from GET /settings/api (asked once; Gitea's default 50 when it cannot be read). */
  maxResponseItems(): Promise<number> {
    this.maxItems ??= this.call<{ max_response_items?: number }>("apiSettings")
      .then((r) => (typeof r.data?.max_response_items === "number" && r.data.max_response_items > 0 ? r.data.max_response_items : PAGE_LIMIT))
      .catch((error: unknown) => {
        this.log(`${error instanceof Error ? error.message : String(error)}; counting pages as Gitea's default ${PAGE_LIMIT} items.`);
        return PAGE_LIMIT;
      });
    return this.maxItems;
  }

  /** One page of a paginated list, with the server's total when it sends one. */
  async page<T>(route: RouteName, params: Params, query: Query, page: number, limit = PAGE_LIMIT): Promise<Page<T>> {
    const res = await this.call<T[]>(route, params, { query: { ...query, page, limit } });
    const header = res.headers.get("x-total-count");
    const total = header !== null && header !== "" && Number.isFinite(Number(header)) ? Number(header) : undefined;
    return { items: res.data ?? [], ...(total !== undefined ? { total } : {}) };
  }

  /** The first `max` items of a paginated list and how many there are (see first-items.ts). */
  async upTo<T>(route: RouteName, params: Params, query: Query, limit: number | ((total: number) => number)): Promise<{ items: T[]; total: number }> {
    return readFirstItems<T>((n) => this.page<T>(route, params, query, n), () => this.maxResponseItems(), limit, {
      pageLimit: PAGE_LIMIT,
      concurrency: PAGE_CONCURRENCY,
    });
  }

  /** The web base of the server (`<server>` of `<server>/api/v1`). */
  get serverUrl(): string {
    return this.apiUrl.replace(/\/api\/v1$/, "");
  }

  /** A GET on this Gitea server whose body is read as a stream; the token never leaves this server (see request.ts). */
  async openStream(url: string, name: string, options: { accept?: string } = {}): Promise<HttpStream> {
    return openOnServer(this.sender, this.serverUrl, url, name, options);
  }

  // ── Typed calls ──────────────────────────────────────────────────────────

  async version(): Promise<string> {
    return (await this.call<{ version: string }>("version")).data.version;
  }
  async currentUser(): Promise<GiteaUser> {
    return (await this.call<GiteaUser>("currentUser")).data;
  }
  async repository(): Promise<GiteaRepository> {
    return (await this.call<GiteaRepository>("repo")).data;
  }
  /** The repository's teams (an organization's repository; none otherwise). */
  async repoTeams(): Promise<GiteaTeam[]> {
    const res = await this.call<GiteaTeam[]>("repoTeams", {}, { accept: [404, 405] });
    return res.status === 200 ? (res.data ?? []) : [];
  }
  /** Is `login` a member of team `id`? undefined when the token may not tell (403). */
  async isTeamMember(id: number, login: string): Promise<boolean | undefined> {
    const res = await this.call<unknown>("teamMember", { id, username: login }, { accept: [403, 404] });
    return res.status === 403 ? undefined : res.status === 200;
  }
  /** undefined when the token may not ask (403), so callers can fall back or refuse. */
  async collaboratorPermission(login: string): Promise<CollaboratorPermission | undefined> {
    const res = await this.call<CollaboratorPermission>(
      "collaboratorPermission",
      { collaborator: login },
      { accept: [403, 404] },
    );
    if (res.status === 403) return undefined;
    if (res.status === 404) return { permission: "none" };
    return res.data;
  }
  async issue(index: number): Promise<GiteaIssue> {
    return (await this.call<GiteaIssue>("issue", { index })).data;
  }
  /** The issue's history (label and assignee changes among them), every page. */
  /** `since`: only entries updated at or after it (Gitea's `since`, whole seconds). */
  async issueTimeline(index: number, since?: string): Promise<GiteaTimelineEvent[]> {
    // Gitea sets X-Total-Count on this list to the length of the page it returns, not the total.
    return this.all<GiteaTimelineEvent>("issueTimeline", { index }, since ? { since } : {}, { ignoreTotal: true });
  }
  /**
   * Issue comments are not paginated on Gitea 1.22–1.25: one call returns them
   * all. Gitea answers 500 (not 404) for the comments of a missing issue: that
   * is told apart (one GET of the issue) instead of being retried as transient.
   */
  async issueComments(index: number, before?: string): Promise<GiteaComment[]> {
    const diagnose = async () => {
      const issue = await this.call<unknown>("issue", { index }, { accept: [404] });
      return issue.status === 404
        ? new GiteaError(`GET /repos/${this.owner}/${this.repo}/issues/${index}/comments`, 404, `issue #${index} does not exist in ${this.owner}/${this.repo} (Gitea answers HTTP 500 when listing the comments of a missing issue)`)
        : undefined;
    };
    return (await this.call<GiteaComment[]>("issueComments", { index }, { query: { before }, diagnose })).data ?? [];
  }
  async comment(id: number): Promise<GiteaComment> {
    return (await this.call<GiteaComment>("comment", { id })).data;
  }
  async createComment(index: number, body: string, author?: string): Promise<GiteaComment> {
    return (
      await this.call<GiteaComment>(
        "createIssueComment",
        { index },
        {
          body: { body },
          findExisting: async () =>
            (await this.issueComments(index)).find((c) => c.body === body && (!author || c.user?.login === author)),
        },
      )
    ).data;
  }
  async editComment(id: number, body: string): Promise<GiteaComment> {
    return (await this.call<GiteaComment>("editComment", { id }, { body: { body } })).data;
  }
  /** Deletes a comment; true when it was there (404: already gone). */
  async deleteComment(id: number): Promise<boolean> {
    return (await this.call<unknown>("deleteComment", { id }, { accept: [404] })).status !== 404;
  }
  async issueAssets(index: number): Promise<GiteaAttachment[]> {
    return (await this.call<GiteaAttachment[]>("issueAssets", { index })).data ?? [];
  }
  async commentAssets(id: number): Promise<GiteaAttachment[]> {
    return (await this.call<GiteaAttachment[]>("commentAssets", { id })).data ?? [];
  }
  async pull(index: number): Promise<GiteaPullRequest> {
    return (await this.call<GiteaPullRequest>("pull", { index })).data;
  }
  async pullFiles(index: number): Promise<GiteaChangedFile[]> {
    return this.all<GiteaChangedFile>("pullFiles", { index });
  }
  async pullFilesPage(index: number, page: number, limit = PAGE_LIMIT): Promise<Page<GiteaChangedFile>> {
    return this.page<GiteaChangedFile>("pullFiles", { index }, {}, page, limit);
  }
  /** The first `max` changed files (a number, or one chosen from the total) and how many there are. */
  async pullFilesUpTo(index: number, max: number | ((total: number) => number)): Promise<{ items: GiteaChangedFile[]; total: number }> {
    return this.upTo<GiteaChangedFile>("pullFiles", { index }, {}, max);
  }
  async pullCommitsPage(index: number, page: number, limit = PAGE_LIMIT): Promise<Page<GiteaCommit>> {
    return this.page<GiteaCommit>("pullCommits", { index }, { verification: false, files: false }, page, limit);
  }
  async pullReviewsPage(index: number, page: number, limit = PAGE_LIMIT): Promise<Page<GiteaReview>> {
    return this.page<GiteaReview>("pullReviews", { index }, {}, page, limit);
  }
  /** The pull request's whole diff, as a stream (see pull-diff.ts for one file's part of it). */
  async pullDiffStream(index: number): Promise<HttpStream> {
    const url = this.url("pullDiff", { index, diffType: "diff" });
    return this.openStream(url, `GET ${url.slice(this.apiUrl.length)}`, { accept: "text/plain" });
  }
  async pullCommits(index: number): Promise<GiteaCommit[]> {
    return this.all<GiteaCommit>("pullCommits", { index }, { verification: false, files: false });
  }
  async pullReviews(index: number): Promise<GiteaReview[]> {
    return this.all<GiteaReview>("pullReviews", { index });
  }
  async pullReviewComments(index: number, id: number): Promise<GiteaReviewComment[]> {
    return (await this.call<GiteaReviewComment[]>("pullReviewComments", { index, id })).data ?? [];
  }
  async openPulls(): Promise<GiteaPullRequest[]> {
    return this.all<GiteaPullRequest>("pulls", {}, { state: "open" });
  }
  async createPull(head: string, base: string, title: string, body: string): Promise<GiteaPullRequest> {
    return (
      await this.call<GiteaPullRequest>(
        "createPull",
        {},
        {
          body: { head, base, title, body },
          findExisting: async () => (await this.openPulls()).find((p) => p.head.ref === head && p.base.ref === base),
        },
      )
    ).data;
  }
  async createReview(
    index: number,
    review: { body: string; event: "COMMENT"; comments: { path: string; body: string; new_position?: number; old_position?: number }[]; commit_id?: string },
  ): Promise<GiteaReview> {
    return (await this.call<GiteaReview>("createPullReview", { index }, { body: review })).data;
  }
  async branch(name: string): Promise<GiteaBranch | undefined> {
    const res = await this.call<GiteaBranch>("branch", { branch: name }, { accept: [404] });
    return res.status === 404 ? undefined : res.data;
  }
  async branches(): Promise<GiteaBranch[]> {
    return this.all<GiteaBranch>("branches");
  }
  async deleteBranch(name: string): Promise<void> {
    await this.call<unknown>("deleteBranch", { branch: name }, { accept: [404] });
  }
  async repoLabels(): Promise<GiteaLabel[]> {
    return this.all<GiteaLabel>("repoLabels");
  }
  async issueLabels(index: number): Promise<GiteaLabel[]> {
    return (await this.call<GiteaLabel[]>("issueLabels", { index })).data ?? [];
  }
  async replaceIssueLabels(index: number, labelIds: number[]): Promise<GiteaLabel[]> {
    return (await this.call<GiteaLabel[]>("replaceIssueLabels", { index }, { body: { labels: labelIds } })).data ?? [];
  }
  async contents(path: string, ref?: string): Promise<GiteaContents | GiteaContents[] | undefined> {
    const res = await this.call<GiteaContents | GiteaContents[]>(
      "contents",
      { filepath: path },
      { query: { ref }, accept: [404] },
    );
    return res.status === 404 ? undefined : res.data;
  }
  async changeFiles(change: {
    branch: string;
    message: string;
    files: { operation: "create" | "update" | "delete"; path: string; content?: string; sha?: string }[];
    author?: { name: string; email: string };
  }): Promise<{ commit?: { sha?: string; html_url?: string } }> {
    const body = { ...change, committer: change.author };
    return (await this.call<{ commit?: { sha?: string; html_url?: string } }>("changeFiles", {}, { body })).data;
  }
  /**
   * One commit through the multi-file contents API. With `newBranch`, Gitea
   * first creates that branch from `branch` and commits there. (Added for the
   * gitea MCP server's commit_files; changeFiles above is unchanged.)
   */
  async commitFiles(change: {
    branch: string;
    newBranch?: string;
    message: string;
    files: { operation: "create" | "update" | "delete"; path: string; content?: string; sha?: string }[];
    author?: { name: string; email: string };
  }): Promise<{ commit?: { sha?: string; html_url?: string } }> {
    const body = {
      branch: change.branch,
      ...(change.newBranch ? { new_branch: change.newBranch } : {}),
      message: change.message,
      files: change.files,
      ...(change.author ? { author: change.author, committer: change.author } : {}),
    };
    return (await this.call<{ commit?: { sha?: string; html_url?: string } }>("changeFiles", {}, { body })).data;
  }
  /** Adds labels (by id) to an issue or pull request; returns all its labels. */
  async addIssueLabels(index: number, labelIds: number[]): Promise<GiteaLabel[]> {
    return (await this.call<GiteaLabel[]>("addIssueLabels", { index }, { body: { labels: labelIds } })).data ?? [];
  }
}
