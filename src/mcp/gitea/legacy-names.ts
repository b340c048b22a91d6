/**
 * Tool names of the earlier Gitea forks (the v0.0.63-era lineage:
 * markwylde/claude-code-gitea-action and the forks made from it) that
 * workflows still list in `allowed_tools` / `disallowed_tools`, and what each
 * is now. The fork's servers were `gitea` (a general Gitea API server),
 * `local_git_ops` (git through MCP), `github_file_ops` (commit signing),
 * `github_comment` and `github_actions` (CI status).
 *
 * A name with an equivalent here becomes that tool (with a notice); one
 * without is refused in `allowed_tools` with the reason and what to use
 * instead, and dropped from `disallowed_tools` with a notice (there is
 * nothing left to forbid). Any other `mcp__gitea__<name>` that is not a tool
 * of this server is reported with the closest existing name, computed from
 * ALL_GITEA_TOOLS (the list other tools are added to).
 */
import { closest } from "../../text/closest";
import { ALL_GITEA_TOOLS, GITEA_MCP_SERVER, GITEA_TOOLS, giteaToolId, type GiteaToolName } from "./names";

type Fate = { to: GiteaToolName; note?: string } | { none: string };

const SCOPED = "the gitea server's tools act on this run's issue or pull request only";
const BRANCH = "the action prepares the working branch itself, and finish pushes Claude's commits";

/** Old full tool name → its fate. */
export const LEGACY_TOOLS: Readonly<Record<string, Fate>> = {
  // gitea (the fork's Gitea API server)
  "mcp__gitea__get_issue_comments": { to: GITEA_TOOLS.listComments },
  "mcp__gitea__get_comment": { to: GITEA_TOOLS.listComments },
  "mcp__gitea__add_issue_comment": { to: GITEA_TOOLS.updateClaudeComment, note: "Claude answers in its tracking comment instead of adding comments" },
  "mcp__gitea__update_issue_comment": { to: GITEA_TOOLS.updateClaudeComment, note: "it edits Claude's own tracking comment only" },
  "mcp__gitea__update_pull_request_comment": { to: GITEA_TOOLS.updateClaudeComment, note: "it edits Claude's own tracking comment only" },
  "mcp__gitea__update_issue": { to: GITEA_TOOLS.setLabels, note: "it sets labels (with mcp__gitea__list_labels to read them); titles, bodies, state and assignees are not changed by Claude any more" },
  "mcp__gitea__get_branch": { to: GITEA_TOOLS.listBranches },
  "mcp__gitea__check_pull_request_merged": { to: GITEA_TOOLS.getPullRequest, note: "the pull request's state says whether it is merged" },
  "mcp__gitea__delete_file": { to: GITEA_TOOLS.commitFiles, note: "a file deleted in the working tree is deleted by the commit" },
  "mcp__gitea__list_issues": { none: SCOPED },
  "mcp__gitea__list_pull_requests": { none: SCOPED },
  "mcp__gitea__get_repository": { none: "the prompt names the repository and its branches; mcp__gitea__get_file_contents reads files" },
  "mcp__gitea__create_issue": { none: "Claude does not open issues" },
  "mcp__gitea__delete_issue_comment": { none: "Claude deletes nothing on Gitea" },
  "mcp__gitea__merge_pull_request": { none: "Claude does not merge: a person merges" },
  "mcp__gitea__update_pull_request": { none: "Claude does not edit pull requests; mcp__gitea__create_pull_request opens one from the working branch" },
  "mcp__gitea__update_pull_request_branch": { none: BRANCH },
  "mcp__gitea__set_issue_branch": { none: BRANCH },
  // local_git_ops (git through MCP)
  "mcp__local_git_ops__commit_files": { to: GITEA_TOOLS.commitFiles, note: "it commits through Gitea's contents API; plain git commit in Bash is allowed by default" },
  "mcp__local_git_ops__delete_files": { to: GITEA_TOOLS.commitFiles, note: "a file deleted in the working tree is deleted by the commit" },
  "mcp__local_git_ops__create_pull_request": { to: GITEA_TOOLS.createPullRequest },
  "mcp__local_git_ops__push_branch": { none: `${BRANCH}; git push of the working branch is allowed by default` },
  "mcp__local_git_ops__checkout_branch": { none: BRANCH },
  "mcp__local_git_ops__create_branch": { none: BRANCH },
  "mcp__local_git_ops__git_status": { none: "git status in Bash is allowed by default" },
  // github_file_ops (commit signing), github_comment, github_actions
  "mcp__github_file_ops__commit_files": { to: GITEA_TOOLS.commitFiles },
  "mcp__github_file_ops__delete_files": { to: GITEA_TOOLS.commitFiles, note: "a file deleted in the working tree is deleted by the commit" },
  "mcp__github_file_ops__update_claude_comment": { to: GITEA_TOOLS.updateClaudeComment },
  "mcp__github_comment__update_claude_comment": { to: GITEA_TOOLS.updateClaudeComment },
  "mcp__github_actions__get_ci_status": { to: GITEA_TOOLS.getCiStatus, note: "the checks of this run's pull request, with the failed Gitea Actions jobs' ids" },
  "mcp__github_actions__get_workflow_run_details": { to: GITEA_TOOLS.getCiStatus, note: "it lists each failed job's run, job index and job id" },
  "mcp__github_actions__download_job_log": { to: GITEA_TOOLS.getJobLog, note: "the end of a job's log, by job id or by run number and job index" },
};

/** The servers of the earlier forks; a rule naming one of them is one of the names above or unknown. */
export const LEGACY_SERVERS = ["gitea", "local_git_ops", "github_file_ops", "github_comment", "github_actions"] as const;

export type ToolRuleCheck = {
  /** The rule(s) to use instead (empty: dropped). */
  rules: string[];
  notice?: string;
  warning?: string;
  /** The rule cannot be used: why, and what to use. */
  error?: string;
};

const serverOf = (rule: string) => /^mcp__([A-Za-z0-9_-]+?)__/.exec(rule)?.[1];

/**
 * What becomes of one tool rule of `allowed_tools` / `disallowed_tools` /
 * `--allowedTools` / `--disallowedTools`. `userServers`: names of the user's
 * own MCP servers (a rule for a server of theirs is theirs, whatever its name).
 */
export function checkToolRule(rule: string, list: "allowed" | "disallowed", userServers: readonly string[] = []): ToolRuleCheck {
  const server = serverOf(rule);
  if (!server || userServers.includes(server)) return { rules: [rule] };
  const fate = LEGACY_TOOLS[rule];
  if (fate && "to" in fate) {
    const to = giteaToolId(fate.to);
    return { rules: [to], notice: `${rule} is a tool of an earlier Gitea fork; it is now ${to}${fate.note ? ` (${fate.note})` : ""}. Rename it in your workflow.` };
  }
  if (fate) {
    const why = `${rule} was a tool of an earlier Gitea fork and has no replacement: ${fate.none}`;
    return list === "allowed"
      ? { rules: [], error: `${why}. Remove it from the list.` }
      : { rules: [], notice: `${why}; forbidding it has no effect.` };
  }
  if (server !== GITEA_MCP_SERVER || rule === `mcp__${GITEA_MCP_SERVER}__*`) {
    if ((LEGACY_SERVERS as readonly string[]).includes(server) && server !== GITEA_MCP_SERVER) {
      return { rules: [rule], warning: `${rule}: the ${server} server of an earlier Gitea fork does not exist any more; the rule matches nothing.` };
    }
    return { rules: [rule] };
  }
  const name = rule.slice(`mcp__${GITEA_MCP_SERVER}__`.length);
  if ((ALL_GITEA_TOOLS as readonly string[]).includes(name)) return { rules: [rule] };
  const near = closest(name, ALL_GITEA_TOOLS);
  return {
    rules: [rule],
    warning: `${rule} is not a tool of the gitea server; the rule matches nothing${near ? `. Did you mean ${giteaToolId(near as GiteaToolName)}?` : ` (its tools: ${ALL_GITEA_TOOLS.join(", ")})`}`,
  };
}
