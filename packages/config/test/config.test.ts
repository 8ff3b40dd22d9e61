import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/index.js";

function workdir() {
  return mkdtempSync(join(tmpdir(), "unwrapped-config-"));
}

function load(env: Record<string, string>, cwd = workdir()) {
  return loadConfig(env, { cwd });
}

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected loadConfig to fail");
}

describe("loadConfig", () => {
  it("derives PUBLIC_URL (and what hangs on it) from HOST and PORT when it is not set", () => {
    const config = load({ PORT: "9123", HOST: "0.0.0.0" });
    expect(config.server.publicUrl).toBe("http://0.0.0.0:9123");
    expect(config.server.appUrl).toBe("http://0.0.0.0:9123");
    expect(config.spotify.redirectUri).toBe("http://0.0.0.0:9123/auth/spotify/callback");
    expect(config.spotify.accountsUrl).toBe("http://0.0.0.0:9123/sandbox/spotify/accounts");
    expect(config.auth.jwtIssuer).toBe("http://0.0.0.0:9123");
    expect(load({ PORT: "9124", HTTPS: "self-signed" }).server.publicUrl).toBe("https://127.0.0.1:9124");
    expect(load({ PORT: "9125", PUBLIC_URL: "https://unwrapped.example" }).server.publicUrl).toBe(
      "https://unwrapped.example",
    );
  });

  it("applies the documented defaults", () => {
    const config = load({});
    expect(config.server).toMatchObject({
      host: "127.0.0.1",
      port: 8000,
      publicUrl: "http://127.0.0.1:8000",
    });
    expect(config.server.appUrl).toBe("http://127.0.0.1:8000");
    expect(config.database.kind).toBe("pglite");
    expect(config.worker).toMatchObject({ mode: "inline", concurrency: 4, leaseSeconds: 60 });
    expect(config.migrate).toBe(true);
    expect(config.llm).toBeNull();
    expect(config.spotify.demo).toBe(true);
    expect(config.spotify.accountsUrl).toBe("http://127.0.0.1:8000/sandbox/spotify/accounts");
    expect(config.spotify.apiUrl).toBe("http://127.0.0.1:8000/sandbox/spotify/api");
    expect(config.spotify).toMatchObject({
      sandboxDevelopmentMode: false,
      sandboxAccessTokenTtlSeconds: 3600,
      sandboxRefreshTokenRotation: "sometimes",
      sandboxRefreshTokenReuseDetection: false,
    });
  });

  it("reads the sandbox's token settings, and refuses nonsense ones by name", () => {
    const config = load({
      SANDBOX_ACCESS_TOKEN_TTL: "120",
      SANDBOX_REFRESH_TOKEN_ROTATION: "always",
      SANDBOX_REFRESH_TOKEN_REUSE_DETECTION: "on",
      SANDBOX_DEVELOPMENT_MODE: "on",
    });
    expect(config.spotify).toMatchObject({
      sandboxDevelopmentMode: true,
      sandboxAccessTokenTtlSeconds: 120,
      sandboxRefreshTokenRotation: "always",
      sandboxRefreshTokenReuseDetection: true,
    });
    const error = problemsOf(() =>
      load({
        SANDBOX_ACCESS_TOKEN_TTL: "5",
        SANDBOX_REFRESH_TOKEN_ROTATION: "daily",
        SANDBOX_REFRESH_TOKEN_REUSE_DETECTION: "maybe",
      }),
    );
    expect(error.problems.map((problem) => problem.variable).sort()).toEqual([
      "SANDBOX_ACCESS_TOKEN_TTL",
      "SANDBOX_REFRESH_TOKEN_REUSE_DETECTION",
      "SANDBOX_REFRESH_TOKEN_ROTATION",
    ]);
  });

  it("reports every invalid variable at once, by name", () => {
    const error = problemsOf(() =>
      load({
        PORT: "eighty",
        DATABASE_URL: "mysql://nope",
        WORKER: "sometimes",
        WORKER_CONCURRENCY: "0",
        JWT_SECRET: "short",
        TOKEN_ENCRYPTION_KEY: "not-base64-32-bytes",
        LOG_LEVEL: "loud",
        MIGRATE: "maybe",
        PUBLIC_URL: "ftp://example.com",
      }),
    );
    const variables = error.problems.map((problem) => problem.variable).sort();
    expect(variables).toEqual(
      [
        "DATABASE_URL",
        "JWT_SECRET",
        "LOG_LEVEL",
        "MIGRATE",
        "PORT",
        "PUBLIC_URL",
        "TOKEN_ENCRYPTION_KEY",
        "WORKER",
        "WORKER_CONCURRENCY",
      ].sort(),
    );
    expect(error.message).toContain("PORT: must be a whole number");
    expect(error.message).toContain("WORKER_CONCURRENCY: must be at least 1");
    expect(error.message).not.toContain("short"); // secret values are never echoed
  });

  it("requires secrets and Spotify credentials in production", () => {
    const error = problemsOf(() => load({ NODE_ENV: "production" }));
    expect(error.problems.map((problem) => problem.variable).sort()).toEqual([
      "JWT_SECRET",
      "SPOTIFY_CLIENT_ID",
      "SPOTIFY_CLIENT_SECRET",
      "TOKEN_ENCRYPTION_KEY",
    ]);
  });

  it("starts in production with everything set, demo mode off", () => {
    const config = load({
      NODE_ENV: "production",
      JWT_SECRET: "x".repeat(40),
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      SPOTIFY_CLIENT_ID: "id",
      SPOTIFY_CLIENT_SECRET: "secret",
      DATABASE_URL: "postgres://app@db.internal:5432/unwrapped",
    });
    expect(config.spotify.demo).toBe(false);
    expect(config.spotify.accountsUrl).toBe("https://accounts.spotify.com");
    expect(config.spotify.apiUrl).toBe("https://api.spotify.com");
    expect(config.database.kind).toBe("postgres");
    expect(config.worker.mode).toBe("external");
  });

  it("generates development secrets once and keeps them across loads, mode 0600", () => {
    const cwd = workdir();
    const first = load({}, cwd);
    const second = load({}, cwd);
    expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
    expect(second.auth.tokenEncryptionKey.key.equals(first.auth.tokenEncryptionKey.key)).toBe(true);
    expect(first.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    const secretsFile = join(cwd, ".data", "secrets.json");
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(secretsFile, "utf8")).toContain(first.auth.jwtSecret);
  });

  it("reads .env from the working directory, with variables already set winning", () => {
    const cwd = workdir();
    writeFileSync(join(cwd, ".env"), "PORT=9100\nLOG_LEVEL=debug\n# a comment\nWORKER_CONCURRENCY=7\n");
    const config = load({ LOG_LEVEL: "warn" }, cwd);
    expect(config.server.port).toBe(9100);
    expect(config.worker.concurrency).toBe(7);
    expect(config.logLevel).toBe("warn");
  });

  it("returns a frozen config", () => {
    const config = load({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it("derives a stable key id so a previous key can still decrypt after rotation", () => {
    const key = Buffer.alloc(32, 1).toString("base64");
    const old = Buffer.alloc(32, 2).toString("base64");
    const config = load({
      JWT_SECRET: "y".repeat(32),
      TOKEN_ENCRYPTION_KEY: key,
      TOKEN_ENCRYPTION_KEYS_PREVIOUS: old,
    });
    expect(config.auth.tokenEncryptionKey.id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(config.auth.previousTokenEncryptionKeys).toHaveLength(1);
    expect(config.auth.previousTokenEncryptionKeys[0]?.id).not.toBe(config.auth.tokenEncryptionKey.id);
  });

  it("requires both Spotify credentials together and a model with an LLM URL", () => {
    const error = problemsOf(() => load({ SPOTIFY_CLIENT_ID: "id", LLM_BASE_URL: "http://127.0.0.1:1/v1" }));
    expect(error.problems.map((problem) => problem.variable).sort()).toEqual([
      "LLM_MODEL",
      "SPOTIFY_CLIENT_SECRET",
    ]);
  });

  it("reads the operations settings: metrics token and port, Spotify rate, retention (all off by default)", () => {
    const defaults = load({});
    expect(defaults.metrics).toEqual({ token: null, workerPort: null });
    expect(defaults.spotify.maxRequestsPerSecond).toBeNull();
    expect(defaults.analysis.retentionDays).toBeNull();
    const set = load({
      METRICS_TOKEN: "a-metrics-token-of-some-length",
      WORKER_METRICS_PORT: "9464",
      SPOTIFY_MAX_RPS: "2.5",
      ANALYSIS_RETENTION_DAYS: "90",
    });
    expect(set.metrics).toEqual({ token: "a-metrics-token-of-some-length", workerPort: 9464 });
    expect(set.spotify.maxRequestsPerSecond).toBe(2.5);
    expect(set.analysis.retentionDays).toBe(90);
    const problems = problemsOf(() =>
      load({
        METRICS_TOKEN: "short",
        SPOTIFY_MAX_RPS: "0",
        ANALYSIS_RETENTION_DAYS: "-1",
        WORKER_METRICS_PORT: "x",
      }),
    );
    expect(problems.problems.map((problem) => problem.variable).sort()).toEqual([
      "ANALYSIS_RETENTION_DAYS",
      "METRICS_TOKEN",
      "SPOTIFY_MAX_RPS",
      "WORKER_METRICS_PORT",
    ]);
  });

  describe("hardening (issue 10)", () => {
    const productionSecrets = {
      NODE_ENV: "production",
      JWT_SECRET: "x".repeat(40),
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      SPOTIFY_CLIENT_ID: "id",
      SPOTIFY_CLIENT_SECRET: "secret",
    };

    it("reports a short JWT_SECRET together with every other problem", () => {
      const error = problemsOf(() =>
        load({ NODE_ENV: "production", JWT_SECRET: "short", PUBLIC_URL: "http://example.com" }),
      );
      expect(error.problems.map((problem) => problem.variable).sort()).toEqual([
        "JWT_SECRET",
        "PUBLIC_URL",
        "SPOTIFY_CLIENT_ID",
        "SPOTIFY_CLIENT_SECRET",
        "TOKEN_ENCRYPTION_KEY",
      ]);
      expect(error.message).toContain("JWT_SECRET: must be at least 32 characters");
    });

    it("requires an https PUBLIC_URL in production unless it is a loopback address", () => {
      expect(
        problemsOf(() => load({ ...productionSecrets, PUBLIC_URL: "http://unwrapped.example" })).message,
      ).toContain("PUBLIC_URL: must be an https URL in production");
      expect(problemsOf(() => load({ ...productionSecrets, HOST: "0.0.0.0" })).problems).toEqual([
        expect.objectContaining({ variable: "PUBLIC_URL" }),
      ]);
      expect(load({ ...productionSecrets, PUBLIC_URL: "https://unwrapped.example" }).server.publicUrl).toBe(
        "https://unwrapped.example",
      );
      expect(load({ ...productionSecrets, PUBLIC_URL: "http://127.0.0.1:8000" }).server.publicUrl).toBe(
        "http://127.0.0.1:8000",
      );
      expect(load({ ...productionSecrets, PUBLIC_URL: "http://localhost:8000" }).server.publicUrl).toBe(
        "http://localhost:8000",
      );
    });

    it("reads the batch cap, the proxy hops, the rate limits and the stream caps", () => {
      const defaults = load({});
      expect(defaults.server.maxBatchSize).toBe(10);
      expect(defaults.server.trustedProxyHops).toBe(0);
      expect(defaults.server.rateLimits).toEqual({
        signIn: { perMinute: 30, burst: 10 },
        auth: { perMinute: 60, burst: 20 },
      });
      expect(defaults.server.watchStreamsPerUser).toBe(5);
      const set = load({
        TRPC_MAX_BATCH_SIZE: "3",
        TRUST_PROXY: "on",
        RATE_LIMIT_AUTH_PER_MINUTE: "5",
        RATE_LIMIT_AUTH_BURST: "2",
        WATCH_STREAMS_PER_USER: "2",
      });
      expect(set.server.maxBatchSize).toBe(3);
      expect(set.server.trustedProxyHops).toBe(1);
      expect(set.server.rateLimits.auth).toEqual({ perMinute: 5, burst: 2 });
      expect(set.server.watchStreamsPerUser).toBe(2);
      expect(load({ TRUST_PROXY: "2" }).server.trustedProxyHops).toBe(2);
      expect(problemsOf(() => load({ TRUST_PROXY: "everyone" })).problems[0]?.variable).toBe("TRUST_PROXY");
    });
  });
});
