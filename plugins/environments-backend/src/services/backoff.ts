/**
 * The delay before the next retry of something that keeps failing: doubles on every failure up to a
 * ceiling, and starts again from the floor once it works.
 */
export class Backoff {
  private delayMs: number;

  constructor(private readonly minMs: number, private readonly maxMs: number) {
    this.delayMs = minMs;
  }

  /** The delay to wait now; the one after it is twice as long. */
  next(): number {
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.maxMs);
    return delay;
  }

  reset(): void {
    this.delayMs = this.minMs;
  }
}
