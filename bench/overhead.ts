/**
 * The fork's own overhead for one scenario: `node dist/prepare.js` and
 * `node dist/finish.js` as the runner starts them (env as action.yml maps
 * it), against the Gitea emulator, with the run step replaced by a written
 * execution log. Gitea requests come from the emulator's request log.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { estimateTokens } from "../src/prompt/tokens";
import { FINISH_ENV, PREPARE_OUTPUTS } from "../src/steps";
import type { RequestLogEntry } from "../test/support/gitea/index";
import { SESSION_ID, chainDepth, defaultMessages, inputEnv, runnerEnv, type Dirs } from "../test/support/inprocess";
import { ROOT } from "../test/support/repo";
import { parseKeyValueFile } from "../test/support/runner/index";
import { SECRETS, type World } from "../test/support/scenario";
import { runNode, type ProcResult } from "./proc";
import type { Scenario } from "./scenarios";

export type StepFigures = { requests: number; depth: number; depthWithGit: number; gitCommands: number; ms: number };

export type OverheadRun = {
  prepare: StepFigures;
  finish: StepFigures;
  promptTokens: number;
  prompt: string;
  outputs: Record<string, string>;
  commentId?: number;
  /** The emulator's request log of each step. */
  prepareLog: RequestLogEntry[];
  finishLog: RequestLogEntry[];
};

/** Git smart-HTTP requests grouped into git commands (info/refs starts one), each spanning its requests. */
export function gitCommands(entries: readonly RequestLogEntry[]): { startedAt: number; endedAt: number | null }[] {
  const commands: { startedAt: number; endedAt: number | null }[] = [];
  for (const e of entries.filter((x) => x.kind === "git").sort((a, b) => a.startedAt - b.startedAt)) {
    const last = commands[commands.length - 1];
    if (/\/info\/refs$/.test(e.path) || !last) commands.push({ startedAt: e.startedAt, endedAt: e.endedAt });
    else last.endedAt = last.endedAt === null || e.endedAt === null ? null : Math.max(last.endedAt, e.endedAt);
  }
  return commands;
}

function figures(entries: readonly RequestLogEntry[], ms: number): StepFigures {
  const api = entries.filter((e) => e.kind === "api");
  const git = gitCommands(entries);
  return { requests: api.length, depth: chainDepth(api), depthWithGit: chainDepth([...api, ...git]), gitCommands: git.length, ms };
}

async function outputsOf(file: string): Promise<Record<string, string>> {
  return Object.fromEntries(parseKeyValueFile(await readFile(file, "utf8").catch(() => ""), "GITHUB_OUTPUT"));
}

function failed(step: string, r: ProcResult): Error {
  return new Error(`${step} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
}

/** One prepare → (simulated run) → finish, as processes; `executionLog` replaces the default small log. */
export async function measureOverhead(
  world: World,
  scenario: Scenario,
  o: { dirs: Dirs; executionLog?: string; measureFinishRss?: boolean },
): Promise<OverheadRun & { finishRssKb?: number }> {
  const { dirs } = o;
  const base = {
    ...(await runnerEnv(world, dirs, scenario.eventName, scenario.event)),
    ...inputEnv({ anthropic_api_key: SECRETS.anthropicKey, ...scenario.with }),
  };
  const prepOut = path.join(dirs.runnerTemp, "..", "prepare-output");
  const finOut = path.join(dirs.runnerTemp, "..", "finish-output");
  const summary = path.join(dirs.runnerTemp, "..", "summary.md");
  await Promise.all([writeFile(prepOut, ""), writeFile(finOut, ""), writeFile(summary, "")]);

  world.gitea.clearLog();
  const p = await runNode([path.join(ROOT, "dist", "prepare.js")], {
    env: { ...base, GITHUB_OUTPUT: prepOut, GITHUB_STEP_SUMMARY: summary, GITHUB_ACTION: "prepare" },
    cwd: dirs.workspace,
  });
  if (p.code !== 0) throw failed("prepare", p);
  const prepareLog = world.gitea.requests.map((r) => ({ ...r }));
  const outputs = await outputsOf(prepOut);
  const promptFile = outputs[PREPARE_OUTPUTS.promptFile] ?? "";
  const prompt = await readFile(promptFile, "utf8");

  // The run step, replaced by its execution log.
  const executionFile = o.executionLog ?? path.join(dirs.runnerTemp, "claude-execution-output.json");
  if (!o.executionLog) await writeFile(executionFile, JSON.stringify(defaultMessages(), null, 2));

  world.gitea.clearLog();
  const f = await runNode([path.join(ROOT, "dist", "finish.js")], {
    env: {
      ...base,
      GITHUB_OUTPUT: finOut,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_ACTION: "finish",
      [FINISH_ENV.stateFile]: outputs[PREPARE_OUTPUTS.stateFile] ?? "",
      // What action.yml maps from prepare's outputs for finish to trust (the state's digest, the comment, the broker).
      [FINISH_ENV.stateDigest]: outputs[PREPARE_OUTPUTS.stateDigest] ?? "",
      [FINISH_ENV.commentId]: outputs[PREPARE_OUTPUTS.commentId] ?? "",
      [FINISH_ENV.brokerPid]: outputs[PREPARE_OUTPUTS.brokerPid] ?? "",
      [FINISH_ENV.prepareOutcome]: "success",
      [FINISH_ENV.runOutcome]: "success",
      [FINISH_ENV.runConclusion]: "success",
      [FINISH_ENV.executionFile]: executionFile,
      [FINISH_ENV.structuredOutput]: "",
      [FINISH_ENV.sessionId]: SESSION_ID,
    },
    cwd: dirs.workspace,
    ...(o.measureFinishRss ? { measureRss: true } : {}),
  });
  if (f.code !== 0) throw failed("finish", f);
  const finishLog = world.gitea.requests.map((r) => ({ ...r }));
  const commentId = outputs[PREPARE_OUTPUTS.commentId];
  return {
    prepare: figures(prepareLog, p.ms),
    finish: figures(finishLog, f.ms),
    promptTokens: estimateTokens(prompt),
    prompt,
    outputs,
    ...(commentId ? { commentId: Number(commentId) } : {}),
    prepareLog,
    finishLog,
    ...(f.peakRssKb !== undefined ? { finishRssKb: f.peakRssKb } : {}),
  };
}
