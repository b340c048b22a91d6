/**
 * The pinned base action merges our settings file (with claude_env in its
 * `env`) into ~/.claude/settings.json and leaves it there. On a self-hosted
 * runner HOME outlives the job, so the values would stay on disk and the
 * next run's base action would print them ("Found existing settings").
 * prepare takes a snapshot of that file; finish puts it back as it was.
 */
import { copyFile, mkdir, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

export type HomeSettingsSnapshot = {
  path: string;
  existed: boolean;
  /** Copy of the original (0600, under RUNNER_TEMP) when it existed. */
  backup?: string;
};

export const homeSettingsPath = (home: string) => join(home, ".claude", "settings.json");

export async function snapshotHomeSettings(home: string, dir: string): Promise<HomeSettingsSnapshot> {
  const path = homeSettingsPath(home);
  const existed = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!existed) return { path, existed };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const backup = join(dir, "home-settings.backup.json");
  await copyFile(path, backup);
  return { path, existed, backup };
}

export async function restoreHomeSettings(snapshot: HomeSettingsSnapshot): Promise<void> {
  if (!snapshot.existed) {
    await rm(snapshot.path, { force: true });
    return;
  }
  if (!snapshot.backup) return;
  await mkdir(dirname(snapshot.path), { recursive: true });
  await copyFile(snapshot.backup, snapshot.path);
  await rm(snapshot.backup, { force: true });
}
