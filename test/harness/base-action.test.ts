// The local stand-in for anthropics/claude-code-base-action@53ab25a…:
// its claude_args parser (unit tests pinning the pin's rules) and the action
// end to end through the runner, with the real claude CLI against the
// scripted Messages API.
import { existsSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  buildSdkOptions,
  mergeMcpConfigs,
  parseClaudeArgs,
  tokenizeClaudeArgs,
  CLAUDE_CODE_ENTRYPOINT,
} from "../support/base-action/src/claude-args";
import { parseMarketplaces, parsePlugins } from "../support/base-action/src/plugins";
import { sanitizeMessage } from "../support/base-action/src/run-sdk";
import { validateEnvironmentVariables } from "../support/base-action/src/validate-env";
import { startModel, structuredOutput, text, blocksOf, type ScriptedModel } from "../support/model/index";
import { BASE_ACTION_STANDIN, REPO_ROOT, runAction, type GithubInfo, type RunActionResult } from "../support/runner/index";

const PIN = "53ab25acdf1a773218d093eeb10f99d9903938ca";
const NUL = "\u0000";

describe("claude_args parsing (pin: src/parse-sdk-options.ts)", () => {
  const parse = (claudeArgs: string, extra: Parameters<typeof buildSdkOptions>[0] = {}, env: NodeJS.ProcessEnv = {}) =>
    buildSdkOptions({ claudeArgs, ...extra }, env);

  it("pairs --flag with the next word, makes a flag boolean when the next word starts with -- or is empty", () => {
    expect(parseClaudeArgs('--permission-mode acceptEdits --verbose --fallback-model "claude x"')).toEqual({
      "permission-mode": "acceptEdits",
      verbose: null,
      "fallback-model": "claude x",
    });
    // A value that starts with -- is not a value: both become boolean flags.
    expect(parseClaudeArgs('--append-system-prompt "--be-terse" --model m')).toEqual({
      "append-system-prompt": null,
      "be-terse": null,
      model: "m",
    });
    // An empty word is not a value either (and $VAR outside single quotes expands to "").
    expect(parseClaudeArgs('--model "" --max-turns 3')).toEqual({ model: null, "max-turns": "3" });
    expect(parseClaudeArgs("--model $MODEL")).toEqual({ model: null });
    expect(parse("--model $MODEL").sdkOptions.model).toBeUndefined();
    // Single-dash and positional words are ignored; --name=value is a flag named "name=value".
    expect(parseClaudeArgs("-p hello --max-turns=5")).toEqual({ "max-turns=5": null });
    expect(parseClaudeArgs("--max-turns=5 positional")).toEqual({ "max-turns=5": "positional" });
    expect(parse("--max-turns=5").sdkOptions.maxTurns).toBeUndefined();
    // A repeated ordinary flag keeps the last value.
    expect(parseClaudeArgs("--effort low --effort high")).toEqual({ effort: "high" });
  });

  it("keeps ()|&;<> literal and glob words verbatim", () => {
    expect(tokenizeClaudeArgs("--allowedTools View,Bash(gh:*),Bash(cat:*) Read(//tmp/**) a|b c;d <x> [y]")).toEqual([
      "--allowedTools",
      "View,Bash(gh:*),Bash(cat:*)",
      "Read(//tmp/**)",
      "a|b",
      "c;d",
      "<x>",
      "[y]",
    ]);
    expect(parse("--disallowedTools Bash(rm:*),Bash(sudo:*)").sdkOptions.disallowedTools).toEqual(["Bash(rm:*)", "Bash(sudo:*)"]);
  });

  it("strips comment lines before parsing, even inside quotes; a trailing # comment swallows the rest", () => {
    const r = parse("--model 'claude-haiku'\n  # a comment line\n--allowed-tools 'Edit'");
    expect(r.sdkOptions.model).toBe("claude-haiku");
    expect(r.sdkOptions.allowedTools).toEqual(["Edit"]);
    // `#` inside a quoted value on the same line stays.
    expect(parseClaudeArgs("--prompt 'use color #ff0000'")).toEqual({ prompt: "use color #ff0000" });
    // A line of a multi-line quoted value that starts with # is removed anyway.
    expect(parseClaudeArgs('--append-system-prompt "line one\n# heading\nline two"')).toEqual({
      "append-system-prompt": "line one\nline two",
    });
    // An unquoted ` #` starts a shell comment that runs to the end of the input.
    expect(parseClaudeArgs("--model a # note\n--max-turns 3")).toEqual({ model: "a" });
  });

  it("accumulates allowed/disallowed tools across flags and consecutive words, splits on commas, trims, de-duplicates", () => {
    const r = parse(
      '--allowedTools "Edit, Read ,Bash(git add:*)" --model m --allowed-tools "Bash(git log:*)" "Read" Glob --allowedTools Edit',
      { allowedTools: "Write,Glob" },
    );
    expect(r.sdkOptions.allowedTools).toEqual(["Edit", "Read", "Bash(git add:*)", "Bash(git log:*)", "Glob", "Write"]);
    expect(r.sdkOptions.extraArgs).toEqual({});
    // The raw accumulated value joins occurrences with NUL.
    expect(parseClaudeArgs("--add-dir /a /b --add-dir /c")).toEqual({ "add-dir": `/a${NUL}/b${NUL}/c` });
    expect(parse("--add-dir /a /b --add-dir /c").sdkOptions.additionalDirectories).toEqual(["/a", "/b", "/c"]);
    // The direct input is split but not filtered: an empty entry survives.
    expect(parse("", { allowedTools: "Edit," }).sdkOptions.allowedTools).toEqual(["Edit", ""]);
    expect(parse("--disallowedTools WebSearch", { disallowedTools: "WebFetch" }).sdkOptions.disallowedTools).toEqual([
      "WebSearch",
      "WebFetch",
    ]);
    expect(parse("--verbose").sdkOptions.allowedTools).toBeUndefined();
  });

  it("merges several --mcp-config values as the pin does, including a file path mixed with inline JSON", () => {
    const a = '{"mcpServers":{"gitea":{"command":"node","args":["a.js"]}}}';
    const b = '{"mcpServers":{"user":{"command":"python"},"gitea":{"command":"override"}}}';
    // One value: passed through untouched (inline or path).
    expect(parse(`--mcp-config '${a}'`).sdkOptions.extraArgs?.["mcp-config"]).toBe(a);
    expect(parse("--mcp-config /tmp/only.json").sdkOptions.extraArgs?.["mcp-config"]).toBe("/tmp/only.json");
    // Inline configs merge, later names win.
    expect(JSON.parse(parse(`--mcp-config '${a}' --mcp-config '${b}'`).sdkOptions.extraArgs?.["mcp-config"] as string)).toEqual({
      mcpServers: { gitea: { command: "override" }, user: { command: "python" } },
    });
    // A file path next to inline JSON is dropped.
    expect(parse(`--mcp-config '${a}' --mcp-config /tmp/user.json`).sdkOptions.extraArgs?.["mcp-config"]).toBe(
      JSON.stringify({ mcpServers: { gitea: { command: "node", args: ["a.js"] } } }),
    );
    // Only paths (or JSON without servers): the last path wins.
    expect(mergeMcpConfigs(["/a.json", "/b.json"])).toBe("/b.json");
    expect(mergeMcpConfigs(['{"mcpServers":{}}', "/b.json"])).toBe("/b.json");
    // JSON that does not parse counts as a path.
    expect(mergeMcpConfigs(["{not json", '{"other":1}'])).toBe("{not json");
    expect(mergeMcpConfigs(['{"other":1}', " "])).toBe('{"mcpServers":{}}');
    // Consecutive words after one --mcp-config accumulate too.
    expect(parse(`--mcp-config '${a}' /tmp/user.json`).sdkOptions.extraArgs?.["mcp-config"]).toBe(
      JSON.stringify({ mcpServers: { gitea: { command: "node", args: ["a.js"] } } }),
    );
  });

  it("takes model and max-turns out of the args; ANTHROPIC_MODEL and INPUT_MAX_TURNS win", () => {
    expect(parse("--model claude-haiku --max-turns 60").sdkOptions).toMatchObject({ model: "claude-haiku", maxTurns: 60 });
    const r = parse("--model claude-haiku --max-turns 60", { model: "from-ANTHROPIC_MODEL", maxTurns: "25" });
    expect(r.sdkOptions).toMatchObject({ model: "from-ANTHROPIC_MODEL", maxTurns: 25 });
    expect(r.sdkOptions.extraArgs).toEqual({});
    // An empty ANTHROPIC_MODEL does not win.
    expect(parse("--model claude-haiku", { model: "" }).sdkOptions.model).toBe("claude-haiku");
  });

  it("handles --setting-sources, --json-schema and passes other flags through", () => {
    expect(parse("").sdkOptions.settingSources).toEqual(["user", "project", "local"]);
    const s = parse("--setting-sources user,project --json-schema '{\"type\":\"object\"}' --permission-mode acceptEdits");
    expect(s.sdkOptions.settingSources).toEqual(["user", "project"]);
    expect(s.hasJsonSchema).toBe(true);
    expect(s.sdkOptions.extraArgs).toEqual({ "json-schema": '{"type":"object"}', "permission-mode": "acceptEdits" });
    // A boolean --setting-sources falls back to the default; a bare --json-schema still counts.
    const b = parse("--permission-mode plan --setting-sources --json-schema");
    expect(b.sdkOptions.settingSources).toEqual(["user", "project", "local"]);
    expect(b.hasJsonSchema).toBe(true);
    expect(b.sdkOptions.extraArgs).toEqual({ "permission-mode": "plan", "json-schema": null });
  });

  it("builds the SDK env, system prompt preset and output mode", () => {
    const env = {
      PATH: "/bin",
      ACTIONS_ID_TOKEN_REQUEST_URL: "https://oidc",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "tok",
      ALL_INPUTS: "{}",
      INPUT_ACTION_INPUTS_PRESENT: '{"prompt":true}',
      OTEL_METRICS_EXPORTER: "otlp",
    };
    const r = buildSdkOptions({}, env);
    expect(r.sdkOptions.env).toEqual({
      PATH: "/bin",
      INPUT_ACTION_INPUTS_PRESENT: '{"prompt":true}',
      GITHUB_ACTION_INPUTS: '{"prompt":true}',
      OTEL_METRICS_EXPORTER: "otlp",
      CLAUDE_CODE_ENTRYPOINT,
    });
    expect(CLAUDE_CODE_ENTRYPOINT).toBe("claude-code-github-action");
    expect(r.sdkOptions.systemPrompt).toEqual({ type: "preset", preset: "claude_code" });
    expect(buildSdkOptions({ appendSystemPrompt: "extra" }, {}).sdkOptions.systemPrompt).toEqual({
      type: "preset",
      preset: "claude_code",
      append: "extra",
    });
    expect(buildSdkOptions({ systemPrompt: "own", appendSystemPrompt: "x" }, {}).sdkOptions.systemPrompt).toBe("own");
    expect(r.showFullOutput).toBe(false);
    expect(buildSdkOptions({ showFullOutput: "true" }, {}).showFullOutput).toBe(true);
    expect(buildSdkOptions({}, { ACTIONS_STEP_DEBUG: "true" }).showFullOutput).toBe(true);
  });
});

describe("other pure parts of the stand-in", () => {
  it("validates provider env as the pin does (src/validate-env.ts)", () => {
    const failure = (env: NodeJS.ProcessEnv) => {
      try {
        validateEnvironmentVariables(env);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(failure({ ANTHROPIC_API_KEY: "k" })).toBe("");
    expect(failure({ CLAUDE_CODE_OAUTH_TOKEN: "t" })).toBe("");
    expect(failure({ ANTHROPIC_FEDERATION_RULE_ID: "fdrl_1", ANTHROPIC_ORGANIZATION_ID: "org" })).toBe("");
    expect(failure({ ANTHROPIC_FEDERATION_RULE_ID: "fdrl_1" })).toBe(
      "Environment variable validation failed:\n  - Workload identity federation requires both ANTHROPIC_FEDERATION_RULE_ID and ANTHROPIC_ORGANIZATION_ID to be set.",
    );
    expect(failure({ CLAUDE_CODE_USE_VERTEX: "1", CLOUD_ML_REGION: "us" })).toBe(
      "Environment variable validation failed:\n  - ANTHROPIC_VERTEX_PROJECT_ID is required when using Google Vertex AI.",
    );
    expect(failure({ CLAUDE_CODE_USE_BEDROCK: "1", CLAUDE_CODE_USE_FOUNDRY: "1", AWS_REGION: "r", AWS_BEARER_TOKEN_BEDROCK: "b" })).toBe(
      "Environment variable validation failed:\n  - Cannot use multiple providers simultaneously. Please set only one of: CLAUDE_CODE_USE_BEDROCK, CLAUDE_CODE_USE_VERTEX, or CLAUDE_CODE_USE_FOUNDRY.",
    );
    expect(failure({ CLAUDE_CODE_USE_FOUNDRY: "1" })).toMatch(/ANTHROPIC_FOUNDRY_RESOURCE or ANTHROPIC_FOUNDRY_BASE_URL/);
    // Only "1" selects a provider (the action maps use_bedrock: 'true' to "1").
    expect(failure({ CLAUDE_CODE_USE_BEDROCK: "true" })).toMatch(/Either ANTHROPIC_API_KEY/);
  });

  it("logs only init and result summaries, without token usage or cost details per model", () => {
    const result = {
      type: "result",
      subtype: "success",
      is_error: false,
      duration_ms: 434,
      num_turns: 1,
      total_cost_usd: 1.23,
      permission_denials: [{}],
      result: "secret answer",
      modelUsage: { m: { inputTokens: 9, outputTokens: 5, costUSD: 1.23, contextWindow: 200000, maxOutputTokens: 64000 } },
    } as never;
    expect(JSON.parse(sanitizeMessage(result, false) ?? "")).toEqual({
      type: "result",
      subtype: "success",
      is_error: false,
      duration_ms: 434,
      num_turns: 1,
      total_cost_usd: 1.23,
      permission_denials_count: 1,
      modelUsage: { m: { contextWindow: 200000, maxOutputTokens: 64000 } },
    });
    expect(JSON.parse(sanitizeMessage({ type: "system", subtype: "init", model: "m", cwd: "/x" } as never, false) ?? "")).toEqual({
      type: "system",
      subtype: "init",
      message: "Claude Code initialized",
      model: "m",
    });
    expect(sanitizeMessage({ type: "assistant", message: {} } as never, false)).toBeNull();
    expect(sanitizeMessage({ type: "assistant", message: {} } as never, true)).toBe(JSON.stringify({ type: "assistant", message: {} }, null, 2));
  });

  it("validates plugin names and marketplaces (src/install-plugins.ts)", () => {
    expect(parsePlugins(" code-review@claude-code-plugins \n\n@scope/x ")).toEqual(["code-review@claude-code-plugins", "@scope/x"]);
    expect(() => parsePlugins("../evil")).toThrow("Invalid plugin name format: ../evil");
    expect(() => parsePlugins("a;rm")).toThrow(/Invalid plugin name format/);
    expect(parseMarketplaces("https://example.com/m.git\n./local")).toEqual(["https://example.com/m.git", "./local"]);
    expect(() => parseMarketplaces("http://example.com/m.git")).toThrow("Invalid marketplace URL format: http://example.com/m.git");
  });
});

// ── end to end ───────────────────────────────────────────────────────────────

let root: string;
let model: ScriptedModel | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "base-action-test-"));
});
afterEach(async () => {
  await model?.close();
  model = undefined;
  await rm(root, { recursive: true, force: true });
});

const githubInfo: GithubInfo = {
  event_name: "workflow_dispatch",
  event: { repository: { full_name: "acme/widgets", default_branch: "main" } },
  repository: "acme/widgets",
  server_url: "http://127.0.0.1:3000",
  api_url: "http://127.0.0.1:3000/api/v1",
  run_id: 1,
  run_number: 1,
  token: "job-token",
  actor: "alice",
};

function dirs() {
  return { workspace: join(root, "ws"), runnerTemp: join(root, "tmp"), home: join(root, "home") };
}

/** Job env for the CLI: the scripted model as base URL, no traffic elsewhere. */
function jobEnv(url: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: url,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
  };
}

async function runBase(opts: {
  with: Record<string, string>;
  stepEnv?: Record<string, string>;
  url?: string;
}): Promise<RunActionResult> {
  return runAction({
    actionDir: BASE_ACTION_STANDIN,
    with: opts.with,
    stepEnv: opts.stepEnv,
    jobEnv: opts.url ? jobEnv(opts.url) : {},
    github: githubInfo,
    ...dirs(),
    timeoutMs: 90_000,
  });
}

const SCHEMA = JSON.stringify({
  type: "object",
  properties: { verdict: { type: "string" }, score: { type: "number" } },
  required: ["verdict"],
});

const API_KEY = "sk-ant-test-key-0123456789";

describe("base-action stand-in end to end (real claude CLI, scripted model)", () => {
  it("runs a prompt: conclusion, execution file format, session id, sanitized log, installed CLI", async () => {
    model = await startModel({ turns: [{ reply: [text("Hello from the scripted model")] }] });
    const r = await runBase({ with: { prompt: "Say hello", anthropic_api_key: API_KEY }, url: model.url });
    expect(r.success, r.log).toBe(true);
    model.assertDone();

    const executionFile = join(root, "tmp", "claude-execution-output.json");
    expect(r.outputs.conclusion).toBe("success");
    expect(r.outputs.execution_file).toBe(executionFile);
    expect(r.outputs.structured_output).toBe("");

    const raw = await readFile(executionFile, "utf8");
    const messages = JSON.parse(raw) as Array<{ type: string; subtype?: string; session_id?: string }>;
    expect(raw).toBe(JSON.stringify(messages, null, 2));
    const init = messages.find((m) => m.type === "system" && m.subtype === "init");
    expect(init?.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.outputs.session_id).toBe(init?.session_id);
    expect(messages.at(-1)).toMatchObject({ type: "result", subtype: "success", is_error: false });

    // The prompt reached the model; the log shows only the init/result summaries.
    expect(JSON.stringify(model.mainRequests[0]?.body.messages)).toContain("Say hello");
    expect(r.log).toContain("Running Claude Code via SDK (full output hidden for security)...");
    expect(r.log).toContain('"message": "Claude Code initialized"');
    expect(r.log).toContain('"permission_denials_count": 0');
    expect(r.log).not.toContain("Hello from the scripted model");
    expect(r.log).not.toContain(API_KEY);

    // The install step linked the CLI into ~/.local/bin (the pin installs 2.1.240 there).
    const link = join(root, "home", ".local", "bin", "claude");
    expect(realpathSync(await readlink(link))).toBe(realpathSync(join(REPO_ROOT, "node_modules/.bin/claude")));
    expect(r.path).toContain(join(root, "home", ".local", "bin"));
    expect(r.steps.map((s) => [s.name, s.outcome])).toEqual([
      ["Setup Node.js", "success"],
      ["Install Bun", "success"],
      ["Setup Custom Bun Path", "skipped"],
      ["Install Dependencies", "success"],
      ["Install Claude Code", "success"],
      ["Run Claude Code Action", "success"],
    ]);
  });

  it("--json-schema: StructuredOutput becomes outputs.structured_output; ANTHROPIC_MODEL wins over --model", async () => {
    model = await startModel({ turns: [{ reply: [structuredOutput({ verdict: "ok", score: 3 })] }] });
    const cli = realpathSync(join(REPO_ROOT, "node_modules/.bin/claude"));
    const r = await runBase({
      with: {
        prompt: "Judge this",
        anthropic_api_key: API_KEY,
        claude_args: `--json-schema '${SCHEMA}'\n# the model from the step env wins\n--model claude-from-args`,
        path_to_claude_code_executable: cli,
      },
      stepEnv: { ANTHROPIC_MODEL: "claude-from-env" },
      url: model.url,
    });
    expect(r.success, r.log).toBe(true);
    model.assertDone();
    expect(r.outputs.conclusion).toBe("success");
    expect(JSON.parse(r.outputs.structured_output ?? "")).toEqual({ verdict: "ok", score: 3 });
    expect(model.mainRequests[0]?.body.model).toBe("claude-from-env");
    expect(r.log).toContain("Set structured_output with 2 field(s)");
    expect(r.log).toContain(`"pathToClaudeCodeExecutable": "${cli}"`);
    expect(r.path).toContain(dirname(cli));
    expect(existsSync(join(root, "home", ".local", "bin", "claude"))).toBe(false);
  });

  it("--json-schema without a StructuredOutput call fails with the pin's message", async () => {
    // The CLI asks once more for the tool call before giving up.
    model = await startModel({ turns: [{ reply: [text("no structured answer")] }, { reply: [text("still none")] }] });
    const r = await runBase({
      with: { prompt: "Judge this", anthropic_api_key: API_KEY, claude_args: `--json-schema '${SCHEMA}'` },
      url: model.url,
    });
    model.assertDone();
    expect(r.success).toBe(false);
    const msg = "--json-schema was provided but Claude did not return structured_output. Result subtype: success";
    expect(r.annotations.map((a) => a.message)).toEqual(
      expect.arrayContaining([msg, `Action failed with error: Error: ${msg}`]),
    );
    // On failure the pin sets conclusion and execution_file (the file exists), not session_id.
    expect(r.outputs).toEqual({
      conclusion: "failure",
      execution_file: join(root, "tmp", "claude-execution-output.json"),
      structured_output: "",
      session_id: "",
    });
    const messages = JSON.parse(await readFile(join(root, "tmp", "claude-execution-output.json"), "utf8")) as unknown[];
    expect(messages.at(-1)).toMatchObject({ type: "result", subtype: "success" });
  });

  it("fails provider/auth validation with the pin's error before starting Claude", async () => {
    const r = await runBase({ with: { prompt: "Say hello" } });
    expect(r.success).toBe(false);
    expect(r.outputs.conclusion).toBe("failure");
    expect(r.outputs.execution_file).toBe("");
    expect(r.annotations[0]?.message).toBe(
      "Action failed with error: Error: Environment variable validation failed:\n" +
        "  - Either ANTHROPIC_API_KEY, CLAUDE_CODE_OAUTH_TOKEN, or workload identity federation (ANTHROPIC_FEDERATION_RULE_ID and ANTHROPIC_ORGANIZATION_ID) is required when using direct Anthropic API.",
    );

    const bedrock = await runBase({ with: { prompt: "Say hello", use_bedrock: "true" } });
    expect(bedrock.annotations[0]?.message).toBe(
      "Action failed with error: Error: Environment variable validation failed:\n" +
        "  - AWS_REGION is required when using AWS Bedrock.\n" +
        "  - Either AWS_BEARER_TOKEN_BEDROCK or both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required when using AWS Bedrock.",
    );

    const both = await runBase({ with: { prompt: "x", prompt_file: "/tmp/p.txt", anthropic_api_key: API_KEY } });
    expect(both.annotations[0]?.message).toBe(
      "Action failed with error: Error: Both 'prompt' and 'prompt_file' were provided. Please specify only one.",
    );
  });

  it("merges settings into ~/.claude/settings.json and sends claude-user-request.txt as a second text block", async () => {
    model = await startModel({ turns: [{ reply: [text("done")] }] });
    const home = join(root, "home");
    await mkdir(join(home, ".claude"), { recursive: true });
    await writeFile(
      join(home, ".claude", "settings.json"),
      JSON.stringify({ cleanupPeriodDays: 30, permissions: { allow: ["Read"] }, enableAllProjectMcpServers: false }),
    );
    const settingsFile = join(root, "ws", "claude-settings.json");
    await mkdir(dirname(settingsFile), { recursive: true });
    await writeFile(settingsFile, JSON.stringify({ permissions: { deny: ["WebFetch"] }, env: { FROM_SETTINGS: "1" } }));

    const promptDir = join(root, "tmp", "claude-prompts");
    await mkdir(promptDir, { recursive: true });
    await writeFile(join(promptDir, "claude-prompt.txt"), "CONTEXT: issue #7 in acme/widgets");
    await writeFile(join(promptDir, "claude-user-request.txt"), "Please fix the typo in README");

    const r = await runBase({
      with: { prompt_file: join(promptDir, "claude-prompt.txt"), settings: settingsFile, anthropic_api_key: API_KEY },
      url: model.url,
    });
    expect(r.success, r.log).toBe(true);
    model.assertDone();

    const written = await readFile(join(home, ".claude", "settings.json"), "utf8");
    expect(written.endsWith("\n")).toBe(true);
    expect(JSON.parse(written)).toEqual({
      cleanupPeriodDays: 30,
      permissions: { deny: ["WebFetch"] },
      env: { FROM_SETTINGS: "1" },
      enableAllProjectMcpServers: true,
    });

    expect(r.log).toContain("Using multi-block message with user request (content hidden)");
    const texts = (model.mainRequests[0]?.body.messages ?? [])
      .filter((m) => m.role === "user")
      .flatMap((m) => blocksOf(m))
      .filter((b) => b.type === "text")
      .map((b) => String(b.text));
    const ctx = texts.indexOf("CONTEXT: issue #7 in acme/widgets");
    const req = texts.indexOf("Please fix the typo in README");
    expect(ctx).toBeGreaterThanOrEqual(0);
    expect(req).toBeGreaterThan(ctx);
  });
});

// ── the real base action (opt-in) ────────────────────────────────────────────
//
// BASE_ACTION_DIR=<checkout of anthropics/claude-code-base-action at 53ab25a…>
// makes the runner use that checkout for the pinned `uses:`; its
// `bun install --production` needs the npm registry.

describe.runIf(Boolean(process.env.BASE_ACTION_DIR))("the real pinned base action (BASE_ACTION_DIR)", () => {
  it("runs through a composite that uses it, against the scripted model", { timeout: 600_000 }, async () => {
    model = await startModel({ turns: [{ reply: [structuredOutput({ verdict: "real", score: 1 })] }] });
    const caller = join(root, "caller");
    await mkdir(caller, { recursive: true });
    await writeFile(
      join(caller, "action.yml"),
      `
inputs:
  api_key:
    required: true
outputs:
  conclusion:
    value: \${{ steps.base.outputs.conclusion }}
  structured_output:
    value: \${{ steps.base.outputs.structured_output }}
  session_id:
    value: \${{ steps.base.outputs.session_id }}
  execution_file:
    value: \${{ steps.base.outputs.execution_file }}
runs:
  using: composite
  steps:
    - id: base
      uses: anthropics/claude-code-base-action@${PIN}
      with:
        prompt: Judge this
        claude_args: --json-schema '${SCHEMA}'
        anthropic_api_key: \${{ inputs.api_key }}
        path_to_claude_code_executable: ${realpathSync(join(REPO_ROOT, "node_modules/.bin/claude"))}
`,
    );
    const r = await runAction({
      actionDir: caller,
      with: { api_key: API_KEY },
      jobEnv: jobEnv(model.url),
      github: githubInfo,
      ...dirs(),
      timeoutMs: 540_000,
    });
    expect(r.success, r.log).toBe(true);
    model.assertDone();
    expect(r.outputs.conclusion).toBe("success");
    expect(JSON.parse(r.outputs.structured_output ?? "")).toEqual({ verdict: "real", score: 1 });
    expect(r.outputs.session_id).toMatch(/^[0-9a-f-]{36}$/);
    const raw = await readFile(r.outputs.execution_file ?? "", "utf8");
    expect(raw).toBe(JSON.stringify(JSON.parse(raw), null, 2));
    const inner = r.steps.find((s) => s.id === "base")?.steps ?? [];
    expect(inner.map((s) => [s.name, s.outcome])).toEqual([
      ["Setup Node.js", "success"],
      ["Install Bun", "success"],
      ["Setup Custom Bun Path", "skipped"],
      ["Install Dependencies", "success"],
      ["Install Claude Code", "success"],
      ["Run Claude Code Action", "success"],
    ]);
    if (process.env.BASE_ACTION_LOG) await writeFile(process.env.BASE_ACTION_LOG, r.log);
  });
});
