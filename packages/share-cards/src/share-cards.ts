import type { Database } from "@unwrapped/db";
import type { Logger, PublicMatch, SharedVerdictOfAnalysis, ShareRevision } from "@unwrapped/services";
import { type CardInput, type CardSize, cardInput, contentKey, matchCardInput } from "./card-input.js";
import { CardRenderer } from "./card-renderer.js";
import { CardStore } from "./card-store.js";
import { Lru } from "./lru.js";

/** 64 MiB of drawn images per process: about 700 cards and stories. */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;
/** Share-link revisions whose content key this process knows (each well under a kilobyte). */
const KNOWN_REVISIONS = 20_000;

interface KnownImage {
  /** The analysis whose `share_cards` rows hold the image; null for a match's (kept in memory only). */
  readonly analysisId: string | null;
  readonly key: string;
  readonly input: CardInput;
}

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
  readonly #memory: Lru<Buffer>;
  readonly #revisions = new Lru<KnownImage>(KNOWN_REVISIONS);
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
    this.#memory = new Lru(options.memoryBytes ?? DEFAULT_MEMORY_BYTES, (png) => png.byteLength);
    this.#logger = options.logger;
    this.#publicUrl = options.publicUrl;
  }

  get memoryBytes(): number {
    return this.#memory.weight;
  }

  /** The image of a verdict read just now (the owner's route). */
  image(source: SharedVerdictOfAnalysis, size: CardSize): CardImage {
    return this.#imageOf(this.#known(source, size), size);
  }

  /**
   * The image of a share link at its current revision. `load` reads the whole verdict only when this
   * process has not seen the revision yet, so a link going viral costs one small read per request.
   */
  async imageAt(
    revision: ShareRevision,
    size: CardSize,
    load: () => Promise<SharedVerdictOfAnalysis>,
  ): Promise<CardImage> {
    const revisionKey = `${revision.analysisId}:${size}:${revision.revision}`;
    let known = this.#revisions.get(revisionKey);
    if (!known) {
      known = this.#known(await load(), size);
      this.#revisions.set(revisionKey, known);
    }
    return this.#imageOf(known, size);
  }

  /**
   * The image of a match, read just now through its match link (so a revoked or rotated link never
   * reaches here). Drawn once per content and size, and kept in the memory cache only: the store's
   * rows belong to analyses, and a match's image is as cheap to draw again after a restart.
   */
  matchImage(match: PublicMatch, size: CardSize): CardImage {
    const input = matchCardInput(match, this.#publicUrl);
    return this.#imageOf({ analysisId: null, key: contentKey(input, size), input }, size);
  }

  #known(source: SharedVerdictOfAnalysis, size: CardSize): KnownImage {
    const input = cardInput(source.verdict, this.#publicUrl);
    return { analysisId: source.analysisId, key: contentKey(input, size), input };
  }

  #imageOf(known: KnownImage, size: CardSize): CardImage {
    return { etag: `"${known.key}"`, png: () => this.#png(known.analysisId, size, known.key, known.input) };
  }

  async #png(analysisId: string | null, size: CardSize, key: string, input: CardInput): Promise<Buffer> {
    // Keyed by analysis too, so that every analysis gets its row in the store (two verdicts may look alike).
    const memoryKey = `${analysisId ?? "match"}:${key}`;
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

  async #load(analysisId: string | null, size: CardSize, key: string, input: CardInput): Promise<Buffer> {
    let png = analysisId === null ? null : await this.#store.get(analysisId, size, key);
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
      if (analysisId !== null) await this.#store.put(analysisId, size, key, png);
    }
    return png;
  }
}

function codePoints(text: string): string {
  return [...text]
    .map((character) => `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase()}`)
    .join(" ");
}
