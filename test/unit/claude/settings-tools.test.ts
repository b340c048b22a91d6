import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeFs } from "../../../src/claude/fs";
import { checkSettings, loadSettingsInput, mergeClaudeEnv, writeSettingsFile } from "../../../src/claude/settings";
import {
  actionToolLists,
  finalToolLists,
  splitToolRules,
  toolRulesFromInput,
} from "../../../src/claude/tools";
import { tempDir } from "./fixtures";

describe("settings", () => {
  const ws = tempDir();
  const ctx = { workspace: ws, fs: nodeFs() };

  it("reads inline JSON and workspace files; empty is {}", async () => {
    writeFileSync(join(ws, "settings.json"), '{"permissions":{"allow":["Bash(ls)"]}}');
    expect(await loadSettingsInput("", ctx)).toEqual({});
    expect(await loadSettingsInput('{"model":"x"}', ctx)).toEqual({ model: "x" });
    expect(await loadSettingsInput("settings.json", ctx)).toEqual({ permissions: { allow: ["Bash(ls)"] } });
  });

  it("refuses what is not a settings object, without printing values", async () => {
    await expect(loadSettingsInput('{"env": {"TOKEN": "sk-secret"', ctx)).rejects.toThrow(/settings is not JSON: invalid JSON/);
    await expect(loadSettingsInput('{"env": {"TOKEN": "sk-secret"', ctx)).rejects.not.toThrow(/sk-secret/);
    await expect(loadSettingsInput("[1]", ctx)).rejects.toThrow(/settings is an array; expected a JSON object/);
    await expect(loadSettingsInput("missing.json", ctx)).rejects.toThrow(/settings file "missing.json" does not exist/);
    expect(() => checkSettings({ env: { A: 1 } }, "settings")).toThrow(/"env.A" must be string/);
    expect(() => checkSettings({ env: [] }, "settings")).toThrow(/"env" must be object/);
    expect(() => checkSettings({ permissions: { allow: "Bash" } }, "settings")).toThrow(/"permissions.allow" must be array/);
    // Never a value: an env value that holds a token stays out of the message.
    expect(() => checkSettings({ env: { TOKEN: 12345678 } }, "settings")).not.toThrow(/12345678/);
  });

  it("refuses a wrong-typed key the way the pinned CLI would (it drops the whole file), naming the key and the CLI version", () => {
    expect(() => checkSettings({ model: 42 }, "settings")).toThrow(/settings does not match the settings of Claude Code 2\.1\.\d+ .*"model" must be string/);
    expect(() => checkSettings({ permissions: { defaultMode: "yolo" } }, "settings")).toThrow(/"permissions.defaultMode" must be one of "acceptEdits"/);
    expect(() => checkSettings({ hooks: { Bogus: [] } }, "settings")).toThrow(/"hooks" has the key "Bogus", which is not a hook event/);
    expect(() => checkSettings({ cleanupPeriodDays: -1 }, "settings")).toThrow(/"cleanupPeriodDays" must be >= 1/);
    expect(() => checkSettings({ deniedModels: ["x"] }, "settings")).toThrow(/"deniedModels" is only accepted in managed \(policy\) settings/);
    expect(() => checkSettings({ permissions: { allow: ["Bash(ls"] } }, "settings")).toThrow(/"permissions.allow\[0\]" is not a rule the CLI can parse/);
    expect(() => checkSettings({ model: 42 }, "--settings", "claude_args")).toThrow(/Invalid input 'claude_args': --settings does not match/);
  });

  it("accepts the settings people write, and names unknown keys with the closest known one", () => {
    const r = checkSettings(
      {
        model: "claude-sonnet-4-5",
        env: { NODE_ENV: "test" },
        permissions: { allow: ["Bash(npm test:*)", "Read(./src/**)"], deny: ["Read(./.env)"], defaultMode: "acceptEdits", additionalDirectories: ["../docs/"] },
        hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "echo hi" }] }] },
        statusLine: { type: "command", command: "~/.claude/statusline.sh" },
        includeCoAuthoredBy: false,
        cleanupPeriodDays: 20,
        enableAllProjectMcpServers: true,
        modl: "x",
      },
      "settings",
    );
    expect(r.notices).toEqual([expect.stringMatching(/settings: "modl" is not a setting of Claude Code .*did you mean "model"\?/)]);
  });

  it("merges claude_env into env; claude_env wins with a notice naming the variable only", () => {
    const notices: string[] = [];
    const merged = mergeClaudeEnv({ model: "m", env: { A: "from-settings", B: "b" } }, { A: "from-env", C: "c" }, (m) => notices.push(m));
    expect(merged).toEqual({ model: "m", env: { A: "from-env", B: "b", C: "c" } });
    expect(notices).toEqual(["claude_env sets A, replacing the value from settings.env."]);
    expect(mergeClaudeEnv({ x: 1 }, {}, () => {})).toEqual({ x: 1 });
  });

  it("writes one file, mode 0600", async () => {
    const path = join(tempDir(), "settings.json");
    await writeSettingsFile(path, { env: { A: "1" } }, nodeFs());
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ env: { A: "1" } });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe("tool lists", () => {
  it("splits like the CLI: commas and spaces outside parentheses", () => {
    expect(splitToolRules("Bash(git add:*) Edit,Read ,, Bash(npm run  x)")).toEqual(["Bash(git add:*)", "Edit", "Read", "Bash(npm run  x)"]);
  });

  it("refuses input rules with a comma inside or unbalanced parentheses, naming the input", () => {
    expect(() => toolRulesFromInput(["Bash(git diff, git log)"], "allowed_tools")).toThrow(/allowed_tools.*contains a comma/);
    expect(() => toolRulesFromInput(["Bash(git diff"], "disallowed_tools")).toThrow(/disallowed_tools.*unbalanced parentheses/);
    expect(toolRulesFromInput(["Edit Read", "Bash(npm test:*)"], "allowed_tools")).toEqual(["Edit", "Read", "Bash(npm test:*)"]);
  });

  it("the action's lists: the boundary's rules and the MCP tools allowed; web tools and the boundary's denies disallowed", () => {
    expect(
      actionToolLists({ boundaryAllowed: ["Edit(//ws/**)", "Bash(git add:*)"], boundaryDenied: ["Edit(//ws/.git/config)"], mcpTools: ["mcp__gitea__get_issue"] }),
    ).toEqual({
      allowed: ["Edit(//ws/**)", "Bash(git add:*)", "mcp__gitea__get_issue"],
      disallowed: ["WebSearch", "WebFetch", "Edit(//ws/.git/config)"],
    });
  });

  it("a user's allow never lifts a boundary deny (with a notice)", () => {
    const notices: string[] = [];
    expect(
      finalToolLists(
        {
          forkAllowed: ["Edit(//ws/**)"],
          forkDisallowed: ["WebSearch", "Read(//proc/**)"],
          boundaryDenied: ["Read(//proc/**)"],
          userAllowed: ["Read(//proc/**)", "WebSearch"],
          userDisallowed: [],
        },
        (m) => notices.push(m),
      ),
    ).toEqual({ allowed: ["Edit(//ws/**)", "WebSearch"], disallowed: ["Read(//proc/**)"] });
    expect(notices).toEqual(["Tool rule 'Read(//proc/**)' stays denied: it would cross the action's trust boundary (see SECURITY.md)."]);
  });

  it("final lists: user allow lifts a default deny; user deny removes an allow; both → deny with a notice", () => {
    const notices: string[] = [];
    expect(
      finalToolLists(
        {
          forkAllowed: ["Edit", "Bash(git push:*)"],
          forkDisallowed: ["WebSearch", "WebFetch"],
          userAllowed: ["WebSearch", "Bash(rm:*)"],
          userDisallowed: ["Bash(git push:*)", "Bash(rm:*)"],
        },
        (m) => notices.push(m),
      ),
    ).toEqual({ allowed: ["Edit", "WebSearch"], disallowed: ["WebFetch", "Bash(git push:*)", "Bash(rm:*)"] });
    expect(notices).toEqual(["Tool 'Bash(rm:*)' is both allowed and disallowed; it stays disallowed."]);
  });
});
