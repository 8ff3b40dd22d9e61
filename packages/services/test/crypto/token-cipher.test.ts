import { encryptionKeyFrom } from "@unwrapped/config";
import { describe, expect, it } from "vitest";
import { TokenCipher } from "../../src/crypto/token-cipher.js";

const keyA = encryptionKeyFrom(Buffer.alloc(32, 1).toString("base64"));
const keyB = encryptionKeyFrom(Buffer.alloc(32, 2).toString("base64"));

describe("TokenCipher", () => {
  it("round-trips a token and never stores it in the clear", () => {
    const cipher = new TokenCipher(keyA);
    const token = "BQ-spotify-access-token-value";
    const ciphertext = cipher.encrypt(token, "user-1");
    expect(ciphertext).not.toContain(token);
    expect(ciphertext.startsWith(`v1.${keyA.id}.`)).toBe(true);
    expect(cipher.decrypt(ciphertext, "user-1")).toBe(token);
  });

  it("uses a fresh IV each time, so equal tokens give different ciphertexts", () => {
    const cipher = new TokenCipher(keyA);
    expect(cipher.encrypt("same", "user-1")).not.toBe(cipher.encrypt("same", "user-1"));
  });

  it("refuses a ciphertext moved to another user (associated data) or tampered with", () => {
    const cipher = new TokenCipher(keyA);
    const ciphertext = cipher.encrypt("secret", "user-1");
    expect(() => cipher.decrypt(ciphertext, "user-2")).toThrow();
    const parts = ciphertext.split(".");
    const body = Buffer.from(parts[3] ?? "", "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString("base64url");
    expect(() => cipher.decrypt(parts.join("."), "user-1")).toThrow();
  });

  it("decrypts with a previous key after rotation and flags the old ciphertext", () => {
    const before = new TokenCipher(keyA);
    const old = before.encrypt("secret", "user-1");
    const after = new TokenCipher(keyB, [keyA]);
    expect(after.decrypt(old, "user-1")).toBe("secret");
    expect(after.needsRotation(old)).toBe(true);
    expect(after.needsRotation(after.encrypt("secret", "user-1"))).toBe(false);
    expect(() => new TokenCipher(keyB).decrypt(old, "user-1")).toThrow(/No encryption key/);
  });
});
