/**
 * The Bun the pinned base action runs with. Its steps install Bun
 * (oven-sh/setup-bun, a download) unless `path_to_bun_executable` is given;
 * then it puts that file's directory on PATH and runs `bun` from there. So:
 * the path_to_bun_executable input, checked (an executable file named
 * `bun`, inside or outside the workspace); else a `bun` on PATH of exactly
 * the version the base action pins (a runner image made with
 * patches/runner-image.patch has one), so that no Bun is downloaded; else
 * nothing (the base action downloads its Bun, with a notice saying so).
 */
import { basename, resolve } from "node:path";
import { PINS } from "../pins";
import { onPath } from "./executable";
import { nodeFs, type ClaudeFs } from "./fs";
import { inputError, shown } from "./problems";
import { spawnRunner, type ProcessRunner } from "./process";

export type FoundBun = { path?: string; notice: string };

async function versionOf(path: string, env: Record<string, string | undefined>, runner: ProcessRunner): Promise<string | undefined> {
  const r = await runner.run(path, ["--version"], { env, timeoutMs: 30_000 });
  return r.code === 0 ? /^\s*(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1] : undefined;
}

export async function findBun(o: {
  inputPath: string;
  workspace: string;
  env: Record<string, string | undefined>;
  runner?: ProcessRunner;
  fs?: ClaudeFs;
}): Promise<FoundBun> {
  const fs = o.fs ?? nodeFs();
  const runner = o.runner ?? spawnRunner();
  const pinned = PINS.baseActionBunVersion;
  const given = o.inputPath.trim();
  if (given) {
    const path = resolve(o.workspace, given);
    const expected = "the path of the bun executable on the runner, a file named 'bun' (the base action adds its directory to PATH and runs `bun`)";
    if (basename(path) !== "bun") throw inputError("path_to_bun_executable", `${shown(given)} is not named 'bun'; expected ${expected}`);
    if (!(await fs.isExecutable(path))) throw inputError("path_to_bun_executable", `${shown(given)} is not an executable file${path !== given ? ` (resolved to ${shown(path, 120)})` : ""}; expected ${expected}`);
    const version = await versionOf(path, o.env, runner);
    if (!version) throw inputError("path_to_bun_executable", `'${path} --version' printed no version; expected ${expected}`);
    return {
      path,
      notice: `Bun ${version} at ${path} (path_to_bun_executable): the base action does not download Bun${version === pinned ? "" : ` (it pins ${pinned}; this one is used as given)`}.`,
    };
  }
  const onPathBun = await onPath("bun", o.env, fs);
  const version = onPathBun ? await versionOf(onPathBun, o.env, runner) : undefined;
  if (onPathBun && version === pinned) {
    return { path: onPathBun, notice: `Bun ${version} at ${onPathBun} (PATH): the base action uses it instead of downloading Bun.` };
  }
  return {
    notice: `The base action downloads Bun ${pinned} (setup-bun): ${onPathBun ? `the bun on PATH is ${version ?? "of unknown version"}, not ${pinned}` : "no bun on PATH"}; bake Bun ${pinned} into the runner image or set path_to_bun_executable to avoid it.`,
  };
}
