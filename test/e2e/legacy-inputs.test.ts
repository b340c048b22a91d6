/**
 * Every v0.0.63 input at the pinned base action (DESIGN.md §2, migration
 * table), end to end with the real claude CLI: one test per row, asserting on
 * what the CLI was started with (argv, environment, ~/.claude/settings.json,
 * the --mcp-config file — recorded by a stand-in executable that execs the real
 * CLI) and on what it sent the model (tools offered, system text, prompt, model)
 * and what came of it (tool results, files, the tracking comment).
 *
 * Two CLI runs carry all rows (timeout_minutes: timeout.test.ts):
 *   A: allowed/disallowed tools (input and claude_args), mcp_config and --mcp-config (echo servers,
 *      and an env server showing claude_env reaches MCP servers), model, fallback_model,
 *      custom_instructions, append_system_prompt, claude_env, settings (JSON);
 *   B: max_turns, system_prompt, anthropic_model, settings (a workspace path) + claude_env,
 *      and the controls for A (the commands A allowed are refused without its inputs).
 *
 * Passes against the local stand-in and, with BASE_ACTION_DIR, the real pinned base action.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudeComment, envMcpServer, requestMark, resultMessage } from "../support/claude-e2e";
import { cliRecorder, flagCount, flagValues, type CliStart } from "../support/cli-recorder";
import {
  allToolResults,
  deferredToolNames,
  echoMcpConfig,
  firstUserText,
  systemText,
  text,
  toolNames,
  toolUse,
  type CapturedRequest,
  type EchoMcp,
  type ToolResult,
} from "../support/model/index";
import { BASE_ACTION_STANDIN } from "../support/runner/index";
import { World, step } from "../support/scenario";

const SETTINGS_FILE = { permissions: { deny: ["Bash(git status:*)"] }, env: { FROM_SETTINGS_FILE: "kept from the file" } };

let world: World;
beforeAll(async () => {
  world = await World.start({
    files: {
      "README.md": "# app\n\nA small app.\n",
      "ci/claude-settings.json": `${JSON.stringify(SETTINGS_FILE, null, 2)}\n`,
    },
  });
});
afterAll(async () => world?.close());

type Run = {
  result: Awaited<ReturnType<World["runAction"]>>;
  requests: CapturedRequest[];
  start: CliStart;
  results: Map<string, ToolResult>;
  comment: string;
};

/** The CLI start (exactly one besides --version probes) and every tool result by id. */
async function collect(
  result: Run["result"],
  mark: ReturnType<typeof requestMark>,
  recorder: Awaited<ReturnType<typeof cliRecorder>>,
  comments: () => Array<{ id: number; body: string }>,
): Promise<Run> {
  const starts = await recorder.starts();
  expect(starts, "the CLI was started once").toHaveLength(1);
  const requests = mark.main();
  const last = requests.at(-1)!;
  const results = new Map(allToolResults(last.body).map((r) => [r.tool_use_id, r]));
  const comment = comments().find((c) => c.id === Number(result.outputs.comment_id))?.body ?? "";
  return { result, requests, start: starts[0]!, results, comment };
}

describe("v0.0.63 inputs at the pin, run A (tools, MCP, model, prompts, claude_env, settings JSON)", () => {
  let a: Run;
  let echo: EchoMcp;
  let echo2: EchoMcp;

  beforeAll(async () => {
    const recorder = await cliRecorder(path.join(world.dir, "recorder-a"));
    echo = await echoMcpConfig(world.dir, "echo");
    echo2 = await echoMcpConfig(world.dir, "echo2");
    const echo2Json = JSON.stringify(JSON.parse(await readFile(echo2.configFile, "utf8")));
    const echoConfig = JSON.parse(await readFile(echo.configFile, "utf8")) as { mcpServers: Record<string, unknown> };
    const trigger = await claudeComment(world, "Legacy inputs A");
    const mark = requestMark(world);
    world.script([
      {
        reply: [
          toolUse("Bash", { command: "touch allowed-by-input.txt" }, "toolu_touch"),
          toolUse("Bash", { command: "mkdir allowed-by-settings" }, "toolu_mkdir"),
          toolUse("Bash", { command: "cp README.md copy.md" }, "toolu_cp"),
          toolUse("Bash", { command: "git log --oneline -1" }, "toolu_gitlog"),
          toolUse("Bash", { command: "printenv FOO" }, "toolu_printenv"),
        ],
      },
      {
        reply: [
          toolUse("mcp__echo__echo", { text: "from mcp_config" }, "toolu_echo"),
          toolUse("mcp__echo2__echo", { text: "from --mcp-config" }, "toolu_echo2"),
          toolUse("mcp__gitea__update_claude_comment", { body: "Checked the legacy inputs." }, "toolu_gitea"),
          toolUse("mcp__env__getenv", { name: "FOO" }, "toolu_mcp_env"),
        ],
      },
      { reply: [text("Done.")] },
    ]);
    const result = await world.runAction({
      eventName: "issue_comment",
      event: trigger.event,
      timeoutMs: 240_000,
      with: {
        path_to_claude_code_executable: recorder.executable,
        // v0.0.63 style: newline separated; claude_args adds to the same lists.
        allowed_tools: "Bash(touch:*)\nmcp__echo__echo\nmcp__echo2__echo\nmcp__env__getenv\nWebFetch",
        disallowed_tools: "Bash(git log:*)",
        claude_args: `--allowedTools "Bash(printenv FOO:*)" --disallowedTools Write --mcp-config '${echo2Json}'`,
        mcp_config: JSON.stringify({ mcpServers: { ...echoConfig.mcpServers, env: envMcpServer() } }),
        model: "claude-legacy-model-1",
        fallback_model: "claude-legacy-fallback-1",
        custom_instructions: "Always sign as LEGACY-CUSTOM-7.",
        append_system_prompt: "APPEND-MARKER-42: keep answers short.",
        claude_env: "FOO: bar from claude_env\nOTHER: x",
        settings: JSON.stringify({ permissions: { allow: ["Bash(mkdir:*)"] } }),
      },
    });
    if (!result.success) console.log(result.log);
    a = await collect(result, mark, recorder, trigger.comments);
  }, 300_000);

  it("runs to a successful end, through the base action under test", () => {
    // The stand-in, or the real pinned base action when BASE_ACTION_DIR names a checkout of it.
    expect(a.start.env.GITHUB_ACTION_PATH).toBe(path.resolve(process.env.BASE_ACTION_DIR || BASE_ACTION_STANDIN));
    expect(a.result.success).toBe(true);
    expect(a.result.outputs.conclusion).toBe("success");
    world.model.assertDone();
    expect(a.requests).toHaveLength(3);
  });

  it("allowed_tools / disallowed_tools: one flag each, unioned with the action's and claude_args' lists, with their v0.0.63 effect", async () => {
    const { argv } = a.start;
    expect(flagCount(argv, "allowedTools")).toBe(1);
    expect(flagCount(argv, "disallowedTools")).toBe(1);
    const allowed = flagValues(argv, "allowedTools")[0]!.split(",");
    const disallowed = flagValues(argv, "disallowedTools")[0]!.split(",");
    // The action's defaults, the input and claude_args' --allowedTools, in one list.
    const ws = a.result.dirs.workspace;
    expect(allowed).toEqual(expect.arrayContaining([`Edit(/${ws}/**)`, `Read(/${ws}/**)`, "Bash(git add:*)", "mcp__gitea__update_claude_comment", "Bash(touch:*)", "mcp__echo__echo", "mcp__echo2__echo", "Bash(printenv FOO:*)"]));
    // What the user disallows is not also allowed (a default the user took back, and a file tool).
    expect(allowed).not.toContain("Bash(git log:*)");
    expect(allowed).not.toContain("Write");
    expect(disallowed).toEqual(expect.arrayContaining(["WebSearch", "Bash(git log:*)", "Write"]));
    // As at v0.0.63, the web tools are off unless allowed: WebFetch was, WebSearch was not.
    expect(allowed).toContain("WebFetch");
    expect(disallowed).not.toContain("WebFetch");

    // Effect: allowed commands run, others are refused, disallowed ones are denied although the action allows git log by default.
    expect(a.results.get("toolu_touch")).toMatchObject({ is_error: false });
    expect(existsSync(path.join(a.result.dirs.workspace, "allowed-by-input.txt"))).toBe(true);
    expect(a.results.get("toolu_cp")).toMatchObject({ is_error: true });
    expect(existsSync(path.join(a.result.dirs.workspace, "copy.md"))).toBe(false);
    expect(a.results.get("toolu_gitlog")?.is_error).toBe(true);
    expect(a.results.get("toolu_gitlog")?.text).toMatch(/denied/i);
    // A disallowed tool is not offered at all.
    const first = a.requests[0]!.body;
    expect(toolNames(first)).toContain("Bash");
    expect(toolNames(first)).toContain("Edit");
    expect(toolNames(first)).not.toContain("Write");
    const offered = [...toolNames(first), ...deferredToolNames(first)];
    expect(offered).toContain("WebFetch");
    expect(offered).not.toContain("WebSearch");
  });

  it("mcp_config and --mcp-config: merged with the action's servers into one --mcp-config file; all callable", async () => {
    const { argv, mcpConfig } = a.start;
    expect(flagCount(argv, "mcp-config")).toBe(1);
    expect(Object.keys(mcpConfig?.mcpServers ?? {}).sort()).toEqual(["echo", "echo2", "env", "gitea"]);
    const deferred = deferredToolNames(a.requests[0]!.body);
    expect(deferred).toEqual(expect.arrayContaining(["mcp__echo__echo", "mcp__echo2__echo", "mcp__gitea__update_claude_comment", "mcp__gitea__get_issue"]));
    expect(a.results.get("toolu_echo")).toEqual({ tool_use_id: "toolu_echo", is_error: false, text: "echo: from mcp_config" });
    expect(a.results.get("toolu_echo2")).toEqual({ tool_use_id: "toolu_echo2", is_error: false, text: "echo: from --mcp-config" });
    expect(await echo.calls()).toEqual([{ tool: "echo", text: "from mcp_config" }]);
    expect(await echo2.calls()).toEqual([{ tool: "echo", text: "from --mcp-config" }]);
    expect(a.results.get("toolu_gitea")?.is_error).toBe(false);
    expect(a.comment).toContain("Checked the legacy inputs.");
  });

  it("model: every request asks for it; --model and ANTHROPIC_MODEL carry it", () => {
    for (const r of a.requests) expect(r.body.model).toBe("claude-legacy-model-1");
    expect(flagValues(a.start.argv, "model")).toEqual(["claude-legacy-model-1"]);
    expect(a.start.env.ANTHROPIC_MODEL).toBe("claude-legacy-model-1");
  });

  it("fallback_model: passed to the CLI as --fallback-model", () => {
    expect(flagValues(a.start.argv, "fallback-model")).toEqual(["claude-legacy-fallback-1"]);
  });

  it("custom_instructions: in the prompt", () => {
    expect(firstUserText(a.requests[0]!.body)).toContain("Always sign as LEGACY-CUSTOM-7.");
  });

  it("append_system_prompt: appended to Claude Code's system prompt, through a file", () => {
    const [file] = flagValues(a.start.argv, "append-system-prompt-file");
    expect(file).toBeTruthy();
    expect(a.start.promptFiles["--append-system-prompt-file"]).toBe("APPEND-MARKER-42: keep answers short.");
    const system = systemText(a.requests[0]!.body);
    expect(system).toContain("APPEND-MARKER-42: keep answers short.");
    // Appended: Claude Code's own prompt is still there (run B replaces it).
    expect(system).toContain("You are Claude Code");
  });

  it("claude_env: in the settings' env, visible to Claude's tools and MCP servers (as the process env was at v0.0.63)", () => {
    expect(a.start.homeSettings?.env).toMatchObject({ FOO: "bar from claude_env", OTHER: "x" });
    expect(a.results.get("toolu_printenv")).toMatchObject({ is_error: false, text: "bar from claude_env" });
    expect(a.results.get("toolu_mcp_env")).toMatchObject({ is_error: false, text: "bar from claude_env" });
  });

  it("settings (JSON): the CLI's user settings hold it, and its permission rule lets a command run", () => {
    // The user's rule, next to the trust boundary's deny rules (which the settings file carries too).
    expect(a.start.homeSettings?.permissions).toMatchObject({ allow: ["Bash(mkdir:*)"], deny: expect.arrayContaining(["Read(//proc/**)"]) });
    expect(a.results.get("toolu_mkdir")).toMatchObject({ is_error: false });
    expect(existsSync(path.join(a.result.dirs.workspace, "allowed-by-settings"))).toBe(true);
  });
});

describe("v0.0.63 inputs at the pin, run B (max_turns, system_prompt, anthropic_model, settings path)", () => {
  let b: Run;

  beforeAll(async () => {
    const recorder = await cliRecorder(path.join(world.dir, "recorder-b"));
    const trigger = await claudeComment(world, "Legacy inputs B");
    const mark = requestMark(world);
    // Exactly two turns, both asking for tools: a third request would be an unscripted turn (assertDone).
    world.script([
      {
        reply: [
          toolUse("Bash", { command: "touch allowed-by-input.txt" }, "toolu_b_touch"),
          toolUse("Bash", { command: "mkdir allowed-by-settings" }, "toolu_b_mkdir"),
          toolUse("Bash", { command: "git status" }, "toolu_b_status"),
        ],
      },
      { reply: [toolUse("Bash", { command: "git diff" }, "toolu_b_diff")] },
    ]);
    const result = await world.runAction({
      eventName: "issue_comment",
      event: trigger.event,
      timeoutMs: 240_000,
      with: {
        path_to_claude_code_executable: recorder.executable,
        max_turns: "2",
        system_prompt: "SYSTEM-REPLACED-99: You are a terse reviewer of the acme/app repository.",
        anthropic_model: "claude-alias-model-2",
        settings: "ci/claude-settings.json",
        claude_env: "FROM_CLAUDE_ENV: merged",
      },
    });
    b = await collect(result, mark, recorder, trigger.comments);
  }, 300_000);

  it("max_turns: the run stops after that many turns, and the action fails saying why", async () => {
    expect(flagValues(b.start.argv, "max-turns")).toEqual(["2"]);
    expect(b.requests).toHaveLength(2);
    world.model.assertDone();
    expect((await resultMessage(b.result.outputs.execution_file))?.subtype).toBe("error_max_turns");
    expect(b.result.success).toBe(false);
    expect(step(b.result, "run")?.outcome).toBe("failure");
    expect(b.result.outputs.conclusion).toBe("failure");
    expect(b.comment).toContain("Claude encountered an error");
    expect(b.comment).toContain("maximum number of turns (2)");
    // The base action sets session_id only on success; the action still reports it (from the log).
    expect(b.result.outputs.session_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("system_prompt: replaces Claude Code's system prompt, through a file", () => {
    expect(b.start.promptFiles["--system-prompt-file"]).toBe("SYSTEM-REPLACED-99: You are a terse reviewer of the acme/app repository.");
    const system = systemText(b.requests[0]!.body);
    expect(system).toContain("SYSTEM-REPLACED-99: You are a terse reviewer of the acme/app repository.");
    expect(system).not.toContain("You are Claude Code");
  });

  it("anthropic_model (deprecated alias of model): the model of every request, --model and ANTHROPIC_MODEL", () => {
    for (const r of b.requests) expect(r.body.model).toBe("claude-alias-model-2");
    expect(flagValues(b.start.argv, "model")).toEqual(["claude-alias-model-2"]);
    expect(b.start.env.ANTHROPIC_MODEL).toBe("claude-alias-model-2");
  });

  it("settings (a workspace path) with claude_env merged into its env: the CLI's user settings, with effect", () => {
    expect(b.start.homeSettings?.permissions).toMatchObject({ deny: expect.arrayContaining([...SETTINGS_FILE.permissions.deny, "Read(//proc/**)"]) });
    expect(b.start.homeSettings?.env).toMatchObject({ FROM_SETTINGS_FILE: "kept from the file", FROM_CLAUDE_ENV: "merged" });
    // The file's deny rule wins over the action's default Bash(git status:*).
    expect(flagValues(b.start.argv, "allowedTools")[0]!.split(",")).toContain("Bash(git status:*)");
    expect(b.results.get("toolu_b_status")?.is_error).toBe(true);
    expect(b.results.get("toolu_b_status")?.text).toMatch(/denied/i);
  });

  it("controls for run A: without its allowed_tools and settings, the same commands are refused", () => {
    expect(b.results.get("toolu_b_touch")?.is_error).toBe(true);
    expect(b.results.get("toolu_b_mkdir")?.is_error).toBe(true);
    expect(existsSync(path.join(b.result.dirs.workspace, "allowed-by-input.txt"))).toBe(false);
    expect(existsSync(path.join(b.result.dirs.workspace, "allowed-by-settings"))).toBe(false);
  });
});
