import { z } from "zod";
import { type LlmJudgeSettings, postChatCompletion } from "../analysis/llm-judge.js";
import { withinWordLimits } from "../analysis/word-limits.js";
import type { Timers } from "../clock.js";
import {
  type JointVerdict,
  MATCH_DESCRIPTION_WORDS,
  MATCH_LABEL_WORDS,
  type MatchFacts,
  type MatchJudge,
} from "./match-rules-judge.js";

/** Tries per joint verdict when the model's answer is invalid (the first included). */
export const MATCH_LLM_MAX_ATTEMPTS = 2;

const ChatCompletion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});

/** The joint verdict the model must return, normalised: the label trimmed and upper-cased. */
export const LlmJointVerdict = z.object({
  label: z
    .string()
    .transform((label) => label.trim().replace(/\s+/g, " ").toUpperCase())
    .refine((label) => withinWordLimits(label, MATCH_LABEL_WORDS), {
      message: `must have ${MATCH_LABEL_WORDS.min}–${MATCH_LABEL_WORDS.max} words`,
    }),
  description: z
    .string()
    .trim()
    .refine((description) => withinWordLimits(description, MATCH_DESCRIPTION_WORDS), {
      message: `must have ${MATCH_DESCRIPTION_WORDS.min}–${MATCH_DESCRIPTION_WORDS.max} words`,
    }),
});

type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

/**
 * A joint verdict written by an OpenAI-compatible chat completions endpoint, from the match's facts
 * only (both public subsets and the computed compatibility). An invalid answer is retried once with the
 * reason; a second invalid answer, an HTTP error, a network error or a timeout falls back to the rules.
 */
export class MatchLlmJudge implements MatchJudge {
  readonly #settings: LlmJudgeSettings;
  readonly #fallback: MatchJudge;
  readonly #logger: { warn(details: object, message: string): void };
  readonly #fetch: typeof fetch;
  readonly #timers: Timers;

  constructor(
    settings: LlmJudgeSettings,
    dependencies: {
      fallback: MatchJudge;
      logger: { warn(details: object, message: string): void };
      fetch?: typeof fetch | undefined;
      timers: Timers;
    },
  ) {
    this.#settings = settings;
    this.#fallback = dependencies.fallback;
    this.#logger = dependencies.logger;
    this.#fetch = dependencies.fetch ?? ((input, init) => fetch(input, init));
    this.#timers = dependencies.timers;
  }

  async judge(facts: MatchFacts, signal?: AbortSignal): Promise<JointVerdict> {
    const messages = matchPromptFor(facts);
    const rejections: string[] = [];
    for (let attempt = 1; attempt <= MATCH_LLM_MAX_ATTEMPTS; attempt++) {
      const answer = await this.#ask(messages, signal);
      if ("verdict" in answer) return answer.verdict;
      rejections.push(answer.reason);
      if (answer.final) break;
      messages.push(
        ...(answer.content === null
          ? []
          : [{ role: "assistant" as const, content: answer.content.slice(0, 4000) }]),
        {
          role: "user",
          content: `That answer was rejected (${answer.reason}). Reply again with only the JSON object, following every rule.`,
        },
      );
    }
    this.#logger.warn(
      { reason: rejections.join(" | "), model: this.#settings.model },
      "LLM match judge failed; using the rules judge",
    );
    return this.#fallback.judge(facts, signal);
  }

  async #ask(
    messages: readonly ChatMessage[],
    cancel: AbortSignal | undefined,
  ): Promise<{ verdict: JointVerdict } | { reason: string; content: string | null; final: boolean }> {
    const { timeoutMs } = this.#settings;
    const request = postChatCompletion(this.#fetch, this.#timers, this.#settings, messages, {
      temperature: 0.8,
      stream: false,
      signal: cancel,
    });
    const timeout = request.timeout;
    let text: string;
    try {
      const response = await request.response;
      if (!response.ok) {
        await response.body?.cancel();
        return { reason: `HTTP ${response.status}`, content: null, final: true };
      }
      text = await response.text();
    } catch {
      return {
        reason: timeout.aborted ? `no answer within ${timeoutMs} ms` : "request failed",
        content: null,
        final: true,
      };
    }
    const envelope = ChatCompletion.safeParse(parseJson(text));
    if (!envelope.success) return { reason: "not a chat completion", content: null, final: false };
    const content = envelope.data.choices[0]?.message.content ?? "";
    const parsed = LlmJointVerdict.safeParse(parseJson(withoutCodeFence(content)));
    if (!parsed.success) {
      const reason = parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "answer"} ${issue.message}`)
        .join("; ")
        .slice(0, 300);
      return { reason, content, final: false };
    }
    return { verdict: { ...parsed.data, judge: "llm" } };
  }
}

const TONE_GUIDANCE = {
  gentle: "Be warm and encouraging; tease only lightly.",
  balanced: "Be witty and a little roasting, but kind.",
  savage: "Roast them both hard, but never cruel about anything but their music.",
} as const;

/** The conversation for one joint verdict: names, genres, labels and numbers; never ids or accounts. */
export function matchPromptFor(facts: MatchFacts): ChatMessage[] {
  const { compatibility } = facts;
  const payload = {
    compatibilityPercent: Math.round(compatibility.score * 100),
    components: compatibility.components,
    sharedArtists: compatibility.sharedArtists.slice(0, 10),
    sharedGenres: compatibility.sharedGenres.slice(0, 10),
    biggestDifference: compatibility.biggestDifference,
    you: { displayName: facts.you.displayName, label: facts.you.label, topGenres: facts.you.topGenres },
    them: { displayName: facts.them.displayName, label: facts.them.label, topGenres: facts.them.topGenres },
  };
  return [
    {
      role: "system",
      content: [
        "You are the judge of unwrapped, a service that tells people what their music taste says about them.",
        "You receive facts about how two listeners' tastes compare and write their joint verdict.",
        TONE_GUIDANCE[facts.tone],
        "Use only the facts given.",
        "",
        "Reply with ONLY a JSON object, no other text and no code fence, with exactly these keys:",
        `- "label": ${MATCH_LABEL_WORDS.min} to ${MATCH_LABEL_WORDS.max} words in UPPER CASE naming the pair.`,
        `- "description": ${MATCH_DESCRIPTION_WORDS.min} to ${MATCH_DESCRIPTION_WORDS.max} words of plain text about the two of them.`,
      ].join("\n"),
    },
    { role: "user", content: `Judge this pair.\n\n${JSON.stringify(payload, null, 2)}` },
  ];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withoutCodeFence(content: string): string {
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(content.trim());
  return fenced?.[1] ?? content.trim();
}
