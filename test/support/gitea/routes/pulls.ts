/** Pull requests: list/get/create, files, commits, .diff/.patch, reviews. */
import {
  type Ctx,
  type RouteDef,
  intParam,
  json,
  listOptions,
  paginate,
  repoAccess,
  requireUser,
  setLinkHeader,
  setTotalCount,
} from "../context";
import { apiChangedFile, apiCommit, apiPull, apiReview, apiReviewComment } from "../convert";
import { notFound, unprocessable } from "../errors";
import { repoKey, unix, type PullRequest } from "../store";

function pullOf(ctx: Ctx): { pr: PullRequest; repo: ReturnType<typeof repoAccess>["repo"] } {
  const { repo } = repoAccess(ctx);
  const pr = ctx.core.store.findPull(repo.fullName, intParam(ctx, "index"));
  if (!pr) throw notFound(`pull request does not exist [id: 0, issue_id: 0, head_repo_id: 0, base_repo_id: ${repo.id}, head_branch: , base_branch: ]`);
  return { pr, repo };
}

/** Pagination headers of the files/commits lists (X-Page, X-PerPage, X-PageCount, X-HasMore). */
function pageHeaders(ctx: Ctx, total: number): { start: number; end: number } {
  const { page, limit } = listOptions(ctx);
  const pages = Math.ceil(total / limit);
  setLinkHeader(ctx, total, limit);
  setTotalCount(ctx, total);
  ctx.headers["X-Page"] = String(page);
  ctx.headers["X-PerPage"] = String(limit);
  ctx.headers["X-PageCount"] = String(pages);
  ctx.headers["X-HasMore"] = String(page < pages);
  ctx.headers["Access-Control-Expose-Headers"] += ", X-Page, X-PerPage, X-PageCount, X-HasMore";
  return { start: (page - 1) * limit, end: Math.min(page * limit, total) };
}

export const pullRoutes: RouteDef[] = [
  {
    route: "GET /repos/{owner}/{repo}/pulls",
    handler: async (ctx) => {
      const { repo } = repoAccess(ctx);
      const state = ctx.query.get("state") ?? "";
      const prs = ctx.core.store
        .repoPulls(repo.fullName)
        .map((pr) => ({ pr, issue: ctx.core.store.issue(pr.repo, pr.index) }))
        .filter(({ issue }) => (state === "open" || state === "closed" ? issue.state === state : true))
        .sort((a, b) => unix(b.issue.created_at) - unix(a.issue.created_at) || b.issue.id - a.issue.id);
      const page = paginate(ctx, prs);
      const out = [];
      for (const { pr } of page) out.push(await apiPull(ctx.core, pr, ctx.user));
      return json(200, out);
    },
  },
  {
    route: "POST /repos/{owner}/{repo}/pulls",
    handler: async (ctx) => {
      const user = requireUser(ctx);
      const { repo } = repoAccess(ctx);
      // parseCompareInfo asks GetUserRepoPermission for the doer itself, not the task: the Actions
      // user is no collaborator, so a job token gets 404 here on a private repository.
      const own = ctx.core.store.permission(repo, user.login);
      if (own.unit("repo.code") === "none" || own.unit("repo.pulls") === "none") throw notFound();
      const body = ctx.body as { head?: string; base?: string; title?: string; body?: string };
      const headSpec = body.head ?? "";
      const base = body.base ?? "";
      if (!headSpec || !base) throw unprocessable("head and base are required");
      let headRepo: string | undefined;
      let head = headSpec;
      const colon = headSpec.indexOf(":");
      if (colon >= 0) {
        // "owner:branch" (or "owner/repo:branch") names a fork
        const who = headSpec.slice(0, colon);
        head = headSpec.slice(colon + 1);
        if (who.includes("/")) headRepo = who;
        else if (who.toLowerCase() !== repo.owner.toLowerCase()) {
          const fork = [...ctx.core.store.repos.values()].find(
            (r) => r.owner.toLowerCase() === who.toLowerCase() && repoKey(r.parent ?? "") === repoKey(repo.fullName),
          );
          if (!fork) throw notFound(`repository does not exist [owner: ${who}]`);
          headRepo = fork.fullName;
        }
      }
      if (headRepo) {
        const hr = ctx.core.store.findRepo(headRepo);
        if (!hr || ctx.core.store.accessMode(hr, user.login) === "none") throw notFound();
      }
      const pr = await ctx.core.createPull(repo.fullName, {
        title: body.title ?? "",
        body: body.body ?? "",
        user: user.login,
        head,
        base,
        headRepo,
      });
      return json(201, await apiPull(ctx.core, pr, user));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/pulls/{index}",
    handler: async (ctx) => json(200, await apiPull(ctx.core, pullOf(ctx).pr, ctx.user)),
  },
  {
    route: "GET /repos/{owner}/{repo}/pulls/{index}.{diffType}",
    handler: async (ctx) => {
      const { pr, repo } = pullOf(ctx);
      const type = ctx.params.diffType;
      if (type !== "diff" && type !== "patch") throw notFound();
      const { head, mergeBase } = await ctx.core.pullRange(pr);
      const text = type === "diff" ? await repo.git.diff(mergeBase, head) : await repo.git.formatPatch(mergeBase, head);
      return { status: 200, raw: text, contentType: "text/plain; charset=utf-8" };
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/pulls/{index}/files",
    handler: async (ctx) => {
      const { pr, repo } = pullOf(ctx);
      const { head, mergeBase } = await ctx.core.pullRange(pr);
      const files = await repo.git.changedFiles(mergeBase, head);
      const headRepo = ctx.core.store.findRepo(pr.headRepo) ?? repo;
      const { start, end } = pageHeaders(ctx, files.length);
      return json(200, files.slice(start, Math.max(start, end)).map((f) => apiChangedFile(ctx.core, headRepo, f, head)));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/pulls/{index}/commits",
    handler: async (ctx) => {
      const { pr, repo } = pullOf(ctx);
      const { head, mergeBase } = await ctx.core.pullRange(pr);
      const commits = await repo.git.log([`${mergeBase}..${head}`]);
      const { start, end } = pageHeaders(ctx, commits.length);
      const withFiles = ctx.query.get("files") !== "false";
      const out = [];
      for (const c of commits.slice(start, Math.max(start, end))) {
        const files = withFiles ? await repo.git.changedFiles(c.parents[0] ?? null, c.sha) : null;
        out.push(apiCommit(ctx.core, repo, c, files, ctx.user));
      }
      return json(200, out);
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/pulls/{index}/reviews",
    handler: (ctx) => {
      const { pr } = pullOf(ctx);
      const me = ctx.user?.login.toLowerCase();
      const reviews = ctx.core.store
        .pullReviews(pr.repo, pr.index)
        .filter((r) => r.state !== "PENDING" || r.user.toLowerCase() === me);
      return json(200, paginate(ctx, reviews).map((r) => apiReview(ctx.core, r, ctx.user)));
    },
  },
  {
    route: "POST /repos/{owner}/{repo}/pulls/{index}/reviews",
    handler: async (ctx) => {
      const user = requireUser(ctx);
      const { pr, repo } = pullOf(ctx);
      const body = ctx.body as {
        body?: string;
        event?: string;
        commit_id?: string;
        comments?: { path?: string; body?: string; new_position?: number; old_position?: number }[];
      };
      const review = await ctx.core.createReview(repo.fullName, pr.index, {
        user: user.login,
        event: body.event,
        body: body.body,
        commit_id: body.commit_id,
        comments: (body.comments ?? []).map((c) => ({
          path: c.path ?? "",
          body: c.body ?? "",
          new_position: c.new_position,
          old_position: c.old_position,
        })),
      });
      return json(200, apiReview(ctx.core, review, user));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/pulls/{index}/reviews/{id}",
    handler: (ctx) => {
      const { pr } = pullOf(ctx);
      const review = ctx.core.store.reviews.get(intParam(ctx, "id"));
      if (!review || review.repo !== pr.repo || review.index !== pr.index) throw notFound();
      const mine = ctx.user && (ctx.user.is_admin || ctx.user.login.toLowerCase() === review.user.toLowerCase());
      if (review.state === "PENDING" && !mine) throw notFound("GetReviewByID");
      return json(200, apiReview(ctx.core, review, ctx.user));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/pulls/{index}/reviews/{id}/comments",
    handler: (ctx) => {
      const { pr } = pullOf(ctx);
      const review = ctx.core.store.reviews.get(intParam(ctx, "id"));
      if (!review || review.repo !== pr.repo || review.index !== pr.index) throw notFound();
      return json(200, review.comments.map((c) => apiReviewComment(ctx.core, review, c, ctx.user)));
    },
  },
];
