// Tells the agent loop's requests from the CLI's side requests.
// See README.md ("Main vs auxiliary requests") for what the CLI was seen sending.

import type { IncomingHttpHeaders } from "node:http";
import { messageText, type MessagesRequest } from "./request";

export type RequestKind = "main" | "aux" | "other";

/**
 * The finer class of a /v1/messages request. The first six are the values of
 * the CLI's own `x-claude-code-request-class` header (sent when
 * CLAUDE_CODE_GATEWAY_HINT_HEADERS=1, which claudeEnv sets); "unknown" means
 * the request was not a Messages call.
 */
export type RequestClass =
  | "main"
  | "subagent"
  | "workflow"
  | "compaction"
  | "auxiliary"
  | "side_reply"
  | "unknown";

export interface Classification {
  kind: RequestKind;
  requestClass: RequestClass;
  /** Which rule decided: "header" (the CLI said so) or the name of the content heuristic. */
  reason: string;
}

const CLASS_HEADER = "x-claude-code-request-class";
const KNOWN_CLASSES = new Set<RequestClass>(["main", "subagent", "workflow", "compaction", "auxiliary", "side_reply"]);

/** Markers of side requests seen in claude 2.1.330, used when the class header is missing. */
const AUX_MARKERS: { reason: string; requestClass: RequestClass; test: (lastUser: string, req: MessagesRequest) => boolean }[] = [
  {
    // Auto-compaction: the whole conversation plus a final "summarise" user message.
    reason: "compaction-prompt",
    requestClass: "compaction",
    test: (t) => /Your task is to create a detailed summary of the conversation/.test(t) || /an <analysis> block followed by a <summary> block/.test(t),
  },
  {
    // --prompt-suggestions: the conversation plus "[SUGGESTION MODE: …".
    reason: "prompt-suggestion",
    requestClass: "auxiliary",
    test: (t) => t.trimStart().startsWith("[SUGGESTION MODE:"),
  },
  {
    // WebFetch: the fetched page is summarised by a tool-less request.
    reason: "web-fetch-summary",
    requestClass: "auxiliary",
    test: (t) => t.trimStart().startsWith("Web page content:"),
  },
];

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function systemBlocksText(req: MessagesRequest): string {
  if (typeof req.system === "string") return req.system;
  if (!Array.isArray(req.system)) return "";
  return req.system.map((b) => (typeof b?.text === "string" ? b.text : "")).join("\n");
}

/** True when the request carries the agent loop's environment section ("Primary working directory: …"). */
function hasAgentContext(req: MessagesRequest): boolean {
  if (/Primary working directory:/.test(systemBlocksText(req))) return true;
  return (Array.isArray(req.messages) ? req.messages : []).some(
    (m) => m?.role === "system" && /Primary working directory:/.test(messageText(m, { reminders: true })),
  );
}

function lastUserMessageText(req: MessagesRequest): string {
  const users = (Array.isArray(req.messages) ? req.messages : []).filter((m) => m?.role === "user");
  return messageText(users.at(-1), { reminders: true });
}

/**
 * Classify a request. Rule:
 *  1. anything but `POST /v1/messages` is "other" (count_tokens, HEAD /api/hello…);
 *  2. if the CLI sent `x-claude-code-request-class`, trust it: "main" is main,
 *     every other class (subagent, workflow, compaction, auxiliary, side_reply) is aux;
 *  3. otherwise fall back to content: a subagent marker (`x-claude-code-agent-id`
 *     header or `cc_is_subagent=true` in the billing system block) → aux/subagent;
 *     a known side-request prompt (compaction, prompt suggestion, WebFetch summary)
 *     → aux; a request with neither tools nor the environment section → aux;
 *     everything else → main.
 */
export function classifyRequest(method: string, path: string, headers: IncomingHttpHeaders, body: unknown): Classification {
  const pathname = path.split("?")[0] ?? path;
  if (method !== "POST" || pathname !== "/v1/messages" || typeof body !== "object" || body === null) {
    return { kind: "other", requestClass: "unknown", reason: "route" };
  }
  const req = body as MessagesRequest;

  const declared = header(headers, CLASS_HEADER)?.trim();
  if (declared && KNOWN_CLASSES.has(declared as RequestClass)) {
    const requestClass = declared as RequestClass;
    return { kind: requestClass === "main" ? "main" : "aux", requestClass, reason: "header" };
  }

  if (header(headers, "x-claude-code-agent-id") || /cc_is_subagent=true/.test(systemBlocksText(req))) {
    return { kind: "aux", requestClass: "subagent", reason: "subagent-marker" };
  }
  const lastUser = lastUserMessageText(req);
  for (const marker of AUX_MARKERS) {
    if (marker.test(lastUser, req)) return { kind: "aux", requestClass: marker.requestClass, reason: marker.reason };
  }
  const hasTools = Array.isArray(req.tools) && req.tools.length > 0;
  if (!hasTools && !hasAgentContext(req)) return { kind: "aux", requestClass: "auxiliary", reason: "no-tools-no-agent-context" };
  return { kind: "main", requestClass: "main", reason: "default-main" };
}
