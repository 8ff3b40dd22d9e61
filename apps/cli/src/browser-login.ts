import { spawn } from "node:child_process";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signInErrorMessage } from "@unwrapped/client";
import { CliError } from "./errors.js";

/** A one-shot listener on a loopback port that receives the browser after sign-in. */
export interface LoopbackListener {
  /** http://127.0.0.1:<port>/callback: the redirect_to of the sign-in. */
  readonly redirectUrl: string;
  /** The login code from the first redirect that carries one; rejects on `?error=` or timeout. */
  readonly loginCode: Promise<string>;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 at a free port, like gh or gcloud do, for the redirect that ends a browser
 * sign-in, answers the browser with a page saying it can be closed, and hands over the login code.
 */
export async function listenForLoginRedirect(options: {
  /** How long to wait for the browser (said in the message when it runs out). */
  readonly timeoutMs: number;
  /** Gives up when this aborts; `AbortSignal.timeout(timeoutMs)` by default (tests abort their own). */
  readonly giveUp?: AbortSignal;
}): Promise<LoopbackListener> {
  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const loginCode = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let done = false;
  const giveUp = options.giveUp ?? AbortSignal.timeout(options.timeoutMs);
  const onGiveUp = () =>
    finish(() =>
      settle?.reject(
        new CliError(
          `Gave up waiting for the sign-in after ${Math.round(options.timeoutMs / 60_000) || 1} minute(s). Run \`unwrapped login\` to try again.`,
        ),
      ),
    );
  const finish = (outcome: () => void) => {
    if (done) return;
    done = true;
    giveUp.removeEventListener("abort", onGiveUp);
    outcome();
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method !== "GET" || url.pathname !== "/callback") {
      respond(response, 404, "Not found", "This address only receives the unwrapped sign-in.");
      return;
    }
    const code = url.searchParams.get("login_code");
    const error = url.searchParams.get("error");
    if (code) {
      respond(response, 200, "Signed in", "You are signed in to unwrapped. You can close this tab.");
      finish(() => settle?.resolve(code));
    } else if (error) {
      const message = signInErrorMessage(error);
      respond(response, 400, "Sign-in did not finish", `${message} You can close this tab.`);
      finish(() => settle?.reject(new CliError(message)));
    } else {
      respond(response, 400, "Sign-in did not finish", "The sign-in came back without a login code.");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  if (giveUp.aborted) onGiveUp();
  else giveUp.addEventListener("abort", onGiveUp, { once: true });
  const { port } = server.address() as AddressInfo;

  return {
    redirectUrl: `http://127.0.0.1:${port}/callback`,
    loginCode,
    close: () =>
      new Promise<void>((resolve) => {
        finish(() => settle?.reject(new CliError("The sign-in was abandoned.")));
        loginCode.catch(() => {});
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Opens `url` in the default browser; failing is fine, the URL is printed as well. */
export function openBrowser(url: string): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url.replace(/&/g, "^&")]]
        : ["xdg-open", [url]];
  try {
    const child = spawn(command, args, { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // no opener on this machine: the printed URL is the way
  }
}

function respond(response: ServerResponse, status: number, title: string, message: string): void {
  const escapeHtml = (text: string) =>
    text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
    "referrer-policy": "no-referrer",
    connection: "close",
  });
  response.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>unwrapped · ${escapeHtml(title)}</title>
<style>body{font:17px/1.6 system-ui,sans-serif;background:#0f0f14;color:#f2f2f5;display:grid;place-items:center;min-height:90vh;margin:0}main{max-width:32em;padding:24px}</style>
</head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`);
}
