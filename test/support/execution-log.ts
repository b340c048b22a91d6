/**
 * A synthetic execution log, as the base action writes it, of any size (for
 * finish's tests and `npm run bench`).
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";

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
