// Workflow files: `on:` matching (Gitea's rules) and running one job.
import { existsSync, readFileSync } from "node:fs";
import YAML from "yaml";
import { evaluateCondition, evaluateTemplate, type ContextName, type EvalScope } from "./expressions";
import { Job, newScope, runSteps, scalar, errorMessage, type StepDef } from "./engine";
import { completeGithub } from "./github";
import type { RunJobOptions, RunJobResult } from "./types";

export interface WorkflowJob {
  name?: string;
  if?: unknown;
  env?: Record<string, unknown>;
  steps?: StepDef[];
  outputs?: Record<string, unknown>;
  defaults?: { run?: { shell?: string; "working-directory"?: string } };
  "timeout-minutes"?: unknown;
  "runs-on"?: unknown;
  permissions?: unknown;
  [k: string]: unknown;
}

export interface Workflow {
  name?: string;
  on?: unknown;
  env?: Record<string, unknown>;
  defaults?: { run?: { shell?: string; "working-directory"?: string } };
  jobs?: Record<string, WorkflowJob>;
  permissions?: unknown;
}

export function loadWorkflow(source: string): Workflow {
  const text = !source.includes("\n") && existsSync(source) ? readFileSync(source, "utf8") : source;
  const parsed = YAML.parse(text) as Workflow | null;
  if (!parsed || typeof parsed !== "object") throw new Error("The workflow is empty or not a mapping");
  // YAML 1.1 parsers read `on` as true; accept both spellings.
  const anyParsed = parsed as Record<string, unknown>;
  if (parsed.on === undefined && anyParsed["true"] !== undefined) parsed.on = anyParsed["true"];
  return parsed;
}

/** Normalises `on:` into event name → filter mapping. */
export function normaliseOn(on: unknown): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  if (typeof on === "string") out[on] = {};
  else if (Array.isArray(on)) for (const e of on) out[String(e)] = {};
  else if (on && typeof on === "object") {
    for (const [k, v] of Object.entries(on as Record<string, unknown>)) {
      out[k] = v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    }
  }
  return out;
}

function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x) => String(x));
  return [String(v)];
}

/** gobwas-style glob for activity types and GitHub filter patterns for branches. */
function patternToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        re += ".*";
        i++;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if ("\\^$+.()|{}[]".includes(c)) re += `\\${c}`;
    else re += c;
  }
  return new RegExp(`^${re}$`);
}

function globMatch(pattern: string, value: string): boolean {
  return patternToRegExp(pattern).test(value);
}

/** GitHub filter semantics: patterns in order, `!pattern` excludes again. */
function filterMatches(patterns: string[], value: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith("!")) {
      if (globMatch(p.slice(1), value)) matched = false;
    } else if (globMatch(p, value)) matched = true;
  }
  return matched;
}

function typesMatch(types: string[], actions: string[]): boolean {
  return types.some((t) => actions.some((a) => globMatch(t, a)));
}

export interface MatchResult {
  matched: boolean;
  reason?: string;
}

/**
 * Does `on:` match this event? Follows Gitea's matching: pull_request with
 * no types runs for opened/reopened/synchronized; Gitea's payload actions
 * synchronized, label_updated, label_cleared and reviewed are read as
 * synchronize, labeled, unlabeled and submitted/edited (created/edited for
 * review comments); GitHub spellings are accepted as well. branches /
 * branches-ignore / tags / tags-ignore are checked; paths filters are
 * ignored (no diff available).
 */
export function matchEvent(on: unknown, eventName: string, event: Record<string, unknown>): MatchResult {
  const triggers = normaliseOn(on);
  if (!(eventName in triggers)) {
    return { matched: false, reason: `on: has no '${eventName}' (has: ${Object.keys(triggers).join(", ") || "nothing"})` };
  }
  const filter = triggers[eventName] ?? {};
  const action = typeof event.action === "string" ? event.action : "";
  const types = filter.types !== undefined ? list(filter.types) : undefined;

  let actions: string[] = [action];
  switch (eventName) {
    case "issues":
      if (action === "label_updated") actions = ["labeled"];
      else if (action === "label_cleared") actions = ["unlabeled"];
      break;
    case "pull_request":
    case "pull_request_target":
      if (action === "synchronized") actions = ["synchronize"];
      else if (action === "label_updated") actions = ["labeled"];
      else if (action === "label_cleared") actions = ["unlabeled"];
      break;
    case "pull_request_review":
      if (action === "reviewed") actions = ["submitted", "edited"];
      break;
    case "pull_request_review_comment":
      if (action === "reviewed") actions = ["created", "edited"];
      break;
  }

  if (eventName === "pull_request" || eventName === "pull_request_target") {
    if (types === undefined) {
      if (!actions.some((a) => ["opened", "reopened", "synchronize"].includes(a))) {
        return { matched: false, reason: `pull_request action '${action}' is not one of the default types opened/reopened/synchronize` };
      }
    } else if (!typesMatch(types, actions)) {
      return { matched: false, reason: `action '${action}' is not in types [${types.join(", ")}]` };
    }
    const base = String((event.pull_request as { base?: { ref?: unknown } } | undefined)?.base?.ref ?? "").replace(/^refs\/heads\//, "");
    if (filter.branches !== undefined && !filterMatches(list(filter.branches), base)) {
      return { matched: false, reason: `base branch '${base}' does not match branches` };
    }
    if (filter["branches-ignore"] !== undefined && filterMatches(list(filter["branches-ignore"]), base)) {
      return { matched: false, reason: `base branch '${base}' matches branches-ignore` };
    }
    return { matched: true };
  }

  if (eventName === "push") {
    const ref = typeof event.ref === "string" ? event.ref : "";
    const isBranch = ref.startsWith("refs/heads/");
    const isTag = ref.startsWith("refs/tags/");
    const name = ref.replace(/^refs\/(heads|tags)\//, "");
    const hasBranch = filter.branches !== undefined || filter["branches-ignore"] !== undefined;
    const hasTag = filter.tags !== undefined || filter["tags-ignore"] !== undefined;
    if (!hasBranch && !hasTag) return { matched: true };
    let ok = false;
    if (isBranch && hasBranch) {
      ok =
        (filter.branches === undefined || filterMatches(list(filter.branches), name)) &&
        (filter["branches-ignore"] === undefined || !filterMatches(list(filter["branches-ignore"]), name));
    } else if (isTag && hasTag) {
      ok =
        (filter.tags === undefined || filterMatches(list(filter.tags), name)) &&
        (filter["tags-ignore"] === undefined || !filterMatches(list(filter["tags-ignore"]), name));
    }
    return ok ? { matched: true } : { matched: false, reason: `ref '${ref}' does not match the push filters` };
  }

  if (types !== undefined && !typesMatch(types, actions)) {
    return { matched: false, reason: `action '${action}' is not in types [${types.join(", ")}]` };
  }
  if (eventName === "workflow_run") {
    // Gitea 1.25 matchWorkflowRunEvent: `workflows` names (workflow.name), `branches` against the run's
    // head_branch, which is empty for a pull request's run (refs/pull/N/head).
    const name = String((event.workflow as { name?: unknown } | undefined)?.name ?? "");
    const branch = String((event.workflow_run as { head_branch?: unknown } | undefined)?.head_branch ?? "");
    if (filter.workflows !== undefined && !filterMatches(list(filter.workflows), name)) {
      return { matched: false, reason: `workflow '${name}' is not in workflows [${list(filter.workflows).join(", ")}]` };
    }
    if (filter.branches !== undefined && !filterMatches(list(filter.branches), branch)) {
      return { matched: false, reason: `head branch '${branch}' does not match branches` };
    }
    if (filter["branches-ignore"] !== undefined && filterMatches(list(filter["branches-ignore"]), branch)) {
      return { matched: false, reason: `head branch '${branch}' matches branches-ignore` };
    }
  }
  return { matched: true };
}

const WORKFLOW_LEVEL_NAMES: readonly ContextName[] = ["github", "secrets", "inputs", "vars"];
const JOB_LEVEL_NAMES: readonly ContextName[] = ["github", "needs", "strategy", "matrix", "vars", "secrets", "inputs"];
const JOB_IF_NAMES: readonly ContextName[] = ["github", "needs", "vars", "inputs"];

export async function runJob(opts: RunJobOptions): Promise<RunJobResult> {
  const wf = loadWorkflow(opts.workflow);
  const jobs = wf.jobs ?? {};
  const jobId = opts.job ?? Object.keys(jobs)[0];
  const def = jobId !== undefined ? jobs[jobId] : undefined;
  if (jobId === undefined || !def) throw new Error(`The workflow has no job '${opts.job ?? "(first)"}'`);

  const github = completeGithub({
    ...(opts.github ?? {}),
    event_name: opts.eventName,
    event: opts.event,
    workflow: opts.github?.workflow ?? wf.name ?? "",
    job: opts.github?.job ?? jobId,
  });
  const empty: RunJobResult = {
    triggered: false,
    success: true,
    steps: [],
    outputs: {},
    jobOutputs: {},
    log: "",
    summary: "",
    annotations: [],
    masks: [],
    env: {},
  };

  const match = matchEvent(wf.on, opts.eventName, opts.event);
  if (!match.matched) return { ...empty, reason: match.reason };

  const dispatchInputs = opts.event.inputs;
  const inputs: Record<string, string> = {};
  if (dispatchInputs && typeof dispatchInputs === "object") {
    for (const [k, v] of Object.entries(dispatchInputs as Record<string, unknown>)) inputs[k] = scalar(v);
  }
  const base = (names: readonly ContextName[], env: Record<string, string> = {}): EvalScope => ({
    contexts: {
      github: { ...github, workspace: opts.workspace },
      secrets: { GITHUB_TOKEN: github.token, GITEA_TOKEN: github.token, ...(opts.secrets ?? {}) },
      vars: opts.vars ?? {},
      inputs,
      needs: {},
      strategy: {},
      matrix: {},
      env,
    },
    names,
    status: { failed: false, cancelled: false },
    workspace: opts.workspace,
  });

  try {
    if (!evaluateCondition(def.if, base(JOB_IF_NAMES))) {
      return { ...empty, reason: `job '${jobId}' if: evaluated to false` };
    }
  } catch (e) {
    return { ...empty, triggered: true, success: false, error: `job if: ${errorMessage(e)}` };
  }

  // The runner's own env (act_runner's `runner.envs`) comes first; the workflow's and the job's override it.
  const env: Record<string, string> = { ...(opts.runnerEnv ?? {}) };
  for (const [k, v] of Object.entries(wf.env ?? {})) env[k] = evaluateTemplate(scalar(v), base(WORKFLOW_LEVEL_NAMES));
  for (const [k, v] of Object.entries(def.env ?? {})) env[k] = evaluateTemplate(scalar(v), base(JOB_LEVEL_NAMES, env));

  let deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : undefined;
  if (def["timeout-minutes"] !== undefined) {
    const minutes = Number(evaluateTemplate(scalar(def["timeout-minutes"]), base(JOB_LEVEL_NAMES)));
    if (Number.isFinite(minutes) && minutes > 0) {
      const at = Date.now() + minutes * 60_000;
      deadline = deadline === undefined ? at : Math.min(deadline, at);
    }
  }

  const job = await Job.create({
    opts,
    github,
    env,
    defaultsRun: { ...(wf.defaults?.run ?? {}), ...(def.defaults?.run ?? {}) },
    deadline,
  });
  const scope = newScope("job", { inputs });
  let error: string | undefined;
  for (const key of ["container", "services", "strategy", "needs"]) {
    if (def[key] !== undefined) {
      job.annotate("warning", `jobs.${jobId}.${key} is not supported by the local runner and was ignored`, jobId);
    }
  }
  try {
    if (def.uses !== undefined) throw new Error("Reusable workflows (jobs.<id>.uses) are not supported by the local runner");
    await runSteps(job, scope, def.steps ?? []);
  } catch (e) {
    error = errorMessage(e);
  } finally {
    job.finish();
  }

  const jobOutputs: Record<string, string> = {};
  const outCtx = job.evalScope(scope, job.env, "");
  for (const [k, v] of Object.entries(def.outputs ?? {})) {
    try {
      jobOutputs[k] = evaluateTemplate(scalar(v), outCtx);
    } catch (e) {
      error = errorMessage(e);
    }
  }
  const outputs: Record<string, Record<string, string>> = {};
  for (const r of scope.results) outputs[r.id] = r.outputs;
  const res: RunJobResult = {
    triggered: true,
    success: !scope.status.failed && !job.cancelled && error === undefined,
    steps: scope.results,
    outputs,
    jobOutputs,
    log: job.lines.join("\n"),
    summary: job.summary,
    annotations: job.annotations,
    masks: job.masker.list(),
    env: job.env,
  };
  if (error) res.error = error;
  return res;
}
