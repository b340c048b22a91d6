/**
 * What every prepare phase shares: the step's dependencies and I/O, the
 * runner's environment, the checked inputs, the Gitea token, where prepare
 * keeps its files, and the run state once side effects have begun.
 */
import { join } from "node:path";
import type { ProcessRunner } from "../../claude/process";
import type { Installer } from "../../claude/executable";
import type { Inputs } from "../../inputs";
import type { redactingIO } from "../../io";
import type { RunnerEnv } from "../../runner-env";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PREPARE_OUTPUTS } from "../../steps";
import { writeState, type RunState } from "../../state";
import type { StepDeps } from "../deps";

export type PrepareDeps = StepDeps & {
  processRunner?: ProcessRunner;
  installer?: Installer;
};

export type PrepareIO = ReturnType<typeof redactingIO>;

export class PrepareContext {
  /** Set once side effects begin (phase "start the state"); finish closes whatever it records. */
  state?: RunState;
  /** `$RUNNER_TEMP/claude-code-gitea`: prepare's files (state, prompt, MCP config, settings). */
  readonly workDir: string;
  readonly stateFile: string;
  readonly now: () => Date;

  constructor(
    readonly deps: PrepareDeps,
    readonly io: PrepareIO,
    readonly runner: RunnerEnv,
    readonly inputs: Inputs,
    readonly token: string,
  ) {
    this.workDir = join(runner.runnerTemp, "claude-code-gitea");
    this.stateFile = join(this.workDir, "state.json");
    this.now = deps.now ?? (() => new Date());
  }

  /** Writes the state and publishes its digest: finish refuses a state file that changed after prepare. */
  async saveState(): Promise<void> {
    if (!this.state) return;
    await writeState(this.stateFile, this.state);
    const digest = createHash("sha256").update(await readFile(this.stateFile)).digest("hex");
    this.io.setOutput(PREPARE_OUTPUTS.stateDigest, digest);
  }
}
