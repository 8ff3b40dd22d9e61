import type { Services } from "@unwrapped/services";
import { Router } from "express";
import { html, PAGE_CSP } from "../html.js";
import { layout } from "./share-page.js";

const ERROR_TEXT: Record<string, string> = {
  access_denied: "You cancelled the sign-in on Spotify.",
  invalid_state: "That sign-in link was already used or is unknown. Start again.",
  expired_state: "The sign-in took longer than 10 minutes. Start again.",
  spotify_unavailable: "Spotify could not be reached. Try again in a moment.",
  spotify_refused: "Spotify refused the sign-in.",
  invalid_request: "Spotify sent an incomplete answer. Start again.",
  server_error: "Something went wrong on our side. Try again.",
};

/**
 * GET / — where sign-in lands when no frontend is configured (APP_URL defaults to this server): shows
 * the one-time login code, or the sign-in error, and how to continue.
 */
export function homePage(services: Services): Router {
  const router = Router();
  router.get("/", (request, response) => {
    const { publicUrl } = services.config.server;
    const code = typeof request.query.login_code === "string" ? request.query.login_code : null;
    const error = typeof request.query.error === "string" ? request.query.error : null;
    response.setHeader("content-security-policy", PAGE_CSP);
    response.setHeader("cache-control", "no-store");
    response.type("html").send(
      layout(
        { title: "unwrapped", description: "What your music taste says about you.", url: publicUrl },
        html`<main>
  <p class="eyebrow">unwrapped</p>
  <h1>${code ? "You are signed in" : error ? "Sign-in did not finish" : "What does your music taste say about you?"}</h1>
  ${
    code
      ? html`<section class="card"><p>Your one-time login code (valid for 60 seconds, usable once):</p>
  <p><code style="font-size:18px;word-break:break-all">${code}</code></p>
  <p>Trade it for a session with <code>auth.exchange</code>, or let the command line do it all: <code>pnpm unwrapped login</code>.</p></section>`
      : error
        ? html`<section class="card"><p>${ERROR_TEXT[error] ?? "The sign-in failed."}</p><p><a href="/auth/spotify/login">Try again</a></p></section>`
        : html`<section class="card"><p>Sign in with Spotify and get a verdict on your taste.</p>
  <p><a href="/auth/spotify/login">Sign in with Spotify</a>${services.config.spotify.demo ? " (demo mode: pick a listener from the sandbox)" : ""}</p></section>`
  }
</main>`,
      ).value,
    );
  });
  return router;
}
