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
