/**
 * Credentials a checkout left in the repository's local git config, taken
 * out for the run and put back by finish. actions/checkout persists its
 * token as an `http.<server>/.extraheader` (v4) or in a file under
 * RUNNER_TEMP that `.git/config` includes (`includeIf.gitdir:….path`, v6);
 * a remote URL may also carry `user:token@`. While Claude runs, none of
 * these is in `.git/config` (which Claude can read), and git commands it runs
 * cannot authenticate: pushes and fetches go through the broker.
 *
 * What was removed is kept so finish can put it back, without writing a
 * secret down: a header made from a token finish has anyway (the job token,
 * gitea_token) is saved as a reference to it; any other secret value is
 * sealed (AES-256-GCM) with a key that travels to finish as a step output,
 * never next to the file.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Git } from "../gitea/git";

/** A value as saved: plain (not secret: an include path), a reference to a token, or sealed. */
type SavedValue = { value: string } | { ref: string } | { sealed: string };
export type SavedEntry = { key: string } & SavedValue;
export type SavedCredentials = { entries: SavedEntry[]; remotes: Array<{ key: string } & SavedValue> };

/** Tokens finish knows itself, by the name it knows them. */
export type KnownTokens = Record<string, string | undefined>;

const EXTRAHEADER = /^http\..*\.extraheader$|^http\.extraheader$/i;
const INCLUDE = /^includeif\..*\.path$|^include\.path$/i;
const URL_WITH_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i;

export const headerFor = (token: string) => `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;

function seal(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString("base64")).join(".");
}

function unseal(sealed: string, key: Buffer): string {
  const [iv, tag, data] = sealed.split(".").map((p) => Buffer.from(p, "base64")) as [Buffer, Buffer, Buffer];
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
}

/** `key=value` lines of `git config --local --list -z` (key and value split at the first newline). */
async function localEntries(git: Git): Promise<Array<{ key: string; value: string }>> {
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

/**
 * Removes persisted credentials from the local config; returns what was
 * removed, and the key (hex) that unseals what had to be sealed ("" when
 * nothing was).
 */
export async function removePersistedCredentials(git: Git, saveFile: string, known: KnownTokens): Promise<{ removed: number; sealKey: string }> {
  const entries = await localEntries(git);
  const gitDir = (await git.tryRun(["rev-parse", "--absolute-git-dir"])).stdout.trim() || path.join(git.cwd, ".git");
  const key = randomBytes(32);
  let sealedAny = false;
  const save = (value: string): SavedValue => {
    for (const [name, token] of Object.entries(known)) if (token && value === headerFor(token)) return { ref: name };
    sealedAny = true;
    return { sealed: seal(value, key) };
  };
  const saved: SavedCredentials = { entries: [], remotes: [] };
  const toUnset = new Set<string>();
  const toStrip: Array<{ key: string; url: string }> = [];
  for (const e of entries) {
    if (EXTRAHEADER.test(e.key)) {
      saved.entries.push({ key: e.key, ...save(e.value) });
      toUnset.add(e.key);
    } else if (INCLUDE.test(e.key) && (await includesCredentials(e.value, gitDir))) {
      // The path is no secret; the file it names stays where checkout put it (outside what Claude may read).
      saved.entries.push({ key: e.key, value: e.value });
      toUnset.add(e.key);
    } else if (/^remote\..*\.(push)?url$/i.test(e.key) && URL_WITH_USERINFO.test(e.value)) {
      saved.remotes.push({ key: e.key, ...save(e.value) });
      toStrip.push({ key: e.key, url: e.value });
    } else if (/^url\..*\.(push)?insteadof$/i.test(e.key) && URL_WITH_USERINFO.test(e.key.slice(4))) {
      saved.entries.push({ key: e.key, ...save(e.value) });
      toUnset.add(e.key);
    }
  }
  // Saved before anything is removed, so finish can always put it back.
  await writeFile(saveFile, JSON.stringify(saved), { mode: 0o600 });
  for (const k of toUnset) await git.tryRun(["config", "--local", "--unset-all", k]);
  for (const r of toStrip) await git.run(["config", "--local", "--replace-all", r.key, stripUserinfo(r.url)]);
  return { removed: saved.entries.length + saved.remotes.length, sealKey: sealedAny ? key.toString("hex") : "" };
}

function valueOf(v: SavedValue, known: KnownTokens, sealKey: string): string | undefined {
  if ("value" in v) return v.value;
  if ("sealed" in v) return sealKey ? unseal(v.sealed, Buffer.from(sealKey, "hex")) : undefined;
  const token = known[v.ref];
  return token ? headerFor(token) : undefined;
}

/** Puts back what removePersistedCredentials took out (finish). Returns what could not be restored. */
export async function restorePersistedCredentials(git: Git, saveFile: string, known: KnownTokens, sealKey: string): Promise<string[]> {
  let saved: SavedCredentials;
  try {
    saved = JSON.parse(await readFile(saveFile, "utf8")) as SavedCredentials;
  } catch {
    return [];
  }
  const missing: string[] = [];
  for (const e of saved.entries) {
    const value = valueOf(e, known, sealKey);
    if (value === undefined) missing.push(e.key);
    else await git.run(["config", "--local", "--add", e.key, value]);
  }
  for (const r of saved.remotes) {
    const value = valueOf(r, known, sealKey);
    if (value === undefined) missing.push(r.key);
    else await git.run(["config", "--local", "--replace-all", r.key, value]);
  }
  await writeFile(saveFile, JSON.stringify({ entries: [], remotes: [] }), { mode: 0o600 });
  return missing;
}
