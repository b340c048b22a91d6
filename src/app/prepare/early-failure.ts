/**
 * A run that fails in prepare before its state is started (bad input, a bad
 * event, a refused sender, an error in the first round of requests) has no
 * finish to report it: when the event is a dispatch that named a usable
 * progress_endpoint, prepare itself sends the backend the final `failed`
 * update with the reason. "Usable": the endpoint passes the same checks as
 * always (https or loopback http, no credentials, progress_allowed_hosts), and
 * the update can be authenticated (progress_secret or the runner's OIDC). The
 * inputs it needs are read on their own, so a mistake in another input does
 * not keep the backend in the dark.
 */
import { readFile } from "node:fs/promises";
import { defaultSeqFile } from "../../dispatch/config";
import { checkProgressEndpoint } from "../../dispatch/endpoint";
import { finalUpdate } from "../../dispatch/messages";
import { links, publicBase } from "../../gitea/links";
import { ProgressClient, describeDelivery } from "../../dispatch/progress";
import { dispatchTarget } from "../../gitea/context";
import { readSomeInputs, type Inputs } from "../../inputs";
import type { ActionIO } from "../../io";
import type { StepDeps } from "../deps";
import { describeError } from "../errors";

type ProgressInputs = Pick<Inputs, "progress_secret" | "progress_allowed_hosts" | "progress_audience">;

/** The reason on one line (an InputError lists its problems on separate lines). */
export const oneLineReason = (message: string) => message.replace(/\s*\n\s*(-\s*)?/g, "; ").replace(/:;/g, ":").trim();

export async function reportEarlyFailure(
  deps: StepDeps,
  io: Pick<ActionIO, "info" | "warning">,
  reason: string,
  known: { inputs?: ProgressInputs; secrets?: Iterable<string | undefined> } = {},
): Promise<void> {
  const env = deps.env;
  const eventPath = env.GITHUB_EVENT_PATH;
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  if (!eventPath || (eventName !== "workflow_dispatch" && eventName !== "repository_dispatch")) return;
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(eventPath, "utf8"));
  } catch {
    return;
  }
  const target = dispatchTarget(eventName, payload);
  if (!target?.progressEndpoint) return;
  let inputs: ProgressInputs;
  try {
    inputs = known.inputs ?? readSomeInputs(["progress_secret", "progress_allowed_hosts", "progress_audience"], env);
  } catch (error) {
    io.warning(`Progress: the backend is not told that this run failed, because a progress input is invalid (${describeError(error)}).`);
    return;
  }
  let endpoint: string;
  try {
    endpoint = (await checkProgressEndpoint(target.progressEndpoint, inputs.progress_allowed_hosts)).url;
  } catch {
    // Not a usable endpoint: the error already names it; nothing is sent anywhere else.
    return;
  }
  const runnerTemp = env.RUNNER_TEMP;
  const runUrl = earlyRunUrl(env, payload);
  const client = new ProgressClient({
    endpoint,
    allowedHosts: inputs.progress_allowed_hosts,
    repository: env.GITHUB_REPOSITORY ?? "",
    runId: env.GITHUB_RUN_ID ?? "",
    ...(runUrl ? { runUrl } : {}),
    ...(target.correlationId ? { correlationId: target.correlationId } : {}),
    ...(inputs.progress_audience ? { audience: inputs.progress_audience } : {}),
    ...(runnerTemp ? { seqFile: defaultSeqFile(runnerTemp) } : {}),
    ...(inputs.progress_secret ? { secret: inputs.progress_secret } : {}),
    redact: known.secrets ?? [],
    env,
    log: (m) => io.info(m),
    ...(deps.progressDelivery ? { delivery: deps.progressDelivery } : {}),
  });
  const unavailable = client.unavailableReason();
  if (unavailable) {
    io.warning(`Progress: the backend is not told that this run failed: ${unavailable}.`);
    return;
  }
  io.info(`Progress: ${describeDelivery(await client.send(finalUpdate({ conclusion: "failure", error: oneLineReason(reason) })))}`);
}

/**
 * The run's web page before anything was asked of Gitea: the public base from
 * gitea_server_url or the payload's repository.html_url (the runner's address
 * otherwise), linked by run number (Gitea ≤ 1.25, Forgejo; 1.26 links by id,
 * which needs GET /version, not asked on this path).
 */
function earlyRunUrl(env: Record<string, string | undefined>, payload: unknown): string | undefined {
  const repo = (payload as { repository?: { full_name?: unknown; html_url?: unknown } } | undefined)?.repository;
  const fullName = typeof repo?.full_name === "string" ? repo.full_name : (env.GITHUB_REPOSITORY ?? "");
  if (!fullName) return undefined;
  const htmlUrl = typeof repo?.html_url === "string" ? repo.html_url : "";
  let serverInput = "";
  try {
    serverInput = readSomeInputs(["gitea_server_url"], env).gitea_server_url;
  } catch {
    // an invalid gitea_server_url is reported elsewhere; the payload's address serves here
  }
  const base = publicBase(serverInput, { fullName, htmlUrl, owner: "", name: "", defaultBranch: "" }, env.GITHUB_SERVER_URL ?? "").base;
  return links(base, { fullName }).run({ runId: env.GITHUB_RUN_ID ?? "", runNumber: env.GITHUB_RUN_NUMBER ?? env.GITHUB_RUN_ID ?? "" }, undefined);
}
