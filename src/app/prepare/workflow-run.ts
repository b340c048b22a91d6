/** Phase 1b: a workflow_run of a pull request's head becomes a run about that pull request (src/gitea/workflow-run.ts). */
import type { GiteaClient } from "../../gitea/client";
import type { EventContext } from "../../gitea/context";
import { pullRequestOfRun } from "../../gitea/workflow-run";
import type { PrepareContext } from "./context";

/** The event to work on; undefined when there is nothing to do (said in the log). */
export async function aboutPullRequest(run: PrepareContext, client: Pick<GiteaClient, "openPulls">, ctx: EventContext): Promise<EventContext | undefined> {
  if (ctx.kind !== "automation" || !ctx.workflowRun) return ctx;
  const found = await pullRequestOfRun(client, ctx);
  if (found.kind === "none") return ctx;
  if (found.kind === "skip") {
    run.io.info(`Nothing to do: workflow '${ctx.workflowRun.workflow}' run #${ctx.workflowRun.number}: ${found.reason}.`);
    return undefined;
  }
  if (found.note) run.io.notice(found.note);
  run.io.info(`workflow '${ctx.workflowRun.workflow}' run #${ctx.workflowRun.number} is about pull request #${found.ctx.entity.number}.`);
  return found.ctx;
}
