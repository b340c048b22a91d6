/** Lists the labels defined in this repository. */
import { GITEA_TOOLS } from "../names";
import { untrusted } from "../text";
import { defineTool } from "../tool";

export const listLabels = defineTool({
  name: GITEA_TOOLS.listLabels,
  description: "List the labels defined in this repository (names to use with set_labels, with their descriptions).",
  inputSchema: {},
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(_args, deps) {
    const labels = await deps.api.repoLabels();
    if (!labels.length) return `${deps.config.repository} has no labels.`;
    return labels.map((l) => `- ${untrusted(l.name)}${l.description ? `: ${untrusted(l.description)}` : ""}`).join("\n");
  },
});
