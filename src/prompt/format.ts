/**
 * Formatting of issue/pull request data for the prompt, and the tag helper.
 * Untrusted text arrives sanitized in EntityData; what EntityData passes
 * through raw (labels from the payload, file paths) is cleaned here, and every
 * piece of untrusted text is guarded so it cannot close or open one of the
 * prompt's own tags (a comment containing `</comments>` stays inside
 * <comments>).
 */
import type { CommentData, EntityData, ImageData, ReviewData } from "../gitea/data";
import { totalsOf } from "./budget";
import { formatSize, typeOfName } from "../gitea/media";
import { sanitizeUntrusted, stripInvisible } from "../text/sanitize";

/** The tags the prompts use. */
export const PROMPT_TAGS = [
  "formatted_context",
  "pr_or_issue_body",
  "comments",
  "review_comments",
  "changed_files",
  "attachments",
  "omitted_context",
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
  const totals = totalsOf(data);
  const counts = [plural(totals.comments, "comment")];
  if (entity.isPR) {
    counts.push(plural(totals.reviews, "review"));
    counts.push(plural(totals.commits, "commit"));
    const plus = pull?.additions ?? data.files.reduce((n, f) => n + f.additions, 0);
    const minus = pull?.deletions ?? data.files.reduce((n, f) => n + f.deletions, 0);
    counts.push(`${plural(totals.files, "changed file")} (+${plus} −${minus})`);
  }
  const attached = data.attachments.length + (data.images ?? []).filter((i) => i.name).length;
  if (attached) counts.push(plural(attached, "attachment"));
  lines.push(`Counts: ${counts.join(", ")}`);
  if (options.url) lines.push(`URL: ${options.url}`);
  return lines.join("\n");
}

export function formatBody(data: EntityData): string {
  const body = data.body ? guard(data.body) : "(no description)";
  return withImages(body, data.images, data.entity.isPR ? "pull request" : "issue");
}

/** One line per image that appeared in a place: the file Claude can read, or why there is none. */
export function imageLines(images: readonly ImageData[] | undefined, on: string): string[] {
  return (images ?? [])
    .filter((i) => i.on === on)
    .map((i) => {
      const what = i.name ? guard(cleanName(i.name)) : stripInvisible(guard(i.url));
      if (i.file) return `[Image ${what}: saved as ${i.file} (${i.type ?? "image"}, ${formatSize(i.size ?? 0)}); open it with the Read tool]`;
      return `[Image ${what}: not downloaded (${i.skipped ?? "not fetched"})]`;
    });
}

function withImages(text: string, images: readonly ImageData[] | undefined, on: string): string {
  const lines = imageLines(images, on);
  return lines.length ? `${text}\n${lines.join("\n")}` : text;
}

export function formatComment(c: CommentData, images?: readonly ImageData[]): string {
  return withImages(`[@${c.author} at ${c.createdAt}, comment ${c.id}${c.own ? `, ${OWN}` : ""}]:\n${guard(c.body) || "(empty)"}`, images, `comment ${c.id}`);
}

/** How Claude's own earlier comments and reviews are marked. */
export const OWN = "YOURS: written by you (Claude) in an earlier run";

export function formatComments(data: EntityData): string {
  return data.comments.map((c) => formatComment(c, data.images)).join("\n\n");
}

export function formatReview(r: ReviewData, images?: readonly ImageData[]): string {
  if (r.state === "REQUEST_REVIEW") return `[Review requested from @${r.author}]`;
  const of = r.commitId ? `, of commit ${cleanName(r.commitId)}` : "";
  const head = `[Review ${r.id} by @${r.author}${r.submittedAt ? ` at ${r.submittedAt}` : ""}, ${r.state}${of}${r.own ? `, ${OWN}` : ""}]:`;
  const parts = [head, withImages(r.body ? guard(r.body) : "(no summary)", images, `review ${r.id}`)];
  for (const c of r.comments) {
    const where = `${cleanName(c.path)}${c.line !== undefined ? `:${c.line}` : ""}`;
    parts.push(`  [Inline comment by @${c.author} on ${where}]:\n${indent(withImages(guard(c.body) || "(empty)", images, `review comment ${c.id}`), "  ")}`);
  }
  return parts.join("\n");
}

export function formatReviews(data: EntityData): string {
  return data.reviews.map((r) => formatReview(r, data.images)).join("\n\n");
}

export function formatFileLine(f: EntityData["files"][number]): string {
  const from = f.previousPath ? `, from ${cleanName(f.previousPath)}` : "";
  return `- ${cleanName(f.path)} (${f.status}${from}, +${f.additions} −${f.deletions})`;
}

export function formatChangedFiles(data: EntityData): string {
  return data.files.map(formatFileLine).join("\n");
}

const placeOf = (on: string) => (/^(comment|review) /.test(on) ? on : `the ${on}`);

/** Images (the files saved for Claude, or why not) and the other attachments, with name, type and size. */
export function formatAttachments(data: EntityData): string {
  const images = (data.images ?? []).map((i) => {
    const what = i.name ? guard(cleanName(i.name)) : "embedded image";
    const where = `${i.name ? "attached to" : "in"} ${guard(placeOf(i.on))}`;
    if (i.file) return `- ${what} (${where}): saved as ${i.file} (${i.type ?? "image"}, ${formatSize(i.size ?? 0)})`;
    return `- ${what} (${where}): not downloaded (${i.skipped ?? "not fetched"}): ${stripInvisible(guard(i.url))}`;
  });
  const others = data.attachments.map((a) => {
    const size = a.size !== undefined ? `, ${formatSize(a.size)}` : "";
    return `- ${guard(a.name)} (${typeOfName(a.name)}${size}, attached to ${guard(placeOf(a.on))}): ${stripInvisible(a.url)}`;
  });
  return [...images, ...others].join("\n");
}

export function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => (line ? prefix + line : line))
    .join("\n");
}
