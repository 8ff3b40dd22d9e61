import { z } from "zod";

/**
 * The auth router's schemas: inputs and the router's own results here; the user and session shapes
 * are the domain's, defined once in @unwrapped/services.
 */
export { Me, SessionTokens } from "@unwrapped/services";

export const ExchangeInput = z.object({
  code: z
    .string()
    .min(1, "code is required")
    .max(512)
    .meta({ description: "The one-time `login_code` of the sign-in redirect (single use, 60 s)." }),
});
export const RefreshInput = z.object({
  refreshToken: z
    .string()
    .min(1, "refreshToken is required")
    .max(512)
    .meta({ description: "The refresh token of the session (rotated by every refresh)." }),
});
export const LogoutInput = RefreshInput;

export const LogoutResult = z.object({ ok: z.literal(true) });
