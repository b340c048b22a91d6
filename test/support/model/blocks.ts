// Builders for the assistant content blocks a scripted turn replies with.

export type TextReply = {
  type: "text";
  text: string;
};

export type ToolUseReply = {
  type: "tool_use";
  /** Left out: the model assigns `toolu_scripted_0001`, `…0002`, … in the order it serves them. */
  id?: string;
  name: string;
  input: unknown;
};

export type ThinkingReply = {
  type: "thinking";
  thinking: string;
  signature?: string;
};

/** A block a scripted turn answers with. */
export type Block = TextReply | ToolUseReply | ThinkingReply;

/** The tool the CLI adds in print mode with `--json-schema`; its input is the structured output. */
export const STRUCTURED_OUTPUT_TOOL = "StructuredOutput";
/** The built-in tool that loads deferred tools' schemas. */
export const TOOL_SEARCH_TOOL = "ToolSearch";

export function text(s: string): TextReply {
  return { type: "text", text: s };
}

/**
 * A tool call. Without `id`, the model gives it a deterministic id when it
 * serves the turn (`toolu_scripted_0001`, counting per model instance); the
 * served blocks, ids included, are on `CapturedRequest.reply`.
 */
export function toolUse(name: string, input: unknown = {}, id?: string): ToolUseReply {
  return id === undefined ? { type: "tool_use", name, input } : { type: "tool_use", id, name, input };
}

/** The StructuredOutput call that ends a `--json-schema` run; `obj` becomes the result's `structured_output`. */
export function structuredOutput(obj: unknown, id?: string): ToolUseReply {
  return toolUse(STRUCTURED_OUTPUT_TOOL, obj, id);
}

/** `mcp__<server>__<tool>`, the name under which the CLI exposes an MCP server's tool. */
export function mcpToolName(server: string, tool: string): string {
  return `mcp__${server}__${tool}`;
}

/** A ToolSearch call that loads deferred tools by exact name (`select:a,b`). Not needed to call them. */
export function toolSearch(names: string[], id?: string): ToolUseReply {
  return toolUse(TOOL_SEARCH_TOOL, { query: `select:${names.join(",")}`, max_results: Math.max(5, names.length) }, id);
}

/** A thinking block (sent with a dummy signature). */
export function thinking(s: string, signature = "scripted-signature"): ThinkingReply {
  return { type: "thinking", thinking: s, signature };
}
