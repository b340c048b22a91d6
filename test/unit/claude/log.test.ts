import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonElementScanner, readExecutionLog, summarizeExecutionLog, RESULT_TEXT_LIMIT } from "../../../src/claude/log";
import { writeSyntheticLog } from "../../support/execution-log";
import { tempDir } from "./fixtures";

const MESSAGES = [
  { type: "system", subtype: "init", session_id: "sess-1", model: "claude-sonnet-4-5", tools: ["Read"] },
  {
    type: "assistant",
    session_id: "sess-1",
    message: {
      id: "msg_1",
      model: "claude-sonnet-4-5",
      content: [
        { type: "text", text: 'Looking at "src" ] } [ { \\ now' },
        { type: "tool_use", id: "t1", name: "Read", input: { path: "a.ts" } },
      ],
      usage: { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 50, cache_creation_input_tokens: 10 },
    },
  },
  // The same API message streamed again with its next content block (same id, same usage).
  {
    type: "assistant",
    session_id: "sess-1",
    message: {
      id: "msg_1",
      content: [{ type: "tool_use", id: "t2", name: "Bash", input: { command: "echo '}]'" } }],
      usage: { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 50, cache_creation_input_tokens: 10 },
    },
  },
  {
    type: "user",
    message: {
      content: [
        { type: "tool_result", tool_use_id: "t1", content: "file ✓ 日本 🎉" },
        { type: "tool_result", tool_use_id: "t2", content: "denied", is_error: true },
      ],
    },
  },
  {
    type: "assistant",
    message: {
      id: "msg_2",
      content: [{ type: "tool_use", id: "t3", name: "Read", input: {} }],
      usage: { input_tokens: 5, output_tokens: 5 },
    },
  },
  {
    type: "result",
    subtype: "success",
    is_error: false,
    session_id: "sess-1",
    num_turns: 3,
    duration_ms: 65_000,
    duration_api_ms: 40_000,
    total_cost_usd: 0.0421,
    result: "Done: approved.",
    usage: { input_tokens: 1000, output_tokens: 200, cache_read_input_tokens: 300, cache_creation_input_tokens: 40 },
    permission_denials: [{ tool_name: "Bash", tool_use_id: "t2", tool_input: { command: "rm -rf /" } }],
    structured_output: { verdict: "approve", issues: [] },
  },
];

async function* chunks(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}
async function* bytes(buffer: Buffer, size: number) {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

const EXPECTED = {
  found: true,
  messages: 6,
  turns: 3,
  toolUses: { Read: 2, Bash: 1 },
  toolErrors: 1,
  permissionDenials: [{ tool: "Bash", toolUseId: "t2" }],
  tokens: { input: 1000, output: 200, cacheRead: 300, cacheCreation: 40 },
  costUsd: 0.0421,
  durationMs: 65_000,
  apiDurationMs: 40_000,
  result: { subtype: "success", isError: false, text: "Done: approved." },
  sessionId: "sess-1",
  model: "claude-sonnet-4-5",
  structuredOutput: { verdict: "approve", issues: [] },
  warnings: [],
};

describe("summarizeExecutionLog", () => {
  it("reads the pin's pretty-printed array", async () => {
    expect(await summarizeExecutionLog(chunks(JSON.stringify(MESSAGES, null, 2), 1 << 16))).toEqual(EXPECTED);
  });

  it("reads JSON Lines and compact arrays", async () => {
    expect(await summarizeExecutionLog(chunks(MESSAGES.map((m) => JSON.stringify(m)).join("\n") + "\n", 1000))).toEqual(EXPECTED);
    expect(await summarizeExecutionLog(chunks(JSON.stringify(MESSAGES), 1000))).toEqual(EXPECTED);
  });

  it("gives the same summary for every chunk boundary, in text and in bytes (multi-byte characters split)", async () => {
    const text = JSON.stringify(MESSAGES, null, 2);
    const buffer = Buffer.from(text);
    for (const size of [1, 2, 3, 5, 7, 64, 333]) {
      expect(await summarizeExecutionLog(chunks(text, size)), `text/${size}`).toEqual(EXPECTED);
      expect(await summarizeExecutionLog(bytes(buffer, size)), `bytes/${size}`).toEqual(EXPECTED);
    }
  });

  it("sums streamed usage by message when there is no result", async () => {
    const s = await summarizeExecutionLog(chunks(JSON.stringify(MESSAGES.slice(0, 5), null, 2), 100));
    expect(s.tokens).toEqual({ input: 105, output: 25, cacheRead: 50, cacheCreation: 10 });
    expect(s.turns).toBe(2);
    expect(s.result).toBeUndefined();
    expect(s.warnings).toEqual(["The execution log has no result message (the run did not finish)."]);
  });

  it("summarizes what it could read from a truncated file, with a warning", async () => {
    const text = JSON.stringify(MESSAGES, null, 2);
    const cut = text.slice(0, text.indexOf('"type": "result"') + 5);
    const s = await summarizeExecutionLog(chunks(cut, 50));
    expect(s.messages).toBe(5);
    expect(s.toolUses).toEqual({ Read: 2, Bash: 1 });
    expect(s.warnings).toEqual([
      "The execution log ends early (truncated?): summarized the 5 complete message(s) before the end.",
      "The execution log has no result message (the run did not finish).",
    ]);
    const unclosed = await summarizeExecutionLog(chunks(JSON.stringify(MESSAGES, null, 2).replace(/\]\s*$/, ""), 50));
    expect(unclosed.result?.subtype).toBe("success");
    expect(unclosed.warnings[0]).toMatch(/ends early/);
  });

  it("skips a corrupt element and stray text, with warnings", async () => {
    const text = `[\n${JSON.stringify(MESSAGES[0])},\n{"type": "assistant", oops},\nnull,\n${JSON.stringify(MESSAGES[5])}\n]`;
    const s = await summarizeExecutionLog(chunks(text, 7));
    expect(s.messages).toBe(2);
    expect(s.result?.subtype).toBe("success");
    expect(s.warnings).toEqual([
      "1 message(s) in the execution log could not be parsed and were skipped.",
      "The execution log contains text that is not a JSON message; it was skipped.",
    ]);
  });

  it("reports error results", async () => {
    const s = await summarizeExecutionLog(
      chunks(JSON.stringify([{ type: "result", subtype: "error_max_turns", is_error: true, num_turns: 5, errors: ["Reached maximum number of turns (5)"] }]), 10),
    );
    expect(s.result).toEqual({ subtype: "error_max_turns", isError: true, errors: ["Reached maximum number of turns (5)"] });
    expect(s.turns).toBe(5);
  });

  it("caps a huge result text", async () => {
    const s = await summarizeExecutionLog(chunks(JSON.stringify([{ type: "result", subtype: "success", result: "x".repeat(RESULT_TEXT_LIMIT + 10) }]), 4096));
    expect(s.result?.text).toHaveLength(RESULT_TEXT_LIMIT);
    expect(s.result?.textTruncated).toBe(true);
  });

  it("warns about an empty log", async () => {
    expect((await summarizeExecutionLog(chunks("", 1))).warnings).toEqual(["The execution log is empty."]);
    expect((await summarizeExecutionLog(chunks("[]", 1))).warnings).toEqual(["The execution log has no result message (the run did not finish)."]);
  });
});

describe("JsonElementScanner", () => {
  it("splits top-level elements, respecting strings and escapes", () => {
    const got: string[] = [];
    const s = new JsonElementScanner();
    s.push('[ {"a":"]}\\"\\\\"}, [1,{"b":[]}] ,{"c":"\\u005d"} ]', (e) => got.push(e));
    expect(got).toEqual(['{"a":"]}\\"\\\\"}', '[1,{"b":[]}]', '{"c":"\\u005d"}']);
    expect(s.finish()).toEqual({ complete: true, pendingChars: 0 });
  });
});

describe("readExecutionLog", () => {
  it("reads a file, and reports a missing one", async () => {
    const dir = tempDir();
    const path = join(dir, "claude-execution-output.json");
    writeFileSync(path, JSON.stringify(MESSAGES, null, 2));
    expect(await readExecutionLog(path)).toEqual(EXPECTED);
    const missing = await readExecutionLog(join(dir, "nope.json"));
    expect(missing.found).toBe(false);
    expect(missing.warnings).toEqual([`No execution log at ${join(dir, "nope.json")}.`]);
  });

  it("summarizes a multi-megabyte synthetic log exactly (array and JSON Lines)", async () => {
    const dir = tempDir();
    for (const format of ["array", "jsonl"] as const) {
      const path = join(dir, `log.${format}`);
      const stats = await writeSyntheticLog(path, 8, { format });
      const s = await readExecutionLog(path);
      expect(s.messages).toBe(stats.messages);
      expect(s.toolUses).toEqual(stats.toolUses);
      expect(s.turns).toBe(stats.assistantTurns);
      expect(s.toolErrors).toBe(Math.floor(stats.assistantTurns / 10));
      expect(s.structuredOutput).toEqual({ verdict: "approve", issues: [] });
      expect(s.permissionDenials).toEqual([{ tool: "WebFetch", toolUseId: "toolu_x" }]);
      expect(s.warnings).toEqual([]);
    }
  });
});
