// claude_args → Agent SDK options, with the observable behaviour of
// anthropics/claude-code-base-action@53ab25acdf1a773218d093eeb10f99d9903938ca
// (src/parse-sdk-options.ts there). Pure: no I/O, the environment is a parameter.
import { parse as shellParse } from "shell-quote";
import type { Options as SdkOptions } from "@anthropic-ai/claude-agent-sdk";

/** What the action passes in (environment-derived strings, unparsed). */
export interface ClaudeOptions {
  claudeArgs?: string;
  model?: string;
  pathToClaudeCodeExecutable?: string;
  allowedTools?: string;
  disallowedTools?: string;
  maxTurns?: string;
  /** Accepted and ignored, as in the pin (MCP configs arrive through claude_args). */
  mcpConfig?: string;
  systemPrompt?: string;
  appendSystemPrompt?: string;
  fallbackModel?: string;
  showFullOutput?: string;
}

export interface ParsedSdkOptions {
  sdkOptions: SdkOptions;
  showFullOutput: boolean;
  hasJsonSchema: boolean;
}

/** Flags whose repeated occurrences (and consecutive values) accumulate. */
export const ACCUMULATING_FLAGS: ReadonlySet<string> = new Set([
  "allowedTools",
  "allowed-tools",
  "disallowedTools",
  "disallowed-tools",
  "mcp-config",
  "add-dir",
]);

/** Separator of accumulated values inside one extraArgs entry. */
export const VALUE_SEPARATOR = "\u0000";

// shell-quote turns ( ) | & ; < > into operator objects and splits words
// around them. Claude's CLI arguments need them literally (Bash(git log:*)),
// so each is swapped for a private-use code point before parsing and
// swapped back afterwards.
const SHELL_OPERATOR_CHARS = "()|&;<>";
const PRIVATE_BASE = 0xe000;

function hideOperators(s: string): string {
  let out = "";
  for (const ch of s) {
    const k = SHELL_OPERATOR_CHARS.indexOf(ch);
    out += k >= 0 ? String.fromCharCode(PRIVATE_BASE + k) : ch;
  }
  return out;
}

function revealOperators(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    const k = code - PRIVATE_BASE;
    out += ch.length === 1 && k >= 0 && k < SHELL_OPERATOR_CHARS.length ? SHELL_OPERATOR_CHARS[k] : ch;
  }
  return out;
}

/**
 * Drops every line whose first non-blank character is `#`, before any
 * quoting is considered — so such a line disappears even inside a
 * multi-line quoted value. A `#` later in a line is left to shell-quote,
 * which treats an unquoted ` #` as a comment running to the end of the input.
 */
export function stripCommentLines(input: string): string {
  return input
    .split("\n")
    .filter((line) => !line.trim().startsWith("#"))
    .join("\n");
}

/**
 * Splits claude_args into words with shell-quote: quotes and backslashes
 * are honoured, `$VAR` outside single quotes expands to "" (shell-quote has
 * no environment here), ( ) | & ; < > stay literal, glob words (`*`, `?`,
 * `[`) are kept verbatim, comments and anything else shell-quote reports as
 * an operator are dropped.
 */
export function tokenizeClaudeArgs(input: string): string[] {
  const words: string[] = [];
  for (const entry of shellParse(hideOperators(stripCommentLines(input)))) {
    if (typeof entry === "string") {
      words.push(revealOperators(entry));
    } else if (entry && typeof entry === "object" && "pattern" in entry && typeof entry.pattern === "string") {
      words.push(revealOperators(entry.pattern));
    }
  }
  return words;
}

/**
 * claude_args → extraArgs (flag name without `--` → value, or null for a
 * boolean flag).
 * - A word starting with `--` is a flag; its value is the next word when
 *   that word is non-empty and does not start with `--`; otherwise the flag
 *   is boolean (null). Single-dash and positional words are ignored.
 * - A repeated ordinary flag keeps its last value.
 * - Accumulating flags take every following word up to the next `--` word,
 *   and repeated occurrences append (values joined by NUL); a later boolean
 *   occurrence resets the flag to null.
 */
export function parseClaudeArgs(claudeArgs?: string): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  if (!claudeArgs || !claudeArgs.trim()) return result;
  const words = tokenizeClaudeArgs(claudeArgs);
  let i = 0;
  while (i < words.length) {
    const word = words[i]!;
    if (!word.startsWith("--")) {
      i++;
      continue;
    }
    const flag = word.slice(2);
    const next = words[i + 1];
    const hasValue = next !== undefined && next !== "" && !next.startsWith("--");
    if (!hasValue) {
      result[flag] = null;
      i++;
      continue;
    }
    if (!ACCUMULATING_FLAGS.has(flag)) {
      result[flag] = next;
      i += 2;
      continue;
    }
    const values: string[] = [];
    let j = i + 1;
    while (j < words.length && !words[j]!.startsWith("--")) {
      values.push(words[j]!);
      j++;
    }
    const joined = values.join(VALUE_SEPARATOR);
    const previous = result[flag];
    result[flag] = previous ? previous + VALUE_SEPARATOR + joined : joined;
    i = j;
  }
  return result;
}

/**
 * Merges several --mcp-config values. Values starting with `{` that parse
 * as JSON contribute their mcpServers (later names win); anything else
 * (a file path, or JSON that does not parse) is remembered as "the last
 * file path". If no server came from inline JSON, the last file path is
 * returned as is; otherwise the merged inline JSON is returned and every
 * file path is dropped.
 */
export function mergeMcpConfigs(values: string[]): string {
  const servers: Record<string, unknown> = {};
  let lastPath: string | undefined;
  for (const value of values) {
    const v = value.trim();
    if (!v) continue;
    if (!v.startsWith("{")) {
      lastPath = v;
      continue;
    }
    let parsed: { mcpServers?: Record<string, unknown> };
    try {
      parsed = JSON.parse(v) as { mcpServers?: Record<string, unknown> };
    } catch {
      lastPath = v;
      continue;
    }
    if (parsed.mcpServers) Object.assign(servers, parsed.mcpServers);
  }
  if (Object.keys(servers).length === 0 && lastPath !== undefined) return lastPath;
  return JSON.stringify({ mcpServers: servers });
}

function splitAccumulated(...values: Array<string | null | undefined>): string[] {
  const joined = values.filter((v): v is string => Boolean(v)).join(VALUE_SEPARATOR);
  if (!joined) return [];
  return joined
    .split(VALUE_SEPARATOR)
    .flatMap((v) => v.split(","))
    .map((t) => t.trim())
    .filter(Boolean);
}

function directList(value: string | undefined): string[] {
  return value ? value.split(",").map((t) => t.trim()) : [];
}

/** Entrypoint the CLI reports for runs started by the action. */
export const CLAUDE_CODE_ENTRYPOINT = "claude-code-github-action";

/**
 * The SDK options the pin builds: model (ANTHROPIC_MODEL, passed as
 * options.model, wins over --model), maxTurns (INPUT_MAX_TURNS over
 * --max-turns), tool lists merged and de-duplicated, --add-dir as
 * additionalDirectories, --mcp-config values merged, the claude_code
 * system-prompt preset, settingSources from --setting-sources (default
 * user,project,local), everything else passed through as extraArgs, and the
 * environment minus the OIDC request variables and ALL_INPUTS.
 */
export function buildSdkOptions(options: ClaudeOptions, env: NodeJS.ProcessEnv = process.env): ParsedSdkOptions {
  const showFullOutput = options.showFullOutput === "true" || env.ACTIONS_STEP_DEBUG === "true";
  const extraArgs = parseClaudeArgs(options.claudeArgs);
  const hasJsonSchema = "json-schema" in extraArgs;

  const modelFromArgs = extraArgs["model"] || undefined;
  delete extraArgs["model"];
  const maxTurnsFromArgs = extraArgs["max-turns"] || undefined;
  delete extraArgs["max-turns"];

  const additionalDirectories = extraArgs["add-dir"]
    ? extraArgs["add-dir"]
        .split(VALUE_SEPARATOR)
        .map((d) => d.trim())
        .filter(Boolean)
    : [];
  delete extraArgs["add-dir"];

  const allowedTools = [
    ...new Set([...splitAccumulated(extraArgs["allowedTools"], extraArgs["allowed-tools"]), ...directList(options.allowedTools)]),
  ];
  delete extraArgs["allowedTools"];
  delete extraArgs["allowed-tools"];
  const disallowedTools = [
    ...new Set([
      ...splitAccumulated(extraArgs["disallowedTools"], extraArgs["disallowed-tools"]),
      ...directList(options.disallowedTools),
    ]),
  ];
  delete extraArgs["disallowedTools"];
  delete extraArgs["disallowed-tools"];

  const mcp = extraArgs["mcp-config"];
  if (mcp) {
    const values = mcp.split(VALUE_SEPARATOR);
    if (values.length > 1) extraArgs["mcp-config"] = mergeMcpConfigs(values);
  }

  const sdkEnv: Record<string, string | undefined> = { ...env };
  if (env.INPUT_ACTION_INPUTS_PRESENT) sdkEnv.GITHUB_ACTION_INPUTS = env.INPUT_ACTION_INPUTS_PRESENT;
  sdkEnv.CLAUDE_CODE_ENTRYPOINT = CLAUDE_CODE_ENTRYPOINT;
  delete sdkEnv.ACTIONS_ID_TOKEN_REQUEST_URL;
  delete sdkEnv.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  delete sdkEnv.ALL_INPUTS;

  const systemPrompt: SdkOptions["systemPrompt"] = options.systemPrompt
    ? options.systemPrompt
    : options.appendSystemPrompt
      ? { type: "preset", preset: "claude_code", append: options.appendSystemPrompt }
      : { type: "preset", preset: "claude_code" };

  const settingSourcesArg = extraArgs["setting-sources"];
  const maxTurnsText = options.maxTurns || maxTurnsFromArgs;

  // Key order matters only for the "SDK options:" log line; it follows the pin.
  const sdkOptions: SdkOptions = {
    model: options.model || modelFromArgs,
    maxTurns: maxTurnsText ? parseInt(maxTurnsText, 10) : undefined,
    allowedTools: allowedTools.length > 0 ? allowedTools : undefined,
    disallowedTools: disallowedTools.length > 0 ? disallowedTools : undefined,
    systemPrompt,
    fallbackModel: options.fallbackModel,
    pathToClaudeCodeExecutable: options.pathToClaudeCodeExecutable,
    additionalDirectories: additionalDirectories.length > 0 ? additionalDirectories : undefined,
    extraArgs,
    env: sdkEnv,
    settingSources: settingSourcesArg
      ? (settingSourcesArg.split(",") as SdkOptions["settingSources"])
      : ["user", "project", "local"],
  };
  delete extraArgs["setting-sources"];

  return { sdkOptions, showFullOutput, hasJsonSchema };
}
