/** Reads an issue of this repository (default: this run's). */
import * as z from "zod";
import { GITEA_TOOLS } from "../names";
import { json, orNotFound, targetNumber, untrusted, webLink } from "../text";
import { defineTool } from "../tool";

export const getIssue = defineTool({
  name: GITEA_TOOLS.getIssue,
  description:
    "Read an issue of this repository: title, body, state, labels, author, assignees. " +
    "Without a number, reads the issue or pull request this run is about. Text from users is sanitized.",
  inputSchema: {
    number: z.number().int().positive().optional().describe("Issue number; default: this run's issue."),
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler({ number }, deps) {
    const n = targetNumber(number, deps, "issue");
    const issue = await orNotFound(deps.api.issue(n), `Issue #${n} of ${deps.config.repository}`);
    return json({
      number: issue.number,
      title: untrusted(issue.title),
      state: issue.state,
      is_pull_request: Boolean(issue.pull_request),
      author: issue.user?.login,
      labels: (issue.labels ?? []).map((l) => untrusted(l.name)),
      assignees: (issue.assignees ?? (issue.assignee ? [issue.assignee] : [])).map((a) => a.login),
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      url: webLink(deps, issue.pull_request ? "pulls" : "issues", issue.number, issue.html_url),
      body: untrusted(issue.body),
    });
  },
});
