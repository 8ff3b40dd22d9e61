import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { AccessTokens } from "../../src/auth/access-tokens.js";
import { ManualClock } from "../../src/clock.js";
import { UnauthenticatedError } from "../../src/errors.js";

const settings = {
  secret: "a-test-secret-that-is-at-least-32-chars-long",
  issuer: "http://127.0.0.1:8000",
  audience: "unwrapped-api",
  ttlSeconds: 900,
};

async function rejection(promise: Promise<unknown>): Promise<UnauthenticatedError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnauthenticatedError);
  return error as UnauthenticatedError;
}

describe("AccessTokens", () => {
  it("signs HS256 tokens with iss, aud, sub, sid, iat and a 15-minute exp, and verifies them", async () => {
    const clock = new ManualClock("2026-11-27T10:00:00Z");
    const tokens = new AccessTokens(settings, clock);
    const { token, expiresAt } = await tokens.sign("user-1", "family-1");
    const [header, payload] = token
      .split(".")
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toMatchObject({
      iss: settings.issuer,
      aud: settings.audience,
      sub: "user-1",
      sid: "family-1",
    });
    expect(payload.exp - payload.iat).toBe(900);
    expect(expiresAt.toISOString()).toBe("2026-11-27T10:15:00.000Z");
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: "user-1", sessionId: "family-1" });
  });

  it("refuses an expired token with reason token_expired", async () => {
    const clock = new ManualClock("2026-11-27T10:00:00Z");
    const tokens = new AccessTokens(settings, clock);
    const { token } = await tokens.sign("user-1", "family-1");
    clock.advance(901_000);
    expect((await rejection(tokens.verify(token))).reason).toBe("token_expired");
  });

  it("refuses a token that expired after it was verified (and remembered) once", async () => {
    const clock = new ManualClock("2026-11-27T10:00:00Z");
    const tokens = new AccessTokens(settings, clock);
    const { token } = await tokens.sign("user-1", "family-1");
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: "user-1" });
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: "user-1" });
    clock.advance(900_000);
    expect((await rejection(tokens.verify(token))).reason).toBe("token_expired");
  });

  it("refuses a tampered payload", async () => {
    const tokens = new AccessTokens(settings, new ManualClock());
    const { token } = await tokens.sign("user-1", "family-1");
    const [header, payload, signature] = token.split(".");
    const forged = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    forged.sub = "user-2";
    const tampered = [header, Buffer.from(JSON.stringify(forged)).toString("base64url"), signature].join(".");
    expect((await rejection(tokens.verify(tampered))).reason).toBe("token_invalid");
  });

  it("refuses an unsigned token (alg none)", async () => {
    const clock = new ManualClock();
    const tokens = new AccessTokens(settings, clock);
    const unsigned = new UnsecuredJWT({ sid: "family-1" })
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setSubject("user-1")
      .setIssuedAt()
      .setExpirationTime("10m")
      .encode();
    await rejection(tokens.verify(unsigned));
  });

  it("refuses a token signed with another key, for another audience or issuer", async () => {
    const clock = new ManualClock();
    const tokens = new AccessTokens(settings, clock);
    const sign = (secret: string, audience: string, issuer = settings.issuer) =>
      new SignJWT({ sid: "family-1" })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject("user-1")
        .setIssuedAt(Math.floor(clock.now().getTime() / 1000))
        .setExpirationTime(Math.floor(clock.now().getTime() / 1000) + 600)
        .sign(new TextEncoder().encode(secret));
    await rejection(tokens.verify(await sign("another-secret-that-is-at-least-32-chars", settings.audience)));
    await rejection(tokens.verify(await sign(settings.secret, "someone-else")));
    await rejection(tokens.verify(await sign(settings.secret, settings.audience, "https://evil.example")));
    await rejection(tokens.verify("not-a-jwt"));
  });

  it("refuses an HS512 token even with the right key (algorithm pinned)", async () => {
    const clock = new ManualClock();
    const tokens = new AccessTokens(settings, clock);
    const now = Math.floor(clock.now().getTime() / 1000);
    const token = await new SignJWT({ sid: "family-1" })
      .setProtectedHeader({ alg: "HS512" })
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setSubject("user-1")
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(settings.secret));
    await rejection(tokens.verify(token));
  });
});
