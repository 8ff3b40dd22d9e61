import type { Database } from "@unwrapped/db";
import type { Logger, SharedVerdictOfAnalysis } from "@unwrapped/services";
import { ByteLru } from "./byte-lru.js";
import { type CardInput, type CardSize, cardInput, contentKey } from "./card-input.js";
import { CardRenderer } from "./card-renderer.js";
import { CardStore } from "./card-store.js";

/** 64 MiB of drawn images per process: about 700 cards and stories. */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

/** An image to answer with: its ETag is known before its bytes, so a revalidation costs no drawing. */
export interface CardImage {
  readonly etag: string;
  /** The PNG, read from memory, the store, or drawn now. */
  png(): Promise<Buffer>;
}

/**
 * The share images of verdicts, each drawn once per analysis, size and content: a bounded in-memory LRU
 * in front of the `share_cards` table, in front of the renderer. Callers resolve the verdict first (by
 * the current share token, or the owner's id), so access rules stay with the share service and a
 * revoked or rotated token never reaches this cache.
 */
export class ShareCards {
  readonly #renderer: CardRenderer;
  readonly #store: CardStore;
  readonly #memory: ByteLru;
  readonly #logger: Logger;
  readonly #publicUrl: string;
  readonly #drawing = new Map<string, Promise<Buffer>>();
  /** Images drawn by this process (tests and the benchmark read it). */
  renders = 0;

  constructor(options: {
    db: Database;
    logger: Logger;
    publicUrl: string;
    memoryBytes?: number | undefined;
    renderer?: CardRenderer | undefined;
  }) {
    this.#store = new CardStore(options.db);
    this.#renderer = options.renderer ?? new CardRenderer();
    this.#memory = new ByteLru(options.memoryBytes ?? DEFAULT_MEMORY_BYTES);
    this.#logger = options.logger;
    this.#publicUrl = options.publicUrl;
  }

  get memoryBytes(): number {
    return this.#memory.bytes;
  }

  image(source: SharedVerdictOfAnalysis, size: CardSize): CardImage {
    const input = cardInput(source.verdict, this.#publicUrl);
    const key = contentKey(input, size);
    return { etag: `"${key}"`, png: () => this.#png(source.analysisId, size, key, input) };
  }

  async #png(analysisId: string, size: CardSize, key: string, input: CardInput): Promise<Buffer> {
    // Keyed by analysis too, so that every analysis gets its row in the store (two verdicts may look alike).
    const memoryKey = `${analysisId}:${key}`;
    const cached = this.#memory.get(memoryKey);
    if (cached) return cached;
    // Concurrent requests for one cold image (a link going viral) share one read and one drawing.
    let pending = this.#drawing.get(memoryKey);
    if (!pending) {
      pending = this.#load(analysisId, size, key, input).finally(() => this.#drawing.delete(memoryKey));
      this.#drawing.set(memoryKey, pending);
    }
    const png = await pending;
    this.#memory.set(memoryKey, png);
    return png;
  }

  async #load(analysisId: string, size: CardSize, key: string, input: CardInput): Promise<Buffer> {
    let png = await this.#store.get(analysisId, size, key);
    if (!png) {
      const drawn = await this.#renderer.render(input, size);
      this.renders += 1;
      if (drawn.missing.length > 0) {
        this.#logger.warn(
          { analysisId, size, codePoints: drawn.missing.map((text) => codePoints(text)) },
          "share card text has characters no font covers; drawn as U+FFFD",
        );
      }
      png = drawn.png;
      await this.#store.put(analysisId, size, key, png);
    }
    return png;
  }
}

function codePoints(text: string): string {
  return [...text]
    .map((character) => `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase()}`)
    .join(" ");
}
