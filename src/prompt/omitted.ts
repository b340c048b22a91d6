/**
 * What a prompt cut to the context budget says about what it left out, and
 * how to get it: every list left short names the tool and the page to read.
 */
import type { CommentData } from "../gitea/data";
import type { CommentRange, Omitted } from "./budget";
import { formatComment, tag } from "./format";
import { TOOL } from "./tools";
import type { ImageData } from "../gitea/data";

/** Comments per page of list_comments (its default page size). */
export const COMMENTS_PER_PAGE = 50;

const n = (x: number) => x.toLocaleString("en-US");

export function rangesText(ranges: readonly CommentRange[], max = 12): string {
  const shown = ranges.slice(0, max).map(([a, b]) => (a === b ? n(a) : `${n(a)}–${n(b)}`));
  return ranges.length > max ? `${shown.join(", ")} and ${ranges.length - max} more ranges` : shown.join(", ");
}

/** The shown comments in order, with each gap marked by the positions it leaves out. */
export function formatCommentsWithGaps(comments: readonly CommentData[], positions: readonly number[], total: number, images?: readonly ImageData[]): string {
  const parts: string[] = [];
  let next = 1;
  const gap = (from: number, to: number) =>
    parts.push(`[… ${n(to - from + 1)} comment${to === from ? "" : "s"} left out here (position${to === from ? ` ${n(from)}` : `s ${n(from)}–${n(to)}`}, oldest first) …]`);
  comments.forEach((c, i) => {
    const p = positions[i]!;
    if (p > next) gap(next, p - 1);
    parts.push(`(position ${n(p)}) ${formatComment(c, images)}`);
    next = p + 1;
  });
  if (next <= total) gap(next, total);
  return parts.join("\n\n");
}

/** The `<omitted_context>` section. */
export function omittedSection(o: Omitted, isPR: boolean): string {
  const word = isPR ? "pull request" : "issue";
  const lines = [
    `This ${word} is too large to show whole within the prompt's context budget (${n(o.budget)} tokens), so parts of it are left out above. Nothing is out of reach: read the rest with the tools named here when the task needs it.`,
  ];
  if (o.trigger) lines.push(`- The request itself was cut after ${n(o.trigger.shown)} of ${n(o.trigger.total)} characters; read it whole with ${TOOL.listComments} (it is the comment after the last position above).`);
  if (o.body) lines.push(`- The ${word} description was cut after ${n(o.body.shown)} of ${n(o.body.total)} characters; read it whole with ${isPR ? TOOL.getPullRequest : TOOL.getIssue}.`);
  const c = o.comments;
  if (c.shown < c.total) {
    lines.push(
      `- Comments: ${n(c.shown)} of the ${n(c.total)} before the request are shown (its thread, the most recent, and the most relevant earlier ones). Left out, by position (1 = oldest): ${rangesText(c.left)}.`,
      `  Read them with ${TOOL.listComments} {"page": P} (${COMMENTS_PER_PAGE} per page, oldest first: page P holds positions ${COMMENTS_PER_PAGE}×(P−1)+1 to ${COMMENTS_PER_PAGE}×P).`,
    );
  }
  if (isPR) {
    const r = o.reviews;
    if (r.shown < r.total || r.inlineShown < r.inlineTotal) {
      const ids = r.leftIds.length ? ` Reviews left out: ${r.leftIds.slice(0, 20).join(", ")}${r.leftIds.length > 20 ? ` and ${r.leftIds.length - 20} more` : ""}.` : "";
      lines.push(
        `- Reviews: ${n(r.shown)} of ${n(r.total)} shown, with ${n(r.inlineShown)} of ${n(r.inlineTotal)} inline comments (those on changed lines first; outdated ones left out).${ids}`,
        `  Read them with ${TOOL.listPullRequestReviews} {"page": P} and their inline comments with ${TOOL.listReviewComments} {"review_id": ID} (or {"path": "…"} for one file).`,
      );
    }
    const f = o.files;
    if (f.listed < f.total) {
      const read = f.read < f.total ? ` (the first ${n(f.read)} in Gitea's order were read for this prompt; the counts by directory cover those)` : "";
      lines.push(
        `- Changed files: ${n(f.listed)} of ${n(f.total)} are listed${read}.`,
        `  The full list: ${TOOL.listPullRequestFiles} {"page": P} (${COMMENTS_PER_PAGE} per page); one file's patch: ${TOOL.getPullRequestFileDiff} {"path": "…"}.`,
      );
    }
    if (o.commits.total > 0) lines.push(`- Commits: ${n(o.commits.total)} (not listed): ${TOOL.listPullRequestCommits} {"page": P}.`);
  }
  return tag("omitted_context", lines.join("\n"));
}
