import type { RunningSandbox } from "@unwrapped/spotify-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { ReauthorizationRequiredError, UpstreamError } from "../../src/errors.js";
import { accountsClientFor, authorizePersona, startTestSandbox } from "../support/spotify-connection.js";

describe("SpotifyAccountsClient against the sandbox", () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("builds the authorize URL with PKCE S256, state and the sign-in scopes", () => {
    const url = new URL(accountsClientFor(sandbox).authorizeUrl({ state: "s1", codeChallenge: "c1" }));
    expect(url.pathname.endsWith("/authorize")).toBe(true);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      state: "s1",
      code_challenge: "c1",
      code_challenge_method: "S256",
      scope: "user-top-read user-read-recently-played user-read-email user-read-private",
    });
  });

  it("exchanges a code, reads /v1/me, and computes the expiry from its clock", async () => {
    const clock = new ManualClock();
    const accounts = accountsClientFor(sandbox, { clock });
    const tokens = await authorizePersona(accounts, "metalhead");
    expect(tokens.accessTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 3600_000);
    const profile = await accounts.getProfile(tokens.accessToken);
    expect(profile.displayName).toBeTruthy();
    expect(profile.email).toMatch(/@example\.com$/);
    expect(profile.accountId).toBeTruthy();
  });

  it("keeps the old refresh token when Spotify sends none, and stores the new one when it rotates", async () => {
    const accounts = accountsClientFor(sandbox);
    const tokens = await authorizePersona(accounts, "chart-pop");
    const refreshed = await accounts.refresh(tokens.refreshToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);

    sandbox.controls.setRotateRefreshTokens(true);
    try {
      const rotated = await accounts.refresh(tokens.refreshToken);
      expect(rotated.refreshToken).not.toBe(tokens.refreshToken);
      await expect(accounts.refresh(tokens.refreshToken)).rejects.toBeInstanceOf(
        ReauthorizationRequiredError,
      );
    } finally {
      sandbox.controls.reset();
    }
  });

  it("turns invalid_grant on refresh into ReauthorizationRequiredError", async () => {
    const accounts = accountsClientFor(sandbox);
    const tokens = await authorizePersona(accounts, "chart-pop");
    sandbox.controls.revokeRefreshTokens();
    const error = await accounts.refresh(tokens.refreshToken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReauthorizationRequiredError);
    expect((error as ReauthorizationRequiredError).retryable).toBe(false);
  });

  it("refuses a wrong PKCE verifier as a final upstream error", async () => {
    const accounts = accountsClientFor(sandbox);
    const url = new URL(accounts.authorizeUrl({ state: "s", codeChallenge: "x".repeat(43) }));
    url.searchParams.set("persona", "metalhead");
    const code = new URL(
      (await fetch(url, { redirect: "manual" })).headers.get("location") ?? "",
    ).searchParams.get("code");
    const error = await accounts
      .exchangeCode({ code: code ?? "", codeVerifier: "wrong-verifier-".repeat(4) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      retryable: false,
      message: "Spotify sign-in was refused by Spotify (invalid_grant)",
    });
  });

  it("reads a development-mode profile without email or country", async () => {
    const accounts = accountsClientFor(sandbox);
    const tokens = await authorizePersona(accounts, "indie-obscurist");
    sandbox.controls.setDevelopmentMode(true);
    try {
      const profile = await accounts.getProfile(tokens.accessToken);
      expect(profile).toMatchObject({ email: null, country: null, product: null });
      expect(profile.id).toBeTruthy();
    } finally {
      sandbox.controls.reset();
    }
  });
});
