import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CredentialsStore, type StoredCredentials } from "../src/credentials.js";
import { CliError } from "../src/errors.js";

const CREDENTIALS: StoredCredentials = {
  version: 1,
  server: "http://127.0.0.1:8000",
  accessToken: "access",
  refreshToken: "refresh",
  accessTokenExpiresAt: "2026-11-27T12:15:00.000Z",
  user: { id: "6a1f7d2e-1d7e-4c5e-9a57-1b9e0c3f4a11", displayName: "Ann" },
};

describe("CredentialsStore", () => {
  let home: string;
  let store: CredentialsStore;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "unwrapped-cli-"));
    store = new CredentialsStore(join(home, "unwrapped"));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it.skipIf(process.platform === "win32")(
    "writes a 0600 file in a 0700 directory, and reads it back",
    async () => {
      expect(await store.read()).toBeNull();
      await store.write(CREDENTIALS);
      expect((await stat(store.path)).mode & 0o777).toBe(0o600);
      expect((await stat(store.directory)).mode & 0o777).toBe(0o700);
      expect(await store.read()).toEqual(CREDENTIALS);

      await store.write({ ...CREDENTIALS, refreshToken: "rotated" });
      expect((await stat(store.path)).mode & 0o777).toBe(0o600);
      expect((await store.read())?.refreshToken).toBe("rotated");
    },
  );

  it("refuses a file that is not its own with a hint to sign in again", async () => {
    await store.write(CREDENTIALS);
    await writeFile(store.path, '{"token": 1}');
    await expect(store.read()).rejects.toThrow(CliError);
    await expect(store.read()).rejects.toThrow(/unwrapped login/);
  });

  it("deletes the file, and says whether there was one", async () => {
    await store.write(CREDENTIALS);
    expect(await store.delete()).toBe(true);
    expect(await store.delete()).toBe(false);
    await expect(readFile(store.path)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
