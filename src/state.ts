/**
 * What prepare hands to finish: a JSON file under RUNNER_TEMP whose path is
 * prepare's `state_file` output. It never holds a secret (finish gets those
 * from its own env). Prepare writes it as soon as it has something finish must
 * close (a tracking comment, a branch), and again when it is done.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export type RunMode = "tag" | "agent" | "dispatch";

export type RunState = {
  version: 1;
  startedAt: string;
  mode: RunMode;
  eventName: string;
  repository: { owner: string; name: string; fullName: string; defaultBranch: string };
  /** REST base the runner reaches (`<internal server>/api/v1`). */
  apiUrl: string;
  /** Public web base for links (never the runner's internal address). */
  publicUrl: string;
  runUrl?: string;
  workspace: string;
  triggerUser?: string;
  entity?: { number: number; isPR: boolean; title: string };
  comment?: { id: number; url?: string };
  branch?: {
    name: string;
    base: string;
    /** Commit the branch started from; no commits beyond it means nothing to keep. */
    startSha: string;
    /** Created for this run (issues, closed PRs, dispatch), as opposed to an existing PR branch. */
    isNew: boolean;
    /** Push target when the branch is a fork PR's head we cannot push to. */
    pushable: boolean;
    /** A branch name only this run uses: where its commits go when `name` moved on under it. */
    fallback?: string;
  };
  /** Where prepare saved the credentials it took out of `.git/config`; finish puts them back. */
  gitCredentialsFile?: string;
  /** Pull-request runs: the CLI's config files restored from the base branch; finish puts the PR's back. */
  prConfig?: { protectedPaths: string[]; tracked: string[]; baseOnly: string[] };
  /** The broker prepare started (src/boundary/broker.ts); finish stops it. */
  broker?: { pid: number };
  jsonSchema: boolean;
  timeout: { minutes: number; markerFile: string };
  progress?: {
    endpoint: string;
    correlationId?: string;
    audience?: string;
    allowedHosts: string[];
    seqFile: string;
  };
  /** ~/.claude/settings.json before the base action merged our settings into it; finish restores it. */
  homeSettings?: { path: string; existed: boolean; backup?: string };
  useStickyComment: boolean;
  showFullOutput: boolean;
  /** Set when prepare failed after it started; finish reports it. */
  prepareError?: string;
};

export async function writeState(path: string, state: RunState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  await rename(tmp, path);
}

export async function readState(path: string): Promise<RunState> {
  const parsed = JSON.parse(await readFile(path, "utf8")) as RunState;
  if (parsed.version !== 1) throw new Error(`state file ${path}: unknown version ${String(parsed.version)}`);
  return parsed;
}
