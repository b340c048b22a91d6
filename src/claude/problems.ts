/**
 * Error helpers for the claude domain: every bad input becomes an InputError
 * (src/inputs.ts) naming the input, what was received (truncated; never the
 * content of a value that may hold a secret) and what was expected.
 */
import { InputError, type InputProblem } from "../inputs";

/** Input names this domain reports problems against. */
export type ClaudeInputName =
  | "claude_args"
  | "json_schema"
  | "mcp_config"
  | "settings"
  | "claude_env"
  | "allowed_tools"
  | "disallowed_tools"
  | "model"
  | "anthropic_model"
  | "max_turns"
  | "fallback_model"
  | "system_prompt"
  | "append_system_prompt"
  | "timeout_minutes"
  | "path_to_claude_code_executable"
  | "path_to_bun_executable";

/** A short, quoted rendering of a received value: at most `max` characters, control characters escaped. */
export function shown(value: string, max = 60): string {
  const cut = value.length > max ? `${value.slice(0, max - 3)}...` : value;
  return JSON.stringify(cut);
}

export function inputError(input: ClaudeInputName, message: string): InputError {
  return new InputError([{ input, message }]);
}

/**
 * Collects problems from independent checks, so one run reports every bad
 * input at once. `attempt` runs a check and records its InputError instead of
 * throwing; any other error propagates.
 */
export class Problems {
  readonly list: InputProblem[] = [];

  add(input: ClaudeInputName, message: string): void {
    this.list.push({ input, message });
  }

  async attempt<T>(check: () => Promise<T> | T): Promise<T | undefined> {
    try {
      return await check();
    } catch (e) {
      if (e instanceof InputError) {
        this.list.push(...e.problems);
        return undefined;
      }
      throw e;
    }
  }

  throwIfAny(): void {
    if (this.list.length) throw new InputError(this.list);
  }
}

/** Notices for the log, each said once, in the order first said. */
export class Notices {
  private readonly seen = new Set<string>();
  readonly list: string[] = [];
  add(message: string): void {
    if (this.seen.has(message)) return;
    this.seen.add(message);
    this.list.push(message);
  }
  addAll(messages: Iterable<string>): void {
    for (const m of messages) this.add(m);
  }
}

/**
 * Where JSON.parse failed, as "line L, column C", without echoing the text
 * (a settings or MCP file may hold a token).
 */
export function jsonErrorWhere(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (text.trim() === "") return "invalid JSON (empty)";
  const m = /^(.*?) in JSON at position (\d+)/.exec(message);
  if (m) {
    const pos = Number(m[2]);
    const before = text.slice(0, pos);
    const line = before.split("\n").length;
    const column = pos - before.lastIndexOf("\n");
    return `invalid JSON (${m[1]} at line ${line}, column ${column})`;
  }
  if (/end of (JSON )?input/i.test(message)) return "invalid JSON (it ends before the value is complete)";
  // V8 echoes the text after `Unexpected token 'x',`: keep only the token.
  const token = /^Unexpected token '(.{1,2})'/u.exec(message);
  if (token) return `invalid JSON (unexpected ${JSON.stringify(token[1])})`;
  return "invalid JSON";
}

/** JSON.parse with a location-only error message; `what` names the thing parsed. */
export function parseJson(text: string, input: ClaudeInputName, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw inputError(input, `${what}: ${jsonErrorWhere(text, e)}; expected valid JSON`);
  }
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** "an array", "a string", … for messages about JSON values (never the value itself). */
export function jsonKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return "a string";
  if (typeof v === "number") return "a number";
  if (typeof v === "boolean") return "a boolean";
  return typeof v;
}
