/**
 * Phase 4, round 1 of Gitea requests: everything independent, in parallel —
 * the server version, the pull request, every first page of the entity's
 * data, the sticky comment, the permission check when the payload cannot
 * answer it — and the CLI preflight beside them.
 */
import { findBun, type FoundBun } from "../../claude/bun";
import { defaultWrapperDir, prepareExecutable, type PreparedExecutable } from "../../claude/executable";
import type { ClaudePlan } from "../../claude/plan";
import type { GiteaClient } from "../../gitea/client";
import type { EventContext, EntityEvent } from "../../gitea/context";
import { fetchEntityData, readPull, type EntityData, type PullData } from "../../gitea/data";
import { filesToRead } from "../../prompt/budget";
import { checkSender, type PermissionDecision } from "../../gitea/permissions";
import { headAtComment, type TriggerHead } from "../../gitea/trigger-head";
import type { GiteaBranch, GiteaComment } from "../../gitea/types";
import type { RunMode } from "../../state";
import { settle, unwrap, type Settled } from "../settle";
import type { PrepareContext } from "./context";
import { findStickyComment } from "./tracking";

export type Gathered = {
  version: Promise<Settled<string>>;
  pull?: Promise<Settled<PullData>>;
  data?: Promise<Settled<EntityData>>;
  sticky?: Promise<Settled<GiteaComment | undefined>>;
  executable: Promise<Settled<PreparedExecutable>>;
  bun: Promise<Settled<FoundBun>>;
  permission: Promise<Settled<PermissionDecision>>;
  /** base_branch, looked up when it is set (undefined answer: no such branch). */
  baseBranch?: Promise<Settled<GiteaBranch | undefined>>;
  /** For a comment on a pull request: the head its author saw (the payload does not say). */
  triggerHead?: Promise<Settled<TriggerHead>>;
};

export function gather(
  run: PrepareContext,
  ctx: EventContext,
  mode: RunMode,
  plan: ClaudePlan,
  client: GiteaClient,
  /** The pull request, when prepare already asked for it. */
  known?: Promise<Settled<PullData>>,
): Gathered {
  const { inputs, runner, deps } = run;
  const entity: EntityEvent | undefined = ctx.kind === "entity" ? ctx : undefined;
  const pull = entity?.entity.isPR ? (known ?? settle(readPull(client, entity.entity.number))) : undefined;
  const comment = entity?.entity.isPR && !entity.entity.headSha && entity.trigger.kind === "comment" ? entity.trigger : undefined;
  // On pull requests, Claude's own earlier reviews are marked in its context (who the token's user is).
  const self = entity?.entity.isPR ? client.currentUser().then((u) => u.login, () => undefined) : undefined;
  return {
    ...(entity && comment ? { triggerHead: settle(headSeenBy(client, entity.entity.number, comment.createdAt)) } : {}),
    version: settle(client.version()),
    ...(pull ? { pull } : {}),
    ...(entity && mode !== "dispatch"
      ? {
          data: settle(
            fetchEntityData(client, entity.entity, entity.trigger, {
              ...(pull ? { pull: pull.then(unwrap) } : {}),
              // As many changed files as the context budget can use; the rest are counted.
              maxFiles: (total) => filesToRead(inputs.context_budget_tokens, total),
              ...(self ? { self } : {}),
            }),
          ),
        }
      : {}),
    ...(entity && entity.entity.isPR && inputs.use_sticky_comment ? { sticky: settle(findStickyComment(client, entity.entity.number)) } : {}),
    executable: settle(
      prepareExecutable({
        inputPath: inputs.path_to_claude_code_executable,
        timeoutMinutes: inputs.timeout_minutes,
        dir: defaultWrapperDir(runner.runnerTemp),
        env: deps.env,
        ...(deps.processRunner ? { runner: deps.processRunner } : {}),
        ...(deps.installer ? { installer: deps.installer } : {}),
      }),
    ),
    bun: settle(
      findBun({
        inputPath: inputs.path_to_bun_executable,
        workspace: runner.workspace,
        env: deps.env,
        ...(deps.processRunner ? { runner: deps.processRunner } : {}),
      }),
    ),
    permission: settle(checkSender(ctx, client, inputs.allowed_bots)),
    ...(inputs.base_branch ? { baseBranch: settle(client.branch(inputs.base_branch)) } : {}),
  };
}

/**
 * The pull request head a comment saw: the timeline since the comment (the comment itself at
 * least, so a short first page); the server's page size is asked at the same time, not after it.
 */
function headSeenBy(client: GiteaClient, index: number, commentCreatedAt: string): Promise<TriggerHead> {
  void client.maxResponseItems().catch(() => undefined);
  return client.issueTimeline(index, commentCreatedAt).then((events) => headAtComment(events, commentCreatedAt));
}
