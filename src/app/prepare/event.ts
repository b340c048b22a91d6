/** Phase 1: the event payload, parsed into a typed context; a dispatch that cannot run still tells its backend. */
import { readFile } from "node:fs/promises";
import { finalUpdate } from "../../dispatch/messages";
import { describeDelivery } from "../../dispatch/progress";
import { defaultSeqFile } from "../../dispatch/config";
import { checkProgressEndpoint } from "../../dispatch/endpoint";
import { DispatchError, parseEvent, type EventContext } from "../../gitea/context";
import { links, publicBase } from "../../gitea/links";
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
    const ctx = parseEvent(runner.eventName, payload, { repository: runner.repository, actor: runner.actor, ref: runner.ref });
    if (typeof payload === "object" && payload !== null && !("repository" in payload)) {
      run.io.notice(
        `The '${runner.eventName}' event came with no payload (Gitea re-registers schedules without one after the job token pushes to the default branch): ` +
          `repository ${ctx.repository.fullName} and actor ${ctx.sender.login} are taken from the runner.`,
      );
    }
    return ctx;
  } catch (error) {
    if (error instanceof DispatchError && error.progressEndpoint) await reportRejectedDispatch(run, error, payload);
    throw error;
  }
}

/** A dispatch that cannot run still tells its backend, when it named a usable endpoint. */
async function reportRejectedDispatch(run: PrepareContext, error: DispatchError, payload: unknown): Promise<void> {
  let endpoint: string;
  try {
    endpoint = (await checkProgressEndpoint(error.progressEndpoint!, run.inputs.progress_allowed_hosts)).url;
  } catch {
    return;
  }
  // The run's link (the server version is not asked here: a run number, as Gitea ≤ 1.25 and Forgejo link runs).
  const repo = (payload as { repository?: { full_name?: unknown; html_url?: unknown } }).repository;
  const fullName = typeof repo?.full_name === "string" ? repo.full_name : run.runner.repository;
  const htmlUrl = typeof repo?.html_url === "string" ? repo.html_url : "";
  const base = publicBase(run.inputs.gitea_server_url, { fullName, htmlUrl, owner: "", name: "", defaultBranch: "" }, run.runner.serverUrl).base;
  const runUrl = links(base, { fullName }).run({ runId: run.runner.runId, runNumber: run.runner.runNumber }, undefined);
  const client = progressClient(run, {
    endpoint,
    ...(error.correlationId ? { correlationId: error.correlationId } : {}),
    ...(run.inputs.progress_audience ? { audience: run.inputs.progress_audience } : {}),
    allowedHosts: run.inputs.progress_allowed_hosts,
    seqFile: defaultSeqFile(run.runner.runnerTemp),
  }, runUrl);
  const result = await client.send(finalUpdate({ conclusion: "failure", error: error.message }));
  run.io.info(`Progress: ${describeDelivery(result)}`);
}
