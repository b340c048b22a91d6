/** Posts a comment-only review, with inline comments, on this run's pull request. */
import * as z from "zod";
import { GITEA_TOOLS } from "../names";
import { cleanOwnText, repoPath } from "../text";
import { defineTool, ToolError } from "../tool";

const inlineComment = z.object({
  path: z.string().min(1).describe("File path relative to the repository root, as in the pull request's changed files."),
  line: z.number().int().positive().optional().describe("Line in the new version of the file."),
  old_line: z.number().int().positive().optional().describe("Line in the old version (for removed lines)."),
  body: z.string().min(1).describe("The comment (markdown)."),
});

export const submitReview = defineTool({
  name: GITEA_TOOLS.submitReview,
  description:
    "Post a review on this run's pull request with a summary and inline comments on lines of the diff. " +
    "The review only comments: it cannot approve or request changes.",
  inputSchema: {
    body: z.string().describe("Review summary (markdown)."),
    comments: z.array(inlineComment).default([]).describe("Inline comments; each needs line (new file) or old_line (old file)."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  available: (config) => config.isPR && config.entityNumber !== undefined,
  async handler({ body, comments }, deps) {
    const n = deps.config.entityNumber;
    if (n === undefined || !deps.config.isPR) throw new ToolError("This run is not about a pull request.");
    const summary = cleanOwnText(body, deps);
    if (!summary && !comments.length) throw new ToolError("The review is empty: give a summary or inline comments.");

    const changed = new Set((await deps.api.pullFiles(n)).map((f) => f.filename));
    const inline = comments.map((c, i) => {
      const where = `comment ${i + 1} (${c.path})`;
      const p = repoPath(c.path);
      if (!changed.has(p)) {
        throw new ToolError(`${where}: '${p}' is not changed in pull request #${n}; changed files: ${[...changed].join(", ") || "(none)"}.`);
      }
      if (c.line === undefined && c.old_line === undefined) throw new ToolError(`${where}: give line (new file) or old_line (old file).`);
      const text = cleanOwnText(c.body, deps);
      if (!text) throw new ToolError(`${where}: the comment is empty.`);
      return { path: p, body: text, new_position: c.line ?? 0, old_position: c.line === undefined ? (c.old_line ?? 0) : 0 };
    });
    const review = await deps.api.createReview(n, { body: summary, event: "COMMENT", comments: inline });
    return `Posted review ${review.id} on pull request #${n} with ${inline.length} inline comment${inline.length === 1 ? "" : "s"}${review.html_url ? `: ${review.html_url}` : "."}`;
  },
});
