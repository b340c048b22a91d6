/** Phase 1: the event payload, parsed into a typed context; a dispatch that cannot run still tells its backend. */
import { readFile } from "node:fs/promises";
import { finalUpdate } from "../../dispatch/messages";
import { describeDelivery } from "../../dispatch/progress";
import { defaultSeqFile } from "../../dispatch/config";
import { checkProgressEndpoint } from "../../dispatch/endpoint";
import { DispatchError, parseEvent, type EventContext } from "../../gitea/context";
import { describeError } from "../errors";
import type { PrepareContext } from "./context";
import { progressClient } from "./progress";

export async function readEvent(run: PrepareContext): Promise<EventContext> {
  const { runner } = run;
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(runner.eventPath, "utf8"));
  } catch (error) {
    throw new Error(`The event payload (GITHUB_EVENT_PATH ${runner.eventPath}) cannot be read as JSON: ${describeError(error)}`);
  }
  try {
    return parseEvent(runner.eventName, payload);
  } catch (error) {
    if (error instanceof DispatchError && error.progressEndpoint) await reportRejectedDispatch(run, error);
    throw error;
  }
}

/** A dispatch that cannot run still tells its backend, when it named a usable endpoint. */
async function reportRejectedDispatch(run: PrepareContext, error: DispatchError): Promise<void> {
  let endpoint: string;
  try {
    endpoint = (await checkProgressEndpoint(error.progressEndpoint!, run.inputs.progress_allowed_hosts)).url;
  } catch {
    return;
  }
  const client = progressClient(run, {
    endpoint,
    ...(error.correlationId ? { correlationId: error.correlationId } : {}),
    ...(run.inputs.progress_audience ? { audience: run.inputs.progress_audience } : {}),
    allowedHosts: run.inputs.progress_allowed_hosts,
    seqFile: defaultSeqFile(run.runner.runnerTemp),
  });
  const result = await client.send(finalUpdate({ conclusion: "failure", error: error.message }));
  run.io.info(`Progress: ${describeDelivery(result)}`);
}
