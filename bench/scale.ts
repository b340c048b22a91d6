/**
 * The scaling table of `npm run bench`: `node dist/prepare.js` as the runner
 * starts it, on a comment to pull requests of 300 / 3,000 / 30,000 changed
 * files and 200 / 2,000 / 20,000 comments of 2 KB, against the Gitea emulator.
 * Per size: the prompt's tokens (estimateTokens, against the default context
 * budget), prepare's wall time, CPU time and peak RSS (getrusage of the process;
 * the wall time also holds the emulator's own work, which runs in the bench),
 * the Gitea requests it made, and how much it read (comments, changed files),
 * so time and memory can be set against what was read.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { estimateTokens } from "../src/prompt/tokens";
import { PREPARE_OUTPUTS } from "../src/steps";
import { issueCommentPayload } from "../test/support/gitea/payloads";
import { inputEnv, runnerEnv } from "../test/support/inprocess";
import { ROOT } from "../test/support/repo";
import { REPO, SECRETS, USERS, type World } from "../test/support/scenario";
import { parseKeyValueFile } from "../test/support/runner/index";
import { runNode } from "./proc";

export const SCALE_SIZES = [
  { files: 300, comments: 200 },
  { files: 3_000, comments: 2_000 },
  { files: 30_000, comments: 20_000 },
];
export const COMMENT_BYTES = 2048;

export type ScaleRow = {
  files: number;
  comments: number;
  promptTokens: number;
  budget: number;
  prepareMs: number;
  /** prepare's own CPU time (user + system): the wall time also holds the emulator's work. */
  prepareCpuMs: number;
  peakRssMb: number;
  requests: number;
  /** Changed files read from Gitea (the rest counted), comments read. */
  filesRead: number;
  commentsRead: number;
  /** Comments and files that made it into the prompt. */
  commentsShown: number;
  filesListed: number;
};

const words = "the parser reads each line and keeps what it needs while the rest of the file waits for its turn".split(" ");
const prose = (bytes: number, seed: number) => {
  let out = "";
  for (let i = 0; out.length < bytes; i++) out += `${words[(seed + i * 7) % words.length]} `;
  return out.slice(0, bytes);
};

let n = 0;
async function scenario(world: World, files: number, comments: number) {
  const content: Record<string, string> = {};
  for (let i = 1; i <= files; i++) content[`pkg/${i % 50}/file-${String(i).padStart(5, "0")}.ts`] = `export const v${i} = ${i};\n`;
  const head = `bench/scale-${++n}`;
  await world.gitea.commitFiles(REPO, head, content, `Add ${files} files`, USERS.alice);
  const pr = await world.gitea.createPullRequest(REPO, { title: `Scale ${files}`, body: `Adds ${files} files.`, user: USERS.alice, head, base: "main" });
  for (let i = 1; i <= comments; i++) world.gitea.addComment(REPO, pr.index, { user: i % 2 ? USERS.alice : USERS.bob, body: `Comment ${i}: ${prose(COMMENT_BYTES, i)}` });
  const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude review this change" });
  return { index: pr.index, event: await issueCommentPayload(world.gitea, REPO, pr.index, c.id) };
}

export async function measureScale(world: World, budget: number, log: (m: string) => void): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const size of SCALE_SIZES) {
    const { event } = await scenario(world, size.files, size.comments);
    const dirs = await world.runnerDirs();
    const env = { ...(await runnerEnv(world, dirs, "issue_comment", event)), ...inputEnv({ anthropic_api_key: SECRETS.anthropicKey }) };
    const out = path.join(dirs.runnerTemp, "..", "prepare-output");
    await writeFile(out, "");
    world.gitea.clearLog();
    const p = await runNode([path.join(ROOT, "dist", "prepare.js")], { env: { ...env, GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: path.join(dirs.runnerTemp, "..", "summary.md") }, cwd: dirs.workspace, measureRss: true });
    if (p.code !== 0) throw new Error(`prepare exited ${p.code}:\n${p.stdout}\n${p.stderr}`);
    const requests = world.gitea.requests.filter((r) => r.kind !== "git");
    const outputs = Object.fromEntries(parseKeyValueFile(await readFile(out, "utf8"), "GITHUB_OUTPUT"));
    const prompt = await readFile(outputs[PREPARE_OUTPUTS.promptFile] ?? "", "utf8");
    const filePages = requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/pulls/{index}/files").length;
    const listed = /Listed: ([\d,]+) of/.exec(prompt)?.[1];
    rows.push({
      ...size,
      budget,
      promptTokens: estimateTokens(prompt),
      prepareMs: Math.round(p.ms),
      prepareCpuMs: p.cpuMs ?? Number.NaN,
      peakRssMb: Math.round((p.peakRssKb ?? Number.NaN) / 1024),
      requests: requests.length,
      filesRead: Math.min(size.files, filePages * 50),
      commentsRead: size.comments,
      commentsShown: (prompt.match(/^(?:\(position [\d,]+\) )?\[@\w+ at [^\]]+, comment \d+\]:$/gm) ?? []).length,
      filesListed: listed ? Number(listed.replace(/,/g, "")) : (prompt.match(/^- pkg\/\d+\/file-\d+\.ts /gm) ?? []).length,
    });
    // Keep the emulator small for the next size.
    world.gitea.core.store.comments.clear();
    log(`  measured a PR of ${size.files} files and ${size.comments} comments`);
  }
  return rows;
}
