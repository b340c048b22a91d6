/**
 * Names of the data that travels between the composite steps of action.yml.
 * Step-to-step data is only ever these named step outputs and the env that
 * action.yml maps from them; a test checks action.yml against this file.
 */

/** Outputs of the prepare step (`steps.prepare.outputs.*`). */
export const PREPARE_OUTPUTS = {
  containsTrigger: "contains_trigger",
  /**
   * Set by prepare when the run ends there: "skipped" (nothing triggered it) or
   * "failure" (invalid input, a refused sender, an error). Unset when Claude
   * runs: finish sets the conclusion then.
   */
  conclusion: "conclusion",
  /** The Bun the base action uses instead of downloading one (path_to_bun_executable, or a bun of the pinned version on PATH). */
  bunExecutable: "bun_executable",
  /** "true" once prepare has begun work that finish must bring to a final state. */
  started: "started",
  promptFile: "prompt_file",
  claudeArgs: "claude_args",
  settingsFile: "settings_file",
  claudeExecutable: "claude_executable",
  model: "model",
  commentId: "comment_id",
  stateFile: "state_file",
  /** SHA-256 of the state file as prepare last wrote it: finish refuses a state that changed during the run. */
  stateDigest: "state_digest",
  branchName: "branch_name",
  /** The broker prepare started; finish stops it. */
  brokerPid: "broker_pid",
  /** Unseals a checkout credential prepare had to save (see src/boundary/git-credentials.ts); empty when none. */
  credentialsKey: "credentials_key",
} as const;

/** Outputs of the finish step. */
export const FINISH_OUTPUTS = {
  conclusion: "conclusion",
  sessionId: "session_id",
  branchName: "branch_name",
  /** Set only when a new comment replaced a tracking comment that could not be edited. */
  commentId: "comment_id",
} as const;

/** Env action.yml gives the finish step, mapped from prepare's and the run step's outputs. */
export const FINISH_ENV = {
  stateFile: "STATE_FILE",
  stateDigest: "STATE_DIGEST",
  commentId: "PREPARE_COMMENT_ID",
  brokerPid: "BROKER_PID",
  credentialsKey: "CREDENTIALS_KEY",
  prepareOutcome: "PREPARE_OUTCOME",
  runOutcome: "RUN_OUTCOME",
  runConclusion: "RUN_CONCLUSION",
  executionFile: "RUN_EXECUTION_FILE",
  structuredOutput: "RUN_STRUCTURED_OUTPUT",
  sessionId: "RUN_SESSION_ID",
} as const;

/**
 * Env action.yml sets on the run step (the base action, and through it the
 * Claude launcher): nothing secret. The Gitea token and the progress secret
 * live in the broker's memory only (src/boundary/broker.ts).
 */
export const RUN_ENV = {
  model: "ANTHROPIC_MODEL",
} as const;
