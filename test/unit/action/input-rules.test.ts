/** The value rules behind the inputs (src/input-rules.ts) and the Bun lookup (src/claude/bun.ts). */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findBun } from "../../../src/claude/bun";
import type { ProcessRunner } from "../../../src/claude/process";
import { emailProblem, loginProblem, modelProblem, publicUrlProblem, refNameProblem, secretProblem } from "../../../src/input-rules";
import { InputError } from "../../../src/inputs";
import { PINS } from "../../../src/pins";
import { closest, editDistance } from "../../../src/text/closest";

describe("git ref rules (git check-ref-format)", () => {
  it.each(["main", "release/1.x", "claude/issue-12-20260101-1200", "feature/a.b", "a-b_c", "v1.0"])("accepts %s", (name) => {
    expect(refNameProblem(name)).toBeUndefined();
  });
  it.each([
    ["claude//issue-1", "'//'"],
    ["a..b", "'..'"],
    ["-main", "starts with '-'"],
    ["main.lock", "'.lock'"],
    ["x/.hidden", "starts with '.'"],
    ["main/", "ends with '/'"],
    ["/main", "starts or ends with '/'"],
    ["a b", '" "'],
    ["a~1", '"~"'],
    ["a^", '"^"'],
    ["a:b", '":"'],
    ["a?", '"?"'],
    ["a*", '"*"'],
    ["a[b", '"["'],
    ["a\\b", '"\\\\"'],
    ["a@{1}", "'@{'"],
    ["@", "'@'"],
    ["main.", "ends with '.'"],
    ["a\u0007", "control character"],
  ])("refuses %j (%s)", (name, why) => {
    expect(refNameProblem(name)).toContain(why);
  });
});

describe("logins, e-mail addresses, model ids, secrets, URLs", () => {
  it("logins follow Gitea's user name rules", () => {
    for (const ok of ["alice", "claude.bot", "renovate-bot", "a_b", "a1"]) expect(loginProblem(ok), ok).toBeUndefined();
    for (const bad of ["", "-alice", "alice-", "al..ice", "al ice", "alice,bob", "a".repeat(41), "alice!"]) expect(loginProblem(bad), bad).toBeDefined();
  });
  it("e-mail addresses are local@domain", () => {
    for (const ok of ["claude@anthropic.com", "1234+claude@noreply.gitea.example.com", "a.b-c@x", "ci@localhost"]) expect(emailProblem(ok), ok).toBeUndefined();
    for (const bad of ["claude at example.com", "claude@", "@example.com", "a@b c", "<a@b.com>", "a@@b.com", ".a@b.com", "a@-b.com"]) expect(emailProblem(bad), bad).toBeDefined();
  });
  it("model ids: aliases, API ids, Vertex and Bedrock forms; no blanks or line breaks", () => {
    for (const ok of ["sonnet", "claude-sonnet-4-5-20250929", "claude-opus-4-1[1m]", "claude-sonnet-4-5@20250929", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-x-v1:0"]) {
      expect(modelProblem(ok), ok).toBeUndefined();
    }
    for (const bad of ["claude sonnet", "claude\nx", "'x'", "$(id)", "x".repeat(257), "-x"]) expect(modelProblem(bad), bad).toBeDefined();
  });
  it("secrets are one word", () => {
    expect(secretProblem("sk-ant-api03-abc_DEF")).toBeUndefined();
    expect(secretProblem("a b")).toMatch(/blank/);
    expect(secretProblem("a\nb")).toMatch(/line break/);
  });
  it("public URLs have no user info, query or fragment", () => {
    expect(publicUrlProblem("https://gitea.example.com/sub/path")).toBeUndefined();
    expect(publicUrlProblem("https://admin:pw@gitea.example.com")).toMatch(/user name or password/);
    expect(publicUrlProblem("https://g.example.com?x=1")).toMatch(/query/);
    expect(publicUrlProblem("https://g.example.com#x")).toMatch(/fragment/);
    expect(publicUrlProblem("ssh://g.example.com")).toMatch(/scheme/);
  });
  it("the closest name is found by edit distance, swaps included", () => {
    expect(editDistance("get_isuse", "get_issue")).toBe(1);
    expect(closest("list_lables", ["list_labels", "set_labels"])).toBe("list_labels");
    expect(closest("zzz", ["list_labels"])).toBeUndefined();
  });
});

describe("the Bun for the base action", () => {
  const dir = mkdtempSync(join(tmpdir(), "ccga-bun-"));
  const fake = (name: string) => {
    const p = join(dir, name);
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, "#!/bin/sh\nexit 0\n");
    chmodSync(p, 0o755);
    return p;
  };
  const answering = (version: string): ProcessRunner => ({ run: async () => ({ code: 0, signal: null, stdout: `${version}\n`, stderr: "" }) });
  const bun = fake("tools/bun");

  it("takes path_to_bun_executable when it is an executable named bun, relative paths from the workspace", async () => {
    expect(await findBun({ inputPath: bun, workspace: "/", env: {}, runner: answering("1.3.14") })).toEqual({ path: bun, notice: expect.stringContaining("the base action does not download Bun") });
    expect((await findBun({ inputPath: "tools/bun", workspace: dir, env: {}, runner: answering("1.2.11") })).notice).toMatch(/it pins 1\.3\.14; this one is used as given/);
  });

  it("refuses a path that is not an executable named bun, naming the input", async () => {
    const notBun = fake("tools/node");
    await expect(findBun({ inputPath: notBun, workspace: "/", env: {}, runner: answering("1.3.14") })).rejects.toThrow(/Invalid input 'path_to_bun_executable': .* is not named 'bun'/);
    await expect(findBun({ inputPath: join(dir, "none", "bun"), workspace: "/", env: {}, runner: answering("1.3.14") })).rejects.toBeInstanceOf(InputError);
    await expect(findBun({ inputPath: bun, workspace: "/", env: {}, runner: answering("nope") })).rejects.toThrow(/printed no version/);
  });

  it("uses a bun on PATH only at the base action's version; otherwise says the base action downloads one", async () => {
    const env = { PATH: join(dir, "tools") };
    expect((await findBun({ inputPath: "", workspace: "/", env, runner: answering(PINS.baseActionBunVersion) })).path).toBe(bun);
    const other = await findBun({ inputPath: "", workspace: "/", env, runner: answering("1.4.5") });
    expect(other.path).toBeUndefined();
    expect(other.notice).toMatch(/downloads Bun 1\.3\.14 \(setup-bun\): the bun on PATH is 1\.4\.5/);
    expect((await findBun({ inputPath: "", workspace: "/", env: { PATH: join(dir, "empty") }, runner: answering("1.3.14") })).notice).toMatch(/no bun on PATH/);
  });
});
