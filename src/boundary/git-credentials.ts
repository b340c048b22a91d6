/**
 * Credentials a checkout left in the repository's local git config, taken
 * out for the run and put back by finish. actions/checkout persists its
 * token as an `http.<server>/.extraheader` (v4) or in a file under
 * RUNNER_TEMP that `.git/config` includes (`includeIf.gitdir:….path`, v6);
 * a remote URL may also carry `user:token@`. While Claude runs, none of
 * these is in `.git/config` (which Claude can read), and git commands it runs
 * cannot authenticate: pushes and fetches go through the broker.
 *
 * What was removed is kept in a 0600 file in the action's state directory,
 * which Claude's permission rules keep it from reading.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Git } from "../gitea/git";

export type SavedEntry = { key: string; value: string };
export type SavedCredentials = { entries: SavedEntry[]; remotes: Array<{ key: string; url: string }> };

const EXTRAHEADER = /^http\..*\.extraheader$|^http\.extraheader$/i;
const INCLUDE = /^includeif\..*\.path$|^include\.path$/i;
const URL_WITH_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i;

/** `key=value` lines of `git config --local --list -z` (key and value split at the first newline). */
async function localEntries(git: Git): Promise<SavedEntry[]> {
  const r = await git.tryRun(["config", "--local", "--list", "-z"]);
  if (r.code !== 0) return [];
  return r.stdout
    .split("\0")
    .filter(Boolean)
    .map((item) => {
      const nl = item.indexOf("\n");
      return nl === -1 ? { key: item, value: "" } : { key: item.slice(0, nl), value: item.slice(nl + 1) };
    });
}

async function includesCredentials(file: string, gitDir: string): Promise<boolean> {
  const target = path.isAbsolute(file) ? file : path.resolve(gitDir, file);
  try {
    return /extraheader|credential|token/i.test(await readFile(target, "utf8"));
  } catch {
    return false;
  }
}

const stripUserinfo = (url: string) => url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, "$1");

/** Removes persisted credentials from the local config; returns what was removed (to restore). */
export async function removePersistedCredentials(git: Git, saveFile: string): Promise<SavedCredentials> {
  const entries = await localEntries(git);
  const gitDir = (await git.tryRun(["rev-parse", "--absolute-git-dir"])).stdout.trim() || path.join(git.cwd, ".git");
  const removed: SavedCredentials = { entries: [], remotes: [] };
  for (const e of entries) {
    if (EXTRAHEADER.test(e.key) || (INCLUDE.test(e.key) && (await includesCredentials(e.value, gitDir)))) removed.entries.push(e);
    else if (/^remote\..*\.(push)?url$/i.test(e.key) && URL_WITH_USERINFO.test(e.value)) removed.remotes.push({ key: e.key, url: e.value });
    else if (/^url\..*\.(push)?insteadof$/i.test(e.key) && URL_WITH_USERINFO.test(e.key.slice(4))) removed.entries.push(e);
  }
  // Saved before anything is removed, so finish can always put it back.
  await writeFile(saveFile, JSON.stringify(removed), { mode: 0o600 });
  for (const key of new Set(removed.entries.map((e) => e.key))) await git.tryRun(["config", "--local", "--unset-all", key]);
  for (const r of removed.remotes) await git.run(["config", "--local", "--replace-all", r.key, stripUserinfo(r.url)]);
  return removed;
}

/** Puts back what removePersistedCredentials took out (finish). */
export async function restorePersistedCredentials(git: Git, saveFile: string): Promise<void> {
  let saved: SavedCredentials;
  try {
    saved = JSON.parse(await readFile(saveFile, "utf8")) as SavedCredentials;
  } catch {
    return;
  }
  for (const e of saved.entries) await git.run(["config", "--local", "--add", e.key, e.value]);
  for (const r of saved.remotes) await git.run(["config", "--local", "--replace-all", r.key, r.url]);
  await writeFile(saveFile, JSON.stringify({ entries: [], remotes: [] }), { mode: 0o600 });
}
