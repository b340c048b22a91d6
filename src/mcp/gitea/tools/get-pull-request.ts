/** Reads a pull request of this repository (default: this run's) with a summary of its files. */
import * as z from "zod";
import { GITEA_TOOLS } from "../names";
import { json, orNotFound, targetNumber, untrusted, webLink } from "../text";
import { defineTool } from "../tool";

/** Longest file list returned; the counts still cover every file. */
export const MAX_LISTED_FILES = 300;

export const getPullRequest = defineTool({
  name: GITEA_TOOLS.getPullRequest,
  description:
    "Read a pull request of this repository: title, body, state, labels, author, head and base branches, and the changed files " +
    "(path, status, added/deleted lines). Without a number, reads this run's pull request. Text from users is sanitized.",
  inputSchema: {
    number: z.number().int().positive().optional().describe("Pull request number; default: this run's pull request."),
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler({ number }, deps) {
    const n = targetNumber(number, deps, "pull request");
    const what = `Pull request #${n} of ${deps.config.repository}`;
    // Only the files this answer lists are read (a pull request may change tens of thousands).
    const [pr, { items: files, total }] = await Promise.all([orNotFound(deps.api.pull(n), what), orNotFound(deps.api.pullFilesUpTo(n, MAX_LISTED_FILES), what)]);
    const headRepo = pr.head.repo_id ?? pr.head.repo?.id;
    const baseRepo = pr.base.repo_id ?? pr.base.repo?.id;
    return json({
      number: pr.number,
      title: untrusted(pr.title),
      state: pr.merged ? "merged" : pr.state,
      author: pr.user?.login,
      labels: (pr.labels ?? []).map((l) => untrusted(l.name)),
      head: {
        ref: pr.head.ref,
        sha: pr.head.sha,
        from_fork: headRepo !== undefined && baseRepo !== undefined && headRepo !== baseRepo,
      },
      base: { ref: pr.base.ref, sha: pr.base.sha },
      additions: pr.additions ?? files.reduce((s, f) => s + f.additions, 0),
      deletions: pr.deletions ?? files.reduce((s, f) => s + f.deletions, 0),
      changed_files: total,
      files: files.map((f) => ({
        path: f.filename,
        ...(f.previous_filename ? { previous_path: f.previous_filename } : {}),
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
      })),
      ...(total > files.length ? { files_note: `only the first ${files.length} of ${total} files are listed: page through them all with list_pull_request_files` } : {}),
      url: webLink(deps, "pulls", pr.number, pr.html_url),
      body: untrusted(pr.body),
    });
  },
});
