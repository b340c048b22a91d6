/**
 * One file's part of a pull request's diff. Gitea has no per-file patch
 * route, so the whole `.diff` is read as a stream and only the requested
 * file's section is kept: memory stays at one section (capped), whatever the
 * size of the pull request, and reading stops once the section has ended.
 */
import type { GiteaClient } from "./client";

export type FileDiff = {
  /** The section, whole lines from byte `offset` on, at most `maxBytes`. */
  text: string;
  /** The whole section's size in bytes. */
  bytes: number;
  /** Where the text starts in the section, and where the next part would start (absent: this is the end). */
  offset: number;
  next?: number;
};

/** Unquotes a path as git writes it in a diff header (`"a/x\ty"` with C escapes). */
function unquote(p: string): string {
  if (!p.startsWith('"')) return p;
  const inner = p.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = inner[++i] ?? "";
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(inner.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(({ n: 10, t: 9, r: 13, '"': 34, "\\": 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The two paths of a `diff --git a/X b/Y` line (quoted or not), without their a/ and b/ prefixes. */
export function headerPaths(line: string): [string, string] | undefined {
  const rest = line.slice("diff --git ".length);
  const quoted = /^("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")$/.exec(rest);
  if (quoted) return [unquote(quoted[1]!).slice(2), unquote(quoted[2]!).slice(2)];
  // Unquoted: "a/P b/P" — with equal paths the split is in the middle; otherwise at " b/".
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(0, half).slice(2) === rest.slice(half + 1).slice(2)) return [rest.slice(2, half), rest.slice(half + 3)];
  const at = rest.indexOf(" b/");
  if (!rest.startsWith("a/") || at < 0) return undefined;
  return [rest.slice(2, at), rest.slice(at + 3)];
}

/** Reads a diff stream and returns the section of `path` (old or new name), or undefined when the diff has none. */
export async function sectionOf(
  stream: AsyncIterable<Uint8Array>,
  path: string,
  maxBytes: number,
  stop: () => Promise<void>,
  offset = 0,
): Promise<FileDiff | undefined> {
  const decoder = new TextDecoder();
  let carry = "";
  let inside = false;
  let kept = "";
  let keptBytes = 0;
  let bytes = 0;
  let start: number | undefined;
  let next: number | undefined;
  const take = (line: string): boolean => {
    if (line.startsWith("diff --git ")) {
      if (inside) return true;
      const paths = headerPaths(line);
      inside = paths !== undefined && (paths[0] === path || paths[1] === path);
    }
    if (inside) {
      const size = Buffer.byteLength(line) + 1;
      if (bytes >= offset && next === undefined) {
        if (keptBytes + size <= maxBytes || keptBytes === 0) {
          start ??= bytes;
          kept += `${line}\n`;
          keptBytes += size;
        } else next = bytes;
      }
      bytes += size;
    }
    return false;
  };
  const result = (): FileDiff => ({ text: kept, bytes, offset: start ?? bytes, ...(next !== undefined ? { next } : {}) });
  for await (const chunk of stream) {
    carry += decoder.decode(chunk, { stream: true });
    const lines = carry.split("\n");
    carry = lines.pop() ?? "";
    for (const line of lines) {
      if (take(line)) {
        await stop();
        return result();
      }
    }
  }
  carry += decoder.decode();
  if (carry) take(carry);
  return inside || bytes ? result() : undefined;
}

/** The diff of one file of a pull request: at most `maxBytes` of it, from byte `offset` of its section. */
export async function pullFileDiff(
  client: Pick<GiteaClient, "pullDiffStream">,
  index: number,
  path: string,
  maxBytes: number,
  offset = 0,
): Promise<FileDiff | undefined> {
  const res = await client.pullDiffStream(index);
  try {
    return await sectionOf(res.body, path, maxBytes, res.cancel, offset);
  } finally {
    await res.cancel();
  }
}
