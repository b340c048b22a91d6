import { describe, expect, it } from "vitest";
import { emitClaudeArgs } from "../../../src/claude/args";
import { joinQuoted, pinSafeJson, pinUnsafe, shQuote } from "../../../src/claude/quote";
import { pinExtraArgs, pinWords } from "./fixtures";

/** Values the emitted claude_args must carry through the pin exactly. */
const NASTY = [
  `{"type":"object","properties":{"a b":{"type":"string"}}}`,
  "it's",
  "'",
  "''",
  `'\\''`.replace(/\\/g, ""), // ''' without backslashes
  "$HOME",
  "${HOME}",
  "$(rm -rf /)",
  "`id`",
  "#not a comment",
  "a # b",
  " # leading space then hash",
  "a|b&c;d<e>f(g)",
  "Bash(git log:*)",
  "*",
  "**/*.ts",
  "?",
  "[abc]",
  "{a,b}",
  "!x",
  "~/x",
  "tab\there",
  "C:\\path\\to\\file",
  "a\\b",
  "\\",
  "-x",
  "=",
  "a=b",
  "a --b",
  "é 日本 🎉",
  "non\u00a0breaking",
  "line\u2028separator",
  `"double" quotes`,
  `$'ansi'`,
  "$",
  "$$",
  "a;b",
  "&&",
  "<(x)",
  "x>y",
];

describe("shQuote / joinQuoted", () => {
  it("single-quotes every word, escaping quotes as '\\''", () => {
    expect(shQuote("plain")).toBe("'plain'");
    expect(shQuote("it's")).toBe(`'it'\\''s'`);
    expect(shQuote("")).toBe("''");
    expect(joinQuoted(["--model", "a b"])).toBe(`'--model' 'a b'`);
  });
});

describe("round trip through the pin's parser", () => {
  it.each(NASTY.filter((v) => !pinUnsafe(v)))("carries %j as one exact word", (value) => {
    const line = joinQuoted(["--json-schema", value, "--model", "m"]);
    expect(line).not.toContain("\n");
    expect(pinWords(line)).toEqual(["--json-schema", value, "--model", "m"]);
    expect(pinExtraArgs(line)).toEqual({ "json-schema": value, model: "m" });
  });

  it("carries all nasty values at once, in order", () => {
    const values = NASTY.filter((v) => !pinUnsafe(v));
    const words = values.flatMap((v, i) => [`--f${i}`, v]);
    expect(pinWords(joinQuoted(words))).toEqual(words);
  });

  it("keeps a line that would start with # (after quoting it starts with a quote)", () => {
    const line = emitClaudeArgs([{ name: "append-system-prompt", values: ["# Heading"] }]);
    expect(line.trim().startsWith("#")).toBe(false);
    expect(pinExtraArgs(line)).toEqual({ "append-system-prompt": "# Heading" });
  });

  it("emits nothing that shell-quote 1.8.4 would mis-read: no backslash before a quote inside a quoted segment", () => {
    for (const value of NASTY.filter((v) => !pinUnsafe(v))) {
      // Remove our own '\'' escapes; what remains must have no \' and no segment ending in \.
      const rest = shQuote(value).split(`'\\''`).join("");
      expect(rest, value).not.toMatch(/\\'/);
    }
  });
});

describe("pinUnsafe", () => {
  it.each([
    ["", /empty/],
    ["--x", /starts with '--'/],
    ["a\nb", /several lines/],
    ["a\r\nb", /several lines/],
    ["a\0b", /NUL/],
    ["\uE000", /U\+E000/],
    ["ends\\", /backslash/],
    ["a\\'b", /backslash/],
  ])("refuses %j", (value, why) => {
    expect(pinUnsafe(value)).toMatch(why);
  });

  it("accepts a single dash and inner backslashes", () => {
    expect(pinUnsafe("-x")).toBeUndefined();
    expect(pinUnsafe("a\\b")).toBeUndefined();
  });
});

describe("pinSafeJson", () => {
  it("is plain compact JSON when that is safe", () => {
    expect(pinSafeJson({ a: [1, "x y"], b: { c: null } })).toBe(`{"a":[1,"x y"],"b":{"c":null}}`);
  });

  it("writes escaped backslashes as \\u005c when one precedes a quote, keeping the same JSON value", () => {
    const value = { pattern: "^\\'quoted\\'$", path: "C:\\dir\\", e: "\uE001" };
    const text = pinSafeJson(value);
    expect(pinUnsafe(text)).toBeUndefined();
    expect(text).toContain("\\u005c");
    expect(JSON.parse(text)).toEqual(value);
    expect(pinExtraArgs(joinQuoted(["--json-schema", text]))["json-schema"]).toBe(text);
  });

  it("keeps JSON escapes of quotes and newlines intact", () => {
    const value = { s: 'say "hi"\nthen \\ go' };
    const text = pinSafeJson(value);
    expect(JSON.parse(pinExtraArgs(joinQuoted(["--x", text])).x!)).toEqual(value);
  });
});
