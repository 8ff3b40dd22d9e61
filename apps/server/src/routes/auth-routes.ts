import {
  isAppError,
  OAUTH_STATE_TTL_SECONDS,
  type Services,
  signInBinding,
  signInCookieName,
} from "@unwrapped/services";
import { type Response, Router } from "express";
import { z } from "zod";
import { rateLimit } from "../request-guards.js";

const LoginQuery = z.object({ redirect_to: z.string().max(2048).optional() });
const CallbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
});

const COOKIE_PATH = "/auth/spotify";

/**
 * GET /auth/spotify/login and /auth/spotify/callback, as API.md describes them. Both draw from the
 * sign-in rate limit. The login binds its state to the browser (a short-lived HttpOnly cookie, read
 * back at the callback): a callback opened elsewhere yields no login code.
 */
export function authRoutes(services: Services): Router {
  const router = Router();
  const secure = services.config.server.publicUrl.startsWith("https:");
  const limited = rateLimit(services, "signIn");

  router.get("/auth/spotify/login", limited, async (request, response) => {
    const query = LoginQuery.safeParse(request.query);
    if (!query.success) {
      response.status(400).json({ error: "invalid_request", message: "redirect_to must be a single URL." });
      return;
    }
    try {
      const { authorizeUrl, binding } = await services.signIn.begin(query.data.redirect_to);
      setBindingCookie(response, binding, { secure, maxAgeSeconds: OAUTH_STATE_TTL_SECONDS });
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

  router.get("/auth/spotify/callback", limited, async (request, response) => {
    const query = CallbackQuery.safeParse(request.query);
    const state = query.success ? query.data.state : undefined;
    const cookieName = state ? signInCookieName(signInBinding(state)) : undefined;
    const binding = cookieName ? readCookie(request.headers.cookie, cookieName) : undefined;
    const next = await services.signIn.complete(query.success ? query.data : {}, binding);
    if (binding) setBindingCookie(response, binding, { secure, maxAgeSeconds: 0 }); // spent either way
    response.setHeader("cache-control", "no-store");
    response.redirect(302, next);
  });

  return router;
}

function setBindingCookie(
  response: Response,
  binding: string,
  options: { secure: boolean; maxAgeSeconds: number },
): void {
  const attributes = [
    `${signInCookieName(binding)}=${options.maxAgeSeconds > 0 ? binding : ""}`,
    `Path=${COOKIE_PATH}`,
    `Max-Age=${options.maxAgeSeconds}`,
    "HttpOnly",
    // Lax: the cookie rides along on Spotify's top-level redirect back to the callback.
    "SameSite=Lax",
    ...(options.secure ? ["Secure"] : []),
  ];
  response.append("set-cookie", attributes.join("; "));
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
