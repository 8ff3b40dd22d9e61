import { type Database, shareCards } from "@unwrapped/db";
import { and, eq, sql } from "drizzle-orm";
import type { CardSize } from "./card-input.js";

/**
 * Drawn images in the database (`share_cards`): shared by every server process and kept across
 * restarts. One row per analysis and size; a new drawing replaces the old one.
 */
export class CardStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** The stored image of an analysis and size if it was drawn from the content with this key. */
  async get(analysisId: string, size: CardSize, contentKey: string): Promise<Buffer | null> {
    const [row] = await this.#db
      .select({ png: shareCards.png })
      .from(shareCards)
      .where(
        and(
          eq(shareCards.analysisId, analysisId),
          eq(shareCards.size, size),
          eq(shareCards.contentKey, contentKey),
        ),
      );
    return row?.png ?? null;
  }

  async put(analysisId: string, size: CardSize, contentKey: string, png: Buffer): Promise<void> {
    await this.#db
      .insert(shareCards)
      .values({ analysisId, size, contentKey, png })
      .onConflictDoUpdate({
        target: [shareCards.analysisId, shareCards.size],
        set: { contentKey, png, createdAt: sql`now()` },
      });
  }
}
