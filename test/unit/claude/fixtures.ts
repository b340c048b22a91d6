/**
 * Test helpers for src/claude: a re-implementation of how the pinned base
 * action (53ab25a, src/parse-sdk-options.ts) reads `claude_args`, input
 * builders and temporary workspaces (the synthetic execution-log writer is in
 * test/support/execution-log.ts).
 */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "shell-quote";
import { afterAll } from "vitest";
import type { ClaudeInputs } from "../../../src/claude/plan";

// ── The pin's claude_args reading, re-implemented from its documented behaviour ──

/** Lines whose first non-blank character is `#` are dropped, even inside quotes. */
export const pinStripCommentLines = (s: string) =>
  s
    .split("\n")
    .filter((line) => !line.trim().startsWith("#"))
    .join("\n");

const PIN_META = "()|&;<>";
const hide = (s: string) => s.replace(/[()|&;<>]/g, (c) => String.fromCharCode(0xe000 + PIN_META.indexOf(c)));
const reveal = (s: string) => s.replace(/[\uE000-\uE006]/g, (c) => PIN_META[c.charCodeAt(0) - 0xe000]!);

/** The words the pin gets from claude_args (shell-quote; glob patterns kept verbatim; other operators dropped). */
export function pinWords(claudeArgs: string): string[] {
  const words: string[] = [];
  for (const entry of parse(hide(pinStripCommentLines(claudeArgs)))) {
    if (typeof entry === "string") words.push(reveal(entry));
    else if ("op" in entry && entry.op === "glob") words.push(reveal(entry.pattern));
  }
  return words;
}

const ACCUMULATING = new Set(["allowedTools", "allowed-tools", "disallowedTools", "disallowed-tools", "mcp-config", "add-dir"]);

/** The pin's extraArgs record (before it takes out model, max-turns, tool lists, add-dir). */
export function pinExtraArgs(claudeArgs: string): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  const args = pinWords(claudeArgs);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) continue;
    const flag = arg.slice(2);
    const next = args[i + 1];
    if (next && !next.startsWith("--")) {
      if (ACCUMULATING.has(flag)) {
        const values: string[] = [];
        while (i + 1 < args.length && !args[i + 1]!.startsWith("--")) values.push(args[++i]!);
        const joined = values.join("\0");
        result[flag] = result[flag] ? `${result[flag]}\0${joined}` : joined;
      } else {
        result[flag] = next;
        i++;
      }
    } else {
      result[flag] = null;
    }
  }
  return result;
}

/** What reaches the CLI through the pin: tool lists split as the pin splits them, the rest as extraArgs. */
export function pinView(claudeArgs: string) {
  const extra = pinExtraArgs(claudeArgs);
  const list = (...keys: string[]) =>
    keys
      .map((k) => extra[k])
      .filter((v): v is string => Boolean(v))
      .join("\0")
      .split("\0")
      .flatMap((v) => v.split(","))
      .map((t) => t.trim())
      .filter(Boolean);
  const allowedTools = list("allowedTools", "allowed-tools");
  const disallowedTools = list("disallowedTools", "disallowed-tools");
  const addDirs = extra["add-dir"] ? extra["add-dir"].split("\0") : [];
  const model = extra.model ?? undefined;
  const maxTurns = extra["max-turns"] ?? undefined;
  const rest = { ...extra };
  for (const k of ["allowedTools", "allowed-tools", "disallowedTools", "disallowed-tools", "add-dir", "model", "max-turns"]) delete rest[k];
  return { allowedTools, disallowedTools, addDirs, model, maxTurns, extraArgs: rest };
}

// ── Inputs and workspaces ──

export function claudeInputs(over: Partial<ClaudeInputs> = {}): ClaudeInputs {
  return {
    claude_args: "",
    json_schema: "",
    mcp_config: "",
    settings: "",
    claude_env: {},
    allowed_tools: [],
    disallowed_tools: [],
    max_turns: undefined,
    model: "",
    anthropic_model: "",
    fallback_model: "",
    system_prompt: "",
    append_system_prompt: "",
    ...over,
  };
}

const created: string[] = [];
// Registered when a test file imports these fixtures, so it runs after that file's tests.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory (canonical path), removed after the test file. */
export function tempDir(prefix = "claude-test-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  created.push(dir);
  return dir;
}
