/** Phase 6: side effects begin; the state file lets finish close whatever follows. */
import { defaultMarkerFile } from "../../claude/executable";
import type { ClaudePlan } from "../../claude/plan";
import { defaultSeqFile } from "../../dispatch/config";
import type { EventContext } from "../../gitea/context";
import type { RunMode, RunState } from "../../state";
import type { PrepareContext } from "./context";

export function initialState(
  run: PrepareContext,
  ctx: EventContext,
  mode: RunMode,
  plan: ClaudePlan,
  links: { publicUrl: string; runUrl: string },
  progressEndpoint: string | undefined,
): RunState {
  const { inputs, runner } = run;
  const entity = ctx.kind === "entity" ? ctx : undefined;
  return {
    version: 1,
    startedAt: run.now().toISOString(),
    mode,
    eventName: ctx.eventName,
    repository: {
      owner: ctx.repository.owner,
      name: ctx.repository.name,
      fullName: ctx.repository.fullName,
      defaultBranch: ctx.repository.defaultBranch,
    },
    apiUrl: runner.apiUrl,
    publicUrl: links.publicUrl,
    runUrl: links.runUrl,
    workspace: runner.workspace,
    triggerUser: entity ? (entity.trigger.author.login ?? ctx.sender.login) : ctx.sender.login,
    ...(entity ? { entity: { number: entity.entity.number, isPR: entity.entity.isPR, title: entity.entity.title } } : {}),
    jsonSchema: Boolean(plan.jsonSchema),
    timeout: { minutes: inputs.timeout_minutes, markerFile: defaultMarkerFile(runner.runnerTemp) },
    ...(progressEndpoint && ctx.kind === "dispatch"
      ? {
          progress: {
            endpoint: progressEndpoint,
            ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
            ...(inputs.progress_audience ? { audience: inputs.progress_audience } : {}),
            allowedHosts: inputs.progress_allowed_hosts,
            seqFile: defaultSeqFile(runner.runnerTemp),
          },
        }
      : {}),
    useStickyComment: inputs.use_sticky_comment,
    showFullOutput: inputs.show_full_output,
  };
}
