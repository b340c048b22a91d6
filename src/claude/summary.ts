/**
 * The step summary (markdown) for a Claude run, from the execution-log
 * summary. Everything goes through the caller's `redact` before it is
 * returned, so a secret never reaches GITHUB_STEP_SUMMARY.
 */
import type { ExecutionSummary } from "./log";

export type Conclusion = "success" | "failure" | "timed_out" | "cancelled" | "skipped";

export interface StepSummaryOptions {
  /** Redacts secrets (e.g. Redactor#redact); applied to the whole markdown. */
  redact: (text: string) => string;
  /** Overrides the conclusion derived from the result message. */
  conclusion?: Conclusion;
  /** Minutes when the wrapper reported a timeout. */
  timedOutMinutes?: number;
  /** Heading, default "Claude Code". */
  title?: string;
  /** An error to show when the run failed (e.g. the run step's message). */
  error?: string;
  /** Cap for the structured output block, default 20 000 characters. */
  maxStructuredChars?: number;
}

/** success: a result with subtype success and no is_error; failure otherwise. */
export function conclusionOf(summary: ExecutionSummary): "success" | "failure" {
  return summary.result && !summary.result.isError ? "success" : "failure";
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total}s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h ? `${h}h ${m}m ${s}s` : `${m}m ${s}s`;
}

const int = (n: number) => n.toLocaleString("en-US");

/** A table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
/** Inline code that survives backticks inside. */
const code = (text: string) => {
  const t = cell(text);
  const run = Math.max(0, ...(t.match(/`+/g) ?? []).map((s) => s.length));
  const fence = "`".repeat(run + 1);
  return run ? `${fence} ${t} ${fence}` : `${fence}${t}${fence}`;
};
/** A fenced block longer than any backtick run in the text. */
const block = (text: string, lang = "") => {
  const run = Math.max(2, ...(text.match(/`+/g) ?? []).map((s) => s.length));
  const fence = "`".repeat(run + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
};

const HEADINGS: Record<Conclusion, string> = {
  success: "✅ Success",
  failure: "❌ Failure",
  timed_out: "⏱️ Timed out",
  cancelled: "🚫 Cancelled",
  skipped: "⏭️ Skipped",
};

export function renderStepSummary(summary: ExecutionSummary, options: StepSummaryOptions): string {
  const conclusion: Conclusion =
    options.conclusion ?? (options.timedOutMinutes !== undefined ? "timed_out" : conclusionOf(summary));
  const lines: string[] = [];
  let heading = HEADINGS[conclusion];
  if (conclusion === "timed_out" && options.timedOutMinutes !== undefined && Number.isFinite(options.timedOutMinutes)) {
    heading += ` after ${options.timedOutMinutes} minute${options.timedOutMinutes === 1 ? "" : "s"}`;
  }
  lines.push(`## ${options.title ?? "Claude Code"}: ${heading}`, "");

  const rows: Array<[string, string]> = [];
  rows.push(["Turns", int(summary.turns)]);
  if (summary.durationMs !== undefined) {
    rows.push(["Duration", `${formatDuration(summary.durationMs)}${summary.apiDurationMs !== undefined ? ` (API ${formatDuration(summary.apiDurationMs)})` : ""}`]);
  }
  if (summary.costUsd !== undefined) rows.push(["Cost", `$${summary.costUsd.toFixed(4)}`]);
  const t = summary.tokens;
  rows.push([
    "Tokens",
    `${int(t.input)} input · ${int(t.output)} output · ${int(t.cacheRead)} cache read · ${int(t.cacheCreation)} cache write`,
  ]);
  if (summary.model) rows.push(["Model", code(summary.model)]);
  if (summary.sessionId) rows.push(["Session", code(summary.sessionId)]);
  if (summary.result) rows.push(["Result", code(summary.result.subtype)]);
  lines.push("| | |", "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${v} |`), "");

  const tools = Object.entries(summary.toolUses).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (tools.length) {
    lines.push("### Tools used", "", "| Tool | Uses |", "| --- | ---: |", ...tools.map(([name, n]) => `| ${code(name)} | ${int(n)} |`));
    if (summary.toolErrors) lines.push("", `${int(summary.toolErrors)} tool call(s) returned an error.`);
    lines.push("");
  }

  if (summary.permissionDenials.length) {
    const byTool = new Map<string, number>();
    for (const d of summary.permissionDenials) byTool.set(d.tool, (byTool.get(d.tool) ?? 0) + 1);
    lines.push(
      "### Permission denials",
      "",
      ...[...byTool].map(([tool, n]) => `- ${code(tool)}${n > 1 ? ` × ${n}` : ""}`),
      "",
      "Allow a tool with `allowed_tools` (or `--allowedTools` in `claude_args`).",
      "",
    );
  }

  if (summary.structuredOutput !== undefined) {
    const max = options.maxStructuredChars ?? 20_000;
    let json = JSON.stringify(summary.structuredOutput, null, 2);
    const cut = json.length > max;
    if (cut) json = json.slice(0, max);
    lines.push("### Structured output", "", block(json, "json"), ...(cut ? ["", `(truncated to ${int(max)} characters)`] : []), "");
  }

  if (conclusion !== "success") {
    const errors: string[] = [];
    if (options.error) errors.push(options.error);
    if (conclusion === "timed_out") {
      errors.push(
        `Claude Code was stopped after ${options.timedOutMinutes !== undefined && Number.isFinite(options.timedOutMinutes) ? `${options.timedOutMinutes} minute(s)` : "the time limit"} (timeout_minutes).`,
      );
    }
    if (summary.result?.errors?.length) errors.push(...summary.result.errors);
    else if (summary.result?.isError && summary.result.text) errors.push(summary.result.text.slice(0, 4000));
    else if (summary.result && summary.result.subtype !== "success") errors.push(`The run ended with ${summary.result.subtype}.`);
    if (!summary.result && conclusion === "failure") errors.push("No result message: Claude Code did not finish.");
    if (errors.length) lines.push("### Error", "", block(errors.join("\n")), "");
  }

  if (summary.warnings.length) lines.push("### Notes", "", ...summary.warnings.map((w) => `- ${cell(w)}`), "");

  return options.redact(lines.join("\n"));
}
