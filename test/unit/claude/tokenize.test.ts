import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/inputs";
import { preScan, tokenize } from "../../../src/claude/tokenize";

const files: Record<string, string> = {
  "schema.json": '{\n  "type": "object"\n}\n\n\n',
  "my file.json": "spaced\n",
  "prompt.md": "# Title\nBody with $HOME and `code`\n",
};
const read = async (path: string) => {
  const content = files[path];
  if (content === undefined) throw new Error(`unexpected read of ${path}`);
  return content;
};
const words = (raw: string) => tokenize(raw, read);

async function problem(raw: string): Promise<string> {
  try {
    await words(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const p = (e as InputError).problems;
    expect(p).toHaveLength(1);
    expect(p[0]!.input).toBe("claude_args");
    return p[0]!.message;
  }
  throw new Error(`expected an InputError for ${raw}`);
}

describe("tokenize: quoting like a shell, without running one", () => {
  it("splits on whitespace and honours single quotes, double quotes and backslashes", async () => {
    expect(await words(`--a 'x y' --b "p q" --c r\\ s --d 'it'\\''s'`)).toEqual(["--a", "x y", "--b", "p q", "--c", "r s", "--d", "it's"]);
    expect(await words(`--a "say \\"hi\\" \\\\ \\$ \\\`" --b "x\\y"`)).toEqual(["--a", 'say "hi" \\ $ `', "--b", "x\\y"]);
  });

  it("keeps shell metacharacters and glob characters literal", async () => {
    expect(await words("--allowedTools Bash(git log:*) a|b&c;d<e>f --x **/*.ts ?")).toEqual([
      "--allowedTools",
      "Bash(git",
      "log:*)",
      "a|b&c;d<e>f",
      "--x",
      "**/*.ts",
      "?",
    ]);
  });

  it("treats lines starting with # as comments, and # at a word start as a comment to the end of the line", async () => {
    expect(await words("--a 1\n  # --b 2\n--c 3 # trailing --d 4\n--e 5")).toEqual(["--a", "1", "--c", "3", "--e", "5"]);
  });

  it("keeps # inside a word and inside quotes, including quoted lines that start with #", async () => {
    expect(await words("--a x#y --b '#z' --c \"one\n# two\"")).toEqual(["--a", "x#y", "--b", "#z", "--c", "one\n# two"]);
  });

  it("joins lines ended by a backslash", async () => {
    expect(await words("--a 1 \\\n--b 2")).toEqual(["--a", "1", "--b", "2"]);
    expect(await words('--a "x\\\ny"')).toEqual(["--a", "xy"]);
  });

  it("keeps a literal $ that no shell would expand", async () => {
    expect(await words("--a $ --b 'cost $5' --c \"$\" --d 5$ --e $.x --f '$(x)' --g '${Y}'")).toEqual([
      "--a",
      "$",
      "--b",
      "cost $5",
      "--c",
      "$",
      "--d",
      "5$",
      "--e",
      "$.x",
      "--f",
      "$(x)",
      "--g",
      "${Y}",
    ]);
  });

  it("keeps empty quoted words", async () => {
    expect(await words(`--a '' --b ""`)).toEqual(["--a", "", "--b", ""]);
  });
});

describe("tokenize: $(cat FILE)", () => {
  it("replaces quoted and bare forms with the file content, trailing newlines removed, as one word", async () => {
    const schema = '{\n  "type": "object"\n}';
    expect(await words(`--json-schema "$(cat schema.json)"`)).toEqual(["--json-schema", schema]);
    expect(await words(`--json-schema $(cat schema.json)`)).toEqual(["--json-schema", schema]);
    expect(await words(`--json-schema=$(cat schema.json)`)).toEqual([`--json-schema=${schema}`]);
    expect(await words(`--x "$( cat  'my file.json' )"`)).toEqual(["--x", "spaced"]);
    expect(await words(`--x $(cat "my file.json")`)).toEqual(["--x", "spaced"]);
    expect(await words(`--x $(cat my\\ file.json)`)).toEqual(["--x", "spaced"]);
    expect(await words(`--x "pre-$(cat my\\ file.json)-post"`)).toEqual(["--x", "pre-spaced-post"]);
  });

  it("does not re-read the content: $, backticks and # in the file stay literal", async () => {
    expect(await words(`--append-system-prompt "$(cat prompt.md)"`)).toEqual([
      "--append-system-prompt",
      "# Title\nBody with $HOME and `code`",
    ]);
  });

  it("leaves $(cat …) inside single quotes alone", async () => {
    expect(await words(`--x '$(cat schema.json)'`)).toEqual(["--x", "$(cat schema.json)"]);
  });

  it("records each FILE for the caller's reader", () => {
    expect(preScan(`--a "$(cat a.json)" --b $(cat 'b c.json')`).files).toEqual(["a.json", "b c.json"]);
  });
});

describe("tokenize: what a shell would have run is refused", () => {
  it.each([
    ["--x $(date)", /command substitution "\$\(date\)" is not run/],
    ['--x "$(cat a.json | jq .)"', /command substitution .* is not run/],
    ["--x $(cat a b)", /command substitution/],
    ["--x $(cat)", /command substitution/],
    ["--x $(cat $F)", /command substitution/],
    ["--x $((1+2))", /arithmetic expansion/],
    ["--x `date`", /backticks/],
    ['--x "`date`"', /backticks/],
    ["--model $MODEL", /variable "\$MODEL" is not expanded.*\$\{\{ \}\} expression.*single quotes/],
    ['--model "${MODEL}"', /variable "\$\{MODEL\}" is not expanded/],
    ["--x $1", /shell parameter "\$1"/],
    ['--x "$@"', /shell parameter "\$@"/],
    ["--x $'a\\nb'", /quoting is not supported/],
  ])("%s", async (raw, message) => {
    expect(await problem(raw)).toMatch(message);
  });

  it("refuses unbalanced quotes, naming where the quote starts", async () => {
    expect(await problem(`--a 'open --b 2`)).toMatch(/unbalanced quotes: the ' at "'open --b 2" is never closed/);
    expect(await problem(`--a "open`)).toMatch(/unbalanced quotes: the " at/);
  });

  it("refuses the private-use characters it reserves", async () => {
    expect(await problem("--a \uE0F0")).toMatch(/U\+E0F0/);
  });

  it("never reads a file for a refused substitution", async () => {
    await expect(tokenize("--x $(cat a.json; rm -rf /)", () => Promise.reject(new Error("read")))).rejects.toBeInstanceOf(InputError);
  });
});
