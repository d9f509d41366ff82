/**
 * A latency histogram in the manner of HdrHistogram: every request is
 * counted in a bucket, so percentiles come from all of them (not from an
 * average, not from a sample) in constant memory however long the test runs.
 *
 * Values are recorded in microseconds. Below 128 µs each microsecond has its
 * own bucket; above, every power of two is split into 64 equal buckets, so a
 * bucket is at most 1/64 of its value wide. A percentile is reported as the
 * middle of its bucket: within 0.8 % of the exact value.
 */

const LINEAR_LIMIT = 128;
const SUB_BUCKETS = 64;
const SUB_BITS = 6;
/** Enough for values up to 2^34 µs (about 4.8 hours). */
const MAX_EXPONENT = 28;
const BUCKETS = LINEAR_LIMIT + MAX_EXPONENT * SUB_BUCKETS;

export interface LatencySummary {
  count: number;
  min_ms: number | null;
  max_ms: number | null;
  mean_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export interface HistogramBucket {
  from_ms: number;
  to_ms: number;
  count: number;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sumUs = 0;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;

  /** Record one latency in milliseconds (fractions kept to the microsecond). */
  recordMs(ms: number): void {
    const us = Math.max(0, Math.round(ms * 1000));
    this.counts[bucketOf(us)]! += 1;
    this.total += 1;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  get count(): number {
    return this.total;
  }

  /** Nearest-rank percentile in milliseconds; null when nothing was recorded. */
  percentileMs(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        // Never report beyond what was seen: the top bucket's middle may lie above the maximum.
        return Math.min(Math.max(middleOf(i), this.minUs), this.maxUs) / 1000;
      }
    }
    return this.maxUs / 1000;
  }

  /** Add another histogram's counts to this one. */
  add(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sumUs += other.sumUs;
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  /**
   * The distribution for a report: the non-empty buckets merged `merge` at a
   * time (sub-millisecond buckets by 16 µs; above, `64 / merge` buckets per
   * power of two, each at most 1/8 of its value wide by default), so a long
   * run's evidence stays a few hundred rows. Counts are exact; bounds in ms.
   */
  buckets(merge = 8): HistogramBucket[] {
    const out: HistogramBucket[] = [];
    const push = (fromUs: number, toUs: number, count: number) => {
      if (count > 0) out.push({ from_ms: fromUs / 1000, to_ms: toUs / 1000, count });
    };
    const linearStep = 16;
    for (let from = 0; from < LINEAR_LIMIT; from += linearStep) {
      let count = 0;
      for (let i = from; i < from + linearStep; i++) count += this.counts[i]!;
      push(from, from + linearStep, count);
    }
    for (let index = LINEAR_LIMIT; index < BUCKETS; index += merge) {
      let count = 0;
      for (let i = index; i < index + merge; i++) count += this.counts[i]!;
      if (count === 0) continue;
      push(lowerOf(index), lowerOf(index + merge - 1) + widthOf(index), count);
    }
    return out;
  }

  summary(): LatencySummary {
    const r = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    if (this.total === 0) return { count: 0, min_ms: null, max_ms: null, mean_ms: null, p50_ms: null, p95_ms: null, p99_ms: null };
    return {
      count: this.total,
      min_ms: r(this.minUs / 1000),
      max_ms: r(this.maxUs / 1000),
      mean_ms: r(this.sumUs / this.total / 1000),
      p50_ms: r(this.percentileMs(50)),
      p95_ms: r(this.percentileMs(95)),
      p99_ms: r(this.percentileMs(99)),
    };
  }
}

export function bucketOf(us: number): number {
  if (us < LINEAR_LIMIT) return us;
  // The exponent e puts us / 2^e into [64, 128): the bucket's width is 2^e.
  const e = Math.min(MAX_EXPONENT, bitLength(us) - 1 - SUB_BITS);
  const mantissa = Math.min(2 * SUB_BUCKETS - 1, Math.floor(us / 2 ** e));
  return LINEAR_LIMIT + (e - 1) * SUB_BUCKETS + (mantissa - SUB_BUCKETS);
}

/** The lower bound of a bucket above the linear range, in microseconds. */
function lowerOf(index: number): number {
  const e = Math.floor((index - LINEAR_LIMIT) / SUB_BUCKETS) + 1;
  const mantissa = ((index - LINEAR_LIMIT) % SUB_BUCKETS) + SUB_BUCKETS;
  return mantissa * 2 ** e;
}

function widthOf(index: number): number {
  return 2 ** (Math.floor((index - LINEAR_LIMIT) / SUB_BUCKETS) + 1);
}

/** The middle of a bucket, in microseconds. */
function middleOf(index: number): number {
  if (index < LINEAR_LIMIT) return index;
  const e = Math.floor((index - LINEAR_LIMIT) / SUB_BUCKETS) + 1;
  const mantissa = ((index - LINEAR_LIMIT) % SUB_BUCKETS) + SUB_BUCKETS;
  return mantissa * 2 ** e + (2 ** e - 1) / 2;
}

/** Number of binary digits of a positive integer (exact, whatever log2's rounding). */
function bitLength(n: number): number {
  let b = Math.floor(Math.log2(n)) + 1;
  if (2 ** (b - 1) > n) b--;
  if (2 ** b <= n) b++;
  return b;
}
