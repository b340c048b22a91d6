/**
 * What the runner tells every step through its environment (GITHUB_* and
 * RUNNER_*; act_runner sets the same names). Inputs are not read here.
 */
export type RunnerEnv = {
  workspace: string;
  eventPath: string;
  eventName: string;
  repository: string;
  /** The address the runner registered with; may be internal. */
  serverUrl: string;
  apiUrl: string;
  runId: string;
  runNumber: string;
  /** GITHUB_ACTOR and GITHUB_REF: what the runner says when the payload is `{}` (schedules). */
  actor: string;
  ref: string;
  /** GITHUB_RUN_ATTEMPT ("1" for the first attempt; "" when the runner does not say). */
  runAttempt: string;
  runnerTemp: string;
  actionPath: string;
  /** The job token (`github.token`), passed by action.yml as GITHUB_TOKEN. */
  jobToken: string;
  home: string;
  path: string;
};

export class RunnerEnvError extends Error {}

type Env = Record<string, string | undefined>;

export function readRunnerEnv(env: Env = process.env): RunnerEnv {
  const need = (name: string) => {
    const value = env[name];
    if (!value) throw new RunnerEnvError(`${name} is not set: this action must run as a step of a Gitea (or GitHub) Actions job.`);
    return value;
  };
  const serverUrl = need("GITHUB_SERVER_URL").replace(/\/+$/, "");
  return {
    workspace: need("GITHUB_WORKSPACE"),
    eventPath: need("GITHUB_EVENT_PATH"),
    eventName: need("GITHUB_EVENT_NAME"),
    repository: env.GITHUB_REPOSITORY ?? "",
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || `${serverUrl}/api/v1`).replace(/\/+$/, ""),
    runId: env.GITHUB_RUN_ID ?? "",
    runNumber: env.GITHUB_RUN_NUMBER ?? env.GITHUB_RUN_ID ?? "",
    actor: env.GITHUB_ACTOR ?? "",
    ref: env.GITHUB_REF ?? "",
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? "",
    runnerTemp: need("RUNNER_TEMP"),
    actionPath: env.GITHUB_ACTION_PATH ?? "",
    jobToken: env.GITHUB_TOKEN ?? "",
    home: env.HOME ?? "",
    path: env.PATH ?? "",
  };
}
