import type { Annotation } from "./commands";

export type { Annotation } from "./commands";

/** The `github` context the caller provides (extra keys are passed through). */
export interface GithubInfo {
  event_name: string;
  /** The webhook payload (written to GITHUB_EVENT_PATH). */
  event: Record<string, unknown>;
  /** "owner/name" */
  repository: string;
  server_url: string;
  api_url: string;
  run_id: string | number;
  run_number: string | number;
  /** The job token (github.token, secrets.GITHUB_TOKEN, secrets.GITEA_TOKEN); masked. */
  token: string;
  actor: string;
  sha?: string;
  ref?: string;
  ref_name?: string;
  ref_type?: string;
  head_ref?: string;
  base_ref?: string;
  triggering_actor?: string;
  repository_owner?: string;
  workflow?: string;
  job?: string;
  run_attempt?: string | number;
  [key: string]: unknown;
}

export type Outcome = "success" | "failure" | "skipped" | "cancelled";

export interface StepResult {
  /** The step's id, or a generated one (`__run`, `__run_2`, `__actions_checkout`, …). */
  id: string;
  /** Display name (`name:` evaluated, or `Run <command>` / `Run <uses>`). */
  name: string;
  uses?: string;
  outcome: Outcome;
  /** Outcome after continue-on-error. */
  conclusion: Outcome;
  outputs: Record<string, string>;
  /** This step's output (stdout+stderr, commands rendered as `##[error]…`), masked. */
  log: string;
  /** Message for failures raised by the runner itself (bad expression, unresolvable uses, timeout…). */
  error?: string;
  /** Steps of a composite action run by this step. */
  steps?: StepResult[];
}

export interface CommonRunOptions {
  workspace: string;
  runnerTemp: string;
  /** HOME of every step. */
  home: string;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** Extra `owner/repo@ref` (or `owner/repo`) → local directory mappings for `uses:`. */
  uses?: Record<string, string>;
  /**
   * Extra variables for every process, on top of PATH, HOME, LANG and TMPDIR
   * (the only ones taken from the test process).
   */
  baseEnv?: Record<string, string>;
  /** Overall time limit; when it passes the running step is killed and the run is cancelled. */
  timeoutMs?: number;
  /**
   * Cancels the run from outside, as Gitea does when a run is cancelled (by a
   * user, or by a newer dispatch of the same workflow and ref): the running
   * step is killed and becomes `cancelled`; later steps run only with
   * always()/cancelled().
   */
  signal?: AbortSignal;
  /** Live view of the combined (masked) log, e.g. for debugging a test. */
  onLog?: (line: string) => void;
  /**
   * Record values for masking but leave the log, annotations and summary as
   * written (security tests: a leak must be seen, not hidden by the masking a
   * real runner would apply only to the exact value).
   */
  unmasked?: boolean;
}

export interface RunActionOptions extends CommonRunOptions {
  /** Directory holding action.yml / action.yaml. */
  actionDir: string;
  /** `with:` of the calling step (literal values, not evaluated). */
  with?: Record<string, string>;
  /** `env:` of the calling step (literal values). Visible in the action's env context and processes. */
  stepEnv?: Record<string, string>;
  /** Job-level env (literal values). */
  jobEnv?: Record<string, string>;
  github: GithubInfo;
}

export interface RunActionResult {
  success: boolean;
  outcome: Outcome;
  /** The action's outputs (composite: `outputs.*.value` evaluated after its steps). */
  outputs: Record<string, string>;
  /** The action's own steps (a node action or shim: the one step). */
  steps: StepResult[];
  /** Combined, masked log. */
  log: string;
  annotations: Annotation[];
  /** Contents appended to GITHUB_STEP_SUMMARY by all steps (masked). */
  summary: string;
  /** Every value registered for masking (secrets, token, ::add-mask::). */
  masks: string[];
  /** Job env after GITHUB_ENV additions. */
  env: Record<string, string>;
  /** Directories added through GITHUB_PATH (first = highest precedence). */
  path: string[];
  /** Failure message raised by the runner itself, if any. */
  error?: string;
}

export interface RunJobOptions extends CommonRunOptions {
  /** Path of a workflow file, or the YAML text itself. */
  workflow: string;
  /** Job id (default: the first job). */
  job?: string;
  eventName: string;
  event: Record<string, unknown>;
  /**
   * Env the runner gives every job (act_runner's `runner.envs` in config.yaml):
   * visible in the env context and to every process; the workflow's and the
   * job's `env:` override it.
   */
  runnerEnv?: Record<string, string>;
  /**
   * github context values; missing ones are derived from the event
   * (repository, ref, sha, actor, server_url, api_url …).
   */
  github?: Partial<GithubInfo>;
}

export interface RunJobResult {
  /** Did `on:` match the event (name, types, branches) and did the job `if:` pass? */
  triggered: boolean;
  /** Why not triggered (for test messages). */
  reason?: string;
  success: boolean;
  steps: StepResult[];
  /** Step outputs by step id. */
  outputs: Record<string, Record<string, string>>;
  /** The job's `outputs:` evaluated after its steps. */
  jobOutputs: Record<string, string>;
  log: string;
  summary: string;
  annotations: Annotation[];
  masks: string[];
  env: Record<string, string>;
  error?: string;
}
