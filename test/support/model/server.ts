// A scripted Anthropic Messages API on 127.0.0.1 for running the real claude
// CLI in tests. Main-loop requests consume scripted turns in arrival order;
// the CLI's side requests (compaction, prompt suggestions, WebFetch
// summaries, subagents…) get a harmless default answer instead.

import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import type { Block, ToolUseReply } from "./blocks";
import { classifyRequest, type Classification, type RequestClass, type RequestKind } from "./classify";
import { firstUserText, lastToolResults, lastUserText, type MessagesRequest } from "./request";

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export interface ApiError {
  /** HTTP status, e.g. 400, 429, 500, 529. The CLI retries 408/409/429/5xx. */
  status: number;
  /** Anthropic error type; defaults from the status (invalid_request_error, overloaded_error…). */
  type?: string;
  message?: string;
}

export interface Turn {
  /** The assistant's content, or a function of the request that produces it. */
  reply?: Block[] | ((req: MessagesRequest) => Block[] | Promise<Block[]>);
  /** Assertions on what the CLI sent. A throw is recorded in `problems` (and rethrown by assertDone); the reply is still served. */
  check?: (req: MessagesRequest) => void | Promise<void>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (the connection stays open until the client goes away or the model closes). */
  hang?: boolean;
  /** Defaults to "tool_use" when the reply has a tool_use block, else "end_turn". */
  stopReason?: string;
  usage?: Usage;
  /** Answer with an Anthropic error response instead of a message. */
  error?: ApiError;
  /** Shown in assertDone's report. */
  label?: string;
}

export interface CapturedRequest {
  /** Position among all requests this model received, from 0. */
  index: number;
  method: string;
  /** Path with query, e.g. "/v1/messages?beta=true". */
  path: string;
  /** Request headers; x-api-key and authorization are redacted. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body ({} when there was none or it was not JSON; see rawBody). */
  body: MessagesRequest;
  rawBody: string;
  kind: RequestKind;
  /** The CLI's request class (header) or the heuristic's guess; "unknown" for non-Messages routes. */
  requestClass: RequestClass;
  /** Which classifier rule decided. */
  reason: string;
  /** Index of the scripted turn this request consumed (main requests), or of the subagent turn. */
  turn?: number;
  /** The blocks served, tool_use ids filled in. */
  reply?: Block[];
  stopReason?: string;
  /** True when the request was left unanswered (`hang`). */
  hung?: boolean;
}

export interface Problem {
  message: string;
  requestIndex?: number;
  turn?: number;
}

export interface StartModelOptions {
  /** Turns to script right away (same as calling script()). */
  turns?: Turn[];
  /** Answer for side requests; return undefined for the default. */
  aux?: (req: MessagesRequest, captured: CapturedRequest) => Block[] | undefined;
  /** Override the classifier; return undefined to fall back to the built-in rule. */
  classify?: (method: string, path: string, headers: http.IncomingHttpHeaders, body: unknown) => Classification | undefined;
}

export interface ScriptedModel {
  /** http://127.0.0.1:PORT — use as ANTHROPIC_BASE_URL. */
  readonly url: string;
  readonly port: number;
  /** Append turns for the main agent loop. */
  script(turns: Turn[]): void;
  /** Append turns for subagents (Agent tool); without them a subagent gets a default answer. */
  scriptSubagent(turns: Turn[]): void;
  /** Every request received, in arrival order. */
  readonly requests: readonly CapturedRequest[];
  /** Requests that consumed a scripted main turn, in order. */
  readonly mainRequests: readonly CapturedRequest[];
  /** Requests classified as side requests. */
  readonly auxRequests: readonly CapturedRequest[];
  /** Main turns not yet consumed. */
  remaining(): Turn[];
  /** Unexpected things: main requests after the script ran out, failed checks, failing reply functions, bad bodies. */
  readonly problems: readonly Problem[];
  /** Throws a readable error when turns remain or problems were recorded. */
  assertDone(): void;
  /** Resolves with the first request (already received or future) that matches. */
  waitForRequest(match?: (r: CapturedRequest) => boolean, opts?: { timeoutMs?: number }): Promise<CapturedRequest>;
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const DEFAULT_USAGE: Required<Usage> = {
  input_tokens: 100,
  output_tokens: 10,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

function defaultAuxReply(c: CapturedRequest): Block[] {
  switch (c.requestClass) {
    case "compaction":
      return [
        {
          type: "text",
          text: "<analysis>Scripted model: nothing to analyse.</analysis>\n<summary>Scripted model summary of the conversation so far.</summary>",
        },
      ];
    case "subagent":
    case "workflow":
      return [{ type: "text", text: "Scripted model: the subagent has nothing to report." }];
    default:
      return [{ type: "text", text: "Scripted model: auxiliary answer." }];
  }
}

function redactHeaders(h: http.IncomingHttpHeaders): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = { ...h };
  for (const k of ["x-api-key", "authorization", "proxy-authorization", "cookie"]) {
    if (out[k] !== undefined) out[k] = "[redacted]";
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", reject);
    req.on("end", () => {
      let buf = Buffer.concat(chunks);
      const enc = String(req.headers["content-encoding"] ?? "").toLowerCase();
      try {
        if (enc === "gzip") buf = zlib.gunzipSync(buf);
        else if (enc === "br") buf = zlib.brotliDecompressSync(buf);
        else if (enc === "deflate") buf = zlib.inflateSync(buf);
      } catch (e) {
        reject(e);
        return;
      }
      resolve(buf.toString("utf8"));
    });
  });
}

function errorBody(type: string, message: string): string {
  return JSON.stringify({ type: "error", error: { type, message } });
}

function sendJson(res: http.ServerResponse, status: number, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", "request-id": "req_scripted" });
  res.end(body);
}

function snippet(s: string, n = 80): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

function describeReply(blocks: Block[] | undefined): string {
  if (!blocks) return "";
  return blocks
    .map((b) => (b.type === "text" ? `text ${JSON.stringify(snippet(b.text, 40))}` : b.type === "tool_use" ? `tool_use ${b.name}` : b.type))
    .join(", ");
}

function describeRequest(c: CapturedRequest): string {
  const head = `#${c.index} ${c.method} ${c.path} ${c.kind}/${c.requestClass}`;
  if (c.kind === "other") return head;
  const turn = c.turn !== undefined ? ` turn ${c.turn}` : "";
  const results = lastToolResults(c.body);
  const input = results.length
    ? `tool results [${results.map((r) => `${r.is_error ? "error: " : ""}${snippet(r.text, 40)}`).join(" | ")}]`
    : `user ${JSON.stringify(snippet(lastUserText(c.body) || firstUserText(c.body), 60))}`;
  const out = c.hung ? "(hung)" : c.reply ? `→ ${describeReply(c.reply)}` : "";
  return `${head}${turn}: ${input} ${out}`.trimEnd();
}

/** Start a scripted Messages API on 127.0.0.1 with a random port. */
export async function startModel(opts: StartModelOptions = {}): Promise<ScriptedModel> {
  const queue: { turn: Turn; n: number }[] = [];
  const subQueue: { turn: Turn; n: number }[] = [];
  let scripted = 0;
  let subScripted = 0;
  let toolIds = 0;
  let messageIds = 0;
  const requests: CapturedRequest[] = [];
  const problems: Problem[] = [];
  const hanging = new Set<http.ServerResponse>();
  const waiters = new Set<{ match: (r: CapturedRequest) => boolean; resolve: (r: CapturedRequest) => void; reject: (e: Error) => void }>();
  let closed = false;

  const nextToolId = () => `toolu_scripted_${String(++toolIds).padStart(4, "0")}`;
  const nextMessageId = () => `msg_scripted_${String(++messageIds).padStart(4, "0")}`;

  function capture(c: CapturedRequest): void {
    requests.push(c);
    for (const w of [...waiters]) {
      if (w.match(c)) {
        waiters.delete(w);
        w.resolve(c);
      }
    }
  }

  function problem(p: Problem): void {
    problems.push(p);
  }

  function finalize(blocks: Block[]): Block[] {
    return blocks.map((b) => (b.type === "tool_use" && b.id === undefined ? ({ ...b, id: nextToolId() } satisfies ToolUseReply) : { ...b }));
  }

  function writeMessage(res: http.ServerResponse, req: MessagesRequest, blocks: Block[], stopReason: string, usage: Usage | undefined): void {
    if (res.destroyed) return;
    const u = { ...DEFAULT_USAGE, ...usage };
    const model = typeof req.model === "string" ? req.model : "claude-scripted";
    const id = nextMessageId();
    if (req.stream !== true) {
      const content = blocks.map((b) =>
        b.type === "thinking" ? { type: "thinking", thinking: b.thinking, signature: b.signature ?? "" } : b,
      );
      sendJson(
        res,
        200,
        JSON.stringify({ id, type: "message", role: "assistant", model, content, stop_reason: stopReason, stop_sequence: null, usage: u }),
      );
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "request-id": "req_scripted" });
    const event = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    event("message_start", {
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...u, output_tokens: 1 },
      },
    });
    event("ping", {});
    blocks.forEach((b, index) => {
      if (b.type === "text") {
        event("content_block_start", { index, content_block: { type: "text", text: "" } });
        if (b.text) event("content_block_delta", { index, delta: { type: "text_delta", text: b.text } });
      } else if (b.type === "tool_use") {
        event("content_block_start", { index, content_block: { type: "tool_use", id: b.id, name: b.name, input: {} } });
        event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: JSON.stringify(b.input ?? {}) } });
      } else {
        event("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } });
        event("content_block_delta", { index, delta: { type: "thinking_delta", thinking: b.thinking } });
        event("content_block_delta", { index, delta: { type: "signature_delta", signature: b.signature ?? "" } });
      }
      event("content_block_stop", { index });
    });
    event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: u.output_tokens } });
    event("message_stop", {});
    res.end();
  }

  async function serveTurn(res: http.ServerResponse, c: CapturedRequest, turn: Turn, what: string): Promise<void> {
    const req = c.body;
    if (turn.check) {
      try {
        await turn.check(req);
      } catch (e) {
        problem({ message: `${what} check failed: ${e instanceof Error ? e.message : String(e)}`, requestIndex: c.index, turn: c.turn });
      }
    }
    if (turn.hang) {
      c.hung = true;
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if (turn.delayMs) await new Promise((r) => setTimeout(r, turn.delayMs));
    if (turn.error) {
      const { status, message } = turn.error;
      const type = turn.error.type ?? ERROR_TYPES[status] ?? "api_error";
      c.stopReason = `error ${status}`;
      sendJson(res, status, errorBody(type, message ?? `Scripted ${type}`));
      return;
    }
    let blocks: Block[];
    try {
      if (turn.reply === undefined) throw new Error("the turn has no reply, hang or error");
      blocks = typeof turn.reply === "function" ? await turn.reply(req) : turn.reply;
    } catch (e) {
      const msg = `${what} reply failed: ${e instanceof Error ? e.message : String(e)}`;
      problem({ message: msg, requestIndex: c.index, turn: c.turn });
      blocks = [{ type: "text", text: `[scripted model] ${msg}` }];
    }
    const served = finalize(blocks);
    const stopReason = turn.stopReason ?? (served.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn");
    c.reply = served;
    c.stopReason = stopReason;
    writeMessage(res, req, served, stopReason, turn.usage);
  }

  async function handle(httpReq: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = httpReq.method ?? "GET";
    const path = httpReq.url ?? "/";
    const pathname = path.split("?")[0] ?? path;
    let rawBody = "";
    try {
      rawBody = await readBody(httpReq);
    } catch {
      rawBody = "";
    }
    let parsed: unknown = undefined;
    let parseError: string | undefined;
    if (rawBody.length > 0) {
      try {
        parsed = JSON.parse(rawBody);
      } catch (e) {
        parseError = e instanceof Error ? e.message : String(e);
      }
    }
    const cls = opts.classify?.(method, path, httpReq.headers, parsed) ?? classifyRequest(method, path, httpReq.headers, parsed);
    const c: CapturedRequest = {
      index: requests.length,
      method,
      path,
      headers: redactHeaders(httpReq.headers),
      body: (typeof parsed === "object" && parsed !== null ? parsed : {}) as MessagesRequest,
      rawBody,
      kind: cls.kind,
      requestClass: cls.requestClass,
      reason: cls.reason,
    };

    // Claim the turn before anything asynchronous, so that turns follow arrival order.
    let claimed: { turn: Turn; n: number } | undefined;
    if (c.kind === "main") {
      claimed = queue.shift();
    } else if (c.kind === "aux" && (c.requestClass === "subagent" || c.requestClass === "workflow")) {
      claimed = subQueue.shift();
    }
    if (claimed) {
      c.turn = claimed.n;
      if (claimed.turn.hang) c.hung = true;
    }
    capture(c);

    if (method === "POST" && (pathname === "/v1/messages" || pathname === "/v1/messages/count_tokens") && parseError !== undefined) {
      problem({ message: `request #${c.index} ${path}: body is not JSON (${parseError})`, requestIndex: c.index });
      sendJson(res, 400, errorBody("invalid_request_error", `Body is not JSON: ${parseError}`));
      return;
    }

    if (method === "POST" && pathname === "/v1/messages/count_tokens") {
      sendJson(res, 200, JSON.stringify({ input_tokens: Math.max(1, Math.ceil(rawBody.length / 4)) }));
      return;
    }
    if ((method === "HEAD" || method === "GET") && (pathname === "/" || pathname === "/api/hello")) {
      // The CLI's connection warm-up (sent when non-essential traffic is allowed).
      if (method === "HEAD") {
        res.writeHead(200);
        res.end();
      } else sendJson(res, 200, "{}");
      return;
    }
    if (!(method === "POST" && pathname === "/v1/messages")) {
      sendJson(res, 404, errorBody("not_found_error", `Scripted model: no route for ${method} ${pathname}`));
      return;
    }
    if (!Array.isArray(c.body.messages)) {
      problem({ message: `request #${c.index}: Messages request without a messages array`, requestIndex: c.index });
      sendJson(res, 400, errorBody("invalid_request_error", "messages: Field required"));
      return;
    }

    if (c.kind === "main") {
      if (!claimed) {
        problem({
          message: `request #${c.index} (main): no scripted turn left; the CLI sent ${describeRequest(c).split(": ").slice(1).join(": ")}`,
          requestIndex: c.index,
        });
        const served: Block[] = [{ type: "text", text: "[scripted model] the script is exhausted; no turn left for this request." }];
        c.reply = served;
        c.stopReason = "end_turn";
        writeMessage(res, c.body, served, "end_turn", undefined);
        return;
      }
      await serveTurn(res, c, claimed.turn, `turn #${claimed.n}${claimed.turn.label ? ` (${claimed.turn.label})` : ""}`);
      return;
    }
    if (claimed) {
      await serveTurn(res, c, claimed.turn, `subagent turn #${claimed.n}${claimed.turn.label ? ` (${claimed.turn.label})` : ""}`);
      return;
    }
    let blocks: Block[];
    try {
      blocks = opts.aux?.(c.body, c) ?? defaultAuxReply(c);
    } catch (e) {
      problem({ message: `aux handler failed on request #${c.index}: ${e instanceof Error ? e.message : String(e)}`, requestIndex: c.index });
      blocks = defaultAuxReply(c);
    }
    const served = finalize(blocks);
    c.reply = served;
    c.stopReason = served.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
    writeMessage(res, c.body, served, c.stopReason, undefined);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      problem({ message: `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
      if (!res.headersSent) sendJson(res, 500, errorBody("api_error", "Scripted model internal error"));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const model: ScriptedModel = {
    url,
    port,
    script(turns) {
      for (const turn of turns) queue.push({ turn, n: scripted++ });
    },
    scriptSubagent(turns) {
      for (const turn of turns) subQueue.push({ turn, n: subScripted++ });
    },
    get requests() {
      return requests;
    },
    get mainRequests() {
      return requests.filter((r) => r.kind === "main" && r.turn !== undefined);
    },
    get auxRequests() {
      return requests.filter((r) => r.kind === "aux");
    },
    remaining() {
      return queue.map((q) => q.turn);
    },
    get problems() {
      return problems;
    },
    assertDone() {
      const lines: string[] = [];
      if (queue.length > 0) {
        lines.push(
          `${queue.length} scripted turn(s) never consumed: ${queue.map((q) => `#${q.n}${q.turn.label ? ` (${q.turn.label})` : ""}`).join(", ")}`,
        );
      }
      if (subQueue.length > 0) lines.push(`${subQueue.length} scripted subagent turn(s) never consumed`);
      for (const p of problems) lines.push(`problem: ${p.message}`);
      if (lines.length === 0) return;
      const seen = requests.length ? requests.map((r) => `  ${describeRequest(r)}`).join("\n") : "  (none)";
      throw new Error(`Scripted model is not done:\n${lines.map((l) => `- ${l}`).join("\n")}\nRequests seen:\n${seen}`);
    },
    waitForRequest(match = () => true, waitOpts = {}) {
      const found = requests.find(match);
      if (found) return Promise.resolve(found);
      if (closed) return Promise.reject(new Error("Scripted model is closed"));
      return new Promise<CapturedRequest>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const w = {
          match,
          resolve: (r: CapturedRequest) => {
            if (timer) clearTimeout(timer);
            resolve(r);
          },
          reject: (e: Error) => {
            if (timer) clearTimeout(timer);
            reject(e);
          },
        };
        waiters.add(w);
        if (waitOpts.timeoutMs !== undefined) {
          timer = setTimeout(() => {
            waiters.delete(w);
            const seen = requests.map((r) => `  ${describeRequest(r)}`).join("\n") || "  (none)";
            reject(new Error(`No matching request within ${waitOpts.timeoutMs} ms. Requests seen:\n${seen}`));
          }, waitOpts.timeoutMs);
        }
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const w of [...waiters]) w.reject(new Error("Scripted model closed before a matching request arrived"));
      waiters.clear();
      for (const res of hanging) res.destroy();
      hanging.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  if (opts.turns) model.script(opts.turns);
  return model;
}
