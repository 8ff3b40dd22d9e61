import {
  baseUrl,
  createClient,
  exchangeLoginCode,
  loginUrl,
  reportUnreachable,
  type SessionTokens,
  SignInError,
  signInWithPersona,
} from "@unwrapped/client";
import { COMMON_OPTIONS, parseCommandArgs } from "../args.js";
import { listenForLoginRedirect } from "../browser-login.js";
import { type CliContext, resolveServer } from "../context.js";
import { credentialsFromSession, type StoredCredentials } from "../credentials.js";
import { CliError } from "../errors.js";
import { type Command, HELP_OPTION_HELP, SERVER_OPTION_HELP } from "./command.js";

export const loginCommand: Command = {
  name: "login",
  summary: "sign in with Spotify (in your browser, or as a demo persona)",
  help: `Usage: unwrapped login [--server URL] [--persona ID]

Signs in with Spotify and keeps the session in $XDG_CONFIG_HOME/unwrapped/credentials.json
(~/.config/unwrapped by default), readable by you only. Without --persona it opens your browser
and waits up to 5 minutes for the sign-in to come back to a listener on 127.0.0.1.

Options:
${SERVER_OPTION_HELP}
  --persona ID   demo mode: sign in as a sandbox listener without a browser
                 (metalhead, chart-pop, jazz-soul-nostalgic, new-listener, seed:<n>, ...)
${HELP_OPTION_HELP}`,

  async run(argv, context) {
    const values = parseCommandArgs("login", argv, { ...COMMON_OPTIONS, persona: { type: "string" } });
    // A broken credentials file must not stand in the way of signing in again.
    const previous = await context.credentials.read().catch(() => null);
    const server = resolveServer(context, values.server, previous?.server);
    const tokens = values.persona
      ? await signInWithPersona({ url: server, persona: values.persona, fetch: context.fetch }).catch(
          (error: unknown) => {
            if (error instanceof SignInError && error.code === "unknown_persona") {
              throw new CliError(`${error.message} \`unwrapped personas\` describes them.`, { cause: error });
            }
            throw error;
          },
        )
      : await signInWithBrowser(context, server);
    await context.credentials.write(credentialsFromSession(server, tokens));
    await endPreviousSession(context, previous);
    const who = tokens.user.displayName ?? tokens.user.spotifyId;
    context.io.stdout.write(`Signed in to ${server} as ${context.style.bold(who)}.\n`);
  },
};

async function signInWithBrowser(context: CliContext, server: string): Promise<SessionTokens> {
  // Fail fast on a wrong or stopped server, rather than after a browser round trip.
  const fetch = reportUnreachable(context.fetch ?? globalThis.fetch.bind(globalThis), server);
  const health = await fetch(`${server}/healthz`);
  await health.body?.cancel();

  const listener = await listenForLoginRedirect({ timeoutMs: context.loginTimeoutMs });
  try {
    const url = loginUrl(server, listener.redirectUrl);
    context.io.stderr.write(
      `Opening your browser to sign in with Spotify. If it does not open, visit:\n\n  ${url}\n\n` +
        "Waiting for the sign-in to finish (up to 5 minutes)...\n",
    );
    context.openBrowser(url);
    const code = await listener.loginCode;
    return await exchangeLoginCode({ url: server, code, fetch: context.fetch });
  } finally {
    await listener.close();
  }
}

/** Signing in again replaces the stored session: end the old one too, if it was ours. Best effort. */
async function endPreviousSession(context: CliContext, previous: StoredCredentials | null): Promise<void> {
  if (!previous) return;
  try {
    await createClient({ url: baseUrl(previous.server), fetch: context.fetch }).auth.logout.mutate({
      refreshToken: previous.refreshToken,
    });
  } catch {
    // the old server may be gone; the new session is saved either way
  }
}
