/**
 * Phase 5: the permission answer. Nothing runs without one (fail closed); a
 * trigger that is refused, or that could not be checked, still gets a final
 * answer on the issue or pull request, never silence.
 */
import type { GiteaClient } from "../../gitea/client";
import type { EventContext } from "../../gitea/context";
import type { PermissionDecision } from "../../gitea/permissions";
import { REFUSAL_MARKER, TRACKING_MARKER, finalBody } from "../../gitea/tracking";
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
): Promise<Extract<PermissionDecision, { allowed: true }> | undefined> {
  const entity = ctx.kind === "entity" ? ctx.entity : undefined;
  if (!settled.ok) {
    if (entity) {
      const reason = `Could not check whether @${ctx.sender.login} may write to ${ctx.repository.fullName}: ${describeError(settled.error)}`;
      await client.createComment(entity.number, finalBody({ state: { kind: "error", reason }, links: { run: runUrl } })).catch(() => {});
    }
    throw settled.error;
  }
  const permission = settled.value;
  if (!permission.allowed) {
    run.io.error(`Refused: ${permission.reason}`);
    if (entity) {
      // Not a tracking comment (no marker): a later sticky run must not reuse it.
      const body = finalBody({ state: { kind: "refused", reason: permission.reason }, links: { run: runUrl } }).replace(TRACKING_MARKER, REFUSAL_MARKER);
      await client.createComment(entity.number, body);
    }
    return undefined;
  }
  run.io.info(`Permission: ${permission.how}.`);
  return permission;
}
