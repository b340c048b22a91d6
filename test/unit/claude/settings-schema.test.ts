/**
 * src/claude/settings-schema.json against the pinned CLI:
 * - it is what scripts/settings-schema.ts generates from the SDK build of
 *   the pinned CLI (regenerate with `npm run settings-schema`);
 * - probed key by key against the CLI's own settings engine (the SDK's
 *   resolveSettings, same build), the action never accepts settings the CLI
 *   would drop, and never refuses settings the CLI keeps as written;
 * - spot checks with the real CLI binary (`claude -p --settings …`, and the
 *   user settings file the base action writes), without credentials, so no
 *   model is ever asked: a wrong-typed key is refused by both, what the CLI
 *   accepts is accepted.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSettings } from "../../../src/claude/settings";
import { PINS } from "../../../src/pins";
import { SCHEMA_FILE, generate, serialize } from "../../../scripts/settings-schema";
import { claudeBin } from "../../support/model/index";
import { PROBE_VALUES, nest, schemaPaths, settingsOracle, type SettingsOracle } from "../../support/settings-oracle";

const SCHEMA = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as { properties: Record<string, unknown>; "x-cli-version": string };

const accepts = (settings: Record<string, unknown>) => {
  try {
    checkSettings(settings, "settings");
    return true;
  } catch {
    return false;
  }
};

/**
 * Where the action is stricter than the CLI on purpose (the CLI loads the file
 * but does not keep the value as written): a value the CLI rewrites or drops
 * (wrong types on keys it forgives, numbers in env, unparsable rules).
 */
function stricterOnPurpose(verdict: { loaded: boolean; unchanged: boolean }) {
  return verdict.loaded && !verdict.unchanged;
}

describe("the settings schema", () => {
  it("is generated from the SDK build of the pinned CLI, and up to date", { timeout: 120_000 }, async () => {
    expect(SCHEMA["x-cli-version"]).toBe(PINS.cliVersion);
    expect(readFileSync(SCHEMA_FILE, "utf8"), "run `npm run settings-schema`").toBe(serialize(await generate()));
  });
});

describe("against the CLI's settings engine (resolveSettings of the same build)", () => {
  let oracle: SettingsOracle;
  beforeAll(async () => {
    oracle = await settingsOracle();
  });
  afterAll(async () => oracle?.close());

  async function mismatches(candidates: Array<Record<string, unknown>>) {
    const wrongAccept: string[] = [];
    const wrongRefuse: string[] = [];
    for (const settings of candidates) {
      const ours = accepts(settings);
      const cli = await oracle.judge(settings);
      if (ours && !cli.loaded) wrongAccept.push(JSON.stringify(settings));
      if (!ours && cli.unchanged) wrongRefuse.push(JSON.stringify(settings));
      if (!ours && !cli.unchanged) expect(cli.loaded === false || stricterOnPurpose(cli)).toBe(true);
    }
    return { wrongAccept, wrongRefuse };
  }

  it("every top-level key with every kind of JSON value: nothing accepted that the CLI drops, nothing refused that it keeps", { timeout: 120_000 }, async () => {
    const candidates = schemaPaths(SCHEMA, 1).flatMap((path) => PROBE_VALUES.map((v) => nest(path, v)));
    expect(candidates.length).toBeGreaterThan(3000);
    expect(await mismatches(candidates)).toEqual({ wrongAccept: [], wrongRefuse: [] });
  });

  it("every second-level key likewise", { timeout: 120_000 }, async () => {
    const candidates = schemaPaths(SCHEMA, 2)
      .filter((p) => p.length === 2)
      .flatMap((path) => PROBE_VALUES.map((v) => nest(path, v)));
    expect(await mismatches(candidates)).toEqual({ wrongAccept: [], wrongRefuse: [] });
  });

  it("hook events, managed-only keys, and the settings people write", async () => {
    const { HOOK_EVENTS } = (await import("@anthropic-ai/claude-agent-sdk")) as { HOOK_EVENTS: readonly string[] };
    const hook = { matcher: "Bash", hooks: [{ type: "command", command: "echo hi" }] };
    const candidates: Array<Record<string, unknown>> = [
      ...[...HOOK_EVENTS, "Bogus", "preToolUse"].map((event) => ({ hooks: { [event]: [hook] } })),
      { deniedModels: ["claude-opus-4-1"] },
      { attributionProjectPolicy: { default: "claude_proj_abc" } },
      { managedMcpServers: { remote: { type: "http", url: "https://mcp.example.com" } } },
      { model: "claude-sonnet-4-5", env: { NODE_ENV: "test", CI: "1" } },
      { permissions: { allow: ["Bash(npm run lint)", "Bash(npm run test:*)", "Read(~/.zshrc)"], deny: ["Bash(curl:*)", "Read(./.env)", "Read(./secrets/**)"] } },
      { permissions: { defaultMode: "acceptEdits", additionalDirectories: ["../docs/"] } },
      { statusLine: { type: "command", command: "~/.claude/statusline.sh" } },
      { apiKeyHelper: "/bin/generate_temp_api_key.sh", cleanupPeriodDays: 20, includeCoAuthoredBy: false },
      { enableAllProjectMcpServers: true, enabledMcpjsonServers: ["memory", "github"], disabledMcpjsonServers: ["filesystem"] },
      { sandbox: { enabled: true } },
      { outputStyle: "Explanatory", forceLoginMethod: "claudeai", awsAuthRefresh: "aws sso login --profile myprofile" },
      { unknownKey: { anything: [1, 2] } },
    ];
    expect(await mismatches(candidates)).toEqual({ wrongAccept: [], wrongRefuse: [] });
  });
});

/** Runs the pinned CLI in print mode without credentials: it validates its settings, then stops ("Not logged in"). */
function cliSettingsErrors(o: { flag?: unknown; userFile?: unknown }): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "ccga-settings-cli-"));
  const home = join(root, "home");
  mkdirSync(join(home, ".claude"), { recursive: true });
  if (o.userFile !== undefined) writeFileSync(join(home, ".claude", "settings.json"), JSON.stringify(o.userFile));
  const args = ["-p", "hi", ...(o.flag !== undefined ? ["--settings", JSON.stringify(o.flag)] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(claudeBin(), args, {
      cwd: root,
      env: { PATH: "/usr/bin:/bin", HOME: home, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", DISABLE_AUTOUPDATER: "1", DISABLE_TELEMETRY: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      rmSync(root, { recursive: true, force: true });
      resolve(out);
    });
  });
}

describe("against the real CLI binary (no credentials: it checks its settings and stops before any model call)", () => {
  type Fate = "drops the whole file" | "skips the entry" | "keeps it" | "ignores the value silently";
  const cases: Array<{ settings: Record<string, unknown>; fate: Fate }> = [
    { settings: { model: 42 }, fate: "drops the whole file" },
    { settings: { cleanupPeriodDays: 0 }, fate: "drops the whole file" },
    { settings: { permissions: { defaultMode: "yolo" } }, fate: "drops the whole file" },
    { settings: { hooks: { Bogus: [] } }, fate: "skips the entry" },
    { settings: { deniedModels: ["x"] }, fate: "skips the entry" },
    { settings: { permissions: { allow: ["Bash(ls"] } }, fate: "skips the entry" },
    // A key the CLI forgives a wrong type on: it says nothing and drops the value.
    { settings: { theme: 5 }, fate: "ignores the value silently" },
    { settings: { model: "claude-sonnet-4-5", env: { NODE_ENV: "test" }, permissions: { allow: ["Bash(npm test:*)"], defaultMode: "acceptEdits" } }, fate: "keeps it" },
    { settings: { hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "true" }] }] }, includeCoAuthoredBy: false }, fate: "keeps it" },
  ];
  it.each(cases)("$settings: the CLI $fate; the action accepts only what the CLI keeps", { timeout: 150_000 }, async ({ settings, fate }) => {
    // As --settings in claude_args, and as the user settings file the base action writes from the settings input.
    const outputs = await Promise.all([cliSettingsErrors({ flag: settings }), cliSettingsErrors({ userFile: settings })]);
    for (const out of outputs) {
      expect(out).toMatch(/Not logged in/);
      expect(/These settings did not load/.test(out), out).toBe(fate === "drops the whole file");
      expect(/These settings entries were skipped/.test(out), out).toBe(fate === "skips the entry");
    }
    expect(accepts(settings)).toBe(fate === "keeps it");
  });
});
