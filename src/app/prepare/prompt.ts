/** Phase 8: the prompt file, built from the gathered data by the pure builders in src/prompt. */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EventContext } from "../../gitea/context";
import type { EntityData } from "../../gitea/data";
import type { WorkBranch } from "../../gitea/git";
import { CI_TOOLS, READ_ONLY_TOOLS, ciToolsAllowed, giteaToolId } from "../../mcp/gitea/names";
import { buildPrompt } from "../../prompt/index";
import type { PromptInput } from "../../prompt/types";
import type { RunMode } from "../../state";
import type { PrepareContext } from "./context";

export const PROGRESS_MCP_SERVER = "progress";
export const PROGRESS_TOOL = `mcp__${PROGRESS_MCP_SERVER}__update_claude_progress`;

export type PromptFacts = {
  ctx: EventContext;
  mode: RunMode;
  data: EntityData | undefined;
  commentId: number | undefined;
  branch: WorkBranch | undefined;
  publicUrl: string;
  runUrl: string;
};

/** The MCP tools this run offers Claude (the prompt names them). */
export function offeredMcpTools(f: PromptFacts, hasProgress: boolean, additionalPermissions: Readonly<Record<string, string>> = {}): string[] {
  const entity = f.ctx.kind === "entity" ? f.ctx.entity : undefined;
  return [
    ...READ_ONLY_TOOLS.map(giteaToolId),
    ...(ciToolsAllowed({ isPR: entity?.isPR === true, additionalPermissions }) ? CI_TOOLS.map(giteaToolId) : []),
    ...(f.commentId !== undefined ? [giteaToolId("update_claude_comment")] : []),
    ...(f.branch ? [giteaToolId("commit_files")] : []),
    ...(f.branch ? [giteaToolId("create_pull_request")] : []),
    ...(entity ? [giteaToolId("set_labels")] : []),
    ...(entity?.isPR ? [giteaToolId("submit_review")] : []),
    ...(hasProgress ? [PROGRESS_TOOL] : []),
  ];
}

/** Writes the prompt file; returns its path and the kind of prompt. */
export async function writePrompt(run: PrepareContext, f: PromptFacts): Promise<{ file: string; kind: string }> {
  const hasProgress = Boolean(run.state?.progress);
  const prompt = buildPrompt(promptInput(run, f, offeredMcpTools(f, hasProgress, run.inputs.additional_permissions), hasProgress));
  for (const note of prompt.notices) run.io.notice(note);
  const dir = join(run.workDir, "prompt");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, "claude-prompt.md");
  await writeFile(file, prompt.text, { mode: 0o600 });
  return { file, kind: prompt.kind };
}

function promptInput(run: PrepareContext, f: PromptFacts, mcpTools: string[], hasProgress: boolean): PromptInput {
  const { inputs } = run;
  const { ctx, branch } = f;
  return {
    mode: f.mode,
    repository: ctx.repository.fullName,
    eventName: ctx.eventName,
    ...(ctx.action ? { eventAction: ctx.action } : {}),
    actor: ctx.sender.login,
    ...(f.data ? { data: f.data } : {}),
    triggerPhrase: inputs.trigger_phrase,
    ...(inputs.assignee_trigger ? { assigneeTrigger: inputs.assignee_trigger } : {}),
    ...(inputs.label_trigger ? { labelTrigger: inputs.label_trigger } : {}),
    ...(ctx.kind === "entity" && ctx.trigger.kind === "review_request" && ctx.trigger.reviewer ? { requestedReviewer: ctx.trigger.reviewer.login } : {}),
    ...(ctx.kind === "entity" && ctx.trigger.kind === "workflow_run"
      ? {
          ciRun: {
            workflow: ctx.trigger.run.workflow,
            number: ctx.trigger.run.number,
            event: ctx.trigger.run.event,
            headSha: ctx.trigger.run.headSha,
            htmlUrl: ctx.trigger.run.htmlUrl,
          },
        }
      : {}),
    ...(f.commentId !== undefined ? { trackingCommentId: f.commentId } : {}),
    ...(branch
      ? {
          branch: {
            name: branch.name,
            base: branch.base,
            isNew: branch.isNew,
            isPRBranch: ctx.kind === "entity" && ctx.entity.isPR && !branch.isNew,
          },
        }
      : {}),
    publicUrl: f.publicUrl,
    runUrl: f.runUrl,
    useCommitSigning: inputs.use_commit_signing,
    mcpTools,
    ...(inputs.direct_prompt ? { directPrompt: inputs.direct_prompt } : {}),
    ...(inputs.override_prompt ? { overridePrompt: inputs.override_prompt } : {}),
    ...(inputs.custom_instructions ? { customInstructions: inputs.custom_instructions } : {}),
    ...(ctx.kind === "dispatch" ? { dispatch: { description: ctx.description, hasProgressEndpoint: hasProgress } } : {}),
    contextBudget: inputs.context_budget_tokens,
  };
}
