import { mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/inputs";
import { nodeFs, type ClaudeFs } from "../../../src/claude/fs";
import { planClaude, writeClaudeFiles, type ClaudeInputs } from "../../../src/claude/plan";
import { GIT_BASH_RULES } from "../../../src/boundary/permissions";
import { actionToolLists } from "../../../src/claude/tools";
import { claudeInputs, pinView, pinWords, tempDir } from "./fixtures";

const FORK_SERVERS = { gitea: { type: "http" as const, url: "http://127.0.0.1:4000/mcp/gitea", headers: { Authorization: "Bearer cap" } } };
const FORK_ALLOWED = actionToolLists({ boundaryAllowed: ["Edit(//ws/**)", ...GIT_BASH_RULES], boundaryDenied: [], mcpTools: ["mcp__gitea__update_claude_comment"] }).allowed;

function workspace() {
  const ws = tempDir("claude-ws-");
  mkdirSync(join(ws, ".github"));
  writeFileSync(join(ws, ".github", "review-schema.json"), JSON.stringify({ type: "object", properties: { verdict: { enum: ["approve", "reject"] } }, required: ["verdict"] }, null, 2) + "\n");
  writeFileSync(join(ws, ".github", "mcp.json"), JSON.stringify({ mcpServers: { fromFile: { command: "file-server" } } }));
  writeFileSync(join(ws, ".github", "settings.json"), JSON.stringify({ env: { FROM_FILE: "1", SHARED: "settings" }, permissions: { allow: ["Bash(make:*)"] } }));
  writeFileSync(join(ws, "prompt.md"), "# Review rules\nBe strict.\n");
  return ws;
}

async function run(over: Partial<ClaudeInputs>, opts: { forkDisallowed?: string[] } = {}) {
  const ws = workspace();
  const plan = await planClaude(claudeInputs(over), { workspace: ws });
  const dir = join(ws, ".claude-run");
  const files = await writeClaudeFiles(plan, {
    dir,
    forkServers: FORK_SERVERS,
    forkAllowedTools: FORK_ALLOWED,
    ...(opts.forkDisallowed ? { forkDisallowedTools: opts.forkDisallowed } : {}),
  });
  const words = pinWords(files.claudeArgs);
  const view = pinView(files.claudeArgs);
  const count = (flag: string) => words.filter((w) => w === flag).length;
  const json = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  return { ws, dir, plan, files, words, view, count, json };
}

async function problems(over: Partial<ClaudeInputs>): Promise<Array<{ input: string; message: string }>> {
  try {
    await planClaude(claudeInputs(over), { workspace: workspace() });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems;
  }
  throw new Error("expected an InputError");
}

describe("claude_args emission", () => {
  it("is one line, the action's flags first, each flag once", async () => {
    const r = await run({ claude_args: "--permission-mode acceptEdits --model sonnet --allowedTools Edit" });
    expect(r.files.claudeArgs).not.toContain("\n");
    const flags = r.words.filter((w) => w.startsWith("--"));
    expect(flags).toEqual(["--mcp-config", "--allowedTools", "--disallowedTools", "--model", "--permission-mode"]);
    expect(new Set(flags).size).toBe(flags.length);
  });

  it("without any input: the MCP config, the action's tool lists, nothing else", async () => {
    const r = await run({});
    expect(r.view.extraArgs).toEqual({ "mcp-config": join(r.dir, "mcp-config.json") });
    expect(r.view.allowedTools).toEqual(FORK_ALLOWED);
    expect(r.view.disallowedTools).toEqual(["WebSearch", "WebFetch"]);
    expect(r.files.model).toBe("");
    expect(r.files.jsonSchema).toBeUndefined();
    expect(r.files.notices).toEqual([]);
  });

  it("snapshot of a realistic review setup", async () => {
    const r = await run({
      claude_args: `--max-turns 8 --json-schema "$(cat .github/review-schema.json)"\n# tools for the review\n--allowedTools "Bash(npm test:*)" --output-format json`,
      model: "claude-sonnet-4-5",
      allowed_tools: ["Bash(npm run lint:*)"],
      claude_env: { NODE_ENV: "test" },
      append_system_prompt: "Answer in English.",
    });
    expect(r.files.claudeArgs.split(r.dir).join("<dir>")).toMatchInlineSnapshot(
      `"'--mcp-config' '<dir>/mcp-config.json' '--allowedTools' 'Edit(//ws/**),Bash(git add:*),Bash(git commit:*),Bash(git push:*),Bash(git status:*),Bash(git diff:*),Bash(git log:*),Bash(git rm:*),mcp__gitea__update_claude_comment,Bash(npm run lint:*),Bash(npm test:*)' '--disallowedTools' 'WebSearch,WebFetch' '--max-turns' '8' '--model' 'claude-sonnet-4-5' '--append-system-prompt-file' '<dir>/append-system-prompt.md' '--json-schema' '{"type":"object","properties":{"verdict":{"enum":["approve","reject"]}},"required":["verdict"]}'"`,
    );
    expect(r.files.notices).toEqual([
      "claude_args: --output-format json was removed: the base action runs the CLI with stream-json output and writes its execution log from it.",
    ]);
  });
});

// One test per row of DESIGN.md §2's migration table.
describe("v0.0.63 inputs at the pin", () => {
  it("allowed_tools / disallowed_tools: merged with the action's and claude_args' lists into ONE flag each", async () => {
    const r = await run({
      allowed_tools: ["Bash(npm test:*)", "WebFetch"],
      disallowed_tools: ["Bash(git push:*)"],
      claude_args: "--allowedTools Edit,Bash(make:*) --allowed-tools Write --disallowedTools Bash(curl:*) --disallowed-tools Bash(wget:*)",
    });
    expect(r.count("--allowedTools") + r.count("--allowed-tools")).toBe(1);
    expect(r.count("--disallowedTools") + r.count("--disallowed-tools")).toBe(1);
    expect(r.view.allowedTools).toEqual([
      ...FORK_ALLOWED.filter((t) => t !== "Bash(git push:*)"),
      "Bash(npm test:*)",
      "WebFetch",
      "Edit",
      "Bash(make:*)",
      "Write",
    ]);
    expect(r.view.disallowedTools).toEqual(["WebSearch", "Bash(git push:*)", "Bash(curl:*)", "Bash(wget:*)"]);
  });

  it("mcp_config + --mcp-config: merged with the action's servers into one file passed once", async () => {
    const r = await run({
      mcp_config: JSON.stringify({ mcpServers: { docs: { type: "http", url: "https://docs.example.com/mcp" }, gitea: { command: "my-gitea" } } }),
      claude_args: `--mcp-config .github/mcp.json '{"mcpServers":{"inline":{"command":"inline-server"}}}'`,
    });
    expect(r.count("--mcp-config")).toBe(1);
    expect(r.view.extraArgs["mcp-config"]).toBe(r.files.mcpConfigFile);
    expect(r.json(r.files.mcpConfigFile)).toEqual({
      mcpServers: {
        gitea: { command: "my-gitea" },
        docs: { type: "http", url: "https://docs.example.com/mcp" },
        fromFile: { command: "file-server" },
        inline: { command: "inline-server" },
      },
    });
    expect(statSync(r.files.mcpConfigFile).mode & 0o777).toBe(0o600);
    expect(r.files.notices).toContain("MCP server 'gitea' from your configuration replaces the action's own 'gitea' server.");
  });

  it("max_turns: --max-turns; claude_args wins with a notice", async () => {
    expect((await run({ max_turns: 12 })).view.maxTurns).toBe("12");
    const r = await run({ max_turns: 12, claude_args: "--max-turns 3" });
    expect(r.view.maxTurns).toBe("3");
    expect(r.count("--max-turns")).toBe(1);
    expect(r.files.notices).toContain("claude_args --max-turns wins over the max_turns input.");
  });

  it("model / anthropic_model: --model, and the model prepare gives ANTHROPIC_MODEL", async () => {
    const m = await run({ model: "claude-opus-4-1" });
    expect([m.view.model, m.files.model]).toEqual(["claude-opus-4-1", "claude-opus-4-1"]);
    const legacy = await run({ anthropic_model: "claude-3-7-sonnet" });
    expect([legacy.view.model, legacy.files.model]).toEqual(["claude-3-7-sonnet", "claude-3-7-sonnet"]);
    const both = await run({ model: "a", anthropic_model: "b" });
    expect(both.files.model).toBe("a");
    expect(both.files.notices).toContain("model wins over the deprecated anthropic_model input.");
    const args = await run({ model: "a", claude_args: "--model=c" });
    expect([args.view.model, args.files.model]).toEqual(["c", "c"]);
    expect(args.count("--model")).toBe(1);
    expect(args.files.notices).toContain("claude_args --model wins over the model input.");
    // As at v0.0.63: no model input means no --model and an empty ANTHROPIC_MODEL (the CLI's default).
    const none = await run({});
    expect([none.view.model, none.files.model]).toEqual([undefined, ""]);
    expect(none.count("--model")).toBe(0);
  });

  it("fallback_model: --fallback-model; claude_args wins", async () => {
    expect((await run({ fallback_model: "claude-haiku" })).view.extraArgs["fallback-model"]).toBe("claude-haiku");
    expect((await run({ fallback_model: "x", claude_args: "--fallback-model y" })).view.extraArgs["fallback-model"]).toBe("y");
  });

  it("system_prompt / append_system_prompt: written to files, passed as --system-prompt-file / --append-system-prompt-file", async () => {
    const text = "# You are a reviewer\n--- rules ---\nIt's $HOME, `x`, \"y\" \\ z\n";
    const r = await run({ system_prompt: text, append_system_prompt: "# Also\nbe brief" });
    expect(r.view.extraArgs["system-prompt-file"]).toBe(join(r.dir, "system-prompt.md"));
    expect(r.view.extraArgs["append-system-prompt-file"]).toBe(join(r.dir, "append-system-prompt.md"));
    expect(readFileSync(join(r.dir, "system-prompt.md"), "utf8")).toBe(text);
    expect(readFileSync(join(r.dir, "append-system-prompt.md"), "utf8")).toBe("# Also\nbe brief");
    expect(statSync(join(r.dir, "system-prompt.md")).mode & 0o777).toBe(0o600);
    expect(r.view.extraArgs["system-prompt"]).toBeUndefined();
  });

  it("claude_args prompts: single-line text passes inline, multi-line or '--' text goes through a file, a file path passes; claude_args wins", async () => {
    const inline = await run({ claude_args: "--append-system-prompt 'Be brief; use $ and #'", append_system_prompt: "ignored" });
    expect(inline.view.extraArgs["append-system-prompt"]).toBe("Be brief; use $ and #");
    expect(inline.files.notices).toContain("claude_args --append-system-prompt wins over the append_system_prompt input.");
    const multi = await run({ claude_args: `--system-prompt "line 1\n# line 2"` });
    expect(readFileSync(multi.view.extraArgs["system-prompt-file"]!, "utf8")).toBe("line 1\n# line 2");
    const dashes = await run({ claude_args: "--system-prompt=--terse" });
    expect(readFileSync(dashes.view.extraArgs["system-prompt-file"]!, "utf8")).toBe("--terse");
    const file = await run({ claude_args: "--append-system-prompt-file prompt.md", append_system_prompt: "x" });
    // Passed on as the canonical path of the checked workspace file.
    expect(file.view.extraArgs["append-system-prompt-file"]).toMatch(/^\/.*\/prompt\.md$/);
    expect(file.files.notices).toContain("claude_args --append-system-prompt-file wins over the append_system_prompt input.");
  });

  it("claude_env: merged into the settings file's env (wins over settings.env, with a notice)", async () => {
    const r = await run({ settings: ".github/settings.json", claude_env: { SHARED: "claude_env", NEW: "v" } });
    expect(r.json(r.files.settingsFile)).toEqual({
      env: { FROM_FILE: "1", SHARED: "claude_env", NEW: "v" },
      permissions: { allow: ["Bash(make:*)"] },
    });
    expect(r.files.notices).toContain("claude_env sets SHARED, replacing the value from settings.env.");
    expect(r.files.claudeArgs).not.toContain("claude_env");
  });

  it("settings: JSON string or workspace path in, one file out (mode 0600)", async () => {
    const inline = await run({ settings: '{"model":"x","env":{"A":"1"}}' });
    expect(inline.json(inline.files.settingsFile)).toEqual({ model: "x", env: { A: "1" } });
    expect(statSync(inline.files.settingsFile).mode & 0o777).toBe(0o600);
    const empty = await run({});
    expect(empty.json(empty.files.settingsFile)).toEqual({});
  });

  // timeout_minutes → the wrapper executable: executable.test.ts.
});

describe("structured output", () => {
  it("json_schema (path or inline) becomes --json-schema, compact, and is returned", async () => {
    const r = await run({ json_schema: ".github/review-schema.json" });
    const schema = { type: "object", properties: { verdict: { enum: ["approve", "reject"] } }, required: ["verdict"] };
    expect(JSON.parse(r.view.extraArgs["json-schema"]!)).toEqual(schema);
    expect(r.view.extraArgs["json-schema"]).not.toContain("\n");
    expect(r.files.jsonSchema).toEqual(schema);
    expect((await run({ json_schema: '{"type":"object"}' })).view.extraArgs["json-schema"]).toBe('{"type":"object"}');
  });

  it("json_schema and the same --json-schema: used once, with a notice", async () => {
    const r = await run({ json_schema: '{"type":"object","required":["verdict"]}', claude_args: `--json-schema '{"required":["verdict"],"type":"object"}'` });
    expect(r.count("--json-schema")).toBe(1);
    expect(r.files.notices).toContain("json_schema and --json-schema in claude_args give the same schema; it is used once.");
  });

  it("json_schema and a different --json-schema: refused", async () => {
    expect(await problems({ json_schema: '{"type":"object"}', claude_args: `--json-schema '{"type":"object","required":["x"]}'` })).toEqual([
      {
        input: "json_schema",
        message:
          "json_schema and --json-schema in claude_args are both given and differ; expected one of them (json_schema is the tidy way; remove --json-schema from claude_args)",
      },
    ]);
  });

  it("a schema with backslashes before quotes still reaches the CLI as the same JSON", async () => {
    const schema = { type: "object", description: "a path C:\\dir\\ and \\'quoted\\'", properties: { q: { type: "string", pattern: "^\\d+$" } } };
    const r = await run({ json_schema: JSON.stringify(schema) });
    expect(JSON.parse(r.view.extraArgs["json-schema"]!)).toEqual(schema);
    expect(r.view.extraArgs["json-schema"]).toContain("\\u005c");
  });
});

describe("planClaude", () => {
  it("reports every bad input at once, each named", async () => {
    const found = await problems({
      claude_args: "--model $MODEL",
      json_schema: '{"type":"array"}',
      mcp_config: '{"servers":{}}',
      settings: "[]",
      allowed_tools: ["Bash(a, b)"],
      model: "x",
    });
    expect(found.map((p) => p.input)).toEqual(["claude_args", "mcp_config", "json_schema", "settings", "allowed_tools"]);
  });

  it("refuses $(cat FILE) outside the workspace, and a missing --system-prompt-file", async () => {
    const [p] = await problems({ claude_args: `--append-system-prompt "$(cat /etc/passwd)"` });
    expect(p).toEqual({ input: "claude_args", message: expect.stringMatching(/\$\(cat FILE\): "\/etc\/passwd" resolves to .* outside the workspace/) });
    const ws = workspace();
    const outside = join(tempDir(), "secret.json");
    writeFileSync(outside, '{"type":"object"}');
    symlinkSync(outside, join(ws, "innocent.json"));
    await expect(planClaude(claudeInputs({ claude_args: `--json-schema "$(cat innocent.json)"` }), { workspace: ws })).rejects.toThrow(
      /\$\(cat FILE\): "innocent.json" resolves to ".*secret.json", outside the workspace/,
    );
    const [q] = await problems({ claude_args: "--system-prompt-file nope.md" });
    expect(q!.message).toMatch(/--system-prompt-file "nope.md" does not exist .*expected a file inside the workspace/);
  });

  it("confines every path claude_args names to the workspace, and checks its kind", async () => {
    const ws = workspace();
    const outside = join(tempDir(), "outside.md");
    writeFileSync(outside, "outside");
    writeFileSync(join(ws, "rules.md"), "inside");
    const ctx = { workspace: ws, tempDir: join(tempDir(), "runner-temp") };
    const problem = async (claude_args: string) => {
      try {
        await planClaude(claudeInputs({ claude_args }), ctx);
      } catch (e) {
        return (e as InputError).problems.map((p) => `${p.input}: ${p.message}`).join("\n");
      }
      return "";
    };
    expect(await problem("--append-system-prompt-file ../outside.md")).toMatch(/claude_args: --append-system-prompt-file "..\/outside.md" .*(does not exist|outside the workspace)/);
    expect(await problem(`--system-prompt-file ${outside}`)).toMatch(/outside the workspace/);
    expect(await problem("--system-prompt-file .")).toMatch(/is a directory; expected a file/);
    expect(await problem("--add-dir rules.md")).toMatch(/--add-dir "rules.md" is a file; expected a directory/);
    expect(await problem(`--add-dir ${tempDir()}`)).toMatch(/--add-dir .* outside the workspace/);
    expect(await problem("--settings ../settings.json")).toMatch(/--settings file "..\/settings.json"/);
    expect(await problem("--agents rules.md")).toMatch(/--agents file "rules.md" is not a JSON object of agents/);
    expect(await problem("--plugin-dir /etc")).toMatch(/--plugin-dir "\/etc" resolves to .* outside the workspace/);
    expect(await problem("--debug-file /etc/claude-debug.log")).toMatch(/the directory of --debug-file .* outside the workspace/);
    expect(await problem("--debug-file logs/x.log")).toMatch(/the directory of --debug-file .* does not exist/);
    mkdirSync(join(ws, "sub"));
    const ok = await planClaude(claudeInputs({ claude_args: "--add-dir sub --append-system-prompt-file rules.md --debug-file debug.log" }), ctx);
    expect(ok.addDirs).toEqual([realpathSync(join(ws, "sub"))]);
    expect(ok.appendSystemPrompt).toEqual({ kind: "file", path: realpathSync(join(ws, "rules.md")) });
    expect(ok.passthrough).toEqual([{ name: "debug-file", value: join(realpathSync(ws), "debug.log") }]);
  });

  it("on a pull request's run (contentOnly), a --settings file is the base branch's, checked and passed on as its content", async () => {
    const ws = workspace();
    // The pull request's copy is broken; the base branch's (what `fs` reads) is fine.
    writeFileSync(join(ws, "cfg.json"), '{"model": 42}');
    const real = nodeFs();
    const base: ClaudeFs = { ...real, readFile: async (p) => (p.endsWith("cfg.json") ? '{"model": "claude-sonnet-4-5"}' : real.readFile(p)) };
    const plan = await planClaude(claudeInputs({ claude_args: "--settings cfg.json" }), { workspace: ws, fs: base, contentOnly: true });
    expect(plan.passthrough).toEqual([{ name: "settings", value: '{"model":"claude-sonnet-4-5"}' }]);
  });

  it("checks a --settings file against the pinned CLI's settings schema, and passes its canonical path", async () => {
    const ws = workspace();
    writeFileSync(join(ws, "bad.json"), '{"model": 42}');
    writeFileSync(join(ws, "good.json"), '{"model": "claude-sonnet-4-5", "permisions": {}}');
    await expect(planClaude(claudeInputs({ claude_args: "--settings bad.json" }), { workspace: ws })).rejects.toThrow(/--settings file "bad.json" does not match the settings of Claude Code .*"model" must be string/);
    const plan = await planClaude(claudeInputs({ claude_args: "--settings good.json" }), { workspace: ws });
    expect(plan.passthrough).toEqual([{ name: "settings", value: realpathSync(join(ws, "good.json")) }]);
    expect(plan.notices.join("\n")).toMatch(/"permisions" is not a setting of Claude Code .*did you mean "permissions"/);
  });

  it("refuses input values the pin cannot carry", async () => {
    expect(await problems({ model: "a\nb" })).toEqual([{ input: "model", message: expect.stringMatching(/several lines/) }]);
    expect(await problems({ fallback_model: "--x" })).toEqual([{ input: "fallback_model", message: expect.stringMatching(/starts with '--'/) }]);
  });

  it("writes nothing", async () => {
    const ws = workspace();
    const real = nodeFs();
    const refuse = () => Promise.reject(new Error("planClaude must not write"));
    const readOnly: ClaudeFs = { ...real, writeFile: refuse, mkdir: refuse, rm: refuse };
    const plan = await planClaude(
      claudeInputs({ claude_args: `--json-schema "$(cat .github/review-schema.json)"`, mcp_config: ".github/mcp.json", settings: ".github/settings.json", system_prompt: "x" }),
      { workspace: ws, fs: readOnly },
    );
    expect(plan.jsonSchema?.source).toBe("claude_args");
    expect(Object.keys(plan.mcpServers)).toEqual(["fromFile"]);
  });

  it("reads files from extra allowed roots when given", async () => {
    const ws = workspace();
    const temp = tempDir();
    writeFileSync(join(temp, "s.json"), '{"type":"object"}');
    await expect(planClaude(claudeInputs({ json_schema: join(temp, "s.json") }), { workspace: ws })).rejects.toThrow(/outside the workspace/);
    const plan = await planClaude(claudeInputs({ json_schema: join(temp, "s.json") }), { workspace: ws, allowedRoots: [temp] });
    expect(plan.jsonSchema?.schema).toEqual({ type: "object" });
  });
});
