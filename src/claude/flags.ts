/**
 * The Claude Code CLI flags `claude_args` may carry, from `claude --help` of
 * CLI 2.1.330 (the version in devDependencies) plus the hidden print-mode
 * flags the action itself relies on (`--max-turns`, `--system-prompt-file`,
 * `--append-system-prompt-file`, `--permission-prompt-tool`,
 * `--max-thinking-tokens`). Each flag has an arity (how many words it takes)
 * and a treatment (what the action does with it at the pinned base action).
 */

import { MAX_TURNS_LIMIT } from "../input-rules";

export type Arity =
  /** No value. */
  | "boolean"
  /** Exactly one value. */
  | "single"
  /** A value when the next word does not start with `--`. */
  | "optional"
  /** One or more values: every following word up to the next `--` word. */
  | "variadic";

export type Treatment =
  /** Emitted after the action's flags; repeated: the last value wins (with a notice). */
  | "pass"
  /** allowedTools / disallowedTools / add-dir: unioned with the action's list into one flag. */
  | "list"
  /** Merged into the action's one MCP config file. */
  | "mcp"
  /** A flag the action also sets (model, max-turns, prompts, schema): emitted once, the user's value wins. */
  | "managed"
  /** Removed, with a notice. */
  | "drop"
  /** Refused: it would keep the run from happening. */
  | "reject";

export type FlagSpec = {
  /** Canonical name without dashes. */
  name: string;
  arity: Arity;
  treatment: Treatment;
  /** Other spellings (without dashes). */
  aliases?: string[];
  /** Allowed values. */
  choices?: readonly string[];
  /** A JSON value or the path of a JSON file (inline JSON is checked and re-serialized compactly). */
  jsonOrPath?: boolean;
  /** The value must be a positive integer / a positive number, at most `max`. */
  number?: "integer" | "positive";
  max?: number;
  /**
   * The value names a path the action checks before any model call: inside
   * the workspace and of this kind ("output": a file the CLI writes, inside
   * the workspace or the runner's temporary directory; "file-spec": the
   * `file_id:relative_path` form of --file).
   */
  path?: "file" | "dir" | "file-or-dir" | "output" | "file-spec";
  /** Further value rules (checked before any model call). */
  value?: "model" | "models" | "uuid" | "https-url" | "one-line" | "setting-sources" | "mcp-tool";
  /**
   * Variadic at the CLI but not accumulated by the base action (only the first
   * value would arrive): several values are joined with this, or refused when unset.
   */
  joinWith?: string;
  /** Repeatable at the CLI, but the base action keeps only the last one. */
  repeatable?: boolean;
  /** Why the flag is dropped or refused. */
  reason?: string;
};

const PERMISSION_MODES = ["acceptEdits", "auto", "bypassPermissions", "manual", "dontAsk", "plan"] as const;

const STREAM_JSON =
  "the base action runs the CLI with stream-json output and writes its execution log from it";

export const FLAGS: readonly FlagSpec[] = [
  { name: "add-dir", arity: "variadic", treatment: "list", path: "dir" },
  { name: "agent", arity: "single", treatment: "pass", value: "one-line" },
  { name: "agents", arity: "single", treatment: "pass", jsonOrPath: true, path: "file" },
  { name: "allow-dangerously-skip-permissions", arity: "boolean", treatment: "pass" },
  { name: "allowedTools", aliases: ["allowed-tools"], arity: "variadic", treatment: "list" },
  { name: "append-system-prompt", arity: "single", treatment: "managed" },
  { name: "append-system-prompt-file", arity: "single", treatment: "managed", path: "file" },
  { name: "autocompact", arity: "single", treatment: "pass" },
  { name: "ax-screen-reader", arity: "boolean", treatment: "pass" },
  {
    name: "background",
    aliases: ["bg"],
    arity: "boolean",
    treatment: "reject",
    reason: "it starts the session in the background and returns at once, so the job would end with no result",
  },
  { name: "bare", arity: "boolean", treatment: "pass" },
  { name: "betas", arity: "variadic", treatment: "pass" },
  { name: "brief", arity: "boolean", treatment: "pass" },
  { name: "chrome", arity: "boolean", treatment: "pass" },
  { name: "no-chrome", arity: "boolean", treatment: "pass" },
  {
    name: "cloud",
    arity: "optional",
    treatment: "reject",
    reason: "it runs the session in the cloud instead of on this runner",
  },
  { name: "continue", arity: "boolean", treatment: "pass" },
  { name: "dangerously-skip-permissions", arity: "boolean", treatment: "pass" },
  { name: "debug", arity: "optional", treatment: "pass" },
  { name: "debug-file", arity: "single", treatment: "pass", path: "output" },
  {
    name: "desktop",
    arity: "boolean",
    treatment: "reject",
    reason: "it opens the Claude Desktop app instead of running here",
  },
  { name: "disable-slash-commands", arity: "boolean", treatment: "pass" },
  { name: "disallowedTools", aliases: ["disallowed-tools"], arity: "variadic", treatment: "list" },
  { name: "effort", arity: "single", treatment: "pass", choices: ["low", "medium", "high", "xhigh", "max"] },
  {
    name: "environment",
    arity: "single",
    treatment: "reject",
    reason: "it creates a cloud session on another environment instead of running here",
  },
  { name: "exclude-dynamic-system-prompt-sections", arity: "boolean", treatment: "pass" },
  { name: "fallback-model", arity: "single", treatment: "managed", value: "models" },
  { name: "file", arity: "variadic", treatment: "pass", path: "file-spec" },
  { name: "fork-session", arity: "boolean", treatment: "pass" },
  { name: "forward-subagent-text", arity: "boolean", treatment: "pass" },
  { name: "from-pr", arity: "optional", treatment: "pass" },
  { name: "help", arity: "boolean", treatment: "reject", reason: "the CLI would print its help and exit without running" },
  { name: "ide", arity: "boolean", treatment: "pass" },
  { name: "include-hook-events", arity: "boolean", treatment: "pass" },
  { name: "include-partial-messages", arity: "boolean", treatment: "pass" },
  { name: "input-format", arity: "single", treatment: "drop", choices: ["text", "stream-json"], reason: "the base action sends the prompt as stream-json input itself" },
  { name: "json-schema", arity: "single", treatment: "managed" },
  { name: "max-budget-usd", arity: "single", treatment: "pass", number: "positive", max: 100_000 },
  { name: "max-thinking-tokens", arity: "single", treatment: "pass", number: "integer", max: 1_000_000 },
  { name: "max-turns", arity: "single", treatment: "managed", number: "integer", max: MAX_TURNS_LIMIT },
  { name: "mcp-config", arity: "variadic", treatment: "mcp" },
  { name: "model", arity: "single", treatment: "managed", value: "model" },
  { name: "name", arity: "single", treatment: "pass", value: "one-line" },
  { name: "no-session-persistence", arity: "boolean", treatment: "pass" },
  { name: "output-format", arity: "single", treatment: "drop", choices: ["text", "json", "stream-json"], reason: STREAM_JSON },
  { name: "permission-mode", arity: "single", treatment: "pass", choices: PERMISSION_MODES },
  { name: "permission-prompt-tool", arity: "single", treatment: "pass", value: "mcp-tool" },
  { name: "permission-prompts", arity: "single", treatment: "pass", choices: ["host", "none"] },
  { name: "plugin-dir", arity: "single", treatment: "pass", repeatable: true, path: "file-or-dir" },
  { name: "plugin-url", arity: "single", treatment: "pass", repeatable: true, value: "https-url" },
  { name: "print", arity: "boolean", treatment: "drop", reason: "the base action always runs the CLI in print mode" },
  {
    name: "prompt-suggestions",
    arity: "optional",
    treatment: "pass",
    choices: ["true", "false", "1", "0", "yes", "no", "on", "off"],
  },
  {
    name: "remote-control",
    arity: "optional",
    treatment: "reject",
    reason: "it starts an interactive Remote Control session",
  },
  { name: "remote-control-session-name-prefix", arity: "single", treatment: "pass" },
  { name: "replay-user-messages", arity: "boolean", treatment: "pass" },
  { name: "restricted", arity: "boolean", treatment: "pass" },
  { name: "resume", arity: "optional", treatment: "pass" },
  { name: "safe-mode", arity: "boolean", treatment: "pass" },
  { name: "session-id", arity: "single", treatment: "pass", value: "uuid" },
  { name: "setting-sources", arity: "single", treatment: "pass", value: "setting-sources" },
  { name: "settings", arity: "single", treatment: "pass", jsonOrPath: true, path: "file" },
  { name: "strict-mcp-config", arity: "boolean", treatment: "pass" },
  { name: "system-prompt", arity: "single", treatment: "managed" },
  { name: "system-prompt-file", arity: "single", treatment: "managed", path: "file" },
  { name: "system-prompt-snapshot", arity: "single", treatment: "pass", choices: ["on", "off"] },
  {
    name: "teleport",
    arity: "optional",
    treatment: "reject",
    reason: "it resumes a teleported interactive session",
  },
  { name: "tmux", arity: "boolean", treatment: "pass" },
  { name: "tools", arity: "variadic", treatment: "pass", joinWith: "," },
  { name: "verbose", arity: "boolean", treatment: "drop", reason: "the base action sets the CLI's output options itself" },
  { name: "version", arity: "boolean", treatment: "reject", reason: "the CLI would print its version and exit without running" },
  { name: "worktree", arity: "optional", treatment: "pass" },
];

const BY_NAME = new Map<string, FlagSpec>();
for (const spec of FLAGS) {
  BY_NAME.set(spec.name, spec);
  for (const alias of spec.aliases ?? []) BY_NAME.set(alias, spec);
}

/** The spec of a flag name (without dashes; aliases resolve to the canonical spec). */
export const flagSpec = (name: string): FlagSpec | undefined => BY_NAME.get(name);

/** The CLI's short options and their long forms (short options are refused with a pointer to these). */
export const SHORT_FLAGS: Readonly<Record<string, string>> = {
  c: "--continue",
  d: "--debug",
  h: "--help",
  n: "--name",
  p: "--print",
  r: "--resume",
  v: "--version",
  w: "--worktree",
};
