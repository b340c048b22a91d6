/**
 * The tracking comment's text in each state. Pure: prepare posts the working
 * body, Claude edits the middle through the gitea MCP server, finish writes
 * the final header and footer around what Claude wrote.
 */

/** Marks our tracking comments so sticky reuse and finish can recognise them. */
export const TRACKING_MARKER = "<!-- claude-code-gitea-action:tracking -->";
/** Marks a "did not run" answer posted without a tracking comment: the next refusal edits it instead of adding another. */
export const REFUSAL_MARKER = "<!-- claude-code-gitea-action:refused -->";
const WORKING_HEADING = "Claude is working…";
const SEPARATOR = "\n\n---\n\n";

export type LinkSet = { run?: string; branch?: { name: string; url: string }; compare?: string; pr?: string };

export function linkLine(l: LinkSet): string {
  const parts: string[] = [];
  if (l.run) parts.push(`[View job run](${l.run})`);
  if (l.branch) parts.push(`[\`${l.branch.name}\`](${l.branch.url})`);
  if (l.pr) parts.push(`[Pull request](${l.pr})`);
  else if (l.compare) parts.push(`[Create PR ➔](${l.compare})`);
  return parts.join(" • ");
}

export function workingBody(links: LinkSet, note = "I'll analyze this and get back to you."): string {
  return `${TRACKING_MARKER}\n**${WORKING_HEADING}** ⏳\n\n${note}\n\n${linkLine(links)}`;
}

export type FinalState =
  | { kind: "success" }
  | { kind: "error"; reason: string }
  | { kind: "timeout"; minutes: number }
  | { kind: "refused"; reason: string };

export type FinalDetails = {
  state: FinalState;
  triggerUser?: string;
  durationMs?: number;
  costUsd?: number;
  links: LinkSet;
  /** What Claude wrote into the comment (its answer, todo list), if anything. */
  claudeText?: string;
  /** Things the reader must know about the outcome (e.g. the work is on another branch). */
  notes?: string[];
};

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (h) return `${h}h ${m % 60}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

function heading(d: FinalDetails): string {
  const who = d.triggerUser ? `@${d.triggerUser}'s task` : "the task";
  const took = d.durationMs !== undefined ? ` in ${formatDuration(d.durationMs)}` : "";
  switch (d.state.kind) {
    case "success":
      return `**Claude finished ${who}${took}**`;
    case "error":
      return `**Claude encountered an error${took ? ` after ${formatDuration(d.durationMs!)}` : ""}**`;
    case "timeout":
      return `**Claude timed out after ${d.state.minutes} minute${d.state.minutes === 1 ? "" : "s"}** (timeout_minutes)`;
    case "refused":
      return "**Claude did not run**";
  }
}

/**
 * Claude's own text inside the comment: everything except our marker, the
 * working heading and link line, and any earlier final header (a sticky
 * comment carries one from a previous run).
 */
export function extractClaudeText(body: string): string {
  let text = body.replace(TRACKING_MARKER, "");
  const sep = text.indexOf("\n---\n");
  if (/^\s*\*\*Claude (finished|encountered|timed out|did not run)/.test(text) && sep !== -1) {
    text = text.slice(sep + 5);
  }
  text = text
    .split("\n")
    .filter((line) => !line.includes(WORKING_HEADING) && !/^\s*\[View job run\]\(/.test(line) && line.trim() !== "I'll analyze this and get back to you.")
    .join("\n");
  text = text.replace(/\n*<sub>[^\n]*<\/sub>\s*$/, "");
  return text.trim();
}

export function finalBody(d: FinalDetails): string {
  const line = linkLine(d.links);
  const head = `${TRACKING_MARKER}\n${heading(d)}${line ? ` —— ${line}` : ""}`;
  const parts: string[] = [];
  if (d.state.kind === "error") parts.push(`\`\`\`\n${d.state.reason.trim()}\n\`\`\``);
  if (d.state.kind === "refused") parts.push(d.state.reason);
  if (d.state.kind === "timeout") parts.push("Claude was stopped before it finished; what it wrote so far is below. Raise `timeout_minutes` if the task needs longer.");
  for (const note of d.notes ?? []) parts.push(`> **Note:** ${note}`);
  if (d.claudeText) parts.push(d.claudeText);
  const footer = d.costUsd !== undefined ? `\n\n<sub>Cost: $${d.costUsd.toFixed(4)}</sub>` : "";
  return `${head}${parts.length ? SEPARATOR + parts.join("\n\n") : ""}${footer}`;
}
