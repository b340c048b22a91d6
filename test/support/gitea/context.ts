/** Request context handed to route handlers, and helpers shared by them. */
import type { Core } from "./core";
import { forbidden, notFound, unauthorized } from "./errors";
import { atLeast, type AccessMode, type Permission, type Repo, type TaskScope, type Unit, type User } from "./store";

export interface Ctx {
  core: Core;
  method: string;
  /** swagger template of the matched route */
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** parsed JSON body (undefined when none) */
  body: unknown;
  user: User | null;
  /** set when the token is an Actions job token: the task's repository and mode */
  scope?: TaskScope;
  /** request path + query as received (for Link headers) */
  requestUri: string;
  /** request headers (lower-case names), e.g. Range */
  requestHeaders?: Record<string, string | string[] | undefined>;
  /** response headers to add */
  headers: Record<string, string>;
}

export interface Reply {
  status: number;
  json?: unknown;
  raw?: Buffer | string;
  contentType?: string;
  /** validate the JSON against this definition ("X" or "X[]") instead of the declared schema */
  schema?: string;
}

export type Handler = (ctx: Ctx) => Promise<Reply> | Reply;

export interface RouteDef {
  /** "METHOD /template" as in the swagger spec */
  route: string;
  /** Gitea version that introduced a route absent from the 1.22 spec (404 on older versions) */
  since?: string;
  /** Forgejo serves it whatever its Gitea-compatible version says */
  forgejo?: boolean;
  handler: Handler;
}

export const json = (status: number, body: unknown, schema?: string): Reply => ({ status, json: body, schema });
export const empty = (status = 204): Reply => ({ status });

export function requireUser(ctx: Ctx): User {
  if (!ctx.user) throw unauthorized();
  return ctx.user;
}

/**
 * repoAssignment(): the repository of {owner}/{repo} and the user's access,
 * 404 when invisible. A job token sees only its task's repository.
 */
export function repoAccess(ctx: Ctx): { repo: Repo; mode: AccessMode; perm: Permission } {
  const repo = ctx.core.store.findRepo(`${ctx.params.owner ?? ""}/${ctx.params.repo ?? ""}`);
  if (!repo) throw notFound();
  const perm = ctx.core.store.permission(repo, ctx.user?.login, ctx.scope);
  if (perm.mode === "none") throw notFound();
  return { repo, mode: perm.mode, perm };
}

/** reqRepoWriter(unit): write access to one unit (Code for contents and branches, Issues/Pulls for comments and labels). */
export function requireUnit(ctx: Ctx, perm: Permission, unit: Unit, message?: string): User {
  const user = requireUser(ctx);
  if (!atLeast(perm.unit(unit), "write")) throw forbidden(message ?? "user should have specific permission or be a site admin");
  return user;
}

/** reqToken() + reqRepoWriter() style check. */
export function requireMode(ctx: Ctx, mode: AccessMode, min: AccessMode, message?: string): User {
  const user = requireUser(ctx);
  if (!atLeast(mode, min)) {
    throw forbidden(message ?? "user should have specific permission or be a site admin");
  }
  return user;
}

export function intParam(ctx: Ctx, name: string): number {
  const v = ctx.params[name] ?? "";
  if (!/^\d+$/.test(v)) throw notFound(`invalid ${name}: ${v}`);
  return Number(v);
}

/**
 * utils.GetListOptions + convert.ToCorrectPageSize: 1-based page, `limit`
 * defaulting to DEFAULT_PAGING_NUM (30) and capped at MAX_RESPONSE_ITEMS
 * (50 unless the server is configured otherwise).
 */
export function listOptions(ctx: Ctx): { page: number; limit: number } {
  const page = Number.parseInt(ctx.query.get("page") ?? "", 10);
  const limit = Number.parseInt(ctx.query.get("limit") ?? "", 10);
  const { defaultPagingNum, maxResponseItems } = ctx.core.options;
  return {
    page: Number.isFinite(page) && page > 0 ? page : 1,
    limit: !Number.isFinite(limit) || limit <= 0 ? defaultPagingNum : Math.min(limit, maxResponseItems),
  };
}

export function setTotalCount(ctx: Ctx, total: number): void {
  ctx.headers["X-Total-Count"] = String(total);
  addExposed(ctx, "X-Total-Count");
}

function addExposed(ctx: Ctx, name: string): void {
  const cur = ctx.headers["Access-Control-Expose-Headers"];
  ctx.headers["Access-Control-Expose-Headers"] = cur ? `${cur}, ${name}` : name;
}

/** context.SetLinkHeader: rel next, last, first, prev (in that order) on AppURL. */
export function setLinkHeader(ctx: Ctx, total: number, pageSize: number): void {
  const totalPages = Math.max(1, Math.ceil(total / pageSize));
  const requested = Number.parseInt(ctx.query.get("page") ?? "", 10);
  let current = Number.isFinite(requested) && requested > 0 ? requested : 1;
  if (current > totalPages) current = totalPages;
  const link = (page: number, rel: string) => {
    const u = new URL(ctx.requestUri, "http://x");
    const q = new URLSearchParams(u.search);
    q.set("page", String(page));
    q.sort();
    return `<${ctx.core.publicUrl}${u.pathname}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (current < totalPages) links.push(link(current + 1, "next"));
  if (current !== totalPages) links.push(link(totalPages, "last"));
  if (current !== 1) links.push(link(1, "first"));
  if (current > 1) links.push(link(current - 1, "prev"));
  if (links.length) {
    ctx.headers.Link = links.join(",");
    addExposed(ctx, "Link");
  }
}

/** Slices one page and sets X-Total-Count + Link like Gitea's paginated list routes. */
export function paginate<T>(ctx: Ctx, items: T[]): T[] {
  const { page, limit } = listOptions(ctx);
  setTotalCount(ctx, items.length);
  setLinkHeader(ctx, items.length, limit);
  return items.slice((page - 1) * limit, page * limit);
}
