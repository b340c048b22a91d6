/**
 * Who may do what in the emulated Gitea (Gitea's GetUserRepoPermission and
 * the Actions task check in routers/api/v1/api.go, reduced to what the
 * emulator models): owner, site admin, collaborators, organization teams (a
 * team's overall mode is its lowest unit mode; units are the highest over the
 * user's teams) and job tokens (their task's repository only, read-only for
 * fork runs).
 */
import type { Repo, Store, User } from "./store";

export type AccessMode = "none" | "read" | "write" | "admin" | "owner";
export type CollaboratorPermission = "read" | "write" | "admin";

/** Repository units, by the names Gitea's teams API uses (`units_map` keys). */
export const UNITS = ["repo.code", "repo.issues", "repo.pulls", "repo.releases", "repo.wiki", "repo.projects", "repo.packages", "repo.actions"] as const;
export type Unit = (typeof UNITS)[number];

const RANK: Record<AccessMode, number> = { none: 0, read: 1, write: 2, admin: 3, owner: 4 };
export function atLeast(mode: AccessMode, min: AccessMode): boolean {
  return RANK[mode] >= RANK[min];
}
const maxMode = (a: AccessMode, b: AccessMode): AccessMode => (RANK[a] >= RANK[b] ? a : b);
const minMode = (a: AccessMode, b: AccessMode): AccessMode => (RANK[a] <= RANK[b] ? a : b);

/** What a user may do in a repository: the overall mode and each unit's mode. */
export interface Permission {
  /** Gitea's `AccessMode` (what the collaborator-permission API reports). */
  mode: AccessMode;
  /** Per unit (what the payload's `permissions.push` and the routes check). */
  unit(u: Unit): AccessMode;
}

export function uniformPermission(mode: AccessMode): Permission {
  return { mode, unit: () => mode };
}

/**
 * An Actions job token (one per task): Gitea's Actions user, limited to the
 * task's repository, with write access, or read only for fork and AGit pull
 * request runs (routers/api/v1/api.go, routers/web/repo/githttp.go).
 */
export interface TaskScope {
  repo: string;
  mode: "read" | "write";
  /** The run was marked IsForkPullRequest. */
  fork: boolean;
  runId?: number;
}

/** The Actions user: id -2, a system user that is no collaborator anywhere. */
export const ACTIONS_USER = { id: -2, login: "gitea-actions" } as const;

export interface Team {
  id: number;
  /** lower-case login of the organization */
  org: string;
  name: string;
  /** none/read/write: the lowest of the unit modes (Gitea's MinUnitAccessMode); admin/owner: every unit */
  permission: AccessMode;
  units: Partial<Record<Unit, AccessMode>>;
  /** lower-case logins */
  members: Set<string>;
  /** repo keys; ignored with includesAllRepos */
  repos: Set<string>;
  includesAllRepos: boolean;
}

export interface BranchProtection {
  /** branch name or glob (`*` does not cross `/`) */
  pattern: string;
  /** lower-case logins allowed to push (the Actions user can never be one) */
  pushWhitelist: string[];
}


/** The part of the store permissions are computed from. */
type Directory = Pick<Store, "teams" | "findUser" | "user" | "repo" | "nextId">;

const repoKeyOf = (fullName: string) => fullName.toLowerCase();

export function permissionOf(store: Directory, repo: Repo, login: string | null | undefined, scope?: TaskScope): Permission {
  if (scope) return scope.repo === repoKeyOf(repo.fullName) ? uniformPermission(scope.mode) : uniformPermission("none");
  const publicMode: AccessMode = repo.private ? "none" : "read";
  if (!login) return uniformPermission(publicMode);
  const user = store.findUser(login);
  if (!user) return uniformPermission("none");
  if (repo.owner.toLowerCase() === user.login.toLowerCase()) return uniformPermission("owner");
  if (user.is_admin) return uniformPermission("admin");
  // The Actions user is no collaborator: outside a task it is a stranger.
  if (user.id === ACTIONS_USER.id) return uniformPermission(publicMode);
  const collab: AccessMode | undefined = repo.collaborators.get(user.login.toLowerCase());
  const teams = userRepoTeams(store, repo, user.login);
  if (teams.some((t) => atLeast(t.permission, "admin"))) return uniformPermission("owner");
  if (!teams.length) return uniformPermission(collab ?? publicMode);
  let mode: AccessMode = collab ?? "none";
  for (const t of teams) mode = maxMode(mode, t.permission);
  const units = new Map<Unit, AccessMode>();
  for (const u of UNITS) {
    let m: AccessMode = collab ?? "none";
    let found = false;
    for (const t of teams) {
      const tm = t.units[u];
      if (tm !== undefined) {
        m = maxMode(m, tm);
        found = true;
      }
    }
    // A public repository of an organization: units no team defines are readable.
    if (!found && !repo.private) m = maxMode(m, "read");
    units.set(u, m);
  }
  return { mode: maxMode(mode, publicMode), unit: (u) => units.get(u) ?? "none" };
}

/** Teams of the repository's organization that the user is in and that cover the repository. */
export function userRepoTeams(store: Directory, repo: Repo, login: string): Team[] {
  const who = login.toLowerCase();
  return repoTeams(store, repo).filter((t) => t.members.has(who));
}

export function repoTeams(store: Directory, repo: Repo): Team[] {
  const org = repo.owner.toLowerCase();
  const key = repoKeyOf(repo.fullName);
  return [...store.teams.values()].filter((t) => t.org === org && (t.includesAllRepos || t.repos.has(key))).sort((a, b) => a.id - b.id);
}

export function addTeam(
  store: Directory,
  o: {
    org: string;
    name: string;
    permission?: AccessMode;
    units?: Partial<Record<Unit, AccessMode>>;
    members?: string[];
    repos?: string[];
    includesAllRepos?: boolean;
  },
): Team {
  const org: User = store.user(o.org);
  if (!org.isOrg) throw new Error(`${o.org} is not an organization`);
  const units: Partial<Record<Unit, AccessMode>> = { ...(o.units ?? {}) };
  let permission: AccessMode = o.permission ?? "none";
  if (!atLeast(permission, "admin")) {
    // Gitea: below admin, a team's mode is the lowest of its unit modes (MinUnitAccessMode).
    const modes = Object.values(units);
    permission = modes.length ? modes.reduce(minMode) : permission;
  }
  const team: Team = {
    id: store.nextId("team"),
    org: org.login.toLowerCase(),
    name: o.name,
    permission,
    units,
    members: new Set((o.members ?? []).map((m) => store.user(m).login.toLowerCase())),
    repos: new Set((o.repos ?? []).map((r) => repoKeyOf(store.repo(r).fullName))),
    includesAllRepos: o.includesAllRepos ?? false,
  };
  store.teams.set(team.id, team);
  return team;
}
