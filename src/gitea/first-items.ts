/**
 * The first `max` items of a paginated list (every item when there are no
 * more), and how many there are: page 1 first, then the pages still needed,
 * in parallel. Reading stops at `max`. Pages are counted by the size the
 * server really serves (MAX_RESPONSE_ITEMS may be below the limit asked for:
 * see pages.ts), so nothing before `max` is skipped.
 */

/** One page of a list; `total` is the server's X-Total-Count when it sent one. */
export type Page<T> = { items: T[]; total?: number };

export async function readFirstItems<T>(
  page: (n: number) => Promise<Page<T>>,
  maxResponseItems: () => Promise<number>,
  limit: number | ((total: number) => number),
  o: { pageLimit: number; concurrency: number },
): Promise<{ items: T[]; total: number }> {
  const first = await page(1);
  const items = [...first.items];
  const max = typeof limit === "number" ? limit : limit(first.total ?? Number.POSITIVE_INFINITY);
  if (first.total === undefined) {
    // No total: keep reading while pages come back full, "full" being the server's page size.
    let last = first.items;
    const size = last.length > 0 && last.length < o.pageLimit ? Math.min(o.pageLimit, await maxResponseItems()) : o.pageLimit;
    for (let n = 2; last.length >= size && last.length > 0 && items.length < max; n++) {
      last = (await page(n)).items;
      items.push(...last);
    }
    const total = last.length >= size && last.length > 0 ? Math.max(items.length, max + 1) : items.length;
    return { items: items.slice(0, max), total };
  }
  const wanted = Math.min(first.total, max);
  // Page 1 was full when more items remain: its length is the server's page size.
  const size = first.items.length > 0 && first.items.length < first.total ? first.items.length : o.pageLimit;
  const pages = Math.ceil(wanted / size);
  const rest = Array.from({ length: Math.max(0, pages - 1) }, (_, i) => i + 2);
  for (let i = 0; i < rest.length; i += o.concurrency) {
    const batch = await Promise.all(rest.slice(i, i + o.concurrency).map((n) => page(n)));
    for (const p of batch) items.push(...p.items);
  }
  return { items: items.slice(0, max), total: Math.max(first.total, Math.min(items.length, max)) };
}
