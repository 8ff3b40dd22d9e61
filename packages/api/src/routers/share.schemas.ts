import { z } from "zod";

/**
 * The share router's schemas: inputs and the router's own results here; the shared verdict and the
 * share link are the domain's, defined once in @unwrapped/services.
 */
export { SharedVerdict, ShareLink } from "@unwrapped/services";

export const ShareTokenInput = z.object({ token: z.string().min(1).max(128) });
export const ShareAnalysisInput = z.object({ analysisId: z.uuid("analysisId must be a UUID") });

export const RevokeResult = z.object({ ok: z.literal(true) });
