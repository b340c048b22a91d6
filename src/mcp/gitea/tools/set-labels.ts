/** Adds or replaces labels on this run's issue or pull request (names resolved to ids). */
import * as z from "zod";
import type { GiteaLabel } from "../../../gitea/types";
import { GITEA_TOOLS } from "../names";
import { defineTool, ToolError } from "../tool";

const quote = (s: string) => `'${s}'`;

/** Exact names first; a case-insensitive match when it is unique. Unknown names are an error listing all labels. */
export function resolveLabels(wanted: string[], labels: GiteaLabel[]): GiteaLabel[] {
  const missing: string[] = [];
  const found: GiteaLabel[] = [];
  for (const name of wanted) {
    const exact = labels.find((l) => l.name === name);
    const folded = labels.filter((l) => l.name.toLowerCase() === name.toLowerCase());
    const label = exact ?? (folded.length === 1 ? folded[0] : undefined);
    if (label) {
      if (!found.some((f) => f.id === label.id)) found.push(label);
    } else missing.push(name);
  }
  if (missing.length) {
    const all = labels.length ? labels.map((l) => l.name).join(", ") : "(none: this repository has no labels)";
    throw new ToolError(`label${missing.length === 1 ? "" : "s"} ${missing.map(quote).join(", ")} not found; labels: ${all}`);
  }
  return found;
}

export const setLabels = defineTool({
  name: GITEA_TOOLS.setLabels,
  description:
    "Set labels on the issue or pull request this run is about (no other). mode 'add' adds them to the current labels; " +
    "'replace' makes them the only labels (an empty list removes all). Names must be labels of this repository (see list_labels).",
  inputSchema: {
    labels: z.array(z.string()).describe("Label names, e.g. ['bug', 'needs tests']."),
    mode: z.enum(["add", "replace"]).default("add").describe("'add' (default) or 'replace'."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  available: (config) => config.entityNumber !== undefined,
  async handler({ labels, mode }, deps) {
    const n = deps.config.entityNumber;
    if (n === undefined) throw new ToolError("This run is not about an issue or pull request.");
    if (mode === "add" && !labels.length) throw new ToolError("No labels given to add.");
    const ids = resolveLabels(labels, await deps.api.repoLabels()).map((l) => l.id);
    const now = mode === "add" ? await deps.api.addIssueLabels(n, ids) : await deps.api.replaceIssueLabels(n, ids);
    const names = now.map((l) => l.name);
    return `Labels on #${n} are now: ${names.length ? names.join(", ") : "(none)"}.`;
  },
});
