import { errorCode, type RouterOutputs } from "@unwrapped/client";
import { COMMON_OPTIONS, parseCommandArgsWithPositionals } from "../args.js";
import { type CliContext, signedInClient } from "../context.js";
import { CliError, UsageError } from "../errors.js";
import { percent, type Style, wrapText } from "../format.js";
import { terminalWidth } from "../io.js";
import { type Command, HELP_OPTION_HELP, SERVER_OPTION_HELP } from "./command.js";

type Match = RouterOutputs["match"]["create"];

const TONES = ["gentle", "balanced", "savage"] as const;
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

export const matchCommand: Command = {
  name: "match",
  summary: "compare your latest verdict with a verdict someone shared with you",
  help: `Usage: unwrapped match <share-url> [--tone gentle|balanced|savage] [--json] [--server URL]

Matches your latest verdict with the one behind a share link (…/s/<token>) and prints how compatible
your tastes are, what you share, where you differ most, and the joint verdict. Only what the link shows
is used; the other listener is not told.

Options:
  --tone TONE    the voice of the joint verdict (default: the tone of your latest verdict)
  --json         print the match as JSON only
${SERVER_OPTION_HELP}
${HELP_OPTION_HELP}`,

  async run(argv, context) {
    const { values, positionals } = parseCommandArgsWithPositionals("match", argv, {
      ...COMMON_OPTIONS,
      json: { type: "boolean" },
      tone: { type: "string" },
    });
    if (positionals.length !== 1) {
      throw new UsageError(
        "Give one share link: `unwrapped match <share-url>`. Run `unwrapped match --help` for usage.",
      );
    }
    const shareToken = shareTokenOf(positionals[0] ?? "");
    const tone = values.tone;
    if (tone !== undefined && !TONES.includes(tone as (typeof TONES)[number])) {
      throw new UsageError(`--tone must be one of ${TONES.join(", ")}.`);
    }
    const { client } = await signedInClient(context, values.server);
    let match: Match;
    try {
      match = await client.match.create.mutate({
        shareToken,
        ...(tone ? { tone: tone as (typeof TONES)[number] } : {}),
      });
    } catch (error) {
      const code = errorCode(error);
      if (code === "NOT_FOUND") throw new CliError("That share link does not exist or was revoked.");
      if (code === "PRECONDITION_FAILED" || code === "BAD_REQUEST")
        throw new CliError((error as Error).message);
      throw error;
    }
    printMatch(context, match, { json: values.json ?? false });
  },
};

/** The token of a share link (`https://host/s/<token>`), or a bare token. */
export function shareTokenOf(input: string): string {
  const trimmed = input.trim();
  if (TOKEN.test(trimmed)) return trimmed;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new UsageError(
      `"${trimmed}" is not a share link. Paste the link someone shared with you (…/s/<token>).`,
    );
  }
  const [, kind, token, ...rest] = url.pathname.split("/");
  if (kind === "s" && token && TOKEN.test(token) && rest.length === 0) return token;
  if (kind === "m") throw new UsageError("That is a match link; paste a share link (…/s/<token>) instead.");
  throw new UsageError(
    `"${trimmed}" is not a share link. Paste the link someone shared with you (…/s/<token>).`,
  );
}

export function printMatch(context: CliContext, match: Match, options: { json: boolean }): void {
  if (options.json) {
    context.io.stdout.write(`${JSON.stringify(match, null, 2)}\n`);
    return;
  }
  const width = Math.min(terminalWidth(context.io.stdout), 100);
  context.io.stdout.write(renderMatch(match, { width, style: context.style }));
}

const DIMENSIONS: Record<NonNullable<Match["biggestDifference"]>["dimension"], string> = {
  underground: "Underground",
  acclaim: "Critical acclaim",
  mainstream: "Mainstream",
  loyalty: "Loyalty",
  diversity: "Genre diversity",
  era: "Era",
};

export function renderMatch(match: Match, options: { width: number; style: Style }): string {
  const { width, style } = options;
  const them = match.them.displayName ?? "them";
  const difference = match.biggestDifference;
  const value = (share: number) =>
    difference?.dimension === "era" ? String(Math.round(share)) : percent(share);
  const lines = [
    style.bold(match.label),
    style.dim(wrapText(`You × ${them}: ${style.accent(percent(match.compatibility))} compatible`, width)),
    "",
    wrapText(match.description, width),
    "",
    wrapText(`Shared artists: ${match.sharedArtists.slice(0, 8).join(", ") || "none"}`, width),
    wrapText(`Shared genres: ${match.sharedGenres.slice(0, 8).join(", ") || "none"}`, width),
  ];
  if (difference) {
    lines.push(
      wrapText(
        `Biggest difference: ${DIMENSIONS[difference.dimension]}, you ${value(difference.you)}, ${them} ${value(difference.them)}`,
        width,
      ),
    );
  }
  if (match.shareUrl) lines.push("", `Share: ${match.shareUrl}`);
  return `${lines.join("\n")}\n`;
}
