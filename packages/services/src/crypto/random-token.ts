import { createHash, randomBytes } from "node:crypto";

/** A URL-safe random string carrying `bytes` bytes of entropy (32 bytes = 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * SHA-256 of a high-entropy token, hex. Refresh tokens, login codes and share tokens are random with
 * 128+ bits, so a fast hash is enough: there is nothing to brute-force.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
