import { z } from "zod";

/**
 * The auth router's schemas: inputs and the router's own results here; the user and session shapes
 * are the domain's, defined once in @unwrapped/services.
 */
export { Me, SessionTokens } from "@unwrapped/services";

export const ExchangeInput = z.object({ code: z.string().min(1, "code is required").max(512) });
export const RefreshInput = z.object({
  refreshToken: z.string().min(1, "refreshToken is required").max(512),
});
export const LogoutInput = RefreshInput;

export const LogoutResult = z.object({ ok: z.literal(true) });
