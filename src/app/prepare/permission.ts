/**
 * Phase 5: the permission answer. Nothing runs without one (fail closed); a
 * trigger that is refused, or that could not be checked, still gets a final
 * answer on the issue or pull request, never silence — and never a pile of
 * them: with use_sticky_comment the answer goes into Claude's one comment on
 * the pull request; otherwise a refusal right after an earlier refusal of
 * ours edits that one (e.g. every push to a pull request whose body mentions
 * the trigger phrase, by someone who may not run Claude).
 */
import type { GiteaClient } from "../../gitea/client";
import type { EventContext } from "../../gitea/context";
import type { PermissionDecision } from "../../gitea/permissions";
import { REFUSAL_MARKER, TRACKING_MARKER, finalBody } from "../../gitea/tracking";
import type { GiteaComment } from "../../gitea/types";
import { describeError } from "../errors";
import type { Settled } from "../settle";
import type { PrepareContext } from "./context";

/** The decision, or undefined when the sender was refused (already reported). Throws when there is no answer. */
export async function decidePermission(
  run: PrepareContext,
  ctx: EventContext,
  client: GiteaClient,
  settled: Settled<PermissionDecision>,
  runUrl: string,
  sticky?: Promise<Settled<GiteaComment | undefined>>,
): Promise<Extract<PermissionDecision, { allowed: true }> | undefined> {
  const entity = ctx.kind === "entity" ? ctx.entity : undefined;
  if (!settled.ok) {
    if (entity) {
      const reason = `Could not check whether @${ctx.sender.login} may write to ${ctx.repository.fullName}: ${describeError(settled.error)}`;
      await answer(run, client, entity.number, finalBody({ state: { kind: "error", reason }, links: { run: runUrl } }), sticky).catch(() => {});
    }
    throw settled.error;
  }
  const permission = settled.value;
  if (!permission.allowed) {
    run.io.error(`Refused: ${permission.reason}`);
    if (entity) await answer(run, client, entity.number, finalBody({ state: { kind: "refused", reason: permission.reason }, links: { run: runUrl } }), sticky);
    return undefined;
  }
  run.io.info(`Permission: ${permission.how}.`);
  return permission;
}

/**
 * Posts (or edits into place) a final answer given without a run. `body` is a
 * tracking-comment body: kept as such for the sticky comment, otherwise its
 * tracking marker is replaced by the refusal marker (a later sticky run must
 * not take it for its tracking comment).
 */
async function answer(
  run: PrepareContext,
  client: GiteaClient,
  index: number,
  body: string,
  stickyP: Promise<Settled<GiteaComment | undefined>> | undefined,
): Promise<void> {
  if (stickyP) {
    const sticky = await stickyP;
    if (sticky.ok && sticky.value) {
      run.io.info(`Answering in the sticky comment ${sticky.value.id} (use_sticky_comment).`);
      await client.editComment(sticky.value.id, body);
      return;
    }
    if (sticky.ok) {
      await client.createComment(index, body);
      return;
    }
  }
  const refusal = body.replace(`${TRACKING_MARKER}\n`, `${REFUSAL_MARKER}\n`);
  const previous = await lastOwnComment(client, index).catch(() => undefined);
  if (previous?.body.includes(REFUSAL_MARKER)) {
    run.io.info(`Updating the earlier "did not run" comment ${previous.id} instead of adding another.`);
    await client.editComment(previous.id, refusal);
    return;
  }
  await client.createComment(index, refusal);
}

/** The newest comment the token's user wrote on this issue or pull request. */
async function lastOwnComment(client: GiteaClient, index: number): Promise<GiteaComment | undefined> {
  const [me, comments] = await Promise.all([client.currentUser(), client.issueComments(index)]);
  return [...comments].reverse().find((c) => c.user?.login === me.login);
}
