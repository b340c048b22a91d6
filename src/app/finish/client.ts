/** The Gitea client finish talks through, with the step's overridable transport and retries. */
import { GiteaClient } from "../../gitea/client";
import type { ActionIO } from "../../io";
import type { StepDeps } from "../deps";

export function finishClient(deps: StepDeps, io: ActionIO, o: { apiUrl: string; token: string; owner: string; repo: string }): GiteaClient {
  return new GiteaClient({
    apiUrl: o.apiUrl,
    token: o.token,
    owner: o.owner,
    repo: o.repo,
    ...(deps.transport ? { transport: deps.transport } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    log: (m) => io.warning(m),
  });
}
