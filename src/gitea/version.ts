/**
 * What GET /version says about the server: Gitea answers "1.25.4" (or
 * "1.26.0+dev-…"); Forgejo answers "<forgejo>+gitea-<compatible Gitea>", e.g.
 * "11.0.1+gitea-1.22.0", and keeps Gitea's 1.22-era behaviour where it
 * matters here (run links by run number).
 */
export type ServerVersion = {
  raw: string;
  forgejo: boolean;
  /** The Gitea version whose API the server has (Forgejo: the "+gitea-" part). */
  gitea?: { major: number; minor: number; patch: number };
};

const triple = (text: string) => {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) } : undefined;
};

export function parseServerVersion(raw: string | undefined): ServerVersion {
  const text = (raw ?? "").trim();
  const compat = /\+gitea-(\d[\w.]*)/.exec(text);
  const forgejo = compat !== null || /forgejo/i.test(text);
  const gitea = compat ? triple(compat[1]!) : forgejo ? undefined : triple(text);
  return { raw: text, forgejo, ...(gitea ? { gitea } : {}) };
}

/** Is the server's API at least this Gitea version? (false when unknown) */
export function giteaAtLeast(v: ServerVersion, major: number, minor: number): boolean {
  if (!v.gitea) return false;
  return v.gitea.major > major || (v.gitea.major === major && v.gitea.minor >= minor);
}
