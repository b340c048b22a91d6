/** /version, /user, the repository itself and the collaborator-permission check. */
import { type RouteDef, json, repoAccess, requireUser } from "../context";
import { apiRepo, apiUser } from "../convert";
import { ApiError, forbidden } from "../errors";

export const miscRoutes: RouteDef[] = [
  {
    route: "GET /version",
    handler: (ctx) => json(200, { version: ctx.core.version }),
  },
  {
    route: "GET /user",
    handler: (ctx) => {
      const user = requireUser(ctx);
      return json(200, apiUser(ctx.core, user, user));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}",
    handler: (ctx) => {
      const { repo, mode } = repoAccess(ctx);
      return json(200, apiRepo(ctx.core, repo, mode, ctx.user));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/collaborators/{collaborator}/permission",
    handler: (ctx) => {
      const user = requireUser(ctx);
      const { repo, mode } = repoAccess(ctx);
      const who = ctx.params.collaborator ?? "";
      const isRepoAdmin = mode === "admin" || mode === "owner";
      if (!user.is_admin && user.login.toLowerCase() !== who.toLowerCase() && !isRepoAdmin) {
        throw forbidden(
          "Only admins can query all permissions, repo admins can query all repo permissions, collaborators can query only their own",
        );
      }
      const target = ctx.core.store.findUser(who);
      if (!target) throw new ApiError(404, `user redirect does not exist [name: ${who.toLowerCase()}]`);
      const perm = ctx.core.store.accessMode(repo, target.login);
      return json(200, { permission: perm, role_name: perm, user: apiUser(ctx.core, target, user) });
    },
  },
];
