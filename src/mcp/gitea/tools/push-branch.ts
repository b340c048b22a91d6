/**
 * Pushes the working branch to Gitea: the same push as `git push` in Bash
 * (fast-forward only, this branch of this repository only), done by the
 * broker, which holds the token.
 */
import { GITEA_TOOLS } from "../names";
import { defineTool, ToolError } from "../tool";

export const pushBranch = defineTool({
  name: GITEA_TOOLS.pushBranch,
  description:
    "Push your commits on the working branch of this run to Gitea (fast-forward only: it never overwrites anyone's commits, never deletes, never pushes tags or other branches). " +
    "Commit first with git. Same as `git push` in Bash.",
  inputSchema: {},
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  available: (config) => config.branch !== undefined,
  async handler(_args, deps) {
    if (!deps.push) throw new ToolError("This run has no working branch to push.");
    const result = await deps.push();
    return result.ok ? result.message : { text: result.message, isError: true };
  },
});
