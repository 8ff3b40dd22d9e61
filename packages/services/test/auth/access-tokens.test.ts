import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { AccessTokens } from "../../src/auth/access-tokens.js";
import { ManualClock } from "../../src/clock.js";
import { UnauthenticatedError } from "../../src/errors.js";

const USER_1 = "6f1c2b1e-8a9d-4c3b-9f0a-1b2c3d4e5f60";
const USER_2 = "7a2d3c4e-5f60-4b1c-8d9e-0f1a2b3c4d5e";
const FAMILY_1 = "0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e";

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
    const { token, expiresAt } = await tokens.sign(USER_1, FAMILY_1);
    const [header, payload] = token
      .split(".")
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toMatchObject({
      iss: settings.issuer,
      aud: settings.audience,
      sub: USER_1,
      sid: FAMILY_1,
    });
    expect(payload.exp - payload.iat).toBe(900);
    expect(expiresAt.toISOString()).toBe("2026-11-27T10:15:00.000Z");
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: USER_1, sessionId: FAMILY_1 });
  });

  it("refuses an expired token with reason token_expired", async () => {
    const clock = new ManualClock("2026-11-27T10:00:00Z");
    const tokens = new AccessTokens(settings, clock);
    const { token } = await tokens.sign(USER_1, FAMILY_1);
    clock.advance(901_000);
    expect((await rejection(tokens.verify(token))).reason).toBe("token_expired");
  });

  it("refuses a token that expired after it was verified (and remembered) once", async () => {
    const clock = new ManualClock("2026-11-27T10:00:00Z");
    const tokens = new AccessTokens(settings, clock);
    const { token } = await tokens.sign(USER_1, FAMILY_1);
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: USER_1 });
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: USER_1 });
    clock.advance(900_000);
    expect((await rejection(tokens.verify(token))).reason).toBe("token_expired");
  });

  it("refuses a tampered payload", async () => {
    const tokens = new AccessTokens(settings, new ManualClock());
    const { token } = await tokens.sign(USER_1, FAMILY_1);
    const [header, payload, signature] = token.split(".");
    const forged = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    forged.sub = USER_2;
    const tampered = [header, Buffer.from(JSON.stringify(forged)).toString("base64url"), signature].join(".");
    expect((await rejection(tokens.verify(tampered))).reason).toBe("token_invalid");
  });

  it("refuses an unsigned token (alg none)", async () => {
    const clock = new ManualClock();
    const tokens = new AccessTokens(settings, clock);
    const unsigned = new UnsecuredJWT({ sid: FAMILY_1 })
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setSubject(USER_1)
      .setIssuedAt()
      .setExpirationTime("10m")
      .encode();
    await rejection(tokens.verify(unsigned));
  });

  it("refuses a token signed with another key, for another audience or issuer", async () => {
    const clock = new ManualClock();
    const tokens = new AccessTokens(settings, clock);
    const sign = (secret: string, audience: string, issuer = settings.issuer) =>
      new SignJWT({ sid: FAMILY_1 })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(USER_1)
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
    const token = await new SignJWT({ sid: FAMILY_1 })
      .setProtectedHeader({ alg: "HS512" })
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setSubject(USER_1)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(settings.secret));
    await rejection(tokens.verify(token));
  });

  describe("claims beyond the signature (issue 10)", () => {
    const sign = (claims: { sub?: string; iat: number; exp: number }) =>
      new SignJWT({ sid: FAMILY_1 })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setSubject(claims.sub ?? USER_1)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(new TextEncoder().encode(settings.secret));

    it("refuses a lifetime over the TTL, an iat in the future and a sub that is not a UUID", async () => {
      const clock = new ManualClock("2026-11-27T10:00:00Z");
      const tokens = new AccessTokens(settings, clock);
      const now = Math.floor(clock.now().getTime() / 1000);
      const tooLong = await sign({ iat: now, exp: now + settings.ttlSeconds + 1 });
      expect((await rejection(tokens.verify(tooLong))).message).toContain("longer than this server allows");
      const future = await sign({ iat: now + 120, exp: now + 600 });
      expect((await rejection(tokens.verify(future))).message).toContain("issued in the future");
      const skewed = await sign({ iat: now + 30, exp: now + 600 }); // within the leeway
      await expect(tokens.verify(skewed)).resolves.toMatchObject({ userId: USER_1 });
      const notUuid = await sign({ sub: "user-1", iat: now, exp: now + 600 });
      expect((await rejection(tokens.verify(notUuid))).reason).toBe("token_invalid");
      const hyphens = await sign({ sub: "-".repeat(36), iat: now, exp: now + 600 });
      expect((await rejection(tokens.verify(hyphens))).reason).toBe("token_invalid");
    });
  });
});
