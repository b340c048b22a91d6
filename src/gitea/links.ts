/**
 * Public links for comments and progress updates. They use gitea_server_url or
 * the host the payload's html_url names, never the runner's internal address
 * (GITHUB_SERVER_URL may be e.g. http://gitea:3000).
 */
import type { RepoRef } from "./context";
import { giteaAtLeast, parseServerVersion } from "./version";

/** The public web base (may include a sub-path), without a trailing slash. */
export function publicBase(input: string, repository: RepoRef, internalServerUrl: string): { base: string; source: string } {
  if (input) return { base: input.replace(/\/+$/, ""), source: "gitea_server_url" };
  const suffix = `/${repository.fullName}`;
  const html = repository.htmlUrl.replace(/\/+$/, "");
  if (html && html.toLowerCase().endsWith(suffix.toLowerCase())) {
    return { base: html.slice(0, -suffix.length), source: "the payload's repository.html_url" };
  }
  return { base: internalServerUrl.replace(/\/+$/, ""), source: "GITHUB_SERVER_URL (set gitea_server_url for public links)" };
}

const encodePath = (ref: string) => ref.split("/").map(encodeURIComponent).join("/");

export type Links = {
  repo: string;
  run: (id: { runId: string; runNumber: string }, giteaVersion: string | undefined) => string;
  branch: (name: string) => string;
  compare: (base: string, head: string) => string;
  issue: (n: number, isPR: boolean) => string;
};

/** Gitea links runs by run number up to 1.25 and by run id from 1.26; Forgejo by run number. */
export function runsUseId(version: string | undefined): boolean {
  const v = parseServerVersion(version);
  return !v.forgejo && giteaAtLeast(v, 1, 26);
}

export function links(base: string, repository: Pick<RepoRef, "fullName">): Links {
  const repo = `${base}/${repository.fullName}`;
  return {
    repo,
    run: ({ runId, runNumber }, version) => `${repo}/actions/runs/${runsUseId(version) ? runId : runNumber}`,
    branch: (name) => `${repo}/src/branch/${encodePath(name)}`,
    compare: (baseRef, head) => `${repo}/compare/${encodePath(baseRef)}...${encodePath(head)}`,
    issue: (n, isPR) => `${repo}/${isPR ? "pulls" : "issues"}/${n}`,
  };
}
