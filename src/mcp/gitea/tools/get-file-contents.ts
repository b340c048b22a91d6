/** Reads a text file (or lists a directory) of this repository at a ref, through the contents API. */
import * as z from "zod";
import { GITEA_TOOLS } from "../names";
import { repoPath } from "../text";
import { defineTool, ToolError } from "../tool";

/** Larger files are refused: read them from the checkout instead. */
export const MAX_FILE_BYTES = 1024 * 1024;

export function decodeText(content: Buffer): string | undefined {
  if (content.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    return undefined;
  }
}

export const getFileContents = defineTool({
  name: GITEA_TOOLS.getFileContents,
  description:
    "Read a text file of this repository as stored on Gitea at a branch, tag or commit (default: the repository's default branch), " +
    "or list a directory. For the working tree, read the checkout instead. Binary files and files over 1 MB are refused.",
  inputSchema: {
    path: z.string().min(1).describe("Path relative to the repository root, e.g. 'src/index.ts'."),
    ref: z.string().min(1).optional().describe("Branch, tag or commit SHA; default: the default branch."),
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler({ path, ref }, deps) {
    const p = repoPath(path);
    const at = ref ? ` at ${ref}` : "";
    const found = await deps.api.contents(p, ref);
    if (found === undefined) throw new ToolError(`'${p}' does not exist${at || " on the default branch"}.`);
    if (Array.isArray(found)) {
      if (!found.length) return `Directory '${p}'${at} is empty.`;
      return [`Directory '${p}'${at}:`, ...found.map((e) => `- ${e.name}${e.type === "dir" ? "/" : ""} (${e.type}${e.size !== undefined && e.type === "file" ? `, ${e.size} bytes` : ""})`)].join("\n");
    }
    if (found.type === "dir") return `'${p}' is a directory; list it by passing its path (it has no entries to show here).`;
    if (found.type === "symlink") return `'${p}' is a symbolic link.`;
    if (found.type === "submodule") return `'${p}' is a submodule.`;
    if (found.size !== undefined && found.size > MAX_FILE_BYTES) {
      throw new ToolError(`'${p}' is ${found.size} bytes, over the 1 MB limit of this tool: read it from the checkout instead.`);
    }
    if (!found.content || (found.encoding && found.encoding !== "base64")) {
      throw new ToolError(`Gitea returned no content for '${p}'${at}.`);
    }
    const bytes = Buffer.from(found.content, "base64");
    if (bytes.length > MAX_FILE_BYTES) {
      throw new ToolError(`'${p}' is ${bytes.length} bytes, over the 1 MB limit of this tool: read it from the checkout instead.`);
    }
    const text = decodeText(bytes);
    if (text === undefined) throw new ToolError(`'${p}' is a binary file (${bytes.length} bytes); this tool returns text only.`);
    return `File '${p}'${at} (${bytes.length} bytes, blob ${found.sha}):\n\n${text}`;
  },
});
