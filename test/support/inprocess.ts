/**
 * prepare() and finish() driven in-process, with the run step simulated, for
 * suites that need many runs (the fault suite, the bad-input corpus) and for
 * `npm run bench`. The environment is what action.yml gives each step: the
 * runner's variables, INPUT_* with action.yml's defaults, and for finish the
 * STATE_FILE / RUN_* mapping of the prepare and run steps' outputs.
 *
 *   const run = await runInProcess(world, { eventName, event, retry: FAST_RETRY });
 *   run.prepare.code, run.finish?.code, run.log (every line, as the runner would print it)
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { finish } from "../../src/app/finish";
import { prepare } from "../../src/app/prepare";
import type { ProcessRunner } from "../../src/claude/process";
import type { HttpTransport, RetryPolicy } from "../../src/gitea/http";
import { envNameOf } from "../../src/inputs";
import type { ActionIO } from "../../src/io";
import { FINISH_ENV, PREPARE_OUTPUTS } from "../../src/steps";
import type { RequestLogEntry } from "./gitea/index";
import { claudeBin } from "./model/index";
import { ROOT, actionYml } from "./repo";
import { REPO, SECRETS, git, type World } from "./scenario";

/**
 * Small delays: a fault run stays around a second per route. The timeout
 * leaves a loaded machine room to answer a normal request in time.
 */
export const FAST_RETRY: Partial<RetryPolicy> = { attempts: 4, baseDelayMs: 2, maxDelayMs: 40, timeoutMs: 1000 };

/** `claude --version` without starting the CLI (preflight is not what these suites test). */
export const fakeClaudeVersion: ProcessRunner = {
  run: async () => ({ code: 0, signal: null, stdout: "2.1.330 (Claude Code)\n", stderr: "" }),
};

export type CapturedIO = ActionIO & {
  /** Every line as the runner would print it (`::error::…` for annotations). */
  lines: string[];
  outputs: Record<string, string>;
  masks: string[];
  summary: string;
};

export function captureIO(): CapturedIO {
  const lines: string[] = [];
  const outputs: Record<string, string> = {};
  const masks: string[] = [];
  const io: CapturedIO = {
    lines,
    outputs,
    masks,
    summary: "",
    info: (m) => void lines.push(m),
    notice: (m) => void lines.push(`::notice::${m}`),
    warning: (m) => void lines.push(`::warning::${m}`),
    error: (m) => void lines.push(`::error::${m}`),
    setSecret: (v) => void masks.push(v),
    setOutput: (n, v) => void (outputs[n] = v),
    appendSummary: async (md) => {
      io.summary += md;
    },
  };
  return io;
}

/** INPUT_* for every input of action.yml at its default, then `with` on top. */
export function inputEnv(withInputs: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, input] of Object.entries(actionYml().inputs)) env[envNameOf(name)] = input.default ?? "";
  for (const [name, value] of Object.entries(withInputs)) env[envNameOf(name)] = value;
  return env;
}

export type Dirs = { workspace: string; runnerTemp: string; home: string };

/** The runner's variables for a step of this action. */
export async function runnerEnv(world: World, dirs: Dirs, eventName: string, event: unknown, rawEvent?: string): Promise<Record<string, string>> {
  const eventPath = path.join(dirs.runnerTemp, "..", "event.json");
  await writeFile(eventPath, rawEvent ?? JSON.stringify(event));
  return {
    PATH: `${path.dirname(claudeBin())}${path.delimiter}${process.env.PATH ?? ""}`,
    HOME: dirs.home,
    LANG: "C.UTF-8",
    GITHUB_ACTIONS: "true",
    GITEA_ACTIONS: "true",
    GITHUB_WORKSPACE: dirs.workspace,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: eventName,
    GITHUB_REPOSITORY: REPO,
    GITHUB_REPOSITORY_OWNER: REPO.split("/")[0]!,
    GITHUB_SERVER_URL: world.gitea.url,
    GITHUB_API_URL: world.gitea.apiUrl,
    GITHUB_RUN_ID: "4242",
    GITHUB_RUN_NUMBER: "17",
    GITHUB_ACTION_PATH: ROOT,
    RUNNER_TEMP: dirs.runnerTemp,
    // action.yml maps github.token to GITHUB_TOKEN for prepare and finish.
    GITHUB_TOKEN: SECRETS.jobToken,
  };
}

/** What the simulated run step did. */
export type SimulatedRun = {
  outcome?: "success" | "failure" | "cancelled" | "skipped";
  conclusion?: string;
  /** Messages of the execution log (default: init, one answer, a success result). */
  messages?: unknown[];
  structuredOutput?: string;
  /** Claude's work in the workspace (commits, pushes, comment edits), before the log is written. */
  work?: (ctx: { dirs: Dirs; branch: string; commentId: number | undefined }) => Promise<void>;
};

export const SESSION_ID = "11111111-2222-4333-8444-555555555555";

export function defaultMessages(answer = "Done."): unknown[] {
  return [
    { type: "system", subtype: "init", session_id: SESSION_ID, model: "claude-test-1", tools: ["Read"] },
    { type: "assistant", session_id: SESSION_ID, message: { id: "msg_1", role: "assistant", content: [{ type: "text", text: answer }] } },
    { type: "result", subtype: "success", is_error: false, session_id: SESSION_ID, num_turns: 1, result: answer, total_cost_usd: 0.0123 },
  ];
}

export type InProcessOptions = {
  eventName: string;
  event: Record<string, unknown>;
  /** Written as the event payload file instead of `event` (e.g. text that is not JSON). */
  rawEvent?: string;
  with?: Record<string, string>;
  /** Extra env for both steps (e.g. ACTIONS_ID_TOKEN_REQUEST_URL). */
  env?: Record<string, string>;
  dirs?: Dirs;
  transport?: HttpTransport;
  retry?: Partial<RetryPolicy>;
  /** Default: the fake `claude --version`; pass null to spawn the real CLI. */
  processRunner?: ProcessRunner | null;
  run?: SimulatedRun;
  /** Called after prepare, before the simulated run (e.g. to pause faults). */
  afterPrepare?: () => void | Promise<void>;
  /** Called after the simulated run, before finish (e.g. to resume faults). */
  beforeFinish?: () => void | Promise<void>;
};

export type StepResult = { code: number; io: CapturedIO; ms: number };

export type InProcessResult = {
  dirs: Dirs;
  prepare: StepResult;
  /** Undefined when finish would not run (prepare did not start work). */
  finish?: StepResult;
  /** Both steps' lines, prepare first. */
  log: string;
  executionFile?: string;
  /** The emulator's requests made by each step (not by the simulated run). */
  requests: { prepare: RequestLogEntry[]; finish: RequestLogEntry[] };
};

/** Runs prepare, the simulated run step (when prepare asks for it) and finish (when prepare started), like action.yml. */
export async function runInProcess(world: World, o: InProcessOptions): Promise<InProcessResult> {
  const dirs = o.dirs ?? (await world.runnerDirs());
  const base = { ...(await runnerEnv(world, dirs, o.eventName, o.event, o.rawEvent)), ...inputEnv({ anthropic_api_key: SECRETS.anthropicKey, subprocess_sandbox: "false", ...o.with }), ...o.env };
  const processRunner = o.processRunner === undefined ? fakeClaudeVersion : o.processRunner;
  const common = {
    ...(o.transport ? { transport: o.transport } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
  };

  const from = world.gitea.requests.length;
  const pio = captureIO();
  let t = performance.now();
  const pcode = await prepare({ env: base, io: pio, ...common, ...(processRunner ? { processRunner } : {}) });
  const prepareResult: StepResult = { code: pcode, io: pio, ms: performance.now() - t };
  const prepareRequests = world.gitea.requests.slice(from);
  await o.afterPrepare?.();

  const triggered = pcode === 0 && pio.outputs[PREPARE_OUTPUTS.containsTrigger] === "true";
  let executionFile: string | undefined;
  let runOutcome = "skipped";
  let runConclusion = "";
  if (triggered) {
    const sim = o.run ?? {};
    const comment = pio.outputs[PREPARE_OUTPUTS.commentId];
    await sim.work?.({ dirs, branch: pio.outputs[PREPARE_OUTPUTS.branchName] ?? "", commentId: comment ? Number(comment) : undefined });
    executionFile = path.join(dirs.runnerTemp, "claude-execution-output.json");
    await mkdir(dirs.runnerTemp, { recursive: true });
    await writeFile(executionFile, JSON.stringify(sim.messages ?? defaultMessages(), null, 2));
    runOutcome = sim.outcome ?? "success";
    runConclusion = sim.conclusion ?? (runOutcome === "success" ? "success" : "failure");
  }

  await o.beforeFinish?.();
  const finishFrom = world.gitea.requests.length;
  let finishResult: StepResult | undefined;
  if (pio.outputs[PREPARE_OUTPUTS.started] === "true") {
    const fio = captureIO();
    const env = {
      ...base,
      // What action.yml maps from prepare's outputs into finish's env.
      [FINISH_ENV.stateFile]: pio.outputs[PREPARE_OUTPUTS.stateFile] ?? "",
      [FINISH_ENV.stateDigest]: pio.outputs[PREPARE_OUTPUTS.stateDigest] ?? "",
      [FINISH_ENV.commentId]: pio.outputs[PREPARE_OUTPUTS.commentId] ?? "",
      [FINISH_ENV.brokerPid]: pio.outputs[PREPARE_OUTPUTS.brokerPid] ?? "",
      [FINISH_ENV.credentialsKey]: pio.outputs[PREPARE_OUTPUTS.credentialsKey] ?? "",
      [FINISH_ENV.prepareOutcome]: pcode === 0 ? "success" : "failure",
      [FINISH_ENV.runOutcome]: runOutcome,
      [FINISH_ENV.runConclusion]: runConclusion,
      [FINISH_ENV.executionFile]: executionFile ?? "",
      [FINISH_ENV.structuredOutput]: o.run?.structuredOutput ?? "",
      [FINISH_ENV.sessionId]: triggered ? SESSION_ID : "",
    };
    t = performance.now();
    const fcode = await finish({ env, io: fio, ...common });
    finishResult = { code: fcode, io: fio, ms: performance.now() - t };
  }
  return {
    dirs,
    prepare: prepareResult,
    ...(finishResult ? { finish: finishResult } : {}),
    log: [...pio.lines, ...(finishResult?.io.lines ?? [])].join("\n"),
    ...(executionFile ? { executionFile } : {}),
    requests: { prepare: prepareRequests, finish: world.gitea.requests.slice(finishFrom) },
  };
}

/** Claude's work: a commit on the working branch, pushed. */
export type Work = NonNullable<SimulatedRun["work"]>;

/**
 * git as Claude runs it: the checked git prepare installed (its pushes go
 * through the broker, which holds the token); plain git when prepare set up
 * no boundary (no working branch).
 */
export function claudeGit(args: string[], dirs: Dirs): Promise<string> {
  const guard = path.join(dirs.runnerTemp, "claude-code-gitea-git", "bin", "git");
  if (!existsSync(guard)) return git(args, dirs.workspace);
  return new Promise((resolve, reject) => {
    execFile(guard, args, { cwd: dirs.workspace, env: { PATH: `${path.dirname(guard)}${path.delimiter}${process.env.PATH ?? ""}`, HOME: dirs.home, GIT_TERMINAL_PROMPT: "0" } }, (error, stdout, stderr) =>
      error ? reject(new Error(`git ${args.join(" ")}: ${stderr.trim() || error.message}`)) : resolve(stdout.trim()),
    );
  });
}

export function commitAndPush(file: string, content: string, message = `Add ${file}`): Work {
  return async ({ dirs }) => {
    await writeFile(path.join(dirs.workspace, file), content);
    await claudeGit(["add", file], dirs);
    await claudeGit(["commit", "-q", "-m", message], dirs);
    await claudeGit(["push", "-q", "origin", "HEAD"], dirs);
  };
}

/** Claude's work: pushes the working branch without committing (finish must delete the unused branch). */
export const pushOnly: Work = async ({ dirs }) => {
  await claudeGit(["push", "-q", "origin", "HEAD"], dirs);
};

/** Claude's work: its answer written into the tracking comment (as mcp__gitea__update_claude_comment does). */
export function answerInComment(world: World, answer: string): Work {
  return async ({ commentId }) => {
    if (commentId === undefined) return;
    const c = world.gitea.getComment(commentId);
    if (c) world.gitea.editComment(commentId, `${c.body.split("\n")[0]}\n${answer}`);
  };
}

/**
 * Sequential depth of requests: the longest chain in which each request
 * started after the previous one had ended (overlapping requests count as one
 * round trip).
 */
export function chainDepth(entries: readonly { startedAt: number; endedAt: number | null }[]): number {
  const done = entries.filter((e) => e.endedAt !== null).sort((a, b) => a.startedAt - b.startedAt);
  const depth: number[] = [];
  let best = 0;
  for (let i = 0; i < done.length; i++) {
    let d = 0;
    for (let j = 0; j < i; j++) if (done[j]!.endedAt! <= done[i]!.startedAt) d = Math.max(d, depth[j]!);
    depth.push(d + 1);
    best = Math.max(best, d + 1);
  }
  return best;
}
