// Seeded pseudo-random numbers for simulated device behaviour (mulberry32), so a run with the same
// seed produces the same button presses, temperatures and moves. Secrets (tokens, stream keys) do
// not come from here: they use crypto (see secrets.ts).

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A 32-bit unsigned integer. */
  nextUint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** A v1-looking UUID (the shape Ayla uses for datapoint ids), made from seeded randomness. */
  uuid(): string {
    const a = hex8(this.nextUint32());
    const b = hex8(this.nextUint32());
    const c = hex8(this.nextUint32());
    const d = hex8(this.nextUint32());
    return `${a}-${b.slice(0, 4)}-11e8-${b.slice(4, 8)}-${c}${d.slice(0, 4)}`;
  }
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(n: number): string {
  return BYTE_HEX[n >>> 24]! + BYTE_HEX[(n >>> 16) & 255]! + BYTE_HEX[(n >>> 8) & 255]! + BYTE_HEX[n & 255]!;
}
