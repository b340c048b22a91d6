/**
 * Team members' Code access. Gitea's collaborator-permission API reports a
 * team member's overall mode, which for a team with per-unit permissions is
 * the lowest of its unit modes (Code=Write + Wiki=Read reads as `read`),
 * while pushing needs only Code write. So a `read` answer is checked again
 * against the repository's teams: a team with Code write that the user is in.
 */
import type { GiteaClient } from "./client";

const WRITE = new Set(["write", "admin", "owner"]);

export type TeamAnswer =
  /** A team with Code write has the user. */
  | { team: string }
  /** Some team with Code write could not be asked about (the token may not see its members). */
  | { unknown: string[] }
  | undefined;

export async function codeWriterTeam(client: Pick<GiteaClient, "repoTeams" | "isTeamMember">, login: string): Promise<TeamAnswer> {
  const teams = (await client.repoTeams()).filter((t) => WRITE.has(t.units_map?.["repo.code"] ?? t.permission ?? "none"));
  const unknown: string[] = [];
  const answers = await Promise.all(teams.map(async (t) => ({ t, member: await client.isTeamMember(t.id, login) })));
  for (const { t, member } of answers) {
    if (member === true) return { team: t.name };
    if (member === undefined) unknown.push(t.name);
  }
  return unknown.length ? { unknown } : undefined;
}
