import { createHash } from "node:crypto";
import { randomToken } from "../crypto/random-token.js";

/** RFC 7636: a 64-byte verifier (86 URL-safe characters, within the 43–128 allowed) and its S256 challenge. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomToken(64);
  return { verifier, challenge: pkceChallenge(verifier) };
}

export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}
