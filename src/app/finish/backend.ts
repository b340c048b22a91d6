/** Phase 5 of finish: the backend's final update, when the event named an endpoint. */
import type { finalUpdate } from "../../dispatch/messages";
import { ProgressClient, describeDelivery } from "../../dispatch/progress";
import type { EventContext } from "../../gitea/context";
import type { redactingIO } from "../../io";
import type { StepDeps } from "../deps";
import { progressTarget } from "./trust";

export type FinalTarget = {
  event: EventContext | undefined;
  allowedHosts: string[];
  audience: string;
  seqFile?: string;
  repository: string;
  /** The run's public web page (every update carries it). */
  runUrl?: string;
  secret: string;
  update: ReturnType<typeof finalUpdate>;
};

/** The backend's final update, to the endpoint the event named and finish's own allow-list accepts. */
export async function sendFinal(deps: StepDeps, io: ReturnType<typeof redactingIO>, t: FinalTarget): Promise<void> {
  const target = await progressTarget(t.event, t.allowedHosts);
  if (!target.endpoint) {
    if ("problem" in target && target.problem) io.warning(`Progress: ${target.problem}`);
    return;
  }
  const progress = new ProgressClient({
    endpoint: target.endpoint,
    allowedHosts: t.allowedHosts,
    repository: t.repository,
    runId: deps.env.GITHUB_RUN_ID ?? "",
    ...(t.runUrl ? { runUrl: t.runUrl } : {}),
    ...(target.correlationId ? { correlationId: target.correlationId } : {}),
    ...(t.audience ? { audience: t.audience } : {}),
    ...(t.seqFile ? { seqFile: t.seqFile } : {}),
    ...(t.secret ? { secret: t.secret } : {}),
    redact: io.redactor.secrets,
    env: deps.env,
    log: (m) => io.info(m),
    ...(deps.progressDelivery ? { delivery: deps.progressDelivery } : {}),
  });
  const reason = progress.unavailableReason();
  if (reason) io.warning(`Progress: ${reason}.`);
  else io.info(`Progress: ${describeDelivery(await progress.send(t.update))}`);
}
