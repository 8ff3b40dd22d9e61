/**
 * Deterministic randomness for synthetic listeners: the same key yields the same sequence in every process,
 * so `seed:42` is the same listener after a restart. Never used for secrets (tokens come from node:crypto).
 */

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";
const HEX = "0123456789abcdef";

/** cyrb128: four independent 32-bit hashes of a string, enough state to seed sfc32 without collisions. */
function hashKey(key: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    h1 = h2 ^ Math.imul(h1 ^ code, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ code, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ code, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ code, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export interface Weighted<T> {
  readonly value: T;
  readonly weight: number;
}

/** A seeded generator (sfc32 over a cyrb128 hash of the key) with the helpers data generation needs. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  private constructor(seed: readonly [number, number, number, number]) {
    [this.#a, this.#b, this.#c, this.#d] = seed;
    // The first outputs of sfc32 still correlate with the seed; discard them.
    for (let round = 0; round < 12; round++) this.next();
  }

  static fromKey(key: string): Random {
    return new Random(hashKey(key));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#a |= 0;
    this.#b |= 0;
    this.#c |= 0;
    this.#d |= 0;
    const sum = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + sum) | 0;
    return (sum >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max], both included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform real number in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Cannot pick from an empty list");
    return items[Math.floor(this.next() * items.length)]!;
  }

  pickWeighted<T>(entries: readonly Weighted<T>[]): T {
    let total = 0;
    for (const entry of entries) total += entry.weight;
    if (entries.length === 0 || total <= 0)
      throw new RangeError("Cannot pick from an empty or weightless list");
    let remaining = this.next() * total;
    for (const entry of entries) {
      remaining -= entry.weight;
      if (remaining < 0) return entry.value;
    }
    return entries[entries.length - 1]!.value;
  }

  /** Up to `count` distinct items, each drawn in proportion to its weight (Efraimidis–Spirakis). */
  sampleWeighted<T>(entries: readonly Weighted<T>[], count: number): T[] {
    return entries
      .filter((entry) => entry.weight > 0)
      .map((entry) => ({ value: entry.value, key: Math.log(1 - this.next()) / entry.weight }))
      .sort((left, right) => right.key - left.key)
      .slice(0, count)
      .map((entry) => entry.value);
  }

  /** Up to `count` distinct items, uniformly. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, count);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const shuffled = [...items];
    for (let index = shuffled.length - 1; index > 0; index--) {
      const other = Math.floor(this.next() * (index + 1));
      [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
    }
    return shuffled;
  }

  /** A Spotify-style id: 22 base62 characters. */
  spotifyId(): string {
    return this.#characters(BASE62, 22);
  }

  base62(length: number): string {
    return this.#characters(BASE62, length);
  }

  base36(length: number): string {
    return this.#characters(BASE36, length);
  }

  hex(length: number): string {
    return this.#characters(HEX, length);
  }

  #characters(alphabet: string, length: number): string {
    let text = "";
    for (let index = 0; index < length; index++) text += alphabet[Math.floor(this.next() * alphabet.length)];
    return text;
  }
}
