/** Paging arguments and answers the list tools share. */
import * as z from "zod";

/** Items per page when the caller does not say (Gitea's largest page is 50 by default). */
export const PER_PAGE = 50;

export const pageArgs = {
  page: z.number().int().positive().optional().describe("Page number, from 1 (default 1)."),
  per_page: z.number().int().min(1).max(PER_PAGE).optional().describe(`Items per page, 1 to ${PER_PAGE} (default ${PER_PAGE}).`),
};

/** Page facts for an answer: which items (1-based positions) of how many, and whether there is more. */
export function pageInfo(page: number, perPage: number, total: number | undefined, count: number) {
  const first = (page - 1) * perPage + 1;
  return {
    page,
    per_page: perPage,
    ...(total !== undefined ? { total, pages: Math.max(1, Math.ceil(total / perPage)) } : {}),
    ...(count ? { positions: `${first}-${first + count - 1}` } : {}),
    has_more: total !== undefined ? first + count - 1 < total : count === perPage,
  };
}

/**
 * Claude Code moves a tool result over 50,000 characters out of the
 * conversation into a file (the model sees a 2,000-character preview) and
 * refuses one over MAX_MCP_OUTPUT_TOKENS (25,000 tokens): a page's text stays
 * under this many characters.
 */
export const MAX_PAGE_CHARS = 40_000;

/**
 * Cuts the `body` of items evenly so the page fits MAX_PAGE_CHARS; a cut
 * body says how much of it is shown and how to read it whole.
 */
export function fitBodies<T extends { body: string }>(items: T[], limit = MAX_PAGE_CHARS): Array<T & { body_cut?: string }> {
  // Measured as the tools print it (indented), with room for the page facts around it.
  const size = JSON.stringify(items, null, 2).length + 400;
  if (size <= limit) return items;
  const others = size - items.reduce((n, i) => n + JSON.stringify(i.body).length, 0);
  const each = Math.max(200, Math.floor((limit - others - items.length * 120) / Math.max(1, items.length)));
  return items.map((i) =>
    i.body.length <= each
      ? i
      : { ...i, body: i.body.slice(0, each), body_cut: `${each} of ${i.body.length} characters shown; ask for a smaller page (per_page) to read more of it` },
  );
}
