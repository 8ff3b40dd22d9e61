import { httpStatusOf } from "@unwrapped/api";
import { isDatabaseUnavailable } from "@unwrapped/db";
import { isAppError, NotFoundError, type Services, UnauthenticatedError } from "@unwrapped/services";
import { type CardImage, type CardSize, ShareCards } from "@unwrapped/share-cards";
import { type Request, type Response, Router } from "express";

const SHARE_TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIZES: readonly CardSize[] = ["card", "story"];

/**
 * The share images. `/s/:token/card.png` and `/story.png` are public: the token is looked up on every
 * request (one indexed read), so a revoked or rotated link's images answer 404 at once on every
 * process, while the drawing itself comes from the cache. `/analysis/:id/card.png` and `/story.png`
 * are the owner's, with a bearer token, also while sharing is off. `/m/:token/card.png` and `/story.png`
 * are a match link's, looked up the same way (404 once it is revoked or rotated).
 */
export function shareCardRoutes(services: Services, cards = createShareCards(services)): Router {
  const router = Router();
  for (const size of SIZES) {
    router.get(`/s/:token/${size}.png`, async (request, response) => {
      const token = request.params.token ?? "";
      await answer(request, response, async () => {
        const revision = SHARE_TOKEN.test(token) ? await services.shares.revisionOf(token) : null;
        if (!revision) throw new NotFoundError("This share link does not exist or was revoked.");
        return cards.imageAt(revision, size, () => services.shares.getWithAnalysis(token));
      });
    });
    router.get(`/m/:token/${size}.png`, async (request, response) => {
      const token = request.params.token ?? "";
      await answer(request, response, async () => {
        if (!SHARE_TOKEN.test(token))
          throw new NotFoundError("This match link does not exist or was revoked.");
        return cards.matchImage(await services.matches.getPublic(token), size);
      });
    });
    router.get(`/analysis/:id/${size}.png`, async (request, response) => {
      const id = request.params.id ?? "";
      await answer(request, response, async () => {
        const userId = await authenticate(services, request);
        if (!UUID.test(id)) throw new NotFoundError("No analysis with this id was found.");
        return cards.image(await services.shares.getOwn(userId, id), size);
      });
    });
  }

  async function answer(request: Request, response: Response, find: () => Promise<CardImage>): Promise<void> {
    // Revalidate every time: the verdict may be revoked, rotated or replaced at any moment.
    response.setHeader("cache-control", "no-cache");
    let image: CardImage;
    try {
      image = await find();
    } catch (error) {
      if (isAppError(error)) {
        const status = httpStatusOf(error);
        if (status === 401) response.setHeader("www-authenticate", 'Bearer realm="unwrapped"');
        response.status(status).json({ error: error.code.toLowerCase(), message: error.message });
        return;
      }
      if (isDatabaseUnavailable(error)) {
        response.status(503).json({ error: "unavailable", message: "Please try again in a moment." });
        return;
      }
      throw error;
    }
    response.setHeader("etag", image.etag);
    if (matches(request.headers["if-none-match"], image.etag)) {
      response.status(304).end();
      return;
    }
    const png = await image.png();
    response.type("png");
    response.setHeader("content-length", png.byteLength);
    response.end(png);
  }

  return router;
}

export function createShareCards(services: Services): ShareCards {
  return new ShareCards({
    db: services.database.db,
    logger: services.logger,
    publicUrl: services.config.server.publicUrl,
  });
}

async function authenticate(services: Services, request: Request): Promise<string> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
  if (!match?.[1]) {
    throw new UnauthenticatedError("Sign in to continue: no access token was sent.", { reason: "missing" });
  }
  const claims = await services.accessTokens.verify(match[1]);
  return claims.userId;
}

/** If-None-Match holds the ETag (or `*`), among a comma-separated list, weak or strong. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((candidate) => {
    const value = candidate.trim().replace(/^W\//, "");
    return value === etag || value === "*";
  });
}
