import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { EncryptionKey } from "@unwrapped/config";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for the Spotify tokens we keep. A ciphertext reads `v1.<key id>.<iv>.<ciphertext+tag>`
 * (base64url parts), so after a key rotation old rows still name the key that decrypts them. The
 * associated data (the user id) binds a ciphertext to its row: copied to another user, it fails.
 */
export class TokenCipher {
  readonly #current: EncryptionKey;
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(current: EncryptionKey, previous: readonly EncryptionKey[] = []) {
    this.#current = current;
    this.#keys = new Map([...previous, current].map((key) => [key.id, key.key]));
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#current.key, iv);
    cipher.setAAD(Buffer.from(associatedData, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.#current.id, iv.toString("base64url"), body.toString("base64url")].join(".");
  }

  decrypt(ciphertext: string, associatedData: string): string {
    const [version, keyId, ivText, bodyText] = ciphertext.split(".");
    if (version !== VERSION || !keyId || !ivText || !bodyText)
      throw new Error("Unrecognised ciphertext format");
    const key = this.#keys.get(keyId);
    if (!key) throw new Error(`No encryption key with id ${keyId} is configured`);
    const body = Buffer.from(bodyText, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivText, "base64url"));
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  }

  /** Whether a ciphertext was written with an older key and should be re-encrypted. */
  needsRotation(ciphertext: string): boolean {
    return ciphertext.split(".")[1] !== this.#current.id;
  }
}
