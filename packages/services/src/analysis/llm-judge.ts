import { z } from "zod";
import type { Timers } from "../clock.js";
import { type ChatMessage, PROMPT_VERSION, promptFor } from "./llm-prompt.js";
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

/** One server-sent chunk of a streamed chat completion (`stream: true`). */
const ChatCompletionChunk = z.object({
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
});

type Attempt =
  | { readonly outcome: "verdict"; readonly verdict: Verdict }
  | { readonly outcome: "invalid"; readonly reason: string; readonly content: string | null }
  | { readonly outcome: "failed"; readonly reason: string };

/**
 * A verdict written by any OpenAI-compatible chat completions endpoint, streamed (`stream: true`, server-sent
 * chunks): while the answer arrives, `context.onDraft` receives the description written so far, so a
 * listener watches it grow. The model sees the profile's facts, the tone and the display name
 * (llm-prompt.ts), never ids, emails or tokens. An endpoint that answers with one JSON body instead of
 * a stream is read the same way. The complete answer is validated with zod; an
 * invalid answer is retried once with the reason it was rejected, and a second invalid answer, a
 * network error, a stream cut before its end, a timeout or a non-2xx status hands the profile to the
 * fallback judge (the rules judge)
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
      const result = await this.#ask(messages, context);
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

  async #ask(messages: readonly ChatMessage[], context: JudgeContext): Promise<Attempt> {
    const { timeoutMs } = this.#settings;
    const request = postChatCompletion(this.#fetch, this.#timers, this.#settings, messages, {
      temperature: LLM_TEMPERATURE,
      stream: true,
      signal: context.signal,
    });
    const timeout = request.timeout;
    let text: string;
    try {
      const response = await request.response;
      if (!response.ok) {
        await response.body?.cancel();
        return { outcome: "failed", reason: `HTTP ${response.status}` };
      }
      if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
        return parseAnswer(await response.text());
      }
      if (!response.body) return { outcome: "failed", reason: "the stream had no body" };
      const streamed = await readStream(response.body, context.onDraft);
      if (!streamed.finished) return { outcome: "failed", reason: "the stream ended before the answer did" };
      text = streamed.content;
    } catch (error) {
      return {
        outcome: "failed",
        reason: timeout.aborted ? `no answer within ${timeoutMs} ms` : `request failed (${errorName(error)})`,
      };
    }
    return parseContent(text);
  }
}

/**
 * Reads a streamed chat completion: `data: {chunk}` lines, each adding `choices[0].delta.content`, until
 * `data: [DONE]` (or a chunk with a finish_reason). Calls `onDraft` with the description so far whenever
 * it grows. `finished` is false when the stream ended first (the connection was cut mid-answer).
 */
async function readStream(
  body: ReadableStream<Uint8Array>,
  onDraft: ((draft: string) => void) | undefined,
): Promise<{ content: string; finished: boolean }> {
  const decoder = new TextDecoder();
  let buffered = "";
  let content = "";
  let finished = false;
  let lastDraft = "";
  const take = (line: string) => {
    const trimmed = line.trim();
    if (!trimmed.startsWith("data:")) return;
    const data = trimmed.slice("data:".length).trim();
    if (data === "[DONE]") {
      finished = true;
      return;
    }
    const chunk = ChatCompletionChunk.safeParse(parseJson(data));
    if (!chunk.success) return;
    for (const choice of chunk.data.choices) {
      content += choice.delta?.content ?? "";
      if (choice.finish_reason) finished = true;
    }
    const draft = descriptionSoFar(content);
    if (onDraft && draft !== null && draft.length > lastDraft.length) {
      lastDraft = draft;
      onDraft(draft);
    }
  };
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const lines = buffered.split(/\r?\n/);
    buffered = lines.pop() ?? "";
    for (const line of lines) take(line);
  }
  take(buffered + decoder.decode());
  return { content, finished };
}

/**
 * The description as far as the model has written it, from the JSON answer so far: the decoded text of
 * the "description" string up to its end or to the last complete character. Null before it starts.
 */
export function descriptionSoFar(content: string): string | null {
  const start = /"description"\s*:\s*"/.exec(withoutCodeFence(content));
  if (!start) return null;
  const text = withoutCodeFence(content).slice(start.index + start[0].length);
  let draft = "";
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (character === '"') break;
    if (character !== "\\") {
      draft += character;
      continue;
    }
    const escaped = text[index + 1];
    if (escaped === undefined) break;
    if (escaped === "u") {
      const hex = text.slice(index + 2, index + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) break;
      draft += String.fromCharCode(Number.parseInt(hex, 16));
      index += 5;
      continue;
    }
    draft += ESCAPES[escaped] ?? escaped;
    index += 1;
  }
  return draft;
}

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" };

function parseAnswer(text: string): Attempt {
  const envelope = ChatCompletion.safeParse(parseJson(text));
  if (!envelope.success) {
    return { outcome: "invalid", reason: "not a chat completion with message content", content: null };
  }
  return parseContent(envelope.data.choices[0]!.message.content);
}

function parseContent(content: string): Attempt {
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
  return { outcome: "verdict", verdict: { ...verdict.data, judge: "llm", promptVersion: PROMPT_VERSION } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Models asked for JSON sometimes still wrap it in a ```json fence (closed or, while streaming, not yet). */
function withoutCodeFence(content: string): string {
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*(?:```)?$/i.exec(content.trim());
  return fenced?.[1] ?? content.trim();
}

function errorName(error: unknown): string {
  if (error instanceof Error)
    return error.cause instanceof Error ? `${error.name}: ${error.cause.message}` : error.name;
  return "unknown error";
}

export { promptFor };

/**
 * POSTs a chat completion asking for a JSON object to an OpenAI-compatible endpoint (streamed when
 * `stream`), under the judge's timeout and the caller's signal; `timeout` tells a timeout from another
 * failure. Shared by the verdict's and the match's LLM judges.
 */
export function postChatCompletion(
  fetchImpl: typeof fetch,
  timers: Timers,
  settings: LlmJudgeSettings,
  messages: readonly { role: string; content: string }[],
  options: { temperature: number; stream: boolean; signal?: AbortSignal | undefined },
): { response: Promise<Response>; timeout: AbortSignal } {
  const { baseUrl, apiKey, model, timeoutMs } = settings;
  const timeout = timers.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: options.stream ? "text/event-stream, application/json" : "application/json",
  };
  if (apiKey.length > 0) headers.authorization = `Bearer ${apiKey}`;
  const response = fetchImpl(`${baseUrl.replace(/\/+$/, "")}/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      model,
      messages,
      temperature: options.temperature,
      response_format: { type: "json_object" },
      ...(options.stream ? { stream: true } : {}),
    }),
    signal,
  });
  return { response, timeout };
}
