// The scripted model driving the real claude CLI (print mode, stream-json).
// Each test starts its own model and a throw-away HOME and working directory.

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  deferredToolNames,
  echoMcpConfig,
  firstUserText,
  lastToolResults,
  lastUserText,
  mcpToolName,
  messageText,
  runClaude,
  sandbox,
  startModel,
  structuredOutput,
  systemText,
  text,
  toolDefinition,
  toolNames,
  toolUse,
  type ClaudeRun,
  type Sandbox,
  type ScriptedModel,
  type StreamMessage,
} from "../support/model";

const execFileAsync = promisify(execFile);

let model: ScriptedModel;
let box: Sandbox;

beforeEach(async () => {
  model = await startModel();
  box = await sandbox("model-test");
});

afterEach(async () => {
  await model.close();
  await box.cleanup();
});

function claude(prompt: string, args: string[] = [], env?: Record<string, string>): Promise<ClaudeRun> {
  return runClaude({ prompt, args, modelUrl: model.url, home: box.home, cwd: box.cwd, ...(env ? { env } : {}) }).done;
}

/** A readable failure: the CLI's stderr and the model's view of the conversation. */
function explain(run: ClaudeRun): string {
  let report = "";
  try {
    model.assertDone();
  } catch (e) {
    report = (e as Error).message;
  }
  return `exit ${run.code} ${run.signal ?? ""}\nstderr:\n${run.stderr.slice(-2000)}\nresult: ${JSON.stringify(run.result)}\n${report}`;
}

function expectSuccess(run: ClaudeRun): StreamMessage {
  expect(run.result, explain(run)).toBeDefined();
  expect(run.result?.subtype, explain(run)).toBe("success");
  expect(run.result?.is_error, explain(run)).toBe(false);
  expect(run.code, explain(run)).toBe(0);
  return run.result as StreamMessage;
}

const SCHEMA = {
  type: "object",
  properties: {
    verdict: { type: "string", enum: ["approve", "reject"] },
    count: { type: "integer" },
  },
  required: ["verdict", "count"],
  additionalProperties: false,
};

describe("scripted model with the real claude CLI", () => {
  it("answers with plain text", async () => {
    model.script([
      {
        check: (req) => {
          expect(firstUserText(req)).toBe("say hi");
          expect(toolNames(req)).toContain("Bash");
          expect(systemText(req)).toContain(`Primary working directory: ${box.cwd}`);
        },
        reply: [text("Hello from the script")],
      },
    ]);

    const run = await claude("say hi");

    const result = expectSuccess(run);
    expect(result.result).toBe("Hello from the script");
    model.assertDone();
    expect(model.mainRequests).toHaveLength(1);
    expect(model.auxRequests).toHaveLength(0);
    const first = model.mainRequests[0]!;
    expect(first.body.stream).toBe(true);
    expect(first.headers["x-api-key"]).toBe("[redacted]");
    expect(first.headers["x-claude-code-request-class"]).toBe("main");
  });

  it("runs an allowed Bash command and sends its output back", async () => {
    await execFileAsync("git", ["init", "-q", "-b", "main", box.cwd]);
    model.script([
      { reply: [text("Let me look."), toolUse("Bash", { command: "git status", description: "Show the working tree status" })] },
      {
        check: (req) => {
          const results = lastToolResults(req);
          expect(results).toHaveLength(1);
          expect(results[0]!.tool_use_id).toBe(model.mainRequests[0]!.reply!.find((b) => b.type === "tool_use")!.id);
          expect(results[0]!.is_error).toBe(false);
          expect(results[0]!.text).toContain("On branch main");
          expect(results[0]!.text).toContain("No commits yet");
        },
        reply: [text("The repository has no commits yet.")],
      },
    ]);

    const run = await claude("what is the git status?", ["--allowedTools", "Bash(git status:*)"]);

    expect(expectSuccess(run).result).toBe("The repository has no commits yet.");
    model.assertDone();
    // The first turn's tool call was served with a deterministic id.
    expect(model.mainRequests[0]!.reply).toContainEqual({
      type: "tool_use",
      id: "toolu_scripted_0001",
      name: "Bash",
      input: { command: "git status", description: "Show the working tree status" },
    });
    expect(model.mainRequests[0]!.stopReason).toBe("tool_use");
  });

  it("writes a file with the Write tool", async () => {
    const file = path.join(box.cwd, "notes", "hello.txt");
    model.script([
      { reply: [toolUse("Write", { file_path: file, content: "hello from the scripted model\n" })] },
      {
        check: (req) => {
          const [result] = lastToolResults(req);
          expect(result?.is_error).toBe(false);
          expect(result?.text).toContain(file);
        },
        reply: [text("Written.")],
      },
    ]);

    const run = await claude("write notes/hello.txt", ["--allowedTools", "Write"]);

    expectSuccess(run);
    model.assertDone();
    expect(await readFile(file, "utf8")).toBe("hello from the scripted model\n");
  });

  it("calls a tool of an MCP server given with --mcp-config (deferred for ToolSearch)", async () => {
    const mcp = await echoMcpConfig(box.root, "echo");
    const tool = mcpToolName("echo", "echo");
    model.script([
      {
        check: (req) => {
          // MCP tools are not offered with a schema: they are announced by name for ToolSearch.
          expect(deferredToolNames(req)).toContain(tool);
          expect(toolNames(req)).not.toContain(tool);
        },
        // Calling the announced name directly works without loading it first.
        reply: (req) => (deferredToolNames(req).includes(tool) ? [toolUse(tool, { text: "ping" })] : [text(`${tool} is missing`)]),
      },
      {
        check: (req) => {
          expect(lastToolResults(req)).toEqual([{ tool_use_id: "toolu_scripted_0001", is_error: false, text: "echo: ping" }]);
        },
        reply: [text("The server said: echo: ping")],
      },
    ]);

    const run = await claude("echo ping", ["--mcp-config", mcp.configFile, "--strict-mcp-config", "--allowedTools", tool]);

    expectSuccess(run);
    model.assertDone();
    expect(await mcp.calls()).toEqual([{ tool: "echo", text: "ping" }]);
    const init = run.messages.find((m) => m.type === "system" && m.subtype === "init");
    expect(init?.mcp_servers).toContainEqual(expect.objectContaining({ name: "echo", status: "connected" }));
  });

  it("returns structured output with --json-schema", async () => {
    const answer = { verdict: "approve", count: 3 };
    model.script([
      {
        check: (req) => {
          expect(toolNames(req)).toContain("StructuredOutput");
          expect(toolDefinition(req, "StructuredOutput")?.input_schema).toEqual(SCHEMA);
        },
        reply: [structuredOutput(answer)],
      },
    ]);

    const run = await claude("review this", ["--json-schema", JSON.stringify(SCHEMA)]);

    const result = expectSuccess(run);
    expect(result.structured_output).toEqual(answer);
    expect(JSON.parse(String(result.result))).toEqual(answer);
    // A valid StructuredOutput ends the run: no further request for the tool result.
    model.assertDone();
    expect(model.mainRequests).toHaveLength(1);
  });

  it("rejects a StructuredOutput that violates the schema and accepts the retry", async () => {
    const answer = { verdict: "reject", count: 0 };
    model.script([
      { reply: [structuredOutput({ verdict: "maybe", count: "three" })] },
      {
        check: (req) => {
          const [result] = lastToolResults(req);
          expect(result?.is_error).toBe(true);
          expect(result?.text).toMatch(/^Output does not match required schema: /);
          expect(result?.text).toContain("/count: must be integer");
        },
        reply: [structuredOutput(answer)],
      },
    ]);

    const run = await claude("review this", ["--json-schema", JSON.stringify(SCHEMA)]);

    expect(expectSuccess(run).structured_output).toEqual(answer);
    model.assertDone();
  });

  it("gives up after MAX_STRUCTURED_OUTPUT_RETRIES invalid StructuredOutput calls", async () => {
    model.script([{ reply: [structuredOutput({ verdict: 1 })] }, { reply: [structuredOutput({ verdict: 2 })] }]);

    const run = await claude("review this", ["--json-schema", JSON.stringify(SCHEMA)], { MAX_STRUCTURED_OUTPUT_RETRIES: "2" });

    expect(run.code).toBe(1);
    expect(run.result?.subtype).toBe("error_max_structured_output_retries");
    expect(run.result?.is_error).toBe(true);
    expect(run.result?.structured_output ?? null).toBeNull();
    model.assertDone();
  });

  it("reports failed checks and an exhausted script", async () => {
    await execFileAsync("git", ["init", "-q", box.cwd]);
    model.script([
      {
        label: "wrong expectation",
        check: (req) => expect(firstUserText(req)).toBe("something else"),
        reply: [toolUse("Bash", { command: "git status", description: "status" })],
      },
    ]);

    const run = await claude("run git status", ["--allowedTools", "Bash(git status:*)"]);

    // The CLI still finishes: the failed check's reply is served, the extra request gets a closing text.
    expectSuccess(run);
    expect(model.problems.map((p) => p.message)).toEqual([
      expect.stringContaining("turn #0 (wrong expectation) check failed"),
      expect.stringContaining("no scripted turn left"),
    ]);
    expect(model.remaining()).toEqual([]);
    expect(() => model.assertDone()).toThrow(/check failed[\s\S]*no scripted turn left[\s\S]*Requests seen:/);
  });

  it("keeps the CLI waiting on a hung turn until the test kills it", async () => {
    model.script([{ hang: true }]);

    const { child, done } = runClaude({ prompt: "say hi", modelUrl: model.url, home: box.home, cwd: box.cwd });
    const request = await model.waitForRequest((r) => r.kind === "main");
    expect(request.hung).toBe(true);
    expect(lastUserText(request.body)).toBe("say hi");
    expect(child.exitCode).toBeNull();
    child.kill("SIGKILL");
    const run = await done;

    expect(run.signal).toBe("SIGKILL");
    expect(run.result).toBeUndefined();
    model.assertDone();
  });

  it("answers prompt-suggestion side requests without consuming turns", async () => {
    await execFileAsync("git", ["init", "-q", box.cwd]);
    // The CLI asks for a suggestion once the conversation has had a tool round trip.
    model.script([{ reply: [toolUse("Bash", { command: "git status", description: "status" })] }, { reply: [text("Done.")] }]);

    const run = await claude("check the status", ["--allowedTools", "Bash(git status:*)", "--prompt-suggestions", "true"]);

    expect(expectSuccess(run).result).toBe("Done.");
    model.assertDone();
    expect(model.mainRequests).toHaveLength(2);
    const [aux, ...more] = model.auxRequests;
    expect(more).toEqual([]);
    expect(aux?.requestClass).toBe("auxiliary");
    expect(lastUserText(aux!.body)).toMatch(/^\[SUGGESTION MODE:/);
    expect(run.messages).toContainEqual(expect.objectContaining({ type: "prompt_suggestion", suggestion: "Scripted model: auxiliary answer." }));
  });

  it("runs a subagent from its own script", async () => {
    model.script([
      { reply: [toolUse("Agent", { description: "look around", prompt: "List the files", subagent_type: "general-purpose" })] },
      // The Agent tool returns at once ("Async agent launched"); the main loop answers, then hears back.
      {
        check: (req) => expect(lastToolResults(req)[0]?.text).toContain("Async agent launched successfully"),
        reply: [text("Waiting for the agent.")],
      },
      {
        check: (req) => {
          const notification = messageText(req.messages.at(-1), { reminders: true });
          expect(notification).toContain("<task-notification>");
          expect(notification).toContain("<result>Nothing but a README.</result>");
        },
        reply: [text("The agent found a README.")],
      },
    ]);
    model.scriptSubagent([
      {
        check: (req) => expect(firstUserText(req)).toBe("List the files"),
        reply: [text("Nothing but a README.")],
      },
    ]);

    const run = await claude("look around");

    expect(expectSuccess(run).result).toBe("The agent found a README.");
    model.assertDone();
    const [sub, ...others] = model.auxRequests;
    expect(others).toEqual([]);
    expect(sub).toMatchObject({ kind: "aux", requestClass: "subagent", turn: 0 });
    expect(sub?.headers["x-claude-code-agent-type"]).toBe("general-purpose");
  });

  it("answers auto-compaction without consuming turns", async () => {
    await execFileAsync("git", ["init", "-q", box.cwd]);
    model.script([
      // Report a context far over the 100k auto-compact window: the CLI compacts before the third turn.
      { reply: [toolUse("Bash", { command: "git status", description: "status" })], usage: { input_tokens: 190_000 } },
      { reply: [toolUse("Bash", { command: "git status", description: "status" })], usage: { input_tokens: 190_000 } },
      { reply: [text("Done after compaction.")] },
    ]);

    const run = await claude("check the status", ["--allowedTools", "Bash(git status:*)", "--autocompact", "100000"]);

    expect(expectSuccess(run).result).toBe("Done after compaction.");
    model.assertDone();
    expect(model.auxRequests.map((r) => r.requestClass)).toEqual(["compaction"]);
    const compaction = model.auxRequests[0]!;
    expect(compaction.headers["x-claude-code-compaction"]).toBe("auto");
    expect(lastUserText(compaction.body)).toContain("Your task is to create a detailed summary of the conversation");
    // The turn after compaction starts from the (default) summary.
    expect(firstUserText(model.mainRequests[2]!.body)).toContain("This session is being continued from a previous conversation");
    expect(firstUserText(model.mainRequests[2]!.body)).toContain("Scripted model summary of the conversation so far.");
  });
});
