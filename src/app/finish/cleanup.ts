/**
 * Undoing what prepare set up for the run, whatever happened in it: the
 * broker stops, the checkout's credentials go back into `.git/config`, a pull
 * request's own CLI config files come back, `~/.claude/settings.json` is
 * restored. Each step runs even when an earlier one fails; failures are
 * returned to be reported.
 */
import path from "node:path";
import { isWithin } from "../../paths";
import { stopBroker } from "../../boundary/broker-process";
import { restorePersistedCredentials, type KnownTokens } from "../../boundary/git-credentials";
import { undoRestoredConfig } from "../../boundary/pr-config";
import { restoreHomeSettings } from "../../claude/home-settings";
import type { Git } from "../../gitea/git";
import type { RunState } from "../../state";
import { describeError } from "../errors";

/** Stops the broker prepare started (its pid is a prepare output; the process is checked to be ours). */
export function stopRunBroker(pidText: string | undefined, actionPath: string, log: (m: string) => void): void {
  const pid = Number(pidText);
  if (!pidText || !Number.isInteger(pid)) return;
  const outcome = stopBroker(pid, path.join(actionPath || process.cwd(), "dist", "broker.js"));
  if (outcome === "not-ours") log(`Process ${pid} is no longer the action's broker; left alone.`);
}

export async function restoreRun(state: RunState, git: Git, o: { stateDir: string; tokens: KnownTokens; sealKey: string }): Promise<string[]> {
  const problems: string[] = [];
  const within = (file: string) => isWithin(o.stateDir, path.resolve(file));
  if (state.gitCredentialsFile && within(state.gitCredentialsFile)) {
    await restorePersistedCredentials(git, state.gitCredentialsFile, o.tokens, o.sealKey)
      .then((missing) => {
        if (missing.length) problems.push(`putting the checkout's git credentials back: no value for ${missing.join(", ")}`);
      })
      .catch((e) => problems.push(`putting the checkout's git credentials back: ${describeError(e)}`));
  }
  if (state.prConfig) {
    await undoRestoredConfig(git, state.prConfig).catch((e) => problems.push(`putting the pull request's own config files back: ${describeError(e)}`));
  }
  if (state.homeSettings) {
    // claude_env values must not outlive the job in HOME (self-hosted runners keep it).
    await restoreHomeSettings(state.homeSettings).catch((e) => problems.push(`restoring ~/.claude/settings.json: ${describeError(e)}`));
  }
  return problems;
}
