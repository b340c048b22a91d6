/**
 * The user's `claude_args`: words (tokenize.ts) → flags with values, checked
 * against the CLI flag table (flags.ts) and sorted by how the action treats
 * them; and the emission of the final `claude_args` for the pinned base
 * action (quote.ts).
 *
 * Reading rules (the pin's, made strict):
 * - `--flag=value` is split at the first `=`;
 * - a flag's value is the next word when the flag takes one and that word
 *   does not start with `--` (the pin's rule); variadic flags take every
 *   following word up to the next `--` word;
 * - short options (`-p`) and bare words are refused, naming the word;
 * - unknown long flags pass through with the pin's value rule, with a notice.
 */
import { InputError } from "../inputs";
import { modelProblem } from "../input-rules";
import { flagSpec, SHORT_FLAGS, type FlagSpec } from "./flags";
import { checkJsonSchema, type CheckedSchema } from "./json-schema";
import { Problems, inputError, shown } from "./problems";
import { joinQuoted, pinSafeJson, pinUnsafe } from "./quote";
import { checkSettings } from "./settings";
import { checkToolRules, splitToolRules } from "./tools";

const INPUT = "claude_args" as const;

/** One flag as written. */
export interface RawFlag {
  /** Canonical name without dashes (for unknown flags, the name as written). */
  name: string;
  /** As written, e.g. `--allowed-tools`. */
  spelled: string;
  spec?: FlagSpec;
  values: string[];
}

/** Words → flags (syntax only). */
export function readFlags(words: readonly string[]): RawFlag[] {
  const flags: RawFlag[] = [];
  let i = 0;
  const isFlagWord = (w: string | undefined) => w !== undefined && w.startsWith("--");
  while (i < words.length) {
    const word = words[i]!;
    if (!word.startsWith("--")) {
      if (/^-[^-]/.test(word)) {
        const letters = word.slice(1);
        const long = letters.length === 1 ? SHORT_FLAGS[letters] : undefined;
        throw inputError(
          INPUT,
          `short option ${shown(word)} is not supported; expected long options only${long ? ` (use ${long})` : " (e.g. --print instead of -p)"}`,
        );
      }
      const previous = flags[flags.length - 1];
      const context = previous
        ? previous.spec?.arity === "boolean"
          ? ` after ${previous.spelled}, which takes no value`
          : ` after ${previous.spelled} ${previous.values.map((v) => shown(v, 30)).join(" ")}, which takes ${previous.spec?.arity === "variadic" ? "values up to the next --flag" : "one value"}`
        : "";
      throw inputError(
        INPUT,
        `unexpected word ${shown(word)}${context}; claude_args carries only --flags and their values (quote a value that contains spaces)`,
      );
    }
    const eq = word.indexOf("=");
    const spelled = eq === -1 ? word : word.slice(0, eq);
    const inline = eq === -1 ? undefined : word.slice(eq + 1);
    const bare = spelled.slice(2);
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(bare)) {
      throw inputError(INPUT, `${shown(word)} is not a flag name; expected --name or --name=value`);
    }
    const spec = flagSpec(bare);
    const flag: RawFlag = { name: spec?.name ?? bare, spelled, values: [], ...(spec ? { spec } : {}) };
    i++;
    const arity = spec?.arity ?? "optional";
    if (inline !== undefined) {
      if (arity === "boolean") throw inputError(INPUT, `${spelled} takes no value, got ${shown(word)}`);
      flag.values.push(inline);
    } else if (arity !== "boolean" && i < words.length && !isFlagWord(words[i])) {
      flag.values.push(words[i]!);
      i++;
    } else if (arity === "single" || arity === "variadic") {
      throw inputError(INPUT, `${spelled} needs a value${i < words.length ? `, got the flag ${shown(words[i]!)}` : " (it is the last word)"}; a value may not start with '--'`);
    }
    if (arity === "variadic") {
      while (i < words.length && !isFlagWord(words[i])) flag.values.push(words[i++]!);
    }
    flags.push(flag);
  }
  return flags;
}

/** Flags the action sets itself; the user's value wins. */
export type ManagedFlag =
  | "model"
  | "fallback-model"
  | "max-turns"
  | "system-prompt"
  | "system-prompt-file"
  | "append-system-prompt"
  | "append-system-prompt-file"
  | "json-schema";

export interface PassFlag {
  /** Canonical name without dashes. */
  name: string;
  value?: string;
}

export interface UserArgs {
  allowedTools: string[];
  disallowedTools: string[];
  addDirs: string[];
  /** Raw `--mcp-config` values (inline JSON or paths), in order. */
  mcpConfigs: string[];
  /** The last value of each managed flag the user gave. */
  managed: Partial<Record<ManagedFlag, string>>;
  jsonSchema?: CheckedSchema;
  /** Everything else, in the order first given, with the last value. */
  passthrough: PassFlag[];
  notices: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SETTING_SOURCES = ["user", "project", "local"];

function checkValue(flag: RawFlag, value: string): void {
  const spec = flag.spec;
  if (spec?.choices && !spec.choices.includes(value)) {
    throw inputError(INPUT, `${flag.spelled} ${shown(value)}: expected one of ${spec.choices.join(", ")}`);
  }
  const max = spec?.max;
  const bound = max !== undefined ? ` from ${spec?.number === "integer" ? 1 : "more than 0"} to ${max}` : "";
  if (spec?.number === "integer" && (!/^\d+$/.test(value) || Number(value) < 1 || (max !== undefined && Number(value) > max))) {
    throw inputError(INPUT, `${flag.spelled} ${shown(value)}: expected a whole number${bound || " of at least 1"}`);
  }
  if (spec?.number === "positive" && (!/^\d+(\.\d+)?$/.test(value) || !(Number(value) > 0) || (max !== undefined && Number(value) > max))) {
    throw inputError(INPUT, `${flag.spelled} ${shown(value)}: expected a positive number${bound}`);
  }
  const rule = spec?.value;
  const fail = (expected: string) => {
    throw inputError(INPUT, `${flag.spelled} ${shown(value)}: expected ${expected}`);
  };
  if (rule === "model") {
    const why = modelProblem(value);
    if (why) fail(`a model id such as 'claude-sonnet-4-5' (${why})`);
  }
  if (rule === "models") {
    const bad = value.split(",").map((m) => m.trim()).find((m) => m === "" || modelProblem(m));
    if (bad !== undefined) fail(`model ids separated by commas (${shown(bad)}: ${bad === "" ? "an empty entry" : modelProblem(bad)})`);
  }
  if (rule === "uuid" && !UUID.test(value)) fail("a UUID such as 123e4567-e89b-12d3-a456-426614174000");
  if (rule === "one-line" && (/[\u0000-\u001f\u007f]/.test(value) || value.length > 200)) fail("one line of at most 200 characters");
  if (rule === "setting-sources" && !value.split(",").every((v) => SETTING_SOURCES.includes(v.trim()))) {
    fail(`a comma-separated list of ${SETTING_SOURCES.join(", ")}`);
  }
  if (rule === "mcp-tool" && !/^mcp__[A-Za-z0-9_-]+__[A-Za-z0-9_-]+$/.test(value)) fail("an MCP tool name such as mcp__server__tool");
  if (rule === "https-url") {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== "https:" || url.username || url.password) fail("an https:// URL without user name or password");
  }
  if (spec?.path === "file-spec") {
    const m = /^([^:\s]+):(.+)$/.exec(value);
    const rel = m?.[2] ?? "";
    if (!m || rel.startsWith("/") || rel.startsWith("~") || rel.split(/[\\/]/).includes("..")) {
      fail("file_id:relative_path with a path inside the working directory (no '..', not absolute)");
    }
  }
}

function unsafeError(flag: RawFlag, value: string, reason: string, hint = "") {
  return inputError(INPUT, `the value of ${flag.spelled} cannot reach the CLI through the base action: ${reason} (received ${shown(value)})${hint}`);
}

/** Sorts flags by treatment and checks every value. Collects all problems, then throws once. */
export function classifyFlags(flags: readonly RawFlag[]): UserArgs {
  const out: UserArgs = {
    allowedTools: [],
    disallowedTools: [],
    addDirs: [],
    mcpConfigs: [],
    managed: {},
    passthrough: [],
    notices: [],
  };
  const problems = new Problems();
  const seen = new Map<string, number>();
  const noticed = new Set<string>();
  const notice = (m: string) => {
    if (!noticed.has(m)) (noticed.add(m), out.notices.push(m));
  };

  for (const flag of flags) {
    const spec = flag.spec;
    const count = (seen.get(flag.name) ?? 0) + 1;
    seen.set(flag.name, count);
    try {
      if (!spec) {
        notice(
          `claude_args: ${flag.spelled} is not a flag of Claude Code 2.1.330 known to the action; passed through${flag.values.length ? " with its value" : " without a value"}.`,
        );
      }
      const treatment = spec?.treatment ?? "pass";
      if (treatment === "reject") {
        throw inputError(INPUT, `${flag.spelled} cannot be used here: ${spec?.reason ?? "unsupported"}`);
      }
      if (treatment === "drop") {
        notice(`claude_args: ${flag.spelled}${flag.values.length ? ` ${flag.values.join(" ")}` : ""} was removed: ${spec?.reason ?? "unsupported"}.`);
        if (spec) for (const v of flag.values) checkValue(flag, v);
        continue;
      }
      if (treatment === "list") {
        if (flag.name === "add-dir") {
          for (const dir of flag.values) {
            const why = pinUnsafe(dir);
            if (why) throw unsafeError(flag, dir, why);
          }
          out.addDirs.push(...flag.values);
        } else {
          // Read like the CLI reads a tool list: comma or space separated, spaces inside
          // parentheses kept, so an unquoted `Bash(npm test:*)` (two words) is one rule.
          const rules = splitToolRules(flag.values.join(" "));
          if (flag.values.some((v) => v.split("(").length !== v.split(")").length)) {
            notice(`claude_args: ${flag.spelled} rules with spaces inside parentheses were joined back (${rules.filter((r) => /\s/.test(r)).map((r) => shown(r, 40)).join(", ")}); quote such rules.`);
          }
          checkToolRules(rules, INPUT, flag.spelled);
          for (const rule of rules) {
            const why = pinUnsafe(rule);
            if (why) throw unsafeError(flag, rule, why);
          }
          (flag.name === "allowedTools" ? out.allowedTools : out.disallowedTools).push(...rules);
        }
        continue;
      }
      if (treatment === "mcp") {
        out.mcpConfigs.push(...flag.values);
        continue;
      }

      // Single-valued (or boolean) flags: one value each, the last one wins.
      let value: string | undefined;
      if (flag.values.length > 1) {
        if (!spec?.joinWith) {
          throw inputError(
            INPUT,
            `${flag.spelled} got ${flag.values.length} values (${flag.values.map((v) => shown(v, 30)).join(" ")}); the base action passes only one value of this flag to the CLI, expected one value`,
          );
        }
        value = flag.values.join(spec.joinWith);
      } else {
        value = flag.values[0];
      }
      if (count > 1) {
        if (spec?.repeatable) {
          throw inputError(INPUT, `${flag.spelled} is given ${count} times; the base action passes only the last one to the CLI, expected it once`);
        }
        if (spec?.arity !== "boolean") notice(`claude_args: ${flag.spelled} is given more than once; the last value is used.`);
      }
      if (value !== undefined) checkValue(flag, value);

      if (treatment === "managed") {
        const name = flag.name as ManagedFlag;
        if (name === "json-schema") {
          out.jsonSchema = checkJsonSchema(value!, INPUT, "--json-schema");
        } else if (name !== "system-prompt" && name !== "append-system-prompt") {
          // Prompt texts that cannot survive the pin go through a file instead (plan.ts).
          const why = pinUnsafe(value!);
          if (why) throw unsafeError(flag, value!, why);
        }
        out.managed[name] = value!;
        continue;
      }

      // Passed through.
      if (value !== undefined && spec?.jsonOrPath && /^\s*[[{]/.test(value)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          throw inputError(INPUT, `${flag.spelled}: the value starts like JSON but does not parse; expected JSON or the path of a JSON file`);
        }
        if (flag.name === "settings") for (const n of checkSettings(parsed, flag.spelled, INPUT).notices) notice(n);
        if (flag.name === "agents" && (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))) {
          throw inputError(INPUT, `${flag.spelled}: expected a JSON object of agents such as {"reviewer": {"description": "…", "prompt": "…"}}`);
        }
        value = pinSafeJson(parsed);
      } else if (value !== undefined) {
        const why = pinUnsafe(value);
        if (why) throw unsafeError(flag, value, why, spec?.jsonOrPath ? "; write it to a file and pass the path" : "");
      }
      const existing = out.passthrough.find((p) => p.name === flag.name);
      if (existing) {
        if (value === undefined) delete existing.value;
        else existing.value = value;
      } else {
        out.passthrough.push(value === undefined ? { name: flag.name } : { name: flag.name, value });
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.list.push(...e.problems);
    }
  }

  if (out.managed["system-prompt"] !== undefined && out.managed["system-prompt-file"] !== undefined) {
    problems.add(INPUT, "--system-prompt and --system-prompt-file are both given; expected one of them");
  }
  if (out.managed["append-system-prompt"] !== undefined && out.managed["append-system-prompt-file"] !== undefined) {
    problems.add(INPUT, "--append-system-prompt and --append-system-prompt-file are both given; expected one of them");
  }
  problems.throwIfAny();
  return out;
}

/** The flags of the final claude_args, before quoting. */
export interface EmittedFlag {
  name: string;
  values: string[];
}

/**
 * The final `claude_args`: each flag once, every word single-quoted, on one
 * line. Values must already be pin-safe (checked here again: a violation is a
 * bug, not bad input).
 */
export function emitClaudeArgs(flags: readonly EmittedFlag[]): string {
  const words: string[] = [];
  const names = new Set<string>();
  for (const flag of flags) {
    if (names.has(flag.name)) throw new Error(`internal: --${flag.name} emitted twice`);
    names.add(flag.name);
    words.push(`--${flag.name}`);
    for (const value of flag.values) {
      const why = pinUnsafe(value);
      if (why) throw new Error(`internal: value of --${flag.name} is not pin-safe: ${why}`);
      words.push(value);
    }
  }
  return joinQuoted(words);
}
