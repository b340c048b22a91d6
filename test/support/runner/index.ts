// Local runner for composite actions and workflow jobs, following what
// Gitea's act_runner and GitHub's runner do for the features this project
// uses. See README.md beside this file for what is and is not implemented.
import { resolve } from "node:path";
import { Job, StepLog, errorMessage, execResolved, newScope } from "./engine";
import { completeGithub } from "./github";
import type { RunActionOptions, RunActionResult, StepResult } from "./types";

export type {
  Annotation,
  CommonRunOptions,
  GithubInfo,
  Outcome,
  RunActionOptions,
  RunActionResult,
  RunJobOptions,
  RunJobResult,
  StepResult,
} from "./types";
export { runJob, matchEvent, loadWorkflow, normaliseOn } from "./workflow";
export { completeGithub } from "./github";
export { resolveUses, REPO_ROOT, BASE_ACTION_STANDIN, BASE_ACTION_REPO } from "./resolve";
export { parseKeyValueFile, parseWorkflowCommand, Masker } from "./commands";
export { evaluateTemplate, evaluateCondition, splitTemplate, hashFiles } from "./expressions";

/**
 * Runs the action in `opts.actionDir` as one step of a job would: `with:`
 * merged with the action's input defaults, `stepEnv` as the calling step's
 * env, `jobEnv` as the job's env. Values in with/stepEnv/jobEnv are literal.
 */
export async function runAction(opts: RunActionOptions): Promise<RunActionResult> {
  const github = completeGithub(opts.github);
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : undefined;
  const job = await Job.create({ opts, github, env: { ...(opts.jobEnv ?? {}) }, deadline });
  const scope = newScope("job");
  const dir = resolve(opts.actionDir);
  const name = `Run ${dir}`;
  const log = new StepLog(job);
  log.write(`##[step]${name}`);

  let exec: Awaited<ReturnType<typeof execResolved>>;
  try {
    exec = await execResolved(
      job,
      scope,
      { kind: "dir", dir, repository: "", ref: "" },
      { ...(opts.with ?? {}) },
      { ...(opts.stepEnv ?? {}) },
      "action",
      log,
      undefined,
      name,
    );
  } catch (e) {
    exec = { outcome: "failure", outputs: {}, error: errorMessage(e) };
  } finally {
    job.finish();
  }
  if (exec.error) {
    log.write(`##[error]${exec.error}`);
    job.annotate("error", exec.error, name);
  }

  const steps: StepResult[] = exec.steps ?? [
    {
      id: "action",
      name,
      outcome: exec.outcome,
      conclusion: exec.outcome,
      outputs: exec.outputs,
      log: log.text(),
      ...(exec.error ? { error: job.masker.mask(exec.error) } : {}),
    },
  ];
  const result: RunActionResult = {
    success: exec.outcome === "success",
    outcome: exec.outcome,
    outputs: exec.outputs,
    steps,
    log: job.lines.join("\n"),
    annotations: job.annotations,
    summary: job.summary,
    masks: job.masker.list(),
    env: job.env,
    path: job.path,
  };
  if (exec.error) result.error = job.masker.mask(exec.error);
  return result;
}
