/** Edits this run's tracking comment (the server knows its id). */
import * as z from "zod";
import { TRACKING_MARKER } from "../../../gitea/tracking";
import { GITEA_TOOLS } from "../names";
import { cleanOwnText } from "../text";
import { defineTool, ToolError } from "../tool";

export const updateClaudeComment = defineTool({
  name: GITEA_TOOLS.updateClaudeComment,
  description:
    "Replace the body of your tracking comment on this issue or pull request (the only comment you can write). " +
    "Pass the whole new body as markdown; HTML comments and invisible characters are removed and secrets are redacted.",
  inputSchema: {
    body: z.string().min(1, "body must not be empty").describe("The complete new comment body (markdown)."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  available: (config) => config.commentId !== undefined,
  async handler({ body }, deps) {
    const id = deps.config.commentId;
    if (id === undefined) throw new ToolError("This run has no tracking comment.");
    const text = cleanOwnText(body, deps);
    if (!text) throw new ToolError("The body is empty once HTML comments and invisible characters are removed.");
    // The marker keeps the comment recognisable as this action's (sticky reuse, finish).
    const comment = await deps.api.editComment(id, `${TRACKING_MARKER}\n${text}`);
    return `Updated the tracking comment${comment.html_url ? ` (${comment.html_url})` : ` ${id}`}: ${text.length} characters.`;
  },
});
