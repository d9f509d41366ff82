/**
 * A small seeded generator (mulberry32): the same seed gives the same
 * sequence on every machine, so a baseline and a later measurement can run a
 * query with the same parameter values, and a load test's mix is repeatable.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit seed from text (a query id), so each query has its own sequence. */
export function seedOf(text: string, base = 0): number {
  let h = (2166136261 ^ base) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}
