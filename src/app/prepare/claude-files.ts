/** Phase 9b: the MCP config, tool lists, settings file and claude_args for the pinned base action. */
import { join } from "node:path";
import { writeClaudeFiles, type ClaudePlan } from "../../claude/plan";
import { actionToolLists } from "../../claude/tools";
import type { EventContext } from "../../gitea/context";
import type { WorkBranch } from "../../gitea/git";
import { CI_TOOLS, ciToolsAllowed, defaultAllowedGiteaTools, giteaToolId, GITEA_TOOLS } from "../../mcp/gitea/names";
import type { RunState } from "../../state";
import type { Boundary } from "./boundary";
import type { PrepareContext } from "./context";
import { PROGRESS_TOOL } from "./prompt";

export async function writeFiles(
  run: PrepareContext,
  plan: ClaudePlan,
  ctx: EventContext,
  state: RunState,
  branch: WorkBranch | undefined,
  boundary: Boundary,
  /** Directories Claude may read besides the workspace (the downloaded images): passed with --add-dir. */
  readDirs: readonly string[] = [],
) {
  const { inputs } = run;
  const lists = actionToolLists({
    boundaryAllowed: boundary.rules.allowed,
    boundaryDenied: boundary.rules.disallowed,
    mcpTools: [
      ...defaultAllowedGiteaTools({ useCommitSigning: inputs.use_commit_signing }),
      ...(branch && !inputs.use_commit_signing ? [giteaToolId(GITEA_TOOLS.pushBranch)] : []),
      ...(ciToolsAllowed({ isPR: ctx.kind === "entity" && ctx.entity.isPR, additionalPermissions: inputs.additional_permissions }) ? CI_TOOLS.map(giteaToolId) : []),
      ...(state.progress ? [PROGRESS_TOOL] : []),
    ],
  });
  return writeClaudeFiles(readDirs.length ? { ...plan, addDirs: [...new Set([...plan.addDirs, ...readDirs])] } : plan, {
    dir: join(run.workDir, "claude"),
    forkServers: boundary.servers,
    forkAllowedTools: lists.allowed,
    forkDisallowedTools: lists.disallowed,
    boundaryDisallowedTools: boundary.rules.disallowed,
  });
}
