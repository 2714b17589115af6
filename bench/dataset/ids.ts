import type { Random } from '../../src/modules/demo/index.ts';

/**
 * UUID version 7 identifiers that are the same on every run for a seed: the 48-bit time part
 * counts up one millisecond per id from `startMs` (so ids are unique and time-ordered, like
 * real ones), the remaining bits come from the seeded generator.
 */
export class SeededIds {
  private nextMs: number;

  constructor(
    private readonly rng: Random,
    startMs: number,
  ) {
    this.nextMs = startMs;
  }

  next(): string {
    const bytes = new Uint8Array(16);
    let ms = this.nextMs++;
    for (let i = 5; i >= 0; i--) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    for (let i = 6; i < 16; i++) bytes[i] = Math.floor(this.rng.next() * 256);
    bytes[6] = (bytes[6]! & 0x0f) | 0x70;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const hex = Buffer.from(bytes).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
