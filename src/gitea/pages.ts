/**
 * Reading every page of a Gitea list. Gitea serves min(limit,
 * MAX_RESPONSE_ITEMS) items per page (50 by default, configurable; GET
 * /settings/api reports it), which may be below the limit asked for, so the
 * page size is learnt from the answers, never assumed:
 * - with X-Total-Count, a first page shorter than the total is a full page:
 *   its length is the page size, and the remaining pages are read in parallel;
 * - without a total (or where Gitea's total is only the page's length, as on
 *   the issue timeline), pages are read while they come back full, "full"
 *   being the server's page size (asked of GET /settings/api when the first
 *   page is shorter than the limit).
 */
import type { HttpResponse } from "./http";

export type Page<T> = { data: T[] | undefined; headers: HttpResponse["headers"] };

export async function readAllPages<T>(
  page: (n: number) => Promise<Page<T>>,
  maxResponseItems: () => Promise<number>,
  o: { limit: number; concurrency: number; ignoreTotal?: boolean },
): Promise<T[]> {
  const first = await page(1);
  const items = [...(first.data ?? [])];
  const totalHeader = o.ignoreTotal ? null : first.headers.get("x-total-count");
  const total = Number(totalHeader);
  if (totalHeader !== null && Number.isFinite(total) && total >= 0) {
    if (items.length >= total || items.length === 0) return items;
    const pages = Math.ceil(total / items.length);
    const rest = Array.from({ length: pages - 1 }, (_, i) => i + 2);
    const results: T[][] = new Array(rest.length);
    for (let i = 0; i < rest.length; i += o.concurrency) {
      const got = await Promise.all(rest.slice(i, i + o.concurrency).map((n) => page(n)));
      got.forEach((r, j) => (results[i + j] = r.data ?? []));
    }
    for (const p of results) items.push(...p);
    return items;
  }
  let last = first.data ?? [];
  const size = last.length > 0 && last.length < o.limit ? Math.min(o.limit, await maxResponseItems()) : o.limit;
  let n = 1;
  while (last.length >= size && last.length > 0) {
    n += 1;
    last = (await page(n)).data ?? [];
    items.push(...last);
  }
  return items;
}
