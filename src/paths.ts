/** Whether `p` is `root` or lies under it (both absolute, already resolved). `..foo` is a name, not a climb. */
import path from "node:path";

export function isWithin(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Strictly under `root` (not `root` itself). */
export const isUnder = (root: string, p: string) => p !== root && isWithin(root, p);
