import { describe, expect, it } from "vitest";
import { parseEvent } from "../../../src/gitea/context";
import { botAllowed, checkSender, isBot } from "../../../src/gitea/permissions";

const repository = (perm?: object) => ({ full_name: "acme/app", name: "app", owner: { login: "acme" }, html_url: "https://g/acme/app", ...(perm ? { permissions: perm } : {}) });
const user = (login: string, id = 5) => ({ id, login });

const comment = (sender: { id: number; login: string }, perm?: object) =>
  parseEvent("issue_comment", {
    action: "created",
    issue: { number: 1, title: "", body: "", user: user("poster"), state: "open" },
    comment: { id: 9, body: "@claude", user: sender, created_at: "2026-01-01T00:00:00Z" },
    repository: repository(perm),
    sender,
  });

const assigned = (sender: { id: number; login: string }) =>
  parseEvent("issues", { action: "assigned", number: 1, issue: { number: 1, title: "", body: "", user: user("poster"), state: "open" }, repository: repository({ push: true }), sender });

type Team = { id: number; name: string; permission?: "read" | "write"; units_map?: Record<string, string> };
const api = (answer: string | undefined, teams: { team: Team; members: string[] | "forbidden" }[] = []) => {
  const asked: string[] = [];
  return {
    asked,
    client: {
      async collaboratorPermission(login: string) {
        asked.push(login);
        return answer === undefined ? undefined : { permission: answer };
      },
      async repoTeams() {
        return teams.map((t) => t.team);
      },
      async isTeamMember(id: number, login: string) {
        const t = teams.find((x) => x.team.id === id)!;
        return t.members === "forbidden" ? undefined : t.members.includes(login);
      },
    },
  };
};

describe("isBot / botAllowed", () => {
  it("recognises the Actions user and bot-like logins", () => {
    expect(isBot({ login: "gitea-actions", id: -2 })).toBe(true);
    expect(isBot({ login: "renovate[bot]", id: 4 })).toBe(true);
    expect(isBot({ login: "deploy-bot", id: 4 })).toBe(true);
    expect(isBot({ login: "robot", id: 4 })).toBe(false);
    expect(isBot({ login: "alice", id: 4 })).toBe(false);
  });
  it("matches allowed_bots case-insensitively and without [bot]", () => {
    expect(botAllowed("Renovate[bot]", ["renovate"])).toBe(true);
    expect(botAllowed("x-bot", "*")).toBe(true);
    expect(botAllowed("x-bot", [])).toBe(false);
  });
});

describe("checkSender", () => {
  it("trusts issue_comment payload permissions for the commenter without an API call", async () => {
    const { client, asked } = api("read");
    expect(await checkSender(comment(user("alice"), { push: true }), client, [])).toMatchObject({ allowed: true });
    const refused = await checkSender(comment(user("mallory"), { push: false, pull: true }), client, []);
    expect(refused).toEqual({ allowed: false, reason: "@mallory does not have write access to acme/app." });
    expect(asked).toEqual([]);
  });

  it("asks the API when the payload does not describe the sender, and fails closed on 403", async () => {
    const writer = api("write");
    expect(await checkSender(assigned(user("alice")), writer.client, [])).toMatchObject({ allowed: true });
    expect(writer.asked).toEqual(["alice"]);

    const reader = api("read");
    expect(await checkSender(assigned(user("bob")), reader.client, [])).toMatchObject({ allowed: false });

    const forbidden = api(undefined);
    const decision = await checkSender(assigned(user("carol")), forbidden.client, []);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) expect(decision.reason).toContain("pass a `gitea_token` whose user is a repository admin");
  });

  it("a 'read' answer is checked against the repository's teams: a member of a team with Code write passes", async () => {
    const devs: Team = { id: 3, name: "devs", permission: "read", units_map: { "repo.code": "write", "repo.wiki": "read" } };
    const readers: Team = { id: 4, name: "readers", permission: "read", units_map: { "repo.code": "read" } };
    const dana = api("read", [
      { team: readers, members: ["dana", "erin"] },
      { team: devs, members: ["dana"] },
    ]);
    expect(await checkSender(assigned(user("dana")), dana.client, [])).toEqual({
      allowed: true,
      how: "@dana has Code write through team 'devs' (Gitea reports 'read', the team's lowest unit access)",
    });
    expect(await checkSender(assigned(user("erin")), dana.client, [])).toMatchObject({ allowed: false });
    const hidden = api("read", [{ team: devs, members: "forbidden" }]);
    const refused = await checkSender(assigned(user("dana")), hidden.client, []);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.reason).toContain("the token cannot see the members of 'devs'");
  });

  it("refuses bots unless allowed_bots lists them", async () => {
    const { client } = api("admin");
    expect(await checkSender(comment(user("gitea-actions", -2), { push: true }), client, [])).toMatchObject({ allowed: false });
    expect(await checkSender(comment(user("gitea-actions", -2), { push: true }), client, ["gitea-actions"])).toMatchObject({ allowed: true });
    expect(await checkSender(comment(user("dependabot[bot]", 7), { push: true }), client, "*")).toMatchObject({ allowed: true });
  });

  it("a bot in allowed_bots still needs write access (payload or API), failing closed", async () => {
    const reader = api("read");
    expect(await checkSender(comment(user("deploy-bot", 8), { push: false, pull: true }), reader.client, ["deploy-bot"])).toEqual({
      allowed: false,
      reason: "@deploy-bot does not have write access to acme/app.",
    });
    expect(await checkSender(assigned(user("deploy-bot", 8)), reader.client, ["deploy-bot"])).toMatchObject({ allowed: false });
    expect(await checkSender(assigned(user("deploy-bot", 8)), api(undefined).client, "*")).toMatchObject({ allowed: false });
    expect(await checkSender(assigned(user("deploy-bot", 8)), api("write").client, ["deploy-bot"])).toEqual({
      allowed: true,
      how: "@deploy-bot (listed in allowed_bots) has 'write' permission",
    });
  });

  it("does not check a commenter for dispatch and automation events", async () => {
    const { client, asked } = api(undefined);
    const ctx = parseEvent("workflow_dispatch", { inputs: { description: "x" }, repository: repository(), sender: user("alice") });
    expect(await checkSender(ctx, client, [])).toMatchObject({ allowed: true });
    expect(asked).toEqual([]);
  });
});
