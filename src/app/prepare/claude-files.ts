/** Phase 9: the MCP config, tool lists, settings file and claude_args for the pinned base action. */
import { join } from "node:path";
import { writeClaudeFiles, type ClaudePlan } from "../../claude/plan";
import { defaultToolLists } from "../../claude/tools";
import { progressMcpEnv } from "../../dispatch/config";
import { oidcAvailable } from "../../dispatch/oidc";
import type { EventContext } from "../../gitea/context";
import type { WorkBranch } from "../../gitea/git";
import { giteaMcpEnv } from "../../mcp/gitea/config";
import { GITEA_MCP_SERVER, READ_ONLY_TOOLS, giteaToolId } from "../../mcp/gitea/names";
import type { RunState } from "../../state";
import type { PrepareContext } from "./context";
import { PROGRESS_MCP_SERVER, PROGRESS_TOOL } from "./prompt";

export async function writeFiles(
  run: PrepareContext,
  plan: ClaudePlan,
  ctx: EventContext,
  state: RunState,
  commentId: number | undefined,
  branch: WorkBranch | undefined,
  publicUrl: string,
  /** Directories Claude may read besides the workspace (the downloaded images). */
  readDirs: string[] = [],
) {
  const { runner, inputs } = run;
  const node = process.execPath;
  const distDir = join(runner.actionPath || process.cwd(), "dist");
  const forkServers: Record<string, { command: string; args: string[]; env: Record<string, string> }> = {
    [GITEA_MCP_SERVER]: {
      command: node,
      args: [join(distDir, "gitea-mcp.js")],
      env: giteaMcpEnv({
        apiUrl: runner.apiUrl,
        repository: ctx.repository.fullName,
        publicUrl,
        ...(commentId !== undefined ? { commentId } : {}),
        ...(ctx.kind === "entity" ? { entityNumber: ctx.entity.number, isPR: ctx.entity.isPR } : {}),
        ...(branch ? { branch: branch.name, baseBranch: branch.base } : {}),
        workspace: runner.workspace,
        gitName: inputs.claude_git_name,
        gitEmail: inputs.claude_git_email,
      }),
    },
  };
  if (state.progress) {
    forkServers[PROGRESS_MCP_SERVER] = {
      command: node,
      args: [join(distDir, "progress-mcp.js")],
      env: progressMcpEnv(state.progress, { repository: ctx.repository.fullName, runId: runner.runId, runnerOidc: oidcAvailable(run.deps.env) }),
    };
  }
  const fork = defaultToolLists({
    useCommitSigning: inputs.use_commit_signing,
    allowedTools: [],
    disallowedTools: [],
    extraAllowedTools: [...READ_ONLY_TOOLS.map(giteaToolId), ...(state.progress ? [PROGRESS_TOOL] : [])],
  });
  return writeClaudeFiles(readDirs.length ? { ...plan, addDirs: [...new Set([...plan.addDirs, ...readDirs])] } : plan, {
    dir: join(run.workDir, "claude"),
    forkServers,
    forkAllowedTools: fork.allowed,
    forkDisallowedTools: fork.disallowed,
  });
}
