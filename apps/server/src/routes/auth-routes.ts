import { isAppError, type Services } from "@unwrapped/services";
import { Router } from "express";
import { z } from "zod";

const LoginQuery = z.object({ redirect_to: z.string().max(2048).optional() });
const CallbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
});

/** GET /auth/spotify/login and /auth/spotify/callback, as API.md describes them. */
export function authRoutes(services: Services): Router {
  const router = Router();

  router.get("/auth/spotify/login", async (request, response) => {
    const query = LoginQuery.safeParse(request.query);
    if (!query.success) {
      response.status(400).json({ error: "invalid_request", message: "redirect_to must be a single URL." });
      return;
    }
    try {
      const authorizeUrl = await services.signIn.begin(query.data.redirect_to);
      response.setHeader("cache-control", "no-store");
      response.redirect(302, authorizeUrl);
    } catch (error) {
      if (isAppError(error) && error.code === "BAD_REQUEST") {
        response.status(400).json({ error: "invalid_redirect", message: error.message });
        return;
      }
      throw error;
    }
  });

  router.get("/auth/spotify/callback", async (request, response) => {
    const query = CallbackQuery.safeParse(request.query);
    const next = await services.signIn.complete(query.success ? query.data : {});
    response.setHeader("cache-control", "no-store");
    response.redirect(302, next);
  });

  return router;
}
