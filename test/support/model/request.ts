// Types for what the claude CLI sends to POST /v1/messages, and pure helpers
// that read the parts a test usually asserts on.
//
// Everything here is deliberately loose: the body is untrusted JSON that the
// CLI changes between releases, so readers check shapes at run time instead of
// trusting a discriminated union.

/** Any content block the CLI sends (text, tool_use, tool_result, image, tool_reference…). */
export interface ContentBlock {
  type: string;
  [key: string]: unknown;
}

/**
 * A conversation message. Besides "user" and "assistant", claude 2.1.330 sends
 * messages with role "system" (the environment section, the list of deferred
 * tools, skills and agent types).
 */
export interface Message {
  role: "user" | "assistant" | "system" | (string & {});
  content: string | ContentBlock[];
}

export interface ToolDefinition {
  name: string;
  description?: string;
  input_schema?: unknown;
  /** true for tools whose schema is only loaded after a ToolSearch `tool_reference`. */
  defer_loading?: boolean;
  type?: string;
  [key: string]: unknown;
}

export interface SystemBlock {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/** The parsed JSON body of a POST /v1/messages request. */
export interface MessagesRequest {
  model: string;
  messages: Message[];
  system?: string | SystemBlock[];
  tools?: ToolDefinition[];
  stream?: boolean;
  max_tokens?: number;
  [key: string]: unknown;
}

export interface ToolResult {
  tool_use_id: string;
  is_error: boolean;
  /** The result's text: string content, or the text parts joined with "\n". */
  text: string;
}

/** Name of the tool the CLI offers so that deferred loading stays active; never callable. */
export const DEFERRED_PLACEHOLDER_TOOL = "DeferredToolPlaceholder";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The content of a message as a list of blocks (a string becomes one text block). */
export function blocksOf(message: Message | undefined): ContentBlock[] {
  if (!message) return [];
  const { content } = message;
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter((b): b is ContentBlock => isRecord(b) && typeof b.type === "string");
}

function blockText(block: ContentBlock): string {
  return typeof block.text === "string" ? block.text : "";
}

/** True for a text that is only a `<system-reminder>…</system-reminder>` the CLI injected. */
export function isSystemReminder(text: string): boolean {
  const t = text.trim();
  return t.startsWith("<system-reminder>") && t.endsWith("</system-reminder>");
}

/** Text of a message's text blocks, skipping injected system reminders, joined with "\n". */
export function messageText(message: Message | undefined, opts: { reminders?: boolean } = {}): string {
  return blocksOf(message)
    .filter((b) => b.type === "text")
    .map(blockText)
    .filter((t) => opts.reminders === true || !isSystemReminder(t))
    .join("\n");
}

function userMessages(req: MessagesRequest): Message[] {
  return (Array.isArray(req.messages) ? req.messages : []).filter((m) => isRecord(m) && m.role === "user");
}

/**
 * The text the conversation started with: the first user message's text
 * blocks, without the `<system-reminder>` blocks the CLI prepends (git status,
 * attribution rules…). For a plain `claude -p "<prompt>"` this is the prompt.
 */
export function firstUserText(req: MessagesRequest): string {
  return messageText(userMessages(req)[0]);
}

/**
 * Text of the most recent user-role message (system reminders skipped; tool
 * results are not text — see lastToolResults). "" when it holds only tool
 * results. Trailing role "system" messages are ignored.
 */
export function lastUserText(req: MessagesRequest): string {
  return messageText(userMessages(req).at(-1));
}

function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: unknown) => {
      if (!isRecord(part)) return "";
      if (part.type === "text" && typeof part.text === "string") return part.text;
      if (part.type === "tool_reference" && typeof part.tool_name === "string") return `[tool_reference ${part.tool_name}]`;
      return `[${String(part.type)}]`;
    })
    .join("\n");
}

function toToolResult(block: ContentBlock): ToolResult {
  return {
    tool_use_id: typeof block.tool_use_id === "string" ? block.tool_use_id : "",
    is_error: block.is_error === true,
    text: toolResultText(block.content),
  };
}

/** Tool results carried by the most recent user-role message (the answer to the previous turn's tool calls). */
export function lastToolResults(req: MessagesRequest): ToolResult[] {
  return blocksOf(userMessages(req).at(-1))
    .filter((b) => b.type === "tool_result")
    .map(toToolResult);
}

/** Every tool result in the conversation, oldest first. */
export function allToolResults(req: MessagesRequest): ToolResult[] {
  return userMessages(req).flatMap((m) => blocksOf(m).filter((b) => b.type === "tool_result").map(toToolResult));
}

/** Every tool_use block the assistant sent in this conversation, oldest first. */
export function allToolUses(req: MessagesRequest): { id: string; name: string; input: unknown }[] {
  return (Array.isArray(req.messages) ? req.messages : [])
    .filter((m) => isRecord(m) && m.role === "assistant")
    .flatMap((m) => blocksOf(m).filter((b) => b.type === "tool_use"))
    .map((b) => ({ id: String(b.id ?? ""), name: String(b.name ?? ""), input: b.input }));
}

/**
 * The system prompt as text: the `system` parameter's blocks, then the text of
 * every role "system" message (where claude 2.1.330 puts the environment
 * section, deferred tools, agent types and skills), joined with "\n\n".
 */
export function systemText(req: MessagesRequest): string {
  const parts: string[] = [];
  if (typeof req.system === "string") parts.push(req.system);
  else if (Array.isArray(req.system)) {
    for (const b of req.system) if (isRecord(b) && typeof b.text === "string") parts.push(b.text);
  }
  for (const m of Array.isArray(req.messages) ? req.messages : []) {
    if (isRecord(m) && m.role === "system") parts.push(messageText(m, { reminders: true }));
  }
  return parts.join("\n\n");
}

function toolDefs(req: MessagesRequest): ToolDefinition[] {
  return (Array.isArray(req.tools) ? req.tools : []).filter(
    (t): t is ToolDefinition => isRecord(t) && typeof t.name === "string",
  );
}

/** Names of tools the model was sent a `tool_reference` for (loaded through ToolSearch). */
export function referencedToolNames(req: MessagesRequest): string[] {
  const names = new Set<string>();
  for (const m of userMessages(req)) {
    for (const b of blocksOf(m)) {
      if (b.type !== "tool_result" || !Array.isArray(b.content)) continue;
      for (const part of b.content as unknown[]) {
        if (isRecord(part) && part.type === "tool_reference" && typeof part.tool_name === "string") names.add(part.tool_name);
      }
    }
  }
  return [...names];
}

/**
 * Tools the model can call right now: entries of `tools` without
 * `defer_loading`, plus deferred entries whose schema was loaded by a
 * ToolSearch `tool_reference` earlier in the conversation.
 */
export function toolNames(req: MessagesRequest): string[] {
  const loaded = new Set(referencedToolNames(req));
  return toolDefs(req)
    .filter((t) => t.defer_loading !== true || loaded.has(t.name))
    .map((t) => t.name);
}

/** The definition the CLI sent for a tool (deferred ones included), if any. */
export function toolDefinition(req: MessagesRequest, name: string): ToolDefinition | undefined {
  return toolDefs(req).find((t) => t.name === name);
}

// "The following deferred tools are now available via ToolSearch. Their schemas are NOT loaded …:\nA\nB\n\n…"
// (also the "are available via" and "were loaded earlier … The tools are:" variants).
const ANNOUNCEMENT = /The following deferred tools are (?:now )?available via \S+?\.|The following tools were loaded earlier in this conversation,/g;

/** Names listed one a line after each announcement header, up to the first blank line. */
function announcedNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(ANNOUNCEMENT)) {
    const headerEnd = text.indexOf("\n", match.index ?? 0);
    if (headerEnd < 0) continue;
    for (const line of text.slice(headerEnd + 1).split("\n")) {
      const name = line.trim();
      if (!name) break;
      if (!/\s/.test(name)) names.push(name);
    }
  }
  return names;
}

/**
 * Tools announced by name for ToolSearch instead of being offered with a
 * schema. claude 2.1.330 lists them, one name a line, in a role "system"
 * message ("The following deferred tools are now available via ToolSearch…"),
 * and sends a `DeferredToolPlaceholder` tool with `defer_loading: true`. MCP
 * tools (`mcp__<server>__<tool>`) are deferred this way. Tools sent in `tools`
 * with `defer_loading: true` are included too. A listed name stays listed
 * after ToolSearch loads it (see toolNames for what is loaded).
 */
export function deferredToolNames(req: MessagesRequest): string[] {
  const names = new Set<string>();
  const texts: string[] = [systemText(req)];
  for (const m of userMessages(req)) texts.push(messageText(m, { reminders: true }));
  for (const text of texts) {
    for (const name of announcedNames(text)) names.add(name);
  }
  for (const t of toolDefs(req)) if (t.defer_loading === true && t.name !== DEFERRED_PLACEHOLDER_TOOL) names.add(t.name);
  return [...names];
}

/** True when `name` can be called now or is announced as a deferred tool (a direct tool_use of it still runs). */
export function offersTool(req: MessagesRequest, name: string): boolean {
  return toolNames(req).includes(name) || deferredToolNames(req).includes(name);
}
