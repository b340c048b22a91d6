/** /version, /settings/api, /user, the repository, the collaborator-permission check and teams. */
import { type RouteDef, json, repoAccess, requireUser } from "../context";
import { apiRepo, apiTeam, apiUser } from "../convert";
import { ApiError, forbidden, notFound } from "../errors";
import { atLeast } from "../store";

export const miscRoutes: RouteDef[] = [
  {
    route: "GET /version",
    handler: (ctx) => json(200, { version: ctx.core.version }),
  },
  {
    // What this server's API settings are: MAX_RESPONSE_ITEMS caps every `limit`.
    route: "GET /settings/api",
    handler: (ctx) => {
      const { maxResponseItems, defaultPagingNum } = ctx.core.options;
      return json(200, {
        max_response_items: maxResponseItems,
        default_paging_num: defaultPagingNum,
        default_git_trees_per_page: 1000,
        default_max_blob_size: 10485760,
        ...(ctx.core.atLeast("1.24") ? { default_max_response_size: 104857600 } : {}),
      });
    },
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
      const { repo, perm } = repoAccess(ctx);
      return json(200, apiRepo(ctx.core, repo, perm, ctx.user));
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/collaborators/{collaborator}/permission",
    handler: (ctx) => {
      const user = requireUser(ctx);
      const { repo, mode } = repoAccess(ctx);
      const who = ctx.params.collaborator ?? "";
      const isRepoAdmin = mode === "admin" || mode === "owner";
      // 1.22 compares the doer's LoginName (empty for local users) with the name asked about: a user
      // may not ask about themselves there; from 1.24 the lower-case user name is compared.
      const self = ctx.core.atLeast("1.24") && user.login.toLowerCase() === who.toLowerCase();
      if (!user.is_admin && !self && !isRepoAdmin) {
        throw forbidden(
          "Only admins can query all permissions, repo admins can query all repo permissions, collaborators can query only their own",
        );
      }
      const target = ctx.core.store.findUser(who);
      if (!target) throw new ApiError(404, `user redirect does not exist [name: ${who.toLowerCase()}]`);
      // AccessMode: for a team member, the lowest of the team's unit modes (Code write + Wiki read → read).
      const perm = ctx.core.store.accessMode(repo, target.login);
      return json(200, { permission: perm, role_name: perm, user: apiUser(ctx.core, target, user) });
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/teams",
    handler: (ctx) => {
      requireUser(ctx);
      const { repo } = repoAccess(ctx);
      const owner = ctx.core.store.user(repo.owner);
      if (!owner.isOrg) throw new ApiError(405, "repo is not owned by an organization");
      return json(200, ctx.core.store.repoTeams(repo).map((t) => apiTeam(ctx.core, t)));
    },
  },
  {
    route: "GET /teams/{id}/members/{username}",
    handler: (ctx) => {
      const user = requireUser(ctx);
      const team = ctx.core.store.teams.get(Number(ctx.params.id));
      if (!team) throw notFound();
      // reqTeamMembership: site admins, organization owners and the team's members.
      const store = ctx.core.store;
      const inOrg = (login: string) => [...store.teams.values()].filter((t) => t.org === team.org && t.members.has(login.toLowerCase()));
      const isOwner = inOrg(user.login).some((t) => atLeast(t.permission, "owner"));
      if (!user.is_admin && !isOwner && !team.members.has(user.login.toLowerCase())) {
        if (inOrg(user.login).length) throw forbidden("Must be a team member");
        throw notFound();
      }
      const target = store.findUser(ctx.params.username ?? "");
      if (!target) throw notFound();
      if (!team.members.has(target.login.toLowerCase())) throw notFound();
      return json(200, apiUser(ctx.core, target, user));
    },
  },
];
