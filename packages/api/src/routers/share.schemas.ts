import { z } from "zod";

/**
 * The share router's schemas: inputs and the router's own results here; the shared verdict and the
 * share link are the domain's, defined once in @unwrapped/services.
 */
export { SharedVerdict, ShareLink } from "@unwrapped/services";

export const ShareTokenInput = z.object({
  token: z.string().min(1).max(128).meta({ description: "The token of a share link (`/s/<token>`)." }),
});
export const ShareAnalysisInput = z.object({
  analysisId: z
    .uuid("analysisId must be a UUID")
    .meta({ description: "One of the signed-in user's analyses." }),
});

export const RevokeResult = z.object({ ok: z.literal(true) });
