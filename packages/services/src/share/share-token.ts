import { randomToken } from "../crypto/random-token.js";

/** 24 random bytes: 192 bits, 32 URL-safe characters. */
export const SHARE_TOKEN_BYTES = 24;

/** A new share token: unguessable, so the link is the only way to the shared verdict. */
export function createShareToken(): string {
  return randomToken(SHARE_TOKEN_BYTES);
}

/** The public page of a share token. */
export function shareUrlFor(publicUrl: string, token: string): string {
  return `${publicUrl}/s/${token}`;
}
