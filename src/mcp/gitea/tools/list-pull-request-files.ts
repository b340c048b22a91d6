/** Lists a pull request's changed files, a page at a time. */
import * as z from "zod";
import { GITEA_TOOLS } from "../names";
import { PER_PAGE, pageArgs, pageInfo } from "../paging";
import { json, orNotFound, targetNumber } from "../text";
import { defineTool } from "../tool";

export const listPullRequestFiles = defineTool({
  name: GITEA_TOOLS.listPullRequestFiles,
  description:
    "List the changed files of a pull request of this repository, a page at a time, in Gitea's order: path, previous path for renames, " +
    "status and added/deleted lines, with the total. Read one file's patch with get_pull_request_file_diff. Without a number, this run's pull request.",
  inputSchema: {
    number: z.number().int().positive().optional().describe("Pull request number; default: this run's pull request."),
    ...pageArgs,
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler({ number, page = 1, per_page = PER_PAGE }, deps) {
    const n = targetNumber(number, deps, "pull request");
    const got = await orNotFound(deps.api.pullFilesPage(n, page, per_page), `Pull request #${n} of ${deps.config.repository}`);
    if (!got.items.length) return page === 1 ? `Pull request #${n} changes no files.` : `Pull request #${n}: page ${page} is past the last page${got.total !== undefined ? ` (${got.total} files)` : ""}.`;
    const start = (page - 1) * per_page;
    return json({
      number: n,
      ...pageInfo(page, per_page, got.total, got.items.length),
      files: got.items.map((f, i) => ({
        position: start + i + 1,
        path: f.filename,
        ...(f.previous_filename ? { previous_path: f.previous_filename } : {}),
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
      })),
    });
  },
});
