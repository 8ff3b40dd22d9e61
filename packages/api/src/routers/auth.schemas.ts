import { z } from "zod";

export const ExchangeInput = z.object({ code: z.string().min(1, "code is required").max(512) });
export const RefreshInput = z.object({
  refreshToken: z.string().min(1, "refreshToken is required").max(512),
});
export const LogoutInput = RefreshInput;

export const User = z.object({
  id: z.uuid(),
  spotifyId: z.string(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  country: z.string().nullable(),
  imageUrl: z.string().nullable(),
  createdAt: z.date(),
});

export const Me = User.extend({
  spotify: z.object({
    /** We hold Spotify tokens for this user. */
    connected: z.boolean(),
    /** Spotify no longer accepts them (expired after six months, or revoked): sign in again. */
    reauthorizationRequired: z.boolean(),
  }),
});

export const SessionTokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  accessTokenExpiresAt: z.date(),
  user: User,
});

export const LogoutResult = z.object({ ok: z.literal(true) });
