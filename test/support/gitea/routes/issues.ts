/** Issues, issue comments, labels and attachments. */
import {
  type Ctx,
  type RouteDef,
  empty,
  intParam,
  json,
  paginate,
  repoAccess,
  requireUser,
  setTotalCount,
} from "../context";
import { apiAttachment, apiComment, apiIssue, apiLabel } from "../convert";
import { ApiError, forbidden, notFound, unprocessable } from "../errors";
import { atLeast, isoNow, repoKey, unix, type Comment, type Issue, type Label } from "../store";

function issueOf(ctx: Ctx): { issue: Issue; mode: ReturnType<typeof repoAccess>["mode"]; repo: ReturnType<typeof repoAccess>["repo"] } {
  const { repo, mode } = repoAccess(ctx);
  const issue = ctx.core.store.findIssue(repo.fullName, intParam(ctx, "index"));
  if (!issue) throw notFound(`issue does not exist [id: 0, repo_id: ${repo.id}, index: ${ctx.params.index}]`);
  return { issue, mode, repo };
}

function commentOf(ctx: Ctx): { comment: Comment; issue: Issue; mode: ReturnType<typeof repoAccess>["mode"] } {
  const { repo, mode } = repoAccess(ctx);
  const id = intParam(ctx, "id");
  const comment = ctx.core.store.comments.get(id);
  if (!comment) throw notFound(`comment does not exist [id: ${id}]`);
  if (comment.repo !== repoKey(repo.fullName)) throw new ApiError(404, "");
  const issue = ctx.core.store.issue(comment.repo, comment.issueIndex);
  return { comment, issue, mode };
}

function parseTime(ctx: Ctx, name: string): number | null {
  const v = ctx.query.get(name);
  if (!v) return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw unprocessable(`parsing time "${v}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  return Math.floor(t / 1000);
}

/** Label ids from IssueLabelsOption.labels (ids or names; unknown ones are ignored like Gitea). */
function resolveLabels(ctx: Ctx, repoName: string, body: unknown): Label[] {
  const raw = (body as { labels?: unknown[] } | undefined)?.labels ?? [];
  const repoLabels = ctx.core.store.repoLabels(repoName);
  const out: Label[] = [];
  for (const item of raw) {
    const l =
      typeof item === "number"
        ? repoLabels.find((x) => x.id === item)
        : typeof item === "string"
          ? repoLabels.find((x) => x.name === item) ?? (/^\d+$/.test(item) ? repoLabels.find((x) => x.id === Number(item)) : undefined)
          : undefined;
    if (l && !out.includes(l)) out.push(l);
  }
  return out;
}

function labelsReply(ctx: Ctx, issue: Issue) {
  return json(
    200,
    issue.labels
      .map((id) => ctx.core.store.labels.get(id))
      .filter((l): l is Label => l !== undefined)
      .map((l) => apiLabel(ctx.core, l)),
  );
}

function requireIssueWriter(ctx: Ctx, mode: ReturnType<typeof repoAccess>["mode"]): void {
  requireUser(ctx);
  // Gitea answers ctx.Status(403) with an empty body here
  if (!atLeast(mode, "write")) throw new ApiError(403, "");
}

export const issueRoutes: RouteDef[] = [
  {
    route: "GET /repos/{owner}/{repo}/issues/{index}",
    handler: (ctx) => json(200, apiIssue(ctx.core, issueOf(ctx).issue, ctx.user)),
  },
  {
    route: "GET /repos/{owner}/{repo}/issues/{index}/comments",
    handler: (ctx) => {
      const since = parseTime(ctx, "since");
      const before = parseTime(ctx, "before");
      const { issue } = issueOf(ctx);
      // Gitea 1.22 does not paginate this list: page/limit are ignored.
      const all = ctx.core.store
        .issueComments(issue.repo, issue.index)
        .filter((c) => (since === null || unix(c.updated_at) >= since) && (before === null || unix(c.updated_at) <= before));
      setTotalCount(ctx, all.length);
      return json(200, all.map((c) => apiComment(ctx.core, c, ctx.user)));
    },
  },
  {
    route: "POST /repos/{owner}/{repo}/issues/{index}/comments",
    handler: (ctx) => {
      const user = requireUser(ctx);
      const { issue, mode } = issueOf(ctx);
      if (issue.locked && !atLeast(mode, "write") && !user.is_admin) {
        throw forbidden("Comment on locked issue is not allowed");
      }
      const body = (ctx.body as { body?: string }).body ?? "";
      const c = ctx.core.store.addComment(issue.repo, issue.index, { user: user.login, body });
      return json(201, apiComment(ctx.core, c, user));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/issues/comments/{id}",
    handler: (ctx) => json(200, apiComment(ctx.core, commentOf(ctx).comment, ctx.user)),
  },
  {
    route: "PATCH /repos/{owner}/{repo}/issues/comments/{id}",
    handler: (ctx) => {
      const user = requireUser(ctx);
      const { comment, mode } = commentOf(ctx);
      if (comment.user.toLowerCase() !== user.login.toLowerCase() && !atLeast(mode, "write")) throw new ApiError(403, "");
      const body = (ctx.body as { body?: string }).body ?? "";
      if (body !== comment.body) {
        comment.body = body;
        comment.updated_at = isoNow();
      }
      return json(200, apiComment(ctx.core, comment, user));
    },
  },
  {
    route: "DELETE /repos/{owner}/{repo}/issues/comments/{id}",
    handler: (ctx) => {
      const user = requireUser(ctx);
      const { comment, mode } = commentOf(ctx);
      if (comment.user.toLowerCase() !== user.login.toLowerCase() && !atLeast(mode, "write")) throw new ApiError(403, "");
      ctx.core.store.comments.delete(comment.id);
      return empty(204);
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/issues/{index}/assets",
    handler: (ctx) => {
      if (!ctx.core.attachmentsEnabled) throw notFound();
      const { issue } = issueOf(ctx);
      return json(200, ctx.core.store.issueAttachments(issue.repo, issue.index).map((a) => apiAttachment(ctx.core, a)));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/issues/comments/{id}/assets",
    handler: (ctx) => {
      if (!ctx.core.attachmentsEnabled) throw notFound();
      const { comment } = commentOf(ctx);
      return json(200, ctx.core.store.commentAttachments(comment.id).map((a) => apiAttachment(ctx.core, a)));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/issues/{index}/labels",
    handler: (ctx) => labelsReply(ctx, issueOf(ctx).issue),
  },
  {
    route: "POST /repos/{owner}/{repo}/issues/{index}/labels",
    handler: (ctx) => {
      const { issue, mode, repo } = issueOf(ctx);
      requireIssueWriter(ctx, mode);
      for (const l of resolveLabels(ctx, repo.fullName, ctx.body)) if (!issue.labels.includes(l.id)) issue.labels.push(l.id);
      ctx.core.store.touch(issue);
      return labelsReply(ctx, issue);
    },
  },
  {
    route: "PUT /repos/{owner}/{repo}/issues/{index}/labels",
    handler: (ctx) => {
      const { issue, mode, repo } = issueOf(ctx);
      requireIssueWriter(ctx, mode);
      issue.labels = resolveLabels(ctx, repo.fullName, ctx.body).map((l) => l.id);
      ctx.core.store.touch(issue);
      return labelsReply(ctx, issue);
    },
  },
  {
    route: "DELETE /repos/{owner}/{repo}/issues/{index}/labels",
    handler: (ctx) => {
      const { issue, mode } = issueOf(ctx);
      requireIssueWriter(ctx, mode);
      issue.labels = [];
      ctx.core.store.touch(issue);
      return empty(204);
    },
  },
  {
    route: "DELETE /repos/{owner}/{repo}/issues/{index}/labels/{id}",
    handler: (ctx) => {
      const { issue, mode, repo } = issueOf(ctx);
      requireIssueWriter(ctx, mode);
      const id = intParam(ctx, "id");
      const label = ctx.core.store.labels.get(id);
      if (!label || label.repo !== repoKey(repo.fullName)) throw unprocessable(`label does not exist [label_id: ${id}]`);
      issue.labels = issue.labels.filter((x) => x !== id);
      ctx.core.store.touch(issue);
      return empty(204);
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/labels",
    handler: (ctx) => {
      const { repo } = repoAccess(ctx);
      const labels = ctx.core.store.repoLabels(repo.fullName);
      return json(200, paginate(ctx, labels).map((l) => apiLabel(ctx.core, l)));
    },
  },
];
