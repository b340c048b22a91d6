/**
 * Claude Code settings: the `settings` input (a JSON object, inline or the
 * path of a workspace file) with `claude_env` merged into its `env`, written
 * as ONE file that action.yml passes to the base action's `settings` input.
 *
 * At v0.0.63 claude_env was the CLI's process environment; the pinned base
 * action has no such input, and settings `env` is what the CLI applies to its
 * own process, its tools and the MCP servers it starts.
 *
 * Only the shapes the CLI would otherwise silently ignore in print mode are
 * checked (the whole object, `env`, `permissions` lists); other keys pass
 * through unchanged. Messages never print values.
 */
import { type ClaudeFs, readWorkspaceFile } from "./fs";
import { inputError, isPlainObject, jsonErrorWhere, jsonKind, shown } from "./problems";

export type Settings = Record<string, unknown>;

const EXPECTED = `a JSON object of Claude Code settings, e.g. {"env": {"NAME": "value"}, "permissions": {"allow": ["Bash(npm test:*)"]}}`;

/** Checks a parsed settings value; `what` names its source. */
export function checkSettings(value: unknown, what: string): Settings {
  if (!isPlainObject(value)) throw inputError("settings", `${what} is ${jsonKind(value)}; expected ${EXPECTED}`);
  if (value.env !== undefined) {
    if (!isPlainObject(value.env)) throw inputError("settings", `${what}: "env" is ${jsonKind(value.env)}; expected an object of string values`);
    const bad = Object.entries(value.env).filter(([, v]) => typeof v !== "string");
    if (bad.length) {
      throw inputError(
        "settings",
        `${what}: "env" values must be strings (the CLI ignores settings that fail validation); ${bad
          .slice(0, 3)
          .map(([k, v]) => `${shown(k, 40)} is ${jsonKind(v)}`)
          .join(", ")}`,
      );
    }
  }
  if (value.permissions !== undefined) {
    if (!isPlainObject(value.permissions)) {
      throw inputError("settings", `${what}: "permissions" is ${jsonKind(value.permissions)}; expected an object such as {"allow": […], "deny": […]}`);
    }
    for (const key of ["allow", "deny", "ask", "additionalDirectories"]) {
      const list = value.permissions[key];
      if (list !== undefined && (!Array.isArray(list) || list.some((r) => typeof r !== "string"))) {
        throw inputError("settings", `${what}: "permissions.${key}" must be an array of strings (got ${jsonKind(list)})`);
      }
    }
  }
  return value;
}

/** The `settings` input: empty → {}; `{…}` → inline JSON; otherwise a workspace path. */
export async function loadSettingsInput(
  value: string,
  ctx: { workspace: string; fs: ClaudeFs; allowedRoots?: readonly string[] },
): Promise<Settings> {
  const v = value.trim();
  if (!v) return {};
  let text = v;
  let what = "settings";
  if (!v.startsWith("{") && !v.startsWith("[")) {
    const file = await readWorkspaceFile(v, ctx, "settings", "settings file");
    text = file.content;
    what = `settings file ${shown(v)}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw inputError("settings", `${what} is not JSON: ${jsonErrorWhere(text, e)}; expected ${EXPECTED} or the path of such a file in the workspace`);
  }
  return checkSettings(parsed, what);
}

/**
 * `claude_env` merged into `settings.env`; claude_env wins on the same name
 * (reported through `notice`, without values).
 */
export function mergeClaudeEnv(settings: Settings, claudeEnv: Record<string, string>, notice: (m: string) => void): Settings {
  const names = Object.keys(claudeEnv);
  if (!names.length) return settings;
  const env = { ...((settings.env as Record<string, string> | undefined) ?? {}) };
  for (const name of names) {
    if (name in env && env[name] !== claudeEnv[name]) {
      notice(`claude_env sets ${name}, replacing the value from settings.env.`);
    }
    env[name] = claudeEnv[name]!;
  }
  return { ...settings, env };
}

export async function writeSettingsFile(path: string, settings: Settings, fs: ClaudeFs): Promise<void> {
  await fs.writeFile(path, `${JSON.stringify(settings, null, 2)}\n`, 0o600);
}
