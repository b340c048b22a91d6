/** A promise's result once it has settled, kept for later instead of thrown now. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Starts a promise now and lets it fail without an unhandled rejection; unwrap() rethrows later. */
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

export function unwrap<T>(settled: Settled<T>): T {
  if (!settled.ok) throw settled.error;
  return settled.value;
}
