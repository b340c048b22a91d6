/**
 * The updates the action itself sends (pure: data in, update out). Prepare
 * sends `startUpdate` once the dispatch is accepted; finish sends
 * `finalUpdate` whatever happened. The model's own updates come in between,
 * through the progress MCP server.
 */
import type { ProgressUpdate } from "./progress";

const firstLine = (text: string, max = 200): string => {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find(Boolean) ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** `in_progress`, "Claude started: <first line of the description>". */
export function startUpdate(input: { description: string }): ProgressUpdate {
  const line = firstLine(input.description);
  return {
    status: "in_progress",
    message: line ? `Claude started: ${line}` : "Claude started.",
    completed_tasks: [],
    current_task: null,
  };
}

export type FinalLinks = {
  branchUrl?: string;
  compareUrl?: string;
  prUrl?: string;
};

export type FinalInput = {
  /** The action's conclusion: "success"; anything else ("failure", "cancelled", …) is a failed run. */
  conclusion: string;
  /** Branch Claude worked on; omit when none was kept. */
  branch?: string;
  links?: FinalLinks;
  /** The parsed object, or the run step's JSON string (parsed here; unparsable text is left out). */
  structuredOutput?: unknown;
  /** Why the run failed (first line is used); redacted by the client before sending. */
  error?: string;
};

/** Parses the run step's structured_output (a JSON string); undefined when empty or not JSON. */
export function parseStructuredOutput(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return value;
  if (!value.trim()) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** `completed` on success, `failed` otherwise, with conclusion, branch, links and structured output. */
export function finalUpdate(input: FinalInput): ProgressUpdate {
  const ok = input.conclusion === "success";
  const links = input.links ?? {};
  const structured = parseStructuredOutput(input.structuredOutput);
  const parts: string[] = [];
  if (ok) {
    parts.push("Claude finished.");
  } else {
    const why = firstLine(input.error ?? "", 300);
    parts.push(why ? `Claude failed: ${why}` : `Claude failed (${input.conclusion || "failure"}).`);
  }
  if (links.prUrl) parts.push(`Pull request: ${links.prUrl}`);
  else if (links.compareUrl) parts.push(`Changes: ${links.compareUrl}`);
  else if (input.branch) parts.push(`Branch: ${input.branch}`);
  const update: ProgressUpdate = {
    status: ok ? "completed" : "failed",
    message: parts.join(" "),
    completed_tasks: [],
    current_task: null,
    conclusion: input.conclusion || (ok ? "success" : "failure"),
  };
  if (input.branch) update.branch = input.branch;
  if (links.branchUrl) update.branch_url = links.branchUrl;
  if (links.prUrl) update.pr_url = links.prUrl;
  else if (links.compareUrl) update.compare_url = links.compareUrl;
  if (structured !== undefined) update.structured_output = structured;
  return update;
}
