/** Progress updates sent by prepare itself (the start update, a rejected dispatch's final one). */
import { progressConfigFromState } from "../../dispatch/config";
import type { startUpdate } from "../../dispatch/messages";
import { ProgressClient, describeDelivery } from "../../dispatch/progress";
import type { RunState } from "../../state";
import type { PrepareContext } from "./context";

export function progressClient(run: PrepareContext, progress: NonNullable<RunState["progress"]>, runUrl = run.state?.runUrl): ProgressClient {
  return new ProgressClient(
    progressConfigFromState(
      progress,
      {
        repository: run.runner.repository || `${run.state?.repository.fullName ?? ""}`,
        runId: run.runner.runId,
        ...(runUrl ? { runUrl } : {}),
        secret: run.inputs.progress_secret,
        redact: run.io.redactor.secrets,
      },
      { env: run.deps.env, log: (m) => run.io.info(m), ...(run.deps.progressDelivery ? { delivery: run.deps.progressDelivery } : {}) },
    ),
  );
}

export async function sendProgress(run: PrepareContext, update: ReturnType<typeof startUpdate>): Promise<void> {
  const client = progressClient(run, run.state!.progress!);
  const reason = client.unavailableReason();
  if (reason) {
    run.io.warning(`Progress: ${reason}.`);
    return;
  }
  run.io.info(`Progress: ${describeDelivery(await client.send(update))}`);
}
