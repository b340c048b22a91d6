/**
 * Test helpers for src/claude: a re-implementation of how the pinned base
 * action (53ab25a, src/parse-sdk-options.ts) reads `claude_args`, input
 * builders, temporary workspaces, and a synthetic execution-log writer (for
 * tests and `bench/execution-log.ts`).
 */
import { once } from "node:events";
import { createWriteStream, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "shell-quote";
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

/** A fresh directory (canonical path). */
export const tempDir = (prefix = "claude-test-") => realpathSync(mkdtempSync(join(tmpdir(), prefix)));

// ── Synthetic execution logs ──

export interface SyntheticLogStats {
  bytes: number;
  messages: number;
  toolUses: Record<string, number>;
  assistantTurns: number;
}

const NASTY = 'He said "hi" \\ then ] } [ { , and \u00e9\u65e5\u672c\ud83c\udf89 \n\t ';

/**
 * Writes a synthetic execution log of about `megabytes` MB: system init,
 * pairs of assistant tool_use / user tool_result (large results full of
 * quotes, escapes, brackets and non-ASCII), and a result message. Written
 * streaming, so it can build a 200 MB file without holding it in memory.
 */
export async function writeSyntheticLog(
  path: string,
  megabytes: number,
  options: { format?: "array" | "jsonl"; resultBytes?: number } = {},
): Promise<SyntheticLogStats> {
  const format = options.format ?? "array";
  const out = createWriteStream(path);
  let bytes = 0;
  let first = true;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, "drain");
  };
  const message = async (m: unknown) => {
    if (format === "array") {
      const text = JSON.stringify(m, null, 2)
        .split("\n")
        .map((l) => `  ${l}`)
        .join("\n");
      await write(`${first ? "[\n" : ",\n"}${text}`);
    } else {
      await write(`${JSON.stringify(m)}\n`);
    }
    first = false;
  };
  const stats: SyntheticLogStats = { bytes: 0, messages: 0, toolUses: {}, assistantTurns: 0 };
  const session = "00000000-0000-4000-8000-000000000000";
  await message({ type: "system", subtype: "init", session_id: session, model: "claude-test-1", tools: ["Read", "Bash"] });
  stats.messages++;
  const target = megabytes * 1024 * 1024;
  const chunk = NASTY.repeat(Math.max(1, Math.floor((options.resultBytes ?? 64 * 1024) / NASTY.length)));
  const tools = ["Read", "Bash", "mcp__gitea__update_claude_comment", "Grep"];
  let n = 0;
  while (bytes < target) {
    const name = tools[n % tools.length]!;
    await message({
      type: "assistant",
      session_id: session,
      message: {
        id: `msg_${n}`,
        model: "claude-test-1",
        role: "assistant",
        content: [{ type: "tool_use", id: `toolu_${n}`, name, input: { path: `src/${n}.ts`, note: NASTY } }],
        usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 1, cache_creation_input_tokens: 2 },
      },
    });
    await message({
      type: "user",
      session_id: session,
      message: { role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${n}`, content: chunk, is_error: n % 10 === 9 }] },
    });
    stats.toolUses[name] = (stats.toolUses[name] ?? 0) + 1;
    stats.messages += 2;
    stats.assistantTurns++;
    n++;
  }
  await message({
    type: "result",
    subtype: "success",
    is_error: false,
    session_id: session,
    num_turns: n,
    duration_ms: 123_456,
    duration_api_ms: 100_000,
    total_cost_usd: 1.2345,
    result: "All done.",
    usage: { input_tokens: 10 * n, output_tokens: 5 * n, cache_read_input_tokens: n, cache_creation_input_tokens: 2 * n },
    permission_denials: [{ tool_name: "WebFetch", tool_use_id: "toolu_x", tool_input: {} }],
    structured_output: { verdict: "approve", issues: [] },
  });
  stats.messages++;
  if (format === "array") await write("\n]\n");
  out.end();
  await once(out, "finish");
  stats.bytes = bytes;
  return stats;
}
