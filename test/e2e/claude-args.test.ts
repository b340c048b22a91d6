/**
 * claude_args end to end: values with spaces, $, #, ', JSON, parentheses and
 * several lines reach the real CLI unchanged through the pinned base action's
 * parser; --output-format is dropped with a notice; anything a shell would have
 * to run, unbalanced quotes and bad JSON schemas stop the run before any model
 * call, without posting anything, with an error naming the input and showing
 * what was received.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudeComment, errorsOf, requestMark } from "../support/claude-e2e";
import { cliRecorder, flagCount, flagValues } from "../support/cli-recorder";
import { systemText, text } from "../support/model/index";
import { World, step } from "../support/scenario";

let world: World;
beforeAll(async () => {
  world = await World.start();
});
afterAll(async () => world?.close());

async function runWith(claudeArgs: string, title: string, extra: Record<string, string> = {}) {
  const recorder = await cliRecorder(path.join(world.dir, `recorder-${title.replace(/\W+/g, "-")}`));
  const trigger = await claudeComment(world, title);
  const mark = requestMark(world);
  world.script([{ reply: [text("Done.")] }]);
  const result = await world.runAction({
    eventName: "issue_comment",
    event: trigger.event,
    with: { ...extra, claude_args: claudeArgs, path_to_claude_code_executable: recorder.executable },
    timeoutMs: 240_000,
  });
  if (!result.success) console.log(result.log);
  world.model.assertDone();
  const starts = await recorder.starts();
  expect(starts).toHaveLength(1);
  return { result, start: starts[0]!, requests: mark.main() };
}

describe("claude_args values survive to the CLI", () => {
  it("spaces, $, #, ', JSON and parentheses on one line (and --output-format json is dropped with a notice)", { timeout: 300_000 }, async () => {
    const value = `It's #1: $HOME (ok) {"k": ["v w"], "n": 1}`;
    // As a user writes it in YAML: single quotes, with '\'' for the apostrophe.
    const { result, start, requests } = await runWith(
      `--output-format json --append-system-prompt 'It'\\''s #1: $HOME (ok) {"k": ["v w"], "n": 1}' --model claude-from-args`,
      "One line",
      { model: "claude-from-input" },
    );
    expect(result.success).toBe(true);
    expect(result.outputs.conclusion).toBe("success");
    const system = systemText(requests[0]!.body);
    expect(system).toContain(value);
    // Not expanded (a shell would give the home directory; the pin's shell-quote, outside single quotes, nothing).
    expect(system).not.toContain(`#1: ${result.dirs.home} (ok)`);
    expect(system).not.toContain("#1:  (ok)");
    // The CLI got it in one piece (as a flag value, or through the file the action writes for it).
    const direct = flagValues(start.argv, "append-system-prompt");
    expect(direct.length ? direct : [start.promptFiles["--append-system-prompt-file"]]).toEqual([value]);
    // The base action needs stream-json: the user's --output-format never reaches the CLI.
    expect(flagValues(start.argv, "output-format")).toEqual(["stream-json"]);
    const notices = result.annotations.filter((a) => a.level === "notice").map((a) => a.message);
    expect(notices.some((m) => m.includes("--output-format json") && m.includes("removed"))).toBe(true);
    // A single-valued flag appears once and claude_args wins over the input; ANTHROPIC_MODEL follows it
    // (at the pin ANTHROPIC_MODEL would otherwise override --model).
    expect(notices).toContain("claude_args --model wins over the model input.");
    expect(flagValues(start.argv, "model")).toEqual(["claude-from-args"]);
    expect(start.env.ANTHROPIC_MODEL).toBe("claude-from-args");
    for (const r of requests) expect(r.body.model).toBe("claude-from-args");
  });

  it("a multi-line value with a line starting with # (the pin would strip that line) arrives whole", { timeout: 300_000 }, async () => {
    const value = `First line: it's "quoted" (ok).\n# A heading, not a comment\n  {"indented": ["json", 2]}`;
    const { result, requests, start } = await runWith(
      `--append-system-prompt "First line: it's \\"quoted\\" (ok).\n# A heading, not a comment\n  {\\"indented\\": [\\"json\\", 2]}"\n--max-turns 5`,
      "Multi line",
      { max_turns: "1" },
    );
    expect(result.success).toBe(true);
    expect(systemText(requests[0]!.body)).toContain(value);
    // The flag after the multi-line value was read too (and won over the max_turns input).
    expect(flagValues(start.argv, "max-turns")).toEqual(["5"]);
    expect(flagCount(start.argv, "append-system-prompt") + flagCount(start.argv, "append-system-prompt-file")).toBe(1);
  });
});

describe("claude_args that cannot be honoured fail before any model call, posting nothing", () => {
  const cases: Array<{ name: string; with: Record<string, string>; input: string; shows: string[] }> = [
    { name: "command substitution other than $(cat FILE)", with: { claude_args: `--append-system-prompt "$(echo hi)"` }, input: "claude_args", shows: ["$(echo hi)", "no shell"] },
    { name: "a shell variable", with: { claude_args: "--model $HOME" }, input: "claude_args", shows: ["$HOME"] },
    { name: "backticks", with: { claude_args: "--model `whoami`" }, input: "claude_args", shows: ["`whoami`"] },
    { name: "unbalanced quotes", with: { claude_args: `--append-system-prompt "never closed` }, input: "claude_args", shows: ["unbalanced", "never closed"] },
    { name: "--json-schema that is not JSON", with: { claude_args: `--json-schema '{not json'` }, input: "claude_args", shows: ["--json-schema", "{not json"] },
    {
      name: "--json-schema that is not a JSON Schema",
      with: { claude_args: `--json-schema '{"type": "nonsense"}'` },
      input: "claude_args",
      shows: ["--json-schema", "/type", "nonsense"],
    },
    { name: "$(cat FILE) outside the workspace", with: { claude_args: `--json-schema "$(cat /etc/passwd)"` }, input: "claude_args", shows: ["/etc/passwd", "outside the workspace"] },
    { name: "json_schema input that is not a JSON Schema", with: { json_schema: `{"type": 42}` }, input: "json_schema", shows: ["/type"] },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const trigger = await claudeComment(world, `Bad input: ${c.name}`);
      const before = world.model.requests.length;
      const result = await world.runAction({ eventName: "issue_comment", event: trigger.event, with: c.with });
      expect(result.success).toBe(false);
      expect(step(result, "prepare")?.outcome).toBe("failure");
      expect(step(result, "run")?.outcome).toBe("skipped");
      const error = errorsOf(result).find((m) => m.includes(`'${c.input}'`));
      expect(error, errorsOf(result).join("\n")).toBeDefined();
      for (const s of c.shows) expect(error).toContain(s);
      expect(world.model.requests.length).toBe(before);
      expect(trigger.comments()).toHaveLength(1);
      expect(result.outputs.conclusion).not.toBe("success");
    });
  }
});
