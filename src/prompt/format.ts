/**
 * Formatting of issue/pull request data for the prompt, and the tag helper.
 * Untrusted text arrives sanitized in EntityData; what EntityData passes
 * through raw (labels from the payload, file paths) is cleaned here, and every
 * piece of untrusted text is guarded so it cannot close or open one of the
 * prompt's own tags (a comment containing `</comments>` stays inside
 * <comments>).
 */
import type { EntityData, ReviewData } from "../gitea/data";
import { sanitizeUntrusted, stripInvisible } from "../text/sanitize";

/** The tags the prompts use. */
export const PROMPT_TAGS = [
  "formatted_context",
  "pr_or_issue_body",
  "comments",
  "review_comments",
  "changed_files",
  "attachments",
  "event_type",
  "event_action",
  "is_pr",
  "trigger_context",
  "repository",
  "pr_number",
  "issue_number",
  "claude_comment_id",
  "trigger_username",
  "trigger_display_name",
  "trigger_phrase",
  "trigger_comment",
  "direct_prompt",
  "comment_tool_info",
  "instructions",
  "capabilities",
  "custom_instructions",
  "task_description",
  "run_context",
  "progress_tool_info",
] as const;

export type PromptTag = (typeof PROMPT_TAGS)[number];

const TAG_PATTERN = new RegExp(`<(/?\\s*(?:${PROMPT_TAGS.join("|")})\\b)`, "gi");

/** Makes `<comments>`-like text inert by escaping its `<`, so untrusted text cannot leave its tag. */
export function guard(text: string): string {
  return text.replace(TAG_PATTERN, "&lt;$1");
}

/** `<name>\ncontent\n</name>`, or `<name>content</name>` for one-line values. */
export function tag(name: PromptTag, content: string, inline = false): string {
  return inline ? `<${name}>${content}</${name}>` : `<${name}>\n${content}\n</${name}>`;
}

/** For raw names from payloads and git (labels, paths): no hidden text, no tags. */
export const cleanName = (s: string) => guard(sanitizeUntrusted(s));

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function entityWord(isPR: boolean): string {
  return isPR ? "pull request" : "issue";
}

/** Title, author, state, labels, branches and counts. */
export function formatContext(data: EntityData, options: { url?: string; branchLine?: string } = {}): string {
  const { entity, pull } = data;
  const lines: string[] = [];
  lines.push(`${entity.isPR ? "Pull request" : "Issue"} #${entity.number}: ${guard(data.title) || "(no title)"}`);
  lines.push(`Author: @${entity.author.login}`);
  let state = entity.state;
  if (pull?.merged) state = "merged";
  lines.push(`State: ${state}`);
  if (entity.labels.length) lines.push(`Labels: ${entity.labels.map(cleanName).join(", ")}`);
  if (entity.assignees.length) lines.push(`Assignees: ${entity.assignees.map((a) => `@${a}`).join(", ")}`);
  if (pull) {
    lines.push(`Branches: ${cleanName(pull.headRef)} → ${cleanName(pull.baseRef)}${pull.fromFork ? " (head branch in a fork)" : ""}`);
    lines.push(`Head commit: ${pull.headSha}`);
  }
  if (options.branchLine) lines.push(options.branchLine);
  const counts = [plural(data.comments.length, "comment")];
  if (entity.isPR) {
    counts.push(plural(data.reviews.length, "review"));
    counts.push(plural(data.commits.length, "commit"));
    const plus = pull?.additions ?? data.files.reduce((n, f) => n + f.additions, 0);
    const minus = pull?.deletions ?? data.files.reduce((n, f) => n + f.deletions, 0);
    counts.push(`${plural(data.files.length, "changed file")} (+${plus} −${minus})`);
  }
  if (data.attachments.length) counts.push(plural(data.attachments.length, "attachment"));
  lines.push(`Counts: ${counts.join(", ")}`);
  if (options.url) lines.push(`URL: ${options.url}`);
  return lines.join("\n");
}

export function formatBody(data: EntityData): string {
  return data.body ? guard(data.body) : "(no description)";
}

/** How Claude's own earlier comments and reviews are marked. */
export const OWN = "YOURS: written by you (Claude) in an earlier run";

export function formatComments(data: EntityData): string {
  return data.comments
    .map((c) => `[@${c.author} at ${c.createdAt}, comment ${c.id}${c.own ? `, ${OWN}` : ""}]:\n${guard(c.body) || "(empty)"}`)
    .join("\n\n");
}

function formatReview(r: ReviewData): string {
  if (r.state === "REQUEST_REVIEW") return `[Review requested from @${r.author}]`;
  const of = r.commitId ? `, of commit ${cleanName(r.commitId)}` : "";
  const head = `[Review ${r.id} by @${r.author}${r.submittedAt ? ` at ${r.submittedAt}` : ""}, ${r.state}${of}${r.own ? `, ${OWN}` : ""}]:`;
  const parts = [head, r.body ? guard(r.body) : "(no summary)"];
  for (const c of r.comments) {
    const where = `${cleanName(c.path)}${c.line !== undefined ? `:${c.line}` : ""}`;
    parts.push(`  [Inline comment by @${c.author} on ${where}]:\n${indent(guard(c.body) || "(empty)", "  ")}`);
  }
  return parts.join("\n");
}

export function formatReviews(data: EntityData): string {
  return data.reviews.map(formatReview).join("\n\n");
}

export function formatChangedFiles(data: EntityData): string {
  return data.files
    .map((f) => {
      const from = f.previousPath ? `, from ${cleanName(f.previousPath)}` : "";
      return `- ${cleanName(f.path)} (${f.status}${from}, +${f.additions} −${f.deletions})`;
    })
    .join("\n");
}

export function formatAttachments(data: EntityData): string {
  return data.attachments
    .map((a) => {
      const where = /^comment /.test(a.on) ? a.on : `the ${a.on}`;
      return `- ${guard(a.name)} (attached to ${guard(where)}): ${stripInvisible(a.url)}`;
    })
    .join("\n");
}

export function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => (line ? prefix + line : line))
    .join("\n");
}
