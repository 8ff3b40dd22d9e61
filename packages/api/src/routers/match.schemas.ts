import { Tone } from "@unwrapped/services";
import { z } from "zod";

/**
 * The match router's schemas: inputs here; the match shapes are the domain's, defined once in
 * @unwrapped/services.
 */
export { Match, MatchPage, PublicMatch, ShareLink } from "@unwrapped/services";

const MatchId = z.uuid("matchId must be a UUID");

export const CreateMatchInput = z.object({
  /** The token of a share link someone gave you (the part after /s/). */
  shareToken: z.string().min(1).max(128),
  /** The voice of the joint verdict; by default the tone of your latest verdict. */
  tone: Tone.optional(),
});
export const MatchIdInput = z.object({ matchId: MatchId });
export const MatchListInput = z
  .object({
    cursor: z.string().max(256).optional(),
    limit: z.number().int().min(1).max(50).optional(),
  })
  .optional();
export const MatchTokenInput = z.object({ token: z.string().min(1).max(128) });
export const MatchOkResult = z.object({ ok: z.literal(true) });
