import { z } from "zod";
import type { Timers } from "../clock.js";
import type { TasteProfile } from "./taste-profile.js";
import type { Judge, JudgeContext, Verdict } from "./types.js";
import { DESCRIPTION_WORDS, LABEL_WORDS, withinWordLimits } from "./word-limits.js";

export interface LlmJudgeSettings {
  /** An OpenAI-compatible API root, e.g. "https://api.openai.com/v1"; `/chat/completions` is appended. */
  readonly baseUrl: string;
  /** Sent as a Bearer token; an empty key sends no Authorization header (local servers). */
  readonly apiKey: string;
  readonly model: string;
  /** Limit for each request, the response body included. */
  readonly timeoutMs: number;
}

export interface LlmJudgeDependencies {
  /** Writes the verdict when the LLM cannot: the rules judge. */
  readonly fallback: Judge;
  readonly logger: { warn(details: object, message: string): void };
  readonly fetch?: typeof fetch | undefined;
  /** The per-request timeout. */
  readonly timers: Timers;
}

/** Sampling temperature: high enough for wit, low enough to keep to the JSON format. */
export const LLM_TEMPERATURE = 0.8;
/** Tries per verdict when the model's answer is invalid (the first included). */
export const LLM_MAX_ATTEMPTS = 2;

const ChatCompletion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});

/** Scores outside [0, 1] are clamped, not rejected: the model meant "very", not "invalid". */
const Score = z.number().transform((value) => Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000);

/** The verdict the model must return, normalised: label trimmed and upper-cased, scores clamped. */
export const LlmVerdict = z.object({
  label: z
    .string()
    .transform((label) => label.trim().replace(/\s+/g, " ").toUpperCase())
    .refine((label) => withinWordLimits(label, LABEL_WORDS), {
      message: `must have ${LABEL_WORDS.min}–${LABEL_WORDS.max} words`,
    }),
  description: z
    .string()
    .trim()
    .refine((description) => withinWordLimits(description, DESCRIPTION_WORDS), {
      message: `must have ${DESCRIPTION_WORDS.min}–${DESCRIPTION_WORDS.max} words`,
    }),
  criticalAcclaim: Score,
  mainstream: Score,
});

type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

type Attempt =
  | { readonly outcome: "verdict"; readonly verdict: Verdict }
  | { readonly outcome: "invalid"; readonly reason: string; readonly content: string | null }
  | { readonly outcome: "failed"; readonly reason: string };

/**
 * A verdict written by any OpenAI-compatible chat completions endpoint. The model sees the profile's
 * facts and the display name, never ids, emails or tokens. Its JSON answer is validated with zod; an
 * invalid answer is retried once with the reason it was rejected, and a second invalid answer, a
 * network error, a timeout or a non-2xx status hands the profile to the fallback judge (the rules judge)
 * with a warning. Listeners without enough data go straight to the fallback: there is nothing to
 * ask a model about.
 */
export class LlmJudge implements Judge {
  readonly #settings: LlmJudgeSettings;
  readonly #fallback: Judge;
  readonly #logger: LlmJudgeDependencies["logger"];
  readonly #fetch: typeof fetch;
  readonly #timers: Timers;

  constructor(settings: LlmJudgeSettings, dependencies: LlmJudgeDependencies) {
    this.#settings = settings;
    this.#fallback = dependencies.fallback;
    this.#logger = dependencies.logger;
    this.#fetch = dependencies.fetch ?? ((input, init) => fetch(input, init));
    this.#timers = dependencies.timers;
  }

  async judge(profile: TasteProfile, context: JudgeContext): Promise<Verdict> {
    if (!profile.enoughData) return this.#fallback.judge(profile, context);
    const messages = promptFor(profile, context);
    const rejections: string[] = [];
    for (let attempt = 1; attempt <= LLM_MAX_ATTEMPTS; attempt++) {
      const result = await this.#ask(messages, context.signal);
      if (context.signal?.aborted) throw context.signal.reason;
      if (result.outcome === "verdict") return result.verdict;
      if (result.outcome === "failed") return this.#useFallback(profile, context, result.reason, attempt);
      rejections.push(result.reason);
      if (attempt === LLM_MAX_ATTEMPTS) break;
      messages.push(
        ...(result.content === null
          ? []
          : [{ role: "assistant" as const, content: result.content.slice(0, 4000) }]),
        {
          role: "user",
          content: `That answer was rejected (${result.reason}). Reply again with only the JSON object, following every rule.`,
        },
      );
    }
    return this.#useFallback(
      profile,
      context,
      `invalid answer twice: ${rejections.join(" | ")}`,
      LLM_MAX_ATTEMPTS,
    );
  }

  async #useFallback(
    profile: TasteProfile,
    context: JudgeContext,
    reason: string,
    attempts: number,
  ): Promise<Verdict> {
    this.#logger.warn(
      { reason, attempts, model: this.#settings.model },
      "LLM judge failed; using the rules judge",
    );
    return this.#fallback.judge(profile, context);
  }

  async #ask(messages: readonly ChatMessage[], cancel: AbortSignal | undefined): Promise<Attempt> {
    const { baseUrl, apiKey, model, timeoutMs } = this.#settings;
    const timeout = this.#timers.timeout(timeoutMs);
    const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
    };
    if (apiKey.length > 0) headers.authorization = `Bearer ${apiKey}`;
    let text: string;
    try {
      const response = await this.#fetch(`${baseUrl.replace(/\/+$/, "")}/chat/completions`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          model,
          messages,
          temperature: LLM_TEMPERATURE,
          response_format: { type: "json_object" },
        }),
        signal,
      });
      if (!response.ok) {
        await response.body?.cancel();
        return { outcome: "failed", reason: `HTTP ${response.status}` };
      }
      text = await response.text();
    } catch (error) {
      return {
        outcome: "failed",
        reason: timeout.aborted ? `no answer within ${timeoutMs} ms` : `request failed (${errorName(error)})`,
      };
    }
    return parseAnswer(text);
  }
}

function parseAnswer(text: string): Attempt {
  const envelope = ChatCompletion.safeParse(parseJson(text));
  if (!envelope.success) {
    return { outcome: "invalid", reason: "not a chat completion with message content", content: null };
  }
  const content = envelope.data.choices[0]!.message.content;
  const answer = parseJson(withoutCodeFence(content));
  if (answer === undefined) return { outcome: "invalid", reason: "the content is not JSON", content };
  const verdict = LlmVerdict.safeParse(answer);
  if (!verdict.success) {
    const reason = verdict.error.issues
      .map((issue) => `${issue.path.join(".") || "answer"} ${issue.message}`)
      .join("; ")
      .slice(0, 300);
    return { outcome: "invalid", reason, content };
  }
  return { outcome: "verdict", verdict: { ...verdict.data, judge: "llm" } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Models asked for JSON sometimes still wrap it in a ```json fence. */
function withoutCodeFence(content: string): string {
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(content.trim());
  return fenced?.[1] ?? content.trim();
}

function errorName(error: unknown): string {
  if (error instanceof Error)
    return error.cause instanceof Error ? `${error.name}: ${error.cause.message}` : error.name;
  return "unknown error";
}

const SYSTEM_PROMPT = [
  "You are the judge of unwrapped, a service that tells people what their music taste says about them.",
  "You receive facts about one listener's Spotify listening and write their verdict: witty, a little roasting",
  "but kind, and specific to their actual artists, genres and numbers. Use only the facts given; when a",
  "metric is listed as unavailable, do not guess it.",
  "",
  "Reply with ONLY a JSON object, no other text and no code fence, with exactly these keys:",
  '- "label": 2 to 4 words in UPPER CASE naming their taste, e.g. "NOSTALGIC JAZZ ARCHIVIST".',
  `- "description": ${DESCRIPTION_WORDS.min} to ${DESCRIPTION_WORDS.max} words of plain text in a few paragraphs`,
  '  (separated by blank lines), addressed to the listener as "you", naming their top artists and genres',
  '  and quoting some of the numbers (e.g. "62% of your rotation is indie rock").',
  '- "criticalAcclaim": a number from 0 to 1, where 1 is critically acclaimed taste and 0 is critically concerning.',
  '- "mainstream": a number from 0 to 1, where 1 is chart-topping and 0 is deep underground.',
].join("\n");

/**
 * The conversation for one verdict. The facts are the profile's numbers and names only: no Spotify ids,
 * no image URLs, nothing from the listener's account except the display name.
 */
export function promptFor(profile: TasteProfile, context: JudgeContext): ChatMessage[] {
  const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);
  const facts = {
    displayName: context.displayName?.trim().replace(/\s+/g, " ").slice(0, 60) || null,
    counts: profile.counts,
    topArtists: profile.topArtists.map((artist) => ({
      name: artist.name,
      genres: artist.genres,
      popularity: artist.popularity,
    })),
    topTracks: profile.topTracks.map((track) => ({
      name: track.name,
      artists: track.artists,
      releaseYear: track.releaseYear,
    })),
    topGenres:
      profile.topGenres?.map((entry) => ({ genre: entry.genre, percent: percent(entry.share) })) ?? null,
    averagePopularityOutOf100: profile.averagePopularity,
    weightedPopularityOutOf100: profile.weightedPopularity,
    obscurity0to1: profile.obscurity,
    artistLoyalty0to1: profile.artistLoyalty,
    genreDiversity0to1: profile.genreDiversity,
    releaseDecades:
      profile.decades?.map((entry) => ({ decade: `${entry.decade}s`, percent: percent(entry.share) })) ??
      null,
    explicitTracksPercent: percent(profile.explicitShare),
    unavailableMetrics: profile.unavailableMetrics,
    missingSources: profile.missingSources,
  };
  return [
    { role: "system", content: SYSTEM_PROMPT },
    {
      role: "user",
      content: [
        "Judge this listener. Metrics are explained by their names; percent values are 0 to 100.",
        "Address them by their display name once if one is given.",
        "",
        JSON.stringify(facts, null, 2),
      ].join("\n"),
    },
  ];
}
