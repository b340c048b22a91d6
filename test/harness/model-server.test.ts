// The scripted model's HTTP behaviour and the request readers, without the CLI.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  classifyRequest,
  deferredToolNames,
  firstUserText,
  lastToolResults,
  lastUserText,
  offersTool,
  startModel,
  structuredOutput,
  systemText,
  text,
  thinking,
  toolNames,
  toolSearch,
  toolUse,
  type MessagesRequest,
  type ScriptedModel,
} from "../support/model";

let model: ScriptedModel;

beforeEach(async () => {
  model = await startModel();
});

afterEach(async () => {
  await model.close();
});

const ENV_SECTION = "# Environment\nYou have been invoked in the following environment: \n - Primary working directory: /tmp/w";

function mainBody(extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return {
    model: "claude-opus-5-5",
    max_tokens: 1000,
    tools: [{ name: "Bash", input_schema: { type: "object" } }],
    messages: [
      { role: "user", content: [{ type: "text", text: "hello" }] },
      { role: "system", content: ENV_SECTION },
    ],
    ...extra,
  };
}

async function post(body: unknown, headers: Record<string, string> = {}, path = "/v1/messages?beta=true"): Promise<Response> {
  return fetch(`${model.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-secret", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(raw: string): SseEvent[] {
  return raw
    .split("\n\n")
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const event = /^event: (.*)$/m.exec(chunk)?.[1] ?? "";
      const data = JSON.parse(/^data: (.*)$/m.exec(chunk)?.[1] ?? "{}") as Record<string, unknown>;
      return { event, data };
    });
}

describe("scripted model HTTP API", () => {
  it("streams a turn as Anthropic SSE events", async () => {
    model.script([{ reply: [thinking("hmm"), text("Running it."), toolUse("Bash", { command: "ls" })] }]);

    const res = await post(mainBody({ stream: true }), { "x-claude-code-request-class": "main" });

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events[0]!.data.message).toMatchObject({ role: "assistant", model: "claude-opus-5-5", content: [], stop_reason: null });
    expect(events[9]!.data.content_block).toEqual({ type: "tool_use", id: "toolu_scripted_0001", name: "Bash", input: {} });
    expect(events[10]!.data.delta).toEqual({ type: "input_json_delta", partial_json: '{"command":"ls"}' });
    expect(events[12]!.data.delta).toEqual({ stop_reason: "tool_use", stop_sequence: null });

    expect(model.mainRequests).toHaveLength(1);
    const captured = model.mainRequests[0]!;
    expect(captured).toMatchObject({ kind: "main", requestClass: "main", reason: "header", turn: 0, stopReason: "tool_use" });
    expect(captured.headers["x-api-key"]).toBe("[redacted]");
    expect(captured.body.messages[0]).toEqual({ role: "user", content: [{ type: "text", text: "hello" }] });
    model.assertDone();
  });

  it("answers a non-streaming request with a JSON message", async () => {
    model.script([{ reply: [structuredOutput({ ok: true })], stopReason: "end_turn", usage: { input_tokens: 7, output_tokens: 3 } }]);

    const res = await post(mainBody());

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      type: "message",
      role: "assistant",
      content: [{ type: "tool_use", id: "toolu_scripted_0001", name: "StructuredOutput", input: { ok: true } }],
      stop_reason: "end_turn",
      usage: { input_tokens: 7, output_tokens: 3 },
    });
    model.assertDone();
  });

  it("estimates count_tokens and answers unknown routes with an Anthropic error", async () => {
    const counted = await post(mainBody(), {}, "/v1/messages/count_tokens?beta=true");
    expect(counted.status).toBe(200);
    const { input_tokens } = (await counted.json()) as { input_tokens: number };
    expect(input_tokens).toBeGreaterThan(10);

    const missing = await fetch(`${model.url}/v1/models`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      type: "error",
      error: { type: "not_found_error", message: "Scripted model: no route for GET /v1/models" },
    });

    expect(model.requests.map((r) => r.kind)).toEqual(["other", "other"]);
    model.assertDone();
  });

  it("serves side requests a default answer without consuming turns", async () => {
    model.script([{ reply: [text("main answer")] }]);

    // Classified by the CLI's header…
    const suggestion = await post(mainBody({ stream: false }), { "x-claude-code-request-class": "auxiliary" });
    // …and by content when the header is missing.
    const webFetch = await post({ model: "m", max_tokens: 10, tools: [], messages: [{ role: "user", content: "\nWeb page content:\n---\nhi" }] });
    const compaction = await post(
      mainBody({
        messages: [
          { role: "user", content: "hello" },
          { role: "user", content: [{ type: "text", text: "CRITICAL: Respond with TEXT ONLY. Your task is to create a detailed summary of the conversation so far" }] },
        ],
      }),
    );

    expect(((await suggestion.json()) as { content: unknown }).content).toEqual([{ type: "text", text: "Scripted model: auxiliary answer." }]);
    expect(await webFetch.json()).toMatchObject({ content: [{ type: "text" }], stop_reason: "end_turn" });
    expect(JSON.stringify(await compaction.json())).toContain("<summary>");
    expect(model.auxRequests.map((r) => [r.requestClass, r.reason])).toEqual([
      ["auxiliary", "header"],
      ["auxiliary", "web-fetch-summary"],
      ["compaction", "compaction-prompt"],
    ]);
    expect(model.remaining()).toHaveLength(1);

    await post(mainBody());
    model.assertDone();
  });

  it("serves subagents from their own queue", async () => {
    model.scriptSubagent([{ reply: [text("sub answer")] }]);
    model.script([{ reply: [text("main answer")] }]);

    const sub = await post(mainBody(), { "x-claude-code-request-class": "subagent", "x-claude-code-agent-id": "a1" });
    const subDefault = await post(mainBody(), { "x-claude-code-agent-id": "a2" });
    const main = await post(mainBody());

    expect(await sub.json()).toMatchObject({ content: [{ type: "text", text: "sub answer" }] });
    expect(await subDefault.json()).toMatchObject({ content: [{ type: "text", text: "Scripted model: the subagent has nothing to report." }] });
    expect(await main.json()).toMatchObject({ content: [{ type: "text", text: "main answer" }] });
    expect(model.requests.map((r) => [r.kind, r.requestClass, r.turn])).toEqual([
      ["aux", "subagent", 0],
      ["aux", "subagent", undefined],
      ["main", "main", 0],
    ]);
    model.assertDone();
  });

  it("answers scripted API errors", async () => {
    model.script([{ error: { status: 529 } }, { error: { status: 400, message: "prompt is too long" } }]);

    const overloaded = await post(mainBody());
    const invalid = await post(mainBody());

    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toEqual({ type: "error", error: { type: "overloaded_error", message: "Scripted overloaded_error" } });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: "prompt is too long" } });
    model.assertDone();
  });

  it("records failing reply functions, bad bodies and unconsumed turns", async () => {
    model.script([
      {
        reply: () => {
          throw new Error("boom");
        },
      },
      { label: "never reached", reply: [text("unused")] },
    ]);

    const res = await post(mainBody());
    expect(await res.json()).toMatchObject({ content: [{ type: "text", text: "[scripted model] turn #0 reply failed: boom" }] });
    const bad = await post("{not json");
    expect(bad.status).toBe(400);

    expect(model.problems.map((p) => p.message)).toEqual([
      "turn #0 reply failed: boom",
      expect.stringMatching(/^request #1 \/v1\/messages\?beta=true: body is not JSON/),
    ]);
    expect(() => model.assertDone()).toThrow(/1 scripted turn\(s\) never consumed: #1 \(never reached\)[\s\S]*problem: turn #0 reply failed: boom/);
  });

  it("waits for requests, with an optional timeout", async () => {
    model.script([{ reply: [text("a")], delayMs: 20 }]);
    const waiting = model.waitForRequest((r) => r.kind === "main");
    const res = await post(mainBody());
    expect((await waiting).index).toBe(0);
    expect(await res.json()).toMatchObject({ content: [{ type: "text", text: "a" }] });
    // Already received requests match at once.
    expect((await model.waitForRequest()).index).toBe(0);

    await expect(model.waitForRequest((r) => r.kind === "aux", { timeoutMs: 10 })).rejects.toThrow(/No matching request within 10 ms/);
    const pending = model.waitForRequest((r) => r.kind === "aux");
    await model.close();
    await expect(pending).rejects.toThrow(/closed/);
  });

  it("closes while a request hangs", async () => {
    model.script([{ hang: true }]);
    const res = post(mainBody({ stream: true }));
    const captured = await model.waitForRequest();
    expect(captured.hung).toBe(true);
    await model.close();
    await expect(res).rejects.toThrow();
  });
});

describe("request readers", () => {
  const req: MessagesRequest = {
    model: "claude-opus-5-5",
    system: [{ type: "text", text: "You are a Claude agent." }],
    tools: [
      { name: "Bash", input_schema: {} },
      { name: "ToolSearch", input_schema: {} },
      { name: "DeferredToolPlaceholder", input_schema: {}, defer_loading: true },
      { name: "mcp__gitea__get_issue", input_schema: {}, defer_loading: true },
    ],
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "<system-reminder>\nAttribution rules\n</system-reminder>\n" },
          { type: "text", text: "fix issue 7" },
        ],
      },
      {
        role: "system",
        content: [
          {
            type: "text",
            text: `${ENV_SECTION}\n\nThe following deferred tools are now available via ToolSearch. Their schemas are NOT loaded — calling them directly will fail with InputValidationError. Use ToolSearch with query "select:<name>[,<name>...]" to load tool schemas before calling them:\nWebFetch\nmcp__gitea__get_issue\nmcp__gitea__comment\n\nAvailable agent types for the Agent tool:\n- claude: x`,
          },
        ],
      },
      { role: "assistant", content: [toolSearch(["mcp__gitea__get_issue"], "toolu_1")] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "tool_reference", tool_name: "mcp__gitea__get_issue" }] },
          { type: "text", text: "Tool loaded." },
        ],
      },
      { role: "assistant", content: [toolUse("mcp__gitea__get_issue", { n: 7 }, "toolu_2"), toolUse("Bash", { command: "false" }, "toolu_3")] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "Issue 7" }, { type: "text", text: "body" }] },
          { type: "tool_result", tool_use_id: "toolu_3", content: "Exit code 1", is_error: true },
        ],
      },
      { role: "system", content: "Today's date is 2026-11-21." },
    ],
  };

  it("reads prompts, system text and tool results", () => {
    expect(firstUserText(req)).toBe("fix issue 7");
    expect(lastUserText(req)).toBe("");
    expect(systemText(req)).toContain("You are a Claude agent.");
    expect(systemText(req)).toContain("Primary working directory: /tmp/w");
    expect(systemText(req)).toContain("Today's date is 2026-11-21.");
    expect(lastToolResults(req)).toEqual([
      { tool_use_id: "toolu_2", is_error: false, text: "Issue 7\nbody" },
      { tool_use_id: "toolu_3", is_error: true, text: "Exit code 1" },
    ]);
  });

  it("separates offered tools from deferred ones", () => {
    expect(deferredToolNames(req)).toEqual(["WebFetch", "mcp__gitea__get_issue", "mcp__gitea__comment"]);
    // Loaded through ToolSearch (tool_reference), so now callable with its schema.
    expect(toolNames(req)).toEqual(["Bash", "ToolSearch", "mcp__gitea__get_issue"]);
    expect(offersTool(req, "mcp__gitea__comment")).toBe(true);
    expect(offersTool(req, "mcp__gitea__delete_repo")).toBe(false);
  });

  it("classifies without the CLI's header", () => {
    const noHeaders = {};
    expect(classifyRequest("POST", "/v1/messages?beta=true", noHeaders, req).kind).toBe("main");
    expect(classifyRequest("POST", "/v1/messages/count_tokens", noHeaders, req).kind).toBe("other");
    expect(classifyRequest("HEAD", "/api/hello", noHeaders, undefined).kind).toBe("other");
    // With no tools, the agent loop still carries its environment section.
    expect(classifyRequest("POST", "/v1/messages", noHeaders, { ...req, tools: [] }).kind).toBe("main");
    expect(classifyRequest("POST", "/v1/messages", noHeaders, { model: "m", messages: [{ role: "user", content: "Summarise: x" }] })).toEqual({
      kind: "aux",
      requestClass: "auxiliary",
      reason: "no-tools-no-agent-context",
    });
    const suggestion = { ...req, messages: [...req.messages, { role: "user", content: "[SUGGESTION MODE: Suggest what the user might type]" }] };
    expect(classifyRequest("POST", "/v1/messages", noHeaders, suggestion).reason).toBe("prompt-suggestion");
    const subagentSystem = { ...req, system: [{ type: "text", text: "x-anthropic-billing-header: cc_version=2.1.330.ed0; cc_is_subagent=true;" }] };
    expect(classifyRequest("POST", "/v1/messages", noHeaders, subagentSystem).requestClass).toBe("subagent");
    // The header wins over content.
    expect(classifyRequest("POST", "/v1/messages", { "x-claude-code-request-class": "side_reply" }, req)).toEqual({
      kind: "aux",
      requestClass: "side_reply",
      reason: "header",
    });
  });
});
