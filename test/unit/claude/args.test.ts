import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/inputs";
import { classifyFlags, emitClaudeArgs, readFlags, type UserArgs } from "../../../src/claude/args";
import { FLAGS, flagSpec } from "../../../src/claude/flags";

const parse = (words: string[]): UserArgs => classifyFlags(readFlags(words));

function problems(words: string[]): string[] {
  try {
    parse(words);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    for (const p of (e as InputError).problems) expect(p.input).toBe("claude_args");
    return (e as InputError).problems.map((p) => p.message);
  }
  throw new Error(`expected an InputError for ${words.join(" ")}`);
}
const problem = (words: string[]) => {
  const all = problems(words);
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe("the flag table", () => {
  it("knows each flag once, aliases included", () => {
    const names = FLAGS.flatMap((f) => [f.name, ...(f.aliases ?? [])]);
    expect(new Set(names).size).toBe(names.length);
    expect(flagSpec("allowed-tools")?.name).toBe("allowedTools");
    expect(flagSpec("bg")?.name).toBe("background");
  });

  it("has a reason for every dropped or refused flag", () => {
    for (const f of FLAGS.filter((f) => f.treatment === "drop" || f.treatment === "reject")) expect(f.reason, f.name).toBeTruthy();
  });
});

describe("readFlags", () => {
  it("splits --flag=value and reads values by arity", () => {
    expect(readFlags(["--model=opus", "--verbose", "--add-dir", "a", "b", "--resume", "--debug", "api"])).toEqual([
      { name: "model", spelled: "--model", spec: flagSpec("model"), values: ["opus"] },
      { name: "verbose", spelled: "--verbose", spec: flagSpec("verbose"), values: [] },
      { name: "add-dir", spelled: "--add-dir", spec: flagSpec("add-dir"), values: ["a", "b"] },
      { name: "resume", spelled: "--resume", spec: flagSpec("resume"), values: [] },
      { name: "debug", spelled: "--debug", spec: flagSpec("debug"), values: ["api"] },
    ]);
  });

  it("takes a value starting with a single dash (the pin's rule), and keeps = after the first", () => {
    expect(readFlags(["--model", "-weird", "--name=a=b"]).map((f) => f.values)).toEqual([["-weird"], ["a=b"]]);
  });

  it("reads unknown flags with the pin's value rule", () => {
    expect(readFlags(["--future-flag", "v", "--other-future", "--x"]).map((f) => [f.name, f.values])).toEqual([
      ["future-flag", ["v"]],
      ["other-future", []],
      ["x", []],
    ]);
  });

  it.each([
    [["-p"], /short option "-p" is not supported.*use --print/],
    [["-pv"], /short option "-pv"/],
    [["hello"], /unexpected word "hello"; claude_args carries only --flags/],
    [["--verbose", "yes"], /unexpected word "yes" after --verbose, which takes no value/],
    [["--model", "a", "b"], /unexpected word "b" after --model "a", which takes one value/],
    [["--model"], /--model needs a value \(it is the last word\)/],
    [["--model", "--verbose"], /--model needs a value, got the flag "--verbose"/],
    [["--verbose=true"], /--verbose takes no value/],
    [["--"], /"--" is not a flag name/],
    [["--bad_name"], /not a flag name/],
  ])("%j is refused", (words, message) => {
    expect(() => readFlags(words)).toThrow(message);
  });
});

describe("classifyFlags", () => {
  it("sorts flags by treatment", () => {
    const u = parse([
      "--allowedTools", "Bash(git log:*),Edit", "Read",
      "--allowed-tools", "Write",
      "--disallowedTools", "WebFetch",
      "--add-dir", "../shared", "/opt/x",
      "--mcp-config", "a.json", '{"mcpServers":{}}',
      "--model", "opus",
      "--max-turns", "3",
      "--permission-mode", "acceptEdits",
      "--strict-mcp-config",
    ]);
    expect(u.allowedTools).toEqual(["Bash(git log:*)", "Edit", "Read", "Write"]);
    expect(u.disallowedTools).toEqual(["WebFetch"]);
    expect(u.addDirs).toEqual(["../shared", "/opt/x"]);
    expect(u.mcpConfigs).toEqual(["a.json", '{"mcpServers":{}}']);
    expect(u.managed).toEqual({ model: "opus", "max-turns": "3" });
    expect(u.passthrough).toEqual([{ name: "permission-mode", value: "acceptEdits" }, { name: "strict-mcp-config" }]);
    expect(u.notices).toEqual([]);
  });

  it("joins an unquoted tool rule that the shell split at its space, with a notice", () => {
    const u = parse(["--allowedTools", "Bash(npm", "run", "test:*)", "Edit"]);
    expect(u.allowedTools).toEqual(["Bash(npm run test:*)", "Edit"]);
    expect(u.notices[0]).toMatch(/joined back \("Bash\(npm run test:\*\)"\); quote such rules/);
  });

  it("refuses a tool rule with a comma inside (the pin splits at every comma)", () => {
    expect(problem(["--allowedTools", "Bash(git diff, git log)"])).toMatch(/contains a comma.*splits tool lists at every comma/);
  });

  it("drops --output-format, --input-format, --print and --verbose with a notice each", () => {
    const u = parse(["--output-format", "json", "--input-format", "text", "--print", "--verbose"]);
    expect(u.passthrough).toEqual([]);
    expect(u.notices).toEqual([
      "claude_args: --output-format json was removed: the base action runs the CLI with stream-json output and writes its execution log from it.",
      "claude_args: --input-format text was removed: the base action sends the prompt as stream-json input itself.",
      "claude_args: --print was removed: the base action always runs the CLI in print mode.",
      "claude_args: --verbose was removed: the base action sets the CLI's output options itself.",
    ]);
  });

  it("refuses flags that would keep the run from happening", () => {
    expect(problem(["--version"])).toMatch(/--version cannot be used here: the CLI would print its version/);
    expect(problem(["--bg"])).toMatch(/--bg cannot be used here/);
    expect(problem(["--help"])).toMatch(/help/);
  });

  it("passes unknown flags through with a notice", () => {
    const u = parse(["--shiny-new-flag", "v", "--other"]);
    expect(u.passthrough).toEqual([{ name: "shiny-new-flag", value: "v" }, { name: "other" }]);
    expect(u.notices).toEqual([
      "claude_args: --shiny-new-flag is not a flag of Claude Code 2.1.330 known to the action; passed through with its value.",
      "claude_args: --other is not a flag of Claude Code 2.1.330 known to the action; passed through without a value.",
    ]);
  });

  it("keeps the last value of a repeated single flag, once, with a notice", () => {
    const u = parse(["--permission-mode", "plan", "--effort", "low", "--permission-mode", "acceptEdits", "--model", "a", "--model", "b"]);
    expect(u.passthrough).toEqual([
      { name: "permission-mode", value: "acceptEdits" },
      { name: "effort", value: "low" },
    ]);
    expect(u.managed.model).toBe("b");
    expect(u.notices).toContain("claude_args: --permission-mode is given more than once; the last value is used.");
  });

  it("refuses what the pin would silently lose", () => {
    expect(problem(["--plugin-dir", "a", "--plugin-dir", "b"])).toMatch(/given 2 times; the base action passes only the last one/);
    expect(problem(["--betas", "a", "b"])).toMatch(/got 2 values.*passes only one value/);
  });

  it("joins several --tools values with commas (the pin passes only one word)", () => {
    expect(parse(["--tools", "Bash", "Edit"]).passthrough).toEqual([{ name: "tools", value: "Bash,Edit" }]);
  });

  it("checks choices and numbers", () => {
    expect(problem(["--permission-mode", "yolo"])).toMatch(/--permission-mode "yolo": expected one of acceptEdits, auto/);
    expect(problem(["--max-turns", "0"])).toMatch(/--max-turns "0": expected a whole number from 1 to 10000/);
    expect(problem(["--max-turns", "3.5"])).toMatch(/whole number from 1 to 10000/);
    // A number that JavaScript would print as 1e+23 (and the base action would parse as 1).
    expect(problem(["--max-turns", "100000000000000000000000"])).toMatch(/whole number from 1 to 10000/);
    expect(problem(["--max-budget-usd", "-1"])).toMatch(/positive number/);
    expect(problem(["--max-budget-usd", "1e9"])).toMatch(/positive number from more than 0 to 100000/);
    expect(problem(["--max-thinking-tokens", "99999999"])).toMatch(/whole number from 1 to 1000000/);
    expect(parse(["--max-budget-usd", "2.50"]).passthrough).toEqual([{ name: "max-budget-usd", value: "2.50" }]);
  });

  it("checks model names, UUIDs, URLs, setting sources and MCP tool names", () => {
    expect(problem(["--model", "claude sonnet"])).toMatch(/--model "claude sonnet": expected a model id .*blank/);
    expect(problem(["--fallback-model", "a,,b"])).toMatch(/--fallback-model "a,,b": expected model ids separated by commas/);
    expect(parse(["--fallback-model", "claude-opus-4-1,claude-sonnet-4-5"]).managed["fallback-model"]).toBe("claude-opus-4-1,claude-sonnet-4-5");
    expect(parse(["--model", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-x-v1:0"]).managed.model).toMatch(/^arn:/);
    expect(problem(["--session-id", "abc"])).toMatch(/expected a UUID/);
    expect(problem(["--plugin-url", "http://plugins.example.com/p.zip"])).toMatch(/expected an https:\/\/ URL/);
    expect(problem(["--plugin-url", "https://u:p@plugins.example.com/p.zip"])).toMatch(/without user name or password/);
    expect(problem(["--setting-sources", "user,global"])).toMatch(/comma-separated list of user, project, local/);
    expect(problem(["--permission-prompt-tool", "approve"])).toMatch(/an MCP tool name/);
    expect(problem(["--file", "file_abc:../../etc/passwd"])).toMatch(/no '\.\.', not absolute/);
    expect(problem(["--file", "file_abc:/etc/passwd"])).toMatch(/not absolute/);
    expect(parse(["--file", "file_abc:docs/a.txt"]).passthrough).toEqual([{ name: "file", value: "file_abc:docs/a.txt" }]);
    expect(problem(["--name", "a\u0007b"])).toMatch(/one line/);
  });

  it("checks inline --settings against the pinned CLI's settings schema, and --agents is an object", () => {
    expect(problem(["--settings", '{"model": 42}'])).toMatch(/--settings does not match the settings of Claude Code .*"model" must be string/);
    expect(problem(["--agents", "[1]"])).toMatch(/--agents: expected a JSON object of agents/);
  });

  it("re-serializes inline JSON of --settings and --agents compactly; leaves paths", () => {
    const u = parse(["--settings", '{\n  "model": "x"\n}', "--agents", "agents.json"]);
    expect(u.passthrough).toEqual([
      { name: "settings", value: '{"model":"x"}' },
      { name: "agents", value: "agents.json" },
    ]);
    expect(problem(["--settings", "{nope"])).toMatch(/--settings: the value starts like JSON but does not parse/);
  });

  it("validates --json-schema", () => {
    const u = parse(["--json-schema", '{ "type": "object" }']);
    expect(u.jsonSchema).toEqual({ schema: { type: "object" }, draft: "draft-07" });
    expect(problem(["--json-schema", "{not json"])).toMatch(/--json-schema is not JSON/);
  });

  it("lets multi-line prompt texts through (they go to a file), refuses other values the pin cannot carry", () => {
    expect(parse(["--append-system-prompt", "a\nb"]).managed["append-system-prompt"]).toBe("a\nb");
    expect(parse(["--system-prompt=--be terse"]).managed["system-prompt"]).toBe("--be terse");
    expect(problem(["--model", "a\nb"])).toMatch(/--model "a\\nb": expected a model id .*line break/);
    expect(problem(["--name", ""])).toMatch(/value of --name cannot reach the CLI.*empty/);
    expect(problem(["--settings", "dir\\"])).toMatch(/backslash.*write it to a file and pass the path/);
    expect(problem(["--add-dir", "a\nb"])).toMatch(/--add-dir.*several lines/);
  });

  it("refuses both forms of a system prompt", () => {
    expect(problem(["--system-prompt", "x", "--system-prompt-file", "f"])).toMatch(/--system-prompt and --system-prompt-file are both given/);
    expect(problem(["--append-system-prompt", "x", "--append-system-prompt-file", "f"])).toMatch(/both given/);
  });

  it("reports every bad flag at once", () => {
    expect(problems(["--version", "--max-turns", "x", "--permission-mode", "nope"])).toHaveLength(3);
  });
});

describe("emitClaudeArgs", () => {
  it("emits one line, each flag once", () => {
    expect(emitClaudeArgs([{ name: "a", values: ["x y"] }, { name: "b", values: [] }, { name: "c", values: ["1", "2"] }])).toBe(
      `'--a' 'x y' '--b' '--c' '1' '2'`,
    );
  });

  it("treats a repeated flag or an unsafe value as a bug", () => {
    expect(() => emitClaudeArgs([{ name: "a", values: [] }, { name: "a", values: [] }])).toThrow(/emitted twice/);
    expect(() => emitClaudeArgs([{ name: "a", values: ["x\ny"] }])).toThrow(/not pin-safe/);
  });
});
