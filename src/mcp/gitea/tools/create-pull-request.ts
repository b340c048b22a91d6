/** Opens a pull request from the working branch into the base branch, and nothing else. */
import * as z from "zod";
import { GiteaError } from "../../../gitea/client";
import { explainCreatePullFailure } from "../../../gitea/limits";
import { GITEA_TOOLS } from "../names";
import { cleanOwnText, webLink, workingBranch } from "../text";
import { defineTool, ToolError } from "../tool";

export const createPullRequest = defineTool({
  name: GITEA_TOOLS.createPullRequest,
  description:
    "Open a pull request from this run's working branch into its base branch (the only pair allowed). " +
    "Refused when the branch has no commits on Gitea yet or a pull request for it is already open (its link is returned).",
  inputSchema: {
    title: z.string().min(1, "the title must not be empty").describe("Pull request title."),
    body: z.string().describe("Pull request description (markdown): what changed and why; refer to the issue, e.g. 'Fixes #12'."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  available: (config) => config.branch !== undefined && config.baseBranch !== undefined,
  async handler({ title, body }, deps) {
    const { branch, base } = workingBranch(deps);
    if (!base) throw new ToolError("This run has no base branch to open a pull request into.");
    if (branch === base) throw new ToolError(`The working branch is the base branch (${base}); there is nothing to propose.`);

    const open = (await deps.api.openPulls()).find((p) => p.head.ref === branch && p.base.ref === base);
    if (open) {
      throw new ToolError(`A pull request from ${branch} into ${base} is already open: #${open.number} ${webLink(deps, "pulls", open.number, open.html_url)}`);
    }
    const [head, baseHead] = await Promise.all([deps.api.branch(branch), deps.api.branch(base)]);
    if (!head) throw new ToolError(`Branch ${branch} has no commits on Gitea yet: commit and push your changes first.`);
    if (!baseHead) throw new ToolError(`The base branch ${base} does not exist on Gitea.`);
    if (head.commit.id === baseHead.commit.id) throw new ToolError(`Branch ${branch} has no commits that ${base} lacks: commit and push your changes first.`);

    const cleanTitle = cleanOwnText(title, deps).replace(/\s*\n\s*/g, " ");
    if (!cleanTitle) throw new ToolError("The title is empty once HTML comments and invisible characters are removed.");
    try {
      const pr = await deps.api.createPull(branch, base, cleanTitle, cleanOwnText(body, deps));
      return `Opened pull request #${pr.number} from ${branch} into ${base}: ${webLink(deps, "pulls", pr.number, pr.html_url)}`;
    } catch (error) {
      if (error instanceof GiteaError && error.status === 409) {
        throw new ToolError(`A pull request from ${branch} into ${base} already exists (${error.message}).`);
      }
      if (error instanceof GiteaError && error.status === 422 && /no changes|equal/i.test(error.message)) {
        throw new ToolError(`Branch ${branch} has no changes against ${base}: commit and push your changes first.`);
      }
      const limit = explainCreatePullFailure(error, { usesJobToken: deps.config.usesJobToken === true, branch, base });
      if (limit) throw new ToolError(limit);
      throw error;
    }
  },
});
