import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, type Environment, loadConfig } from "@unwrapped/config";
import { type Logger, pino } from "pino";
import { systemClock, systemTimers } from "../clock.js";
import { createLogger } from "../logger.js";

/** Fixed test secrets (never used outside tests). */
export const TEST_JWT_SECRET = "test-jwt-secret-that-is-long-enough-0123456789";
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 11).toString("base64");
export const TEST_SPOTIFY_CLIENT_ID = "test-client-id";
/**
 * Every test signs in with a secret that breaks naive HTTP Basic encoding ("+", "%", ":", a space and
 * non-ASCII), so the RFC 6749 §2.3.1 form-urlencoding is exercised everywhere, as against a real server.
 */
export const TEST_SPOTIFY_CLIENT_SECRET = "test+secret%41:wörd ☃/=";

/** A config for tests: fixed secrets, a private data directory, silent logs, plus the given overrides. */
export function testConfig(overrides: Environment = {}): Config {
  return loadConfig(
    {
      NODE_ENV: "test",
      DATA_DIR: mkdtempSync(join(tmpdir(), "unwrapped-test-data-")),
      JWT_SECRET: TEST_JWT_SECRET,
      TOKEN_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      LOG_LEVEL: "silent",
      DATABASE_URL: "memory://",
      ...overrides,
    },
    { readDotEnv: false },
  );
}

/** Config pointing at a running Spotify sandbox with the test client credentials (not demo mode). */
export function sandboxConfig(
  sandbox: { accountsUrl: string; apiUrl: string },
  overrides: Environment = {},
): Config {
  return testConfig({
    SPOTIFY_CLIENT_ID: TEST_SPOTIFY_CLIENT_ID,
    SPOTIFY_CLIENT_SECRET: TEST_SPOTIFY_CLIENT_SECRET,
    SPOTIFY_ACCOUNTS_URL: sandbox.accountsUrl,
    SPOTIFY_API_URL: sandbox.apiUrl,
    ...overrides,
  });
}

/** A logger that keeps every line in memory, for asserting on what was (and was not) logged. */
export function memoryLogger(
  level = "debug",
  options: { now?: () => number } = {},
): { logger: Logger; lines: () => string[] } {
  const chunks: string[] = [];
  // The process's own logger (redaction, error scrubbing, repeated-error throttle), into memory.
  const logger = createLogger(
    { level, ...(options.now ? { now: options.now } : {}) },
    {
      write(chunk: string) {
        chunks.push(chunk);
      },
    },
  );
  return { logger, lines: () => chunks.join("").split("\n").filter(Boolean) };
}

export const silentLogger: Logger = pino({ level: "silent" });

/** A free TCP port on 127.0.0.1 (for servers whose public URL must be known before they start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves when `condition` holds, polling; for state other processes change (not for timing). The
 * timeout only keeps a broken test from hanging: it is real time, so make it generous.
 */
export async function eventually<T>(
  condition: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<T> {
  const deadline = systemClock.now().getTime() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (systemClock.now().getTime() > deadline)
      throw new Error(options.message ?? "condition not met in time");
    await systemTimers.sleep(options.intervalMs ?? 20);
  }
}
export {
  EVALUATION_INSTANT_MS,
  evaluationPersonaIds,
  type SandboxListener,
  sandboxListener,
} from "./sandbox-listening.js";
