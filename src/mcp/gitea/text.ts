/** Helpers the tools share: cleaning text, numbers and paths, links. */
import { GiteaError } from "../../gitea/client";
import { sanitizeUntrusted, stripHtmlComments, stripInvisible } from "../../text/sanitize";
import { ToolError, type ToolDeps } from "./tool";

/** Claude's own text on its way to Gitea: no hidden content, no secrets; markdown kept. */
export function cleanOwnText(text: string, deps: Pick<ToolDeps, "redactor">): string {
  return deps.redactor.redact(stripInvisible(stripHtmlComments(text))).trim();
}

/** Text written by others on its way to the model. */
export const untrusted = (text: string | null | undefined) => sanitizeUntrusted(text ?? "");

/** The issue/PR a read tool is about: the given number, else this run's. */
export function targetNumber(given: number | undefined, deps: ToolDeps, what: "issue" | "pull request"): number {
  if (given !== undefined) return given;
  const { entityNumber, isPR } = deps.config;
  if (entityNumber === undefined) throw new ToolError(`This run is not about an issue or pull request: pass the ${what} number.`);
  if (what === "pull request" && !isPR) {
    throw new ToolError(`This run is about issue #${entityNumber}, not a pull request: pass the pull request number.`);
  }
  return entityNumber;
}

/** Turns a 404 from Gitea into a sentence about what is missing. */
export async function orNotFound<T>(promise: Promise<T>, what: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof GiteaError && error.status === 404) throw new ToolError(`${what} was not found.`);
    throw error;
  }
}

/**
 * A path inside the repository as Gitea names it: relative, `/`-separated,
 * no `.`/`..` segments, nothing under `.git`.
 */
export function repoPath(input: string): string {
  const trimmed = input.trim().replace(/^\.\/+/, "").replace(/^\/+/, "");
  if (!trimmed || trimmed.includes("\0")) throw new ToolError(`'${input}' is not a file path.`);
  const segments = trimmed.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.some((s) => s === "..")) throw new ToolError(`'${input}' leaves the repository ('..' is not allowed).`);
  if (segments.some((s) => s.toLowerCase() === ".git")) throw new ToolError(`'${input}' is inside .git, which is not part of the repository.`);
  return segments.join("/");
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function webLink(deps: ToolDeps, kind: "issues" | "pulls", n: number, htmlUrl?: string): string {
  if (htmlUrl) return htmlUrl;
  return deps.config.publicUrl ? `${deps.config.publicUrl}/${deps.config.repository}/${kind}/${n}` : `#${n}`;
}

/** Working and base branch, or a refusal when the run has none. */
export function workingBranch(deps: ToolDeps): { branch: string; base: string | undefined } {
  const { branch, baseBranch } = deps.config;
  if (!branch) throw new ToolError("This run has no working branch, so nothing can be committed or proposed.");
  return { branch, base: baseBranch };
}
