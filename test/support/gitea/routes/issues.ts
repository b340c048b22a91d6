/** Issues, issue comments, labels and attachments. */
import {
  type Ctx,
  type RouteDef,
  empty,
  intParam,
  json,
  listOptions,
  paginate,
  repoAccess,
  requireUser,
  setTotalCount,
} from "../context";
import { apiAttachment, apiComment, apiIssue, apiLabel, apiTimelineEntry } from "../convert";
import { ApiError, forbidden, notFound, unprocessable } from "../errors";
import { recordLabelChange } from "../hooks";
import { atLeast, isoNow, repoKey, unix, type Comment, type Issue, type Label, type Permission } from "../store";

function issueOf(ctx: Ctx): { issue: Issue; mode: ReturnType<typeof repoAccess>["mode"]; perm: Permission; repo: ReturnType<typeof repoAccess>["repo"] } {
  const { repo, mode, perm } = repoAccess(ctx);
  const issue = ctx.core.store.findIssue(repo.fullName, intParam(ctx, "index"));
  if (!issue) throw notFound(`issue does not exist [id: 0, repo_id: ${repo.id}, index: ${ctx.params.index}]`);
  return { issue, mode, perm, repo };
}

/**
 * Routes that look the issue up with GetIssueByIndex and answer any error
 * with 500 (ListIssueComments, CreateIssueComment): a missing issue is a 500
 * whose message only a site admin sees (setting.IsProd hides it from others).
 */
function issueOr500(ctx: Ctx): ReturnType<typeof issueOf> {
  const { repo, mode, perm } = repoAccess(ctx);
  const index = intParam(ctx, "index");
  const issue = ctx.core.store.findIssue(repo.fullName, index);
  if (!issue) throw new ApiError(500, ctx.user?.is_admin ? `issue does not exist [id: 0, repo_id: ${repo.id}, index: ${index}]` : "", null);
  return { issue, mode, perm, repo };
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

function requireIssueWriter(ctx: Ctx, perm: Permission, issue: Issue): void {
  requireUser(ctx);
  // Gitea answers ctx.Status(403) with an empty body here
  if (!atLeast(perm.unit(issue.isPull ? "repo.pulls" : "repo.issues"), "write")) throw new ApiError(403, "");
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
      const { issue } = issueOr500(ctx);
      // Gitea 1.22 does not paginate this list: page/limit are ignored.
      const all = ctx.core.store
        .issueComments(issue.repo, issue.index)
        .filter((c) => (since === null || unix(c.updated_at) >= since) && (before === null || unix(c.updated_at) <= before));
      setTotalCount(ctx, all.length);
      return json(200, all.map((c) => apiComment(ctx.core, c, ctx.user)));
    },
  },
  {
    // ListIssueCommentsAndTimeline: paginated like every list, but its X-Total-Count is the length of
    // the page returned (len(apiComments)), not the total: a client cannot count pages from it.
    route: "GET /repos/{owner}/{repo}/issues/{index}/timeline",
    handler: (ctx) => {
      const since = parseTime(ctx, "since");
      const before = parseTime(ctx, "before");
      const { issue } = issueOr500(ctx);
      const store = ctx.core.store;
      const inWindow = (at: string) => (since === null || unix(at) >= since) && (before === null || unix(at) <= before);
      const entries = [
        ...store.issueComments(issue.repo, issue.index).map((c) => ({ at: c.created_at, id: c.id, json: { ...apiComment(ctx.core, c, ctx.user), type: "comment" } })),
        ...store.timeline
          .filter((t) => t.repo === issue.repo && t.issueIndex === issue.index)
          .map((t) => ({ at: t.created_at, id: t.id, json: apiTimelineEntry(ctx.core, issue, t, ctx.user) })),
      ]
        .filter((e) => inWindow(e.at))
        .sort((a, b) => unix(a.at) - unix(b.at) || a.id - b.id);
      const { page, limit } = listOptions(ctx);
      const slice = entries.slice((page - 1) * limit, page * limit).map((e) => e.json);
      setTotalCount(ctx, slice.length);
      return json(200, slice, "TimelineComment[]");
    },
  },
  {
    route: "POST /repos/{owner}/{repo}/issues/{index}/comments",
    handler: (ctx) => {
      const user = requireUser(ctx);
      const { issue, mode } = issueOr500(ctx);
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
    handler: async (ctx) => {
      const { issue, perm, repo } = issueOf(ctx);
      requireIssueWriter(ctx, perm, issue);
      const requested = resolveLabels(ctx, repo.fullName, ctx.body);
      for (const l of requested) {
        if (issue.labels.includes(l.id)) continue;
        issue.labels.push(l.id);
        ctx.core.store.recordLabel(issue, ctx.user!.login, l.id, true);
      }
      ctx.core.store.touch(issue);
      // AddLabels notifies with every requested label as added.
      if (requested.length) await recordLabelChange(ctx.core, repo.fullName, issue.index, ctx.user!.login, requested, []);
      return labelsReply(ctx, issue);
    },
  },
  {
    route: "PUT /repos/{owner}/{repo}/issues/{index}/labels",
    handler: async (ctx) => {
      const { issue, perm, repo } = issueOf(ctx);
      requireIssueWriter(ctx, perm, issue);
      const next = resolveLabels(ctx, repo.fullName, ctx.body);
      const removed = issue.labels.map((id) => ctx.core.store.labels.get(id)!);
      for (const id of issue.labels) if (!next.some((l) => l.id === id)) ctx.core.store.recordLabel(issue, ctx.user!.login, id, false);
      for (const l of next) if (!issue.labels.includes(l.id)) ctx.core.store.recordLabel(issue, ctx.user!.login, l.id, true);
      issue.labels = next.map((l) => l.id);
      ctx.core.store.touch(issue);
      // ReplaceLabels: Gitea reports the whole new set as added and the whole old set as removed.
      await recordLabelChange(ctx.core, repo.fullName, issue.index, ctx.user!.login, next, removed);
      return labelsReply(ctx, issue);
    },
  },
  {
    route: "DELETE /repos/{owner}/{repo}/issues/{index}/labels",
    handler: (ctx) => {
      const { issue, perm } = issueOf(ctx);
      requireIssueWriter(ctx, perm, issue);
      issue.labels = [];
      ctx.core.store.touch(issue);
      return empty(204);
    },
  },
  {
    route: "DELETE /repos/{owner}/{repo}/issues/{index}/labels/{id}",
    handler: async (ctx) => {
      const { issue, perm, repo } = issueOf(ctx);
      requireIssueWriter(ctx, perm, issue);
      const id = intParam(ctx, "id");
      const label = ctx.core.store.labels.get(id);
      if (!label || label.repo !== repoKey(repo.fullName)) throw unprocessable(`label does not exist [label_id: ${id}]`);
      const had = issue.labels.includes(id);
      if (had) ctx.core.store.recordLabel(issue, ctx.user!.login, id, false);
      issue.labels = issue.labels.filter((x) => x !== id);
      ctx.core.store.touch(issue);
      if (had) await recordLabelChange(ctx.core, repo.fullName, issue.index, ctx.user!.login, [], [label]);
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
