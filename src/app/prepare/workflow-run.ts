/** Phase 1b: a workflow_run of a pull request's head becomes a run about that pull request (src/gitea/workflow-run.ts). */
import type { GiteaClient } from "../../gitea/client";
import type { EventContext } from "../../gitea/context";
import { pullRequestOfRun } from "../../gitea/workflow-run";
import type { PrepareContext } from "./context";

/** The event to work on, or why there is nothing to do. */
export async function aboutPullRequest(run: PrepareContext, client: Pick<GiteaClient, "openPulls">, ctx: EventContext): Promise<{ ctx: EventContext } | { skip: string }> {
  if (ctx.kind !== "automation" || !ctx.workflowRun) return { ctx };
  const found = await pullRequestOfRun(client, ctx);
  if (found.kind === "none") return { ctx };
  if (found.kind === "skip") return { skip: `workflow '${ctx.workflowRun.workflow}' run #${ctx.workflowRun.number}: ${found.reason}` };
  if (found.note) run.io.notice(found.note);
  run.io.info(`workflow '${ctx.workflowRun.workflow}' run #${ctx.workflowRun.number} is about pull request #${found.ctx.entity.number}.`);
  return { ctx: found.ctx };
}
