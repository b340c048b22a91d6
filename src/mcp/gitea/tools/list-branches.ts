/** Lists the branches of this repository, marking this run's working and base branches. */
import { GITEA_TOOLS } from "../names";
import { defineTool } from "../tool";

export const listBranches = defineTool({
  name: GITEA_TOOLS.listBranches,
  description: "List the branches of this repository with their head commits; this run's working and base branches are marked.",
  inputSchema: {},
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(_args, deps) {
    const branches = await deps.api.branches();
    const { branch, baseBranch } = deps.config;
    const lines = branches.map((b) => {
      const marks = [b.name === branch ? "working branch" : "", b.name === baseBranch ? "base branch" : ""].filter(Boolean);
      return `- ${b.name} ${b.commit.id.slice(0, 12)}${marks.length ? ` (${marks.join(", ")})` : ""}`;
    });
    if (branch && !branches.some((b) => b.name === branch)) lines.push(`(working branch ${branch} is not on Gitea yet: it is created by the first push or commit)`);
    return [`${branches.length} branch${branches.length === 1 ? "" : "es"} in ${deps.config.repository}:`, ...lines].join("\n");
  },
});
