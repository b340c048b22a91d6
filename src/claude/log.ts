/**
 * The execution log the base action writes to
 * `$RUNNER_TEMP/claude-execution-output.json`: a JSON array of SDK messages
 * (`JSON.stringify(messages, null, 2)` at the pin; `jq -s` produced the same
 * shape earlier); JSON Lines (one message per line) is accepted too.
 *
 * It can be hundreds of megabytes (tool results are kept whole), so it is read
 * streaming: a small incremental scanner finds the top-level elements
 * (respecting strings and escapes) and each element is parsed on its own, so
 * memory stays at about one chunk plus the largest single message.
 */
import { createReadStream } from "node:fs";

export interface ExecutionSummary {
  /** The file existed and could be opened. */
  found: boolean;
  /** Messages parsed. */
  messages: number;
  /** Turns: the result's num_turns, else the number of distinct assistant messages. */
  turns: number;
  /** tool_use blocks by tool name. */
  toolUses: Record<string, number>;
  /** tool_result blocks marked is_error. */
  toolErrors: number;
  permissionDenials: Array<{ tool: string; toolUseId?: string }>;
  tokens: { input: number; output: number; cacheCreation: number; cacheRead: number };
  costUsd?: number;
  durationMs?: number;
  apiDurationMs?: number;
  result?: {
    subtype: string;
    isError: boolean;
    /** The final result text (capped at RESULT_TEXT_LIMIT characters). */
    text?: string;
    textTruncated?: boolean;
    errors?: string[];
  };
  sessionId?: string;
  model?: string;
  structuredOutput?: unknown;
  /** Problems reading the log (truncated file, corrupt elements), for the log and the summary. */
  warnings: string[];
}

export const RESULT_TEXT_LIMIT = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;

/**
 * Splits a stream of JSON text into its top-level values: the elements of
 * one top-level array, or a sequence of values (JSON Lines). Only objects and
 * arrays are returned as elements; anything else at the top level is counted
 * in `stray`.
 */
export class JsonElementScanner {
  private mode: "unknown" | "array" | "sequence" = "unknown";
  /** Nesting depth of elements (0 = between elements). */
  private depth = 0;
  private inString = false;
  private escape = false;
  private parts: string[] = [];
  private inElement = false;
  /** The top-level array has been closed. */
  closed = false;
  /** Characters outside any element that do not belong there. */
  stray = 0;
  private readonly specials = /["\\]/g;

  /** Feeds a chunk; calls `emit` with the text of each complete element. */
  push(chunk: string, emit: (element: string) => void): void {
    let start = this.inElement ? 0 : -1;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          i++;
          continue;
        }
        this.specials.lastIndex = i;
        const m = this.specials.exec(chunk);
        if (!m) {
          i = n;
          break;
        }
        i = m.index;
        if (chunk.charCodeAt(i) === BACKSLASH) this.escape = true;
        else this.inString = false;
        i++;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (this.inElement) {
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          this.depth--;
          if (this.depth === 0) {
            this.parts.push(chunk.slice(start, i + 1));
            const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join("");
            this.parts = [];
            this.inElement = false;
            start = -1;
            emit(text);
          }
        }
        i++;
        continue;
      }
      // Between elements.
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (this.mode === "unknown") {
        if (c === OPEN_BRACKET) {
          this.mode = "array";
          i++;
          continue;
        }
        this.mode = "sequence";
      }
      if (this.closed) {
        this.stray++;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.inElement = true;
        this.depth = 1;
        start = i;
      } else if (this.mode === "array" && c === CLOSE_BRACKET) {
        this.closed = true;
      } else if (this.mode === "array" && c === COMMA) {
        // separator
      } else if (c === QUOTE) {
        this.stray++;
        this.inString = true;
      } else {
        this.stray++;
      }
      i++;
    }
    if (this.inElement && start !== -1) this.parts.push(chunk.slice(start));
  }

  /** After the last chunk: whether the input ended cleanly. */
  finish(): { complete: boolean; pendingChars: number } {
    const pendingChars = this.parts.reduce((n, p) => n + p.length, 0);
    const complete = !this.inElement && !this.inString && (this.mode !== "array" || this.closed);
    this.parts = [];
    return { complete, pendingChars };
  }
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Accumulates a summary from SDK messages. */
export class SummaryBuilder {
  readonly summary: ExecutionSummary = {
    found: true,
    messages: 0,
    turns: 0,
    toolUses: {},
    toolErrors: 0,
    permissionDenials: [],
    tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 },
    warnings: [],
  };
  private readonly assistantIds = new Set<string>();
  private assistantTurns = 0;
  private readonly toolUseIds = new Set<string>();
  private resultTurns: number | undefined;
  private resultUsage: Json | undefined;
  private readonly streamedUsage = { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 };

  add(message: unknown): void {
    const m = obj(message);
    if (!m) return;
    const s = this.summary;
    s.messages++;
    if (typeof m.session_id === "string" && m.session_id && !s.sessionId) s.sessionId = m.session_id;
    if (m.type === "system" && m.subtype === "init") {
      if (typeof m.model === "string") s.model = m.model;
      if (typeof m.session_id === "string" && m.session_id) s.sessionId = m.session_id;
    } else if (m.type === "assistant") {
      const inner = obj(m.message);
      const id = typeof inner?.id === "string" ? inner.id : undefined;
      const fresh = id === undefined || !this.assistantIds.has(id);
      if (id !== undefined) this.assistantIds.add(id);
      if (fresh) {
        this.assistantTurns++;
        const usage = obj(inner?.usage);
        if (usage) {
          this.streamedUsage.input += num(usage.input_tokens);
          this.streamedUsage.output += num(usage.output_tokens);
          this.streamedUsage.cacheCreation += num(usage.cache_creation_input_tokens);
          this.streamedUsage.cacheRead += num(usage.cache_read_input_tokens);
        }
      }
      if (!s.model && typeof inner?.model === "string") s.model = inner.model;
      const content = Array.isArray(inner?.content) ? inner.content : [];
      for (const block of content) {
        const b = obj(block);
        if (b?.type !== "tool_use" || typeof b.name !== "string") continue;
        const toolId = typeof b.id === "string" ? b.id : undefined;
        if (toolId !== undefined) {
          if (this.toolUseIds.has(toolId)) continue;
          this.toolUseIds.add(toolId);
        }
        s.toolUses[b.name] = (s.toolUses[b.name] ?? 0) + 1;
      }
    } else if (m.type === "user") {
      const content = obj(m.message)?.content;
      if (Array.isArray(content)) {
        for (const block of content) {
          const b = obj(block);
          if (b?.type === "tool_result" && b.is_error === true) s.toolErrors++;
        }
      }
    } else if (m.type === "result") {
      const subtype = typeof m.subtype === "string" ? m.subtype : "unknown";
      const isError = m.is_error === true || subtype !== "success";
      const result: NonNullable<ExecutionSummary["result"]> = { subtype, isError };
      if (typeof m.result === "string") {
        result.text = m.result.length > RESULT_TEXT_LIMIT ? m.result.slice(0, RESULT_TEXT_LIMIT) : m.result;
        if (m.result.length > RESULT_TEXT_LIMIT) result.textTruncated = true;
      }
      if (Array.isArray(m.errors)) result.errors = m.errors.map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
      s.result = result;
      if (typeof m.num_turns === "number") this.resultTurns = m.num_turns;
      if (typeof m.total_cost_usd === "number") s.costUsd = m.total_cost_usd;
      if (typeof m.duration_ms === "number") s.durationMs = m.duration_ms;
      if (typeof m.duration_api_ms === "number") s.apiDurationMs = m.duration_api_ms;
      this.resultUsage = obj(m.usage);
      s.permissionDenials = (Array.isArray(m.permission_denials) ? m.permission_denials : []).flatMap((d) => {
        const denial = obj(d);
        if (!denial || typeof denial.tool_name !== "string") return [];
        return [{ tool: denial.tool_name, ...(typeof denial.tool_use_id === "string" ? { toolUseId: denial.tool_use_id } : {}) }];
      });
      if (m.structured_output !== undefined && m.structured_output !== null) s.structuredOutput = m.structured_output;
      else delete s.structuredOutput;
      if (!s.model) {
        const models = Object.keys(obj(m.modelUsage) ?? {});
        if (models[0]) s.model = models[0];
      }
    }
  }

  finish(): ExecutionSummary {
    const s = this.summary;
    s.turns = this.resultTurns ?? this.assistantTurns;
    const u = this.resultUsage;
    s.tokens = u
      ? {
          input: num(u.input_tokens),
          output: num(u.output_tokens),
          cacheCreation: num(u.cache_creation_input_tokens),
          cacheRead: num(u.cache_read_input_tokens),
        }
      : { ...this.streamedUsage };
    return s;
  }
}

/** Summarizes a log from any stream of text or bytes. */
export async function summarizeExecutionLog(source: AsyncIterable<string | Uint8Array>): Promise<ExecutionSummary> {
  const builder = new SummaryBuilder();
  const scanner = new JsonElementScanner();
  const decoder = new TextDecoder("utf-8");
  let corrupt = 0;
  const emit = (text: string) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      corrupt++;
      return;
    }
    builder.add(value);
  };
  let sawInput = false;
  for await (const chunk of source) {
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (text) sawInput = true;
    scanner.push(text, emit);
  }
  const tail = decoder.decode();
  if (tail) scanner.push(tail, emit);
  const end = scanner.finish();
  const s = builder.finish();
  if (!sawInput) s.warnings.push("The execution log is empty.");
  else if (!end.complete) {
    s.warnings.push(`The execution log ends early (truncated?): summarized the ${s.messages} complete message(s) before the end.`);
  }
  if (corrupt) s.warnings.push(`${corrupt} message(s) in the execution log could not be parsed and were skipped.`);
  if (scanner.stray) s.warnings.push("The execution log contains text that is not a JSON message; it was skipped.");
  if (sawInput && !s.result) s.warnings.push("The execution log has no result message (the run did not finish).");
  return s;
}

/** Reads the log file streaming. A missing file gives a summary with found: false and a warning. */
export async function readExecutionLog(path: string): Promise<ExecutionSummary> {
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  try {
    return await summarizeExecutionLog(stream);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "EACCES") {
      const empty = new SummaryBuilder().finish();
      empty.found = false;
      empty.warnings.push(code === "ENOENT" ? `No execution log at ${path}.` : `The execution log ${path} cannot be read (${code}).`);
      return empty;
    }
    throw e;
  } finally {
    stream.destroy();
  }
}
