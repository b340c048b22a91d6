/**
 * Who may drive the token. Fails closed: the sender needs write access to the
 * repository, proven either by the payload (only where Gitea computed the
 * permissions for the sender) or by the collaborator-permission API. Bots and
 * the Actions user must also be listed in allowed_bots: a listed bot still
 * needs write access.
 */
import type { GiteaClient } from "./client";
import type { EventContext, Person } from "./context";
import { codeWriterTeam } from "./teams";

export type PermissionDecision =
  | { allowed: true; how: string }
  | { allowed: false; reason: string };

const ACTIONS_USERS = new Set(["gitea-actions", "forgejo-actions"]);
const WRITE = new Set(["owner", "admin", "write"]);

/** Gitea users carry no `type`: the Actions user has a negative id; bots are named like bots. */
export function isBot(person: Person): boolean {
  const login = person.login.toLowerCase();
  return person.id < 0 || ACTIONS_USERS.has(login) || /\[bot\]$/.test(login) || /(^|[-_.])bot$/.test(login);
}

const normalizeBot = (login: string) => login.toLowerCase().replace(/\[bot\]$/, "");

export function botAllowed(login: string, allowedBots: "*" | string[]): boolean {
  if (allowedBots === "*") return true;
  return allowedBots.map(normalizeBot).includes(normalizeBot(login));
}

export async function checkSender(
  ctx: EventContext,
  client: Pick<GiteaClient, "collaboratorPermission" | "repoTeams" | "isTeamMember">,
  allowedBots: "*" | string[],
): Promise<PermissionDecision> {
  // Dispatches, schedules and pushes can only be started by users who can
  // already write (or by the repository itself); there is no commenter to check.
  if (ctx.kind !== "entity") return { allowed: true, how: `${ctx.eventName} is started by the repository's writers` };

  const sender = ctx.sender;
  const bot = isBot(sender);
  if (bot && !botAllowed(sender.login, allowedBots)) {
    return {
      allowed: false,
      reason: `@${sender.login} is a bot or the Actions user, and bots may only trigger Claude when listed in \`allowed_bots\` (or \`allowed_bots: '*'\`).`,
    };
  }
  const listed = bot ? ` (listed in allowed_bots)` : "";

  if (ctx.senderPermissions) {
    return ctx.senderPermissions.push || ctx.senderPermissions.admin
      ? { allowed: true, how: `the event payload gives @${sender.login}${listed} write access` }
      : { allowed: false, reason: `@${sender.login} does not have write access to ${ctx.repository.fullName}.` };
  }

  const answer = await client.collaboratorPermission(sender.login);
  if (!answer) {
    return {
      allowed: false,
      reason:
        `I could not verify that @${sender.login} may write to ${ctx.repository.fullName}: on '${ctx.eventName}' events the payload does not describe the sender, ` +
        "and the token cannot read other users' permissions (Gitea answers 403 to the job token). " +
        "To allow this trigger, pass a `gitea_token` whose user is a repository admin (or a site admin).",
    };
  }
  if (WRITE.has(answer.permission)) return { allowed: true, how: `@${sender.login}${listed} has '${answer.permission}' permission` };
  // For a team member Gitea reports the lowest unit mode: 'read' may still mean Code write through a team.
  const team = answer.permission === "read" ? await codeWriterTeam(client, sender.login) : undefined;
  if (team && "team" in team) return { allowed: true, how: `@${sender.login}${listed} has Code write through team '${team.team}' (Gitea reports 'read', the team's lowest unit access)` };
  const unseen = team && "unknown" in team ? ` (the token cannot see the members of ${team.unknown.map((t) => `'${t}'`).join(", ")}, which have Code write: use a site admin's or organization owner's token)` : "";
  return { allowed: false, reason: `@${sender.login} has '${answer.permission}' permission on ${ctx.repository.fullName}; write access is required${unseen}.` };
}
