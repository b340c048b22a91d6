// The step engine shared by runAction() and runJob(): scopes (job or
// composite action), step execution (run / uses), environment layering,
// file commands, workflow commands, status functions and timeouts.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import YAML from "yaml";
import {
  Masker,
  parseKeyValueFile,
  parsePathFile,
  parseWorkflowCommand,
  type Annotation,
  type AnnotationLevel,
} from "./commands";
import {
  evaluateCondition,
  evaluateTemplate,
  isTruthy,
  evaluateTemplateValue,
  type ContextName,
  type EvalScope,
  type ScopeStatus,
} from "./expressions";
import { killGroups, runProcess } from "./process";
import { resolveUses, type ResolvedUses } from "./resolve";
import { runShim } from "./shims";
import type { CommonRunOptions, GithubInfo, Outcome, StepResult } from "./types";

export interface StepDef {
  id?: string;
  name?: string;
  if?: unknown;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  shell?: string;
  env?: Record<string, unknown>;
  "working-directory"?: string;
  "continue-on-error"?: unknown;
  "timeout-minutes"?: unknown;
}

export interface ActionMeta {
  name?: string;
  inputs?: Record<string, { default?: unknown; required?: unknown; description?: string } | null>;
  outputs?: Record<string, { value?: unknown; description?: string } | null>;
  runs?: { using?: string; steps?: StepDef[]; main?: string; pre?: string; post?: string; image?: string };
}

/** Contexts available to composite-action steps (no `secrets`, as on the runners). */
const COMPOSITE_NAMES: readonly ContextName[] = [
  "github",
  "env",
  "inputs",
  "steps",
  "runner",
  "vars",
  "job",
  "matrix",
  "strategy",
];
const JOB_STEP_NAMES: readonly ContextName[] = [
  "github",
  "env",
  "inputs",
  "steps",
  "runner",
  "secrets",
  "vars",
  "job",
  "matrix",
  "strategy",
  "needs",
];

/** How long steps that run after a cancellation (if: always()) may take. */
const CANCEL_GRACE_MS = 60_000;

export function scalar(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface ActionRef {
  path: string;
  repository: string;
  ref: string;
}

export interface Scope {
  kind: "job" | "composite";
  action?: ActionRef;
  inputs: Record<string, string>;
  /** Env added by the calling steps (the `env:` of each `uses:` step on the way down). */
  env: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: Outcome; conclusion: Outcome }>;
  status: ScopeStatus;
  results: StepResult[];
  depth: number;
  idCounts: Map<string, number>;
  /** Deadline imposed by an enclosing step's timeout-minutes. */
  deadline?: number;
}

export function newScope(kind: Scope["kind"], init: Partial<Scope> = {}): Scope {
  return {
    kind,
    inputs: {},
    env: {},
    steps: {},
    status: { failed: false, cancelled: false },
    results: [],
    depth: 0,
    idCounts: new Map(),
    ...init,
  };
}

interface StepFiles {
  output: string;
  env: string;
  path: string;
  summary: string;
  state: string;
}

export interface JobInit {
  opts: CommonRunOptions;
  github: GithubInfo;
  env: Record<string, string>;
  defaultsRun?: { shell?: string; "working-directory"?: string };
  /** Absolute deadline for the whole job (epoch ms). */
  deadline?: number;
}

/** Mutable state of one job (or one runAction call). */
export class Job {
  readonly opts: CommonRunOptions;
  readonly github: GithubInfo;
  readonly workspace: string;
  readonly runnerTemp: string;
  env: Record<string, string>;
  /** GITHUB_PATH additions, highest precedence first. */
  path: string[] = [];
  readonly masker: Masker;
  readonly lines: string[] = [];
  readonly annotations: Annotation[] = [];
  summary = "";
  readonly groups = new Set<number>();
  readonly defaultsRun?: { shell?: string; "working-directory"?: string };
  deadline?: number;
  cancelled = false;
  cancelledAt?: number;
  private counter = 0;
  private readonly fileDir: string;
  readonly eventPath: string;

  private constructor(init: JobInit) {
    this.opts = init.opts;
    this.masker = new Masker(init.opts.unmasked === true);
    this.github = init.github;
    this.workspace = resolve(init.opts.workspace);
    this.runnerTemp = resolve(init.opts.runnerTemp);
    this.env = { ...init.env };
    this.defaultsRun = init.defaultsRun;
    this.deadline = init.deadline;
    this.fileDir = join(this.runnerTemp, "_runner_file_commands");
    this.eventPath = join(this.runnerTemp, "_github_workflow", "event.json");
    this.masker.add(init.github.token);
    for (const v of Object.values(init.opts.secrets ?? {})) this.masker.add(v);
  }

  static async create(init: JobInit): Promise<Job> {
    const job = new Job(init);
    const signal = init.opts.signal;
    if (signal) {
      const abort = () => {
        job.cancel();
        // What act_runner does on cancellation: the running step's processes are killed.
        for (const pid of job.groups) {
          try {
            process.kill(-pid, "SIGTERM");
          } catch {
            // already gone
          }
        }
      };
      if (signal.aborted) abort();
      else signal.addEventListener("abort", abort, { once: true });
    }
    await mkdir(job.workspace, { recursive: true });
    await mkdir(job.fileDir, { recursive: true });
    await mkdir(join(job.runnerTemp, "_github_workflow"), { recursive: true });
    await mkdir(resolve(init.opts.home), { recursive: true });
    await writeFile(job.eventPath, JSON.stringify(init.github.event ?? {}, null, 2));
    return job;
  }

  sink(line: string): void {
    this.lines.push(line);
    this.opts.onLog?.(line);
  }

  cancel(): void {
    if (!this.cancelled) {
      this.cancelled = true;
      this.cancelledAt = Date.now();
    }
  }

  finish(): void {
    killGroups(this.groups);
  }

  annotate(level: AnnotationLevel, message: string, step: string, props: Record<string, string> = {}): void {
    const a: Annotation = { level, message: this.masker.mask(message), step };
    if (props.title) a.title = this.masker.mask(props.title);
    if (props.file) a.file = props.file;
    const num = (k: string) => (props[k] !== undefined && props[k] !== "" ? Number(props[k]) : undefined);
    const line = num("line");
    if (line !== undefined) a.line = line;
    const endLine = num("endLine");
    if (endLine !== undefined) a.endLine = endLine;
    const col = num("col");
    if (col !== undefined) a.col = col;
    const endColumn = num("endColumn");
    if (endColumn !== undefined) a.endColumn = endColumn;
    this.annotations.push(a);
  }

  async newFiles(): Promise<StepFiles> {
    const n = ++this.counter;
    const files: StepFiles = {
      output: join(this.fileDir, `set_output_${n}`),
      env: join(this.fileDir, `set_env_${n}`),
      path: join(this.fileDir, `add_path_${n}`),
      summary: join(this.fileDir, `step_summary_${n}`),
      state: join(this.fileDir, `save_state_${n}`),
    };
    await Promise.all(Object.values(files).map((f) => writeFile(f, "")));
    return files;
  }

  /** Applies a step's file commands; returns an error message for a malformed file. */
  async applyFiles(files: StepFiles, outputs: Record<string, string>): Promise<string | undefined> {
    const read = async (f: string) => {
      try {
        return await readFile(f, "utf8");
      } catch {
        return "";
      }
    };
    try {
      for (const [k, v] of parseKeyValueFile(await read(files.output), "GITHUB_OUTPUT")) outputs[k] = v;
      for (const [k, v] of parseKeyValueFile(await read(files.env), "GITHUB_ENV")) this.env[k] = v;
      for (const p of parsePathFile(await read(files.path))) this.path.unshift(p);
      const summary = await read(files.summary);
      if (summary) this.summary += this.masker.mask(summary);
    } catch (e) {
      return errorMessage(e);
    }
    return undefined;
  }

  githubContext(scope: Scope, stepId: string): Record<string, unknown> {
    return {
      ...this.github,
      action: stepId,
      action_path: scope.action?.path ?? "",
      action_repository: scope.action?.repository ?? "",
      action_ref: scope.action?.ref ?? "",
      workspace: this.workspace,
      event_path: this.eventPath,
      token: this.github.token,
    };
  }

  runnerContext(): Record<string, string> {
    return {
      os: "Linux",
      arch: runnerArch(),
      name: "local-runner",
      temp: this.runnerTemp,
      tool_cache: join(this.runnerTemp, "_tool"),
      workspace: resolve(this.workspace, ".."),
      environment: "self-hosted",
    };
  }

  secretsContext(): Record<string, string> {
    return {
      GITHUB_TOKEN: this.github.token,
      GITEA_TOKEN: this.github.token,
      ...(this.opts.secrets ?? {}),
    };
  }

  evalScope(scope: Scope, env: Record<string, string>, stepId: string): EvalScope {
    scope.status.cancelled = this.cancelled;
    return {
      contexts: {
        github: this.githubContext(scope, stepId),
        env,
        inputs: scope.inputs,
        steps: scope.steps,
        runner: this.runnerContext(),
        secrets: this.secretsContext(),
        vars: this.opts.vars ?? {},
        job: { status: scope.status.failed ? "failure" : "success", container: {}, services: {} },
        matrix: {},
        strategy: {},
        needs: {},
      },
      names: scope.kind === "composite" ? COMPOSITE_NAMES : JOB_STEP_NAMES,
      status: scope.status,
      workspace: this.workspace,
    };
  }

  /** Variables the runner itself sets for every process. */
  runnerVars(action: ActionRef | undefined, stepId: string, files?: StepFiles): Record<string, string> {
    const g = this.github;
    const v: Record<string, string> = {
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITEA_ACTIONS: "true",
      GITEA_ACTIONS_RUNNER_VERSION: "local",
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_EVENT_PATH: this.eventPath,
      GITHUB_EVENT_NAME: g.event_name,
      GITHUB_REPOSITORY: g.repository,
      GITHUB_REPOSITORY_OWNER: g.repository_owner ?? g.repository.split("/")[0] ?? "",
      GITHUB_SERVER_URL: g.server_url,
      GITHUB_API_URL: g.api_url,
      GITHUB_RUN_ID: String(g.run_id),
      GITHUB_RUN_NUMBER: String(g.run_number),
      GITHUB_RUN_ATTEMPT: String(g.run_attempt ?? "1"),
      GITHUB_ACTOR: g.actor,
      GITHUB_TRIGGERING_ACTOR: g.triggering_actor ?? g.actor,
      GITHUB_SHA: g.sha ?? "",
      GITHUB_REF: g.ref ?? "",
      GITHUB_REF_NAME: g.ref_name ?? "",
      GITHUB_REF_TYPE: g.ref_type ?? "",
      GITHUB_HEAD_REF: g.head_ref ?? "",
      GITHUB_BASE_REF: g.base_ref ?? "",
      GITHUB_WORKFLOW: g.workflow ?? "",
      GITHUB_JOB: g.job ?? "",
      GITHUB_ACTION: stepId,
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_OS: "Linux",
      RUNNER_ARCH: runnerArch(),
      RUNNER_NAME: "local-runner",
      RUNNER_TOOL_CACHE: join(this.runnerTemp, "_tool"),
      RUNNER_ENVIRONMENT: "self-hosted",
    };
    if (action) {
      v.GITHUB_ACTION_PATH = action.path;
      v.GITHUB_ACTION_REPOSITORY = action.repository;
      v.GITHUB_ACTION_REF = action.ref;
    }
    if (files) {
      v.GITHUB_OUTPUT = files.output;
      v.GITHUB_ENV = files.env;
      v.GITHUB_PATH = files.path;
      v.GITHUB_STEP_SUMMARY = files.summary;
      v.GITHUB_STATE = files.state;
    }
    return v;
  }

  /**
   * Process env: PATH/HOME/LANG/TMPDIR (+ opts.baseEnv), then the env context
   * (job env, GITHUB_ENV, calling steps' env, step env), then the runner's
   * own variables, then `extra` (INPUT_* of node actions). GITHUB_PATH
   * entries are prepended to PATH.
   */
  processEnv(
    action: ActionRef | undefined,
    stepId: string,
    envCtx: Record<string, string>,
    files?: StepFiles,
    extra: Record<string, string> = {},
  ): Record<string, string> {
    const env: Record<string, string> = {};
    for (const k of ["PATH", "LANG", "TMPDIR"]) {
      const v = process.env[k];
      if (v !== undefined) env[k] = v;
    }
    env.HOME = resolve(this.opts.home);
    if (!env.LANG) env.LANG = "C.UTF-8";
    if (!env.PATH) env.PATH = "/usr/local/bin:/usr/bin:/bin";
    Object.assign(env, this.opts.baseEnv ?? {});
    Object.assign(env, envCtx);
    Object.assign(env, this.runnerVars(action, stepId, files));
    Object.assign(env, extra);
    env.PATH = [...this.path, env.PATH].filter(Boolean).join(":");
    return env;
  }

  /** ms until the nearest deadline for a process started now (undefined: none). */
  timeoutFor(stepDeadline: number | undefined): { ms?: number; byJob: boolean } {
    const now = Date.now();
    const candidates: Array<{ at: number; byJob: boolean }> = [];
    if (stepDeadline !== undefined) candidates.push({ at: stepDeadline, byJob: false });
    if (this.cancelled) candidates.push({ at: (this.cancelledAt ?? now) + CANCEL_GRACE_MS, byJob: true });
    else if (this.deadline !== undefined) candidates.push({ at: this.deadline, byJob: true });
    if (candidates.length === 0) return { byJob: false };
    candidates.sort((a, b) => a.at - b.at);
    const first = candidates[0]!;
    return { ms: Math.max(0, first.at - now), byJob: first.byJob };
  }
}

function runnerArch(): string {
  switch (process.arch) {
    case "x64":
      return "X64";
    case "arm64":
      return "ARM64";
    case "arm":
      return "ARM";
    default:
      return process.arch.toUpperCase();
  }
}

/** Collects one step's masked log lines and forwards them to the parent step or the job. */
export class StepLog {
  readonly lines: string[] = [];
  constructor(
    private readonly job: Job,
    private readonly parent?: StepLog,
  ) {}
  write(raw: string): void {
    this.append(this.job.masker.mask(raw));
  }
  append(line: string): void {
    this.lines.push(line);
    if (this.parent) this.parent.append(line);
    else this.job.sink(line);
  }
  text(): string {
    return this.lines.join("\n");
  }
}

interface ExecResult {
  outcome: Outcome;
  outputs: Record<string, string>;
  error?: string;
  steps?: StepResult[];
}

function generatedId(scope: Scope, def: StepDef): string {
  let base: string;
  if (def.uses) {
    const name = def.uses
      .replace(/@.*$/, "")
      .replace(/^\.\//, "")
      .replace(/[^A-Za-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "");
    base = `__${name || "action"}`;
  } else {
    base = "__run";
  }
  const n = (scope.idCounts.get(base) ?? 0) + 1;
  scope.idCounts.set(base, n);
  return n === 1 ? base : `${base}_${n}`;
}

function defaultName(def: StepDef): string {
  if (typeof def.run === "string") {
    const first = def.run.split("\n").find((l) => l.trim() !== "") ?? "";
    return `Run ${first.trim()}`;
  }
  if (def.uses) return `Run ${def.uses}`;
  return "Step";
}

/** Runs a list of steps in a scope; results land in scope.results / scope.steps. */
export async function runSteps(job: Job, scope: Scope, defs: StepDef[], parentLog?: StepLog): Promise<void> {
  for (const def of defs) {
    const result = await runStep(job, scope, def ?? {}, parentLog);
    scope.results.push(result);
    scope.steps[result.id] = {
      outputs: result.outputs,
      outcome: result.outcome,
      conclusion: result.conclusion,
    };
    if (result.conclusion === "failure" || result.conclusion === "cancelled") scope.status.failed = true;
  }
}

export async function runStep(job: Job, scope: Scope, def: StepDef, parentLog?: StepLog): Promise<StepResult> {
  const id = def.id ? String(def.id) : generatedId(scope, def);
  const log = new StepLog(job, parentLog);
  const result: StepResult = {
    id,
    name: defaultName(def),
    outcome: "success",
    conclusion: "success",
    outputs: {},
    log: "",
  };
  if (def.uses) result.uses = def.uses;
  const baseEnv = { ...job.env, ...scope.env };
  const ctx0 = job.evalScope(scope, baseEnv, id);

  if (def.name !== undefined) {
    try {
      result.name = evaluateTemplate(scalar(def.name), ctx0);
    } catch {
      result.name = scalar(def.name);
    }
  }

  const fail = (error: string, outcome: Outcome = "failure"): StepResult => {
    log.write(`##[error]${error}`);
    job.annotate("error", error, result.name);
    result.outcome = outcome;
    result.conclusion = outcome;
    result.error = job.masker.mask(error);
    result.log = log.text();
    return result;
  };

  let shouldRun: boolean;
  try {
    shouldRun = evaluateCondition(def.if, ctx0);
  } catch (e) {
    log.write(`##[step]${result.name}`);
    return fail(errorMessage(e));
  }
  if (!shouldRun) {
    result.outcome = "skipped";
    result.conclusion = "skipped";
    return result;
  }
  log.write(`##[step]${result.name}`);

  const stepEnv: Record<string, string> = {};
  try {
    for (const [k, v] of Object.entries(def.env ?? {})) stepEnv[k] = evaluateTemplate(scalar(v), ctx0);
  } catch (e) {
    return fail(errorMessage(e));
  }
  const envCtx = { ...baseEnv, ...stepEnv };

  let deadline = scope.deadline;
  if (def["timeout-minutes"] !== undefined && def["timeout-minutes"] !== null) {
    let minutes: number;
    try {
      minutes = Number(evaluateTemplate(scalar(def["timeout-minutes"]), ctx0));
    } catch (e) {
      return fail(errorMessage(e));
    }
    if (!Number.isFinite(minutes) || minutes <= 0) return fail(`Invalid timeout-minutes: ${scalar(def["timeout-minutes"])}`);
    const at = Date.now() + minutes * 60_000;
    deadline = deadline === undefined ? at : Math.min(deadline, at);
  }

  let exec: ExecResult;
  try {
    if (typeof def.run === "string") {
      exec = await execScript(job, scope, def, id, envCtx, log, deadline, result.name);
    } else if (def.uses) {
      const ctx = job.evalScope(scope, envCtx, id);
      const withValues: Record<string, string> = {};
      for (const [k, v] of Object.entries(def.with ?? {})) withValues[k] = evaluateTemplate(scalar(v), ctx);
      exec = await execUses(job, scope, def.uses, withValues, stepEnv, id, log, deadline, result.name);
    } else {
      exec = { outcome: "failure", outputs: {}, error: "A step must have either 'run' or 'uses'" };
    }
  } catch (e) {
    exec = { outcome: "failure", outputs: {}, error: errorMessage(e) };
  }

  result.outputs = exec.outputs;
  if (exec.steps) result.steps = exec.steps;
  result.outcome = exec.outcome;
  result.conclusion = exec.outcome;
  if (exec.error) {
    log.write(`##[error]${exec.error}`);
    job.annotate("error", exec.error, result.name);
    result.error = job.masker.mask(exec.error);
  }
  if (exec.outcome === "failure" && def["continue-on-error"] !== undefined) {
    try {
      const v = evaluateTemplateValue(scalar(def["continue-on-error"]), job.evalScope(scope, envCtx, id));
      if (isTruthy(v) && v.coerceString() !== "false") result.conclusion = "success";
    } catch {
      // an invalid continue-on-error keeps the failure
    }
  }
  result.log = log.text();
  return result;
}

function shellCommand(shell: string | undefined): { argv: string[]; ext: string } {
  switch (shell) {
    case undefined:
    case "":
      return { argv: ["bash", "-e", "{0}"], ext: ".sh" };
    case "bash":
      return { argv: ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"], ext: ".sh" };
    case "sh":
      return { argv: ["sh", "-e", "{0}"], ext: ".sh" };
    case "python":
      return { argv: ["python3", "{0}"], ext: ".py" };
    case "node":
      return { argv: [process.execPath, "{0}"], ext: ".mjs" };
    case "pwsh":
    case "powershell":
    case "cmd":
      throw new Error(`shell '${shell}' is not supported by the local runner`);
    default: {
      const argv = shell.trim().split(/\s+/);
      if (!argv.includes("{0}")) argv.push("{0}");
      return { argv, ext: "" };
    }
  }
}

async function execScript(
  job: Job,
  scope: Scope,
  def: StepDef,
  id: string,
  envCtx: Record<string, string>,
  log: StepLog,
  deadline: number | undefined,
  name: string,
): Promise<ExecResult> {
  const ctx = job.evalScope(scope, envCtx, id);
  let shell = def.shell ?? (scope.kind === "job" ? job.defaultsRun?.shell : undefined);
  if (shell === undefined && scope.kind === "composite") {
    return { outcome: "failure", outputs: {}, error: "Required property is missing: shell (run steps of a composite action must set shell)" };
  }
  if (shell !== undefined) shell = evaluateTemplate(shell, ctx);
  const script = evaluateTemplate(def.run ?? "", ctx);
  const wd = def["working-directory"] ?? (scope.kind === "job" ? job.defaultsRun?.["working-directory"] : undefined);
  const cwd = wd ? resolve(job.workspace, evaluateTemplate(wd, ctx)) : job.workspace;
  const { argv, ext } = shellCommand(shell);
  const file = join(job.runnerTemp, `${randomUUID()}${ext}`);
  await writeFile(file, script);
  return execProcess(job, scope.action, id, argv.map((a) => (a === "{0}" ? file : a.replace("{0}", file))), cwd, envCtx, log, deadline, name);
}

/** Runs one process as a step: env, file commands, workflow commands, timeout. */
export async function execProcess(
  job: Job,
  action: ActionRef | undefined,
  id: string,
  argv: string[],
  cwd: string,
  envCtx: Record<string, string>,
  log: StepLog,
  deadline: number | undefined,
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<ExecResult> {
  const files = await job.newFiles();
  const env = job.processEnv(action, id, envCtx, files, extraEnv);
  const outputs: Record<string, string> = {};
  const onLine = commandHandler(job, log, outputs, name);
  const timeout = job.timeoutFor(deadline);
  if (timeout.ms !== undefined && timeout.ms <= 0) {
    if (timeout.byJob) job.cancel();
    return { outcome: timeout.byJob ? "cancelled" : "failure", outputs, error: "The step timed out before it started" };
  }
  if (!existsSync(cwd)) {
    return { outcome: "failure", outputs, error: `Working directory '${cwd}' does not exist` };
  }
  const cancelledBefore = job.cancelled;
  const res = await runProcess({ argv, cwd, env, timeoutMs: timeout.ms, onLine, groups: job.groups });
  const fileError = await job.applyFiles(files, outputs);
  if (res.error) return { outcome: "failure", outputs, error: `Failed to start '${argv[0]}': ${res.error.message}` };
  if (!cancelledBefore && job.cancelled && res.exitCode !== 0) {
    return { outcome: "cancelled", outputs, error: "The run was cancelled; the step was stopped" };
  }
  if (res.timedOut) {
    if (timeout.byJob) {
      job.cancel();
      return { outcome: "cancelled", outputs, error: "The job has exceeded its maximum execution time; the step was cancelled" };
    }
    return { outcome: "failure", outputs, error: "The step has timed out (timeout-minutes)" };
  }
  if (res.exitCode !== 0) {
    return {
      outcome: "failure",
      outputs,
      error: res.exitCode === null ? `Process was killed by ${res.signal ?? "a signal"}.` : `Process completed with exit code ${res.exitCode}.`,
    };
  }
  if (fileError) return { outcome: "failure", outputs, error: fileError };
  return { outcome: "success", outputs };
}

/**
 * Workflow commands on stdout/stderr. Supported: add-mask, error, warning,
 * notice, debug, group/endgroup, stop-commands (with its resume token),
 * set-output (deprecated form), save-state (ignored), echo (ignored).
 */
function commandHandler(job: Job, log: StepLog, outputs: Record<string, string>, stepName: string) {
  let stopToken: string | undefined;
  return (line: string): void => {
    if (stopToken !== undefined) {
      if (line.trim() === `::${stopToken}::`) stopToken = undefined;
      else log.write(line);
      return;
    }
    const cmd = parseWorkflowCommand(line);
    if (!cmd) {
      log.write(line);
      return;
    }
    switch (cmd.command) {
      case "add-mask":
        job.masker.add(cmd.message);
        return;
      case "error":
      case "warning":
      case "notice":
        job.annotate(cmd.command, cmd.message, stepName, cmd.properties);
        log.write(`##[${cmd.command}]${cmd.message}`);
        return;
      case "debug":
        log.write(`##[debug]${cmd.message}`);
        return;
      case "group":
        log.write(`##[group]${cmd.message}`);
        return;
      case "endgroup":
        log.write("##[endgroup]");
        return;
      case "stop-commands":
        stopToken = cmd.message;
        return;
      case "set-output":
        if (cmd.properties.name) outputs[cmd.properties.name] = cmd.message;
        return;
      case "save-state":
      case "echo":
        return;
      case "set-env":
      case "add-path": {
        const msg = `The \`${cmd.command}\` command is disabled. Use environment files instead.`;
        job.annotate("error", msg, stepName);
        log.write(`##[error]${msg}`);
        return;
      }
      default:
        log.write(line);
    }
  };
}

export function loadActionMeta(dir: string): ActionMeta {
  for (const f of ["action.yml", "action.yaml"]) {
    const p = join(dir, f);
    if (existsSync(p)) {
      const parsed = YAML.parse(readFileSync(p, "utf8")) as ActionMeta | null;
      if (!parsed || typeof parsed !== "object") throw new Error(`${p} is empty or not a mapping`);
      return parsed;
    }
  }
  throw new Error(`Can't find 'action.yml' or 'action.yaml' under '${dir}'`);
}

/** Runs a `uses:` reference with already evaluated `with:` values and step env. */
export async function execUses(
  job: Job,
  scope: Scope,
  uses: string,
  withValues: Record<string, string>,
  stepEnv: Record<string, string>,
  id: string,
  log: StepLog,
  deadline: number | undefined,
  name: string,
): Promise<ExecResult> {
  const target = resolveUses(uses, { workspace: job.workspace, mappings: job.opts.uses });
  return execResolved(job, scope, target, withValues, stepEnv, id, log, deadline, name);
}

export async function execResolved(
  job: Job,
  scope: Scope,
  target: ResolvedUses,
  withValues: Record<string, string>,
  stepEnv: Record<string, string>,
  id: string,
  log: StepLog,
  deadline: number | undefined,
  name: string,
): Promise<ExecResult> {
  if (target.kind === "error") return { outcome: "failure", outputs: {}, error: target.error };
  const envCtx = { ...job.env, ...scope.env, ...stepEnv };
  if (target.kind === "shim") {
    return runShim(target.shim, { job, scope, inputs: withValues, envCtx, id, log, deadline, name, ref: target.ref });
  }
  const action: ActionRef = { path: target.dir, repository: target.repository, ref: target.ref };
  const meta = loadActionMeta(target.dir);

  // Inputs: with: values, then defaults (evaluated in the action's context).
  const declared = Object.entries(meta.inputs ?? {});
  const declaredLower = new Set(declared.map(([k]) => k.toLowerCase()));
  const unexpected = Object.keys(withValues).filter((k) => !declaredLower.has(k.toLowerCase()));
  if (unexpected.length > 0) {
    const msg = `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${declared.map(([k]) => k).join("', '")}']`;
    job.annotate("warning", msg, name);
    log.write(`##[warning]${msg}`);
  }
  const givenLower = new Map(Object.entries(withValues).map(([k, v]) => [k.toLowerCase(), v]));
  const inputs: Record<string, string> = {};
  const defaultsScope = newScope("composite", { action, env: { ...scope.env, ...stepEnv } });
  const defaultsCtx = job.evalScope(defaultsScope, envCtx, id);
  for (const [k, spec] of declared) {
    const given = givenLower.get(k.toLowerCase());
    if (given !== undefined) inputs[k] = given;
    else if (spec && spec.default !== undefined && spec.default !== null) {
      inputs[k] = evaluateTemplate(scalar(spec.default), defaultsCtx);
    } else inputs[k] = "";
  }
  for (const k of unexpected) inputs[k] = withValues[k]!;

  const using = String(meta.runs?.using ?? "").toLowerCase();
  if (using === "composite") {
    if (scope.depth >= 10) return { outcome: "failure", outputs: {}, error: "Composite actions are nested too deeply (10)" };
    const child = newScope("composite", {
      action,
      inputs,
      env: { ...scope.env, ...stepEnv },
      depth: scope.depth + 1,
      deadline,
    });
    await runSteps(job, child, meta.runs?.steps ?? [], log);
    const outputs: Record<string, string> = {};
    let error: string | undefined;
    const outCtx = job.evalScope(child, { ...job.env, ...child.env }, id);
    for (const [k, spec] of Object.entries(meta.outputs ?? {})) {
      try {
        outputs[k] = evaluateTemplate(scalar(spec?.value), outCtx);
      } catch (e) {
        error = errorMessage(e);
      }
    }
    const cancelled = child.results.some((r) => r.outcome === "cancelled");
    const outcome: Outcome = error || child.status.failed ? (cancelled ? "cancelled" : "failure") : "success";
    const res: ExecResult = { outcome, outputs, steps: child.results };
    if (error) res.error = error;
    return res;
  }
  if (/^node\d+$/.test(using)) {
    if (!meta.runs?.main) return { outcome: "failure", outputs: {}, error: `${target.dir}: runs.main is missing` };
    const extra: Record<string, string> = {};
    for (const [k, v] of Object.entries(inputs)) extra[`INPUT_${k.replace(/ /g, "_").toUpperCase()}`] = v;
    const main = resolve(target.dir, meta.runs.main);
    return execProcess(job, action, id, [process.execPath, main], job.workspace, envCtx, log, deadline, name, extra);
  }
  if (using === "docker") {
    return { outcome: "failure", outputs: {}, error: `Docker container actions are not supported by the local runner (${target.dir})` };
  }
  return { outcome: "failure", outputs: {}, error: `Unsupported runs.using '${meta.runs?.using ?? ""}' in ${target.dir}` };
}
