import { describe, expect, it } from "vitest";
import type { ExecutionSummary } from "../../../src/claude/log";
import { conclusionOf, formatDuration, renderStepSummary } from "../../../src/claude/summary";
import { Redactor } from "../../../src/text/redact";

const SECRET = "sk-ant-secret-value-123";
const redact = (t: string) => new Redactor([SECRET]).redact(t);

const base = (over: Partial<ExecutionSummary> = {}): ExecutionSummary => ({
  found: true,
  messages: 12,
  turns: 4,
  toolUses: { Read: 3, "mcp__gitea__update_claude_comment": 2, Bash: 3 },
  toolErrors: 1,
  permissionDenials: [{ tool: "WebFetch", toolUseId: "a" }, { tool: "WebFetch" }, { tool: "Bash" }],
  tokens: { input: 12345, output: 678, cacheCreation: 90, cacheRead: 4321 },
  costUsd: 0.12345,
  durationMs: 125_000,
  apiDurationMs: 61_000,
  result: { subtype: "success", isError: false, text: "Done" },
  sessionId: "sess-1",
  model: "claude-sonnet-4-5",
  structuredOutput: { verdict: "approve", note: "```js\nx\n```" },
  warnings: [],
  ...over,
});

describe("renderStepSummary", () => {
  it("renders a successful run", () => {
    expect(renderStepSummary(base(), { redact })).toMatchInlineSnapshot(`
      "## Claude Code: ✅ Success

      | | |
      | --- | --- |
      | Turns | 4 |
      | Duration | 2m 5s (API 1m 1s) |
      | Cost | $0.1235 |
      | Tokens | 12,345 input · 678 output · 4,321 cache read · 90 cache write |
      | Model | \`claude-sonnet-4-5\` |
      | Session | \`sess-1\` |
      | Result | \`success\` |

      ### Tools used

      | Tool | Uses |
      | --- | ---: |
      | \`Bash\` | 3 |
      | \`Read\` | 3 |
      | \`mcp__gitea__update_claude_comment\` | 2 |

      1 tool call(s) returned an error.

      ### Permission denials

      - \`WebFetch\` × 2
      - \`Bash\`

      Allow a tool with \`allowed_tools\` (or \`--allowedTools\` in \`claude_args\`).

      ### Structured output

      \`\`\`\`json
      {
        "verdict": "approve",
        "note": "\`\`\`js\\nx\\n\`\`\`"
      }
      \`\`\`\`
      "
    `);
  });

  it("shows the error of a failed run", () => {
    const md = renderStepSummary(
      base({ result: { subtype: "error_max_turns", isError: true, errors: ["Reached maximum number of turns (4)"] }, structuredOutput: undefined }),
      { redact },
    );
    expect(md).toContain("## Claude Code: ❌ Failure");
    expect(md).toContain("### Error\n\n```\nReached maximum number of turns (4)\n```");
    expect(md).not.toContain("### Structured output");
  });

  it("says when the run timed out, and how long the limit was", () => {
    const md = renderStepSummary(base({ result: undefined, structuredOutput: undefined }), { redact, timedOutMinutes: 30 });
    expect(md).toContain("## Claude Code: ⏱️ Timed out after 30 minutes");
    expect(md).toContain("Claude Code was stopped after 30 minute(s) (timeout_minutes).");
  });

  it("reports a run without a result and the reader's warnings", () => {
    const md = renderStepSummary(base({ result: undefined, warnings: ["The execution log ends early | truncated"] }), { redact });
    expect(md).toContain("No result message: Claude Code did not finish.");
    expect(md).toContain("### Notes\n\n- The execution log ends early \\| truncated");
  });

  it("never lets a secret through", () => {
    const md = renderStepSummary(
      base({
        result: { subtype: "success", isError: true, text: `token ${SECRET}` },
        structuredOutput: { leaked: SECRET },
        toolUses: { [`Bash(echo ${SECRET})`]: 1 },
        warnings: [SECRET],
      }),
      { redact, error: `failed with ${SECRET}` },
    );
    expect(md).not.toContain(SECRET);
    expect(md).toContain("***");
  });

  it("caps a large structured output", () => {
    const md = renderStepSummary(base({ structuredOutput: { big: "x".repeat(50_000) } }), { redact, maxStructuredChars: 100 });
    expect(md).toContain("(truncated to 100 characters)");
    expect(md.length).toBeLessThan(3000);
  });

  it("derives the conclusion from the result", () => {
    expect(conclusionOf(base())).toBe("success");
    expect(conclusionOf(base({ result: { subtype: "success", isError: true } }))).toBe("failure");
    expect(conclusionOf(base({ result: undefined }))).toBe("failure");
    expect(formatDuration(3_725_000)).toBe("1h 2m 5s");
    expect(formatDuration(4_400)).toBe("4s");
  });
});
