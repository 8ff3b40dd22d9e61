import { Profiler } from "./profiler.js";
import type { TasteProfile } from "./taste-profile.js";
import type { Judge, ListeningData, Verdict } from "./types.js";
import type { Tone } from "./views.js";

/**
 * How varied and well spread a judge's verdicts are over many listeners: the library behind
 * `pnpm eval:verdicts` and the suite test that asserts its targets on a fixed set of listeners.
 *
 * - Repeated phrases: every run of 6 consecutive words within a sentence (lower-cased, punctuation
 *   dropped) of a verdict's description, counted once per verdict; runs that contain a number or a word of a name (the
 *   listener's display name, artist, track or genre names) are left out, since those are the listener's
 *   own facts, not the judge's stock phrases. A phrase's share is the share of verdicts containing it.
 * - Labels: the share of listeners holding each label.
 * - Scores: the 10th and 90th percentiles (nearest rank) of each score and the range between them, and
 *   how many listeners fall in each quadrant (split at 0.5; a score of exactly 0.5 counts as high).
 */

export interface EvaluatedListener {
  readonly id: string;
  readonly displayName: string | null;
  readonly data: ListeningData;
}

export interface JudgedListener {
  readonly id: string;
  readonly profile: TasteProfile;
  readonly verdict: Verdict;
  /** Words that belong to the listener's own facts (names), excluded from phrase counting. */
  readonly nameWords: ReadonlySet<string>;
}

export const VERDICT_TARGETS = {
  /** No 6-word phrase in more than this share of verdicts. */
  maxPhraseShare: 0.15,
  /** No label held by more than this share of listeners. */
  maxLabelShare: 0.1,
  /** Each score's 10th-to-90th percentile range covers at least this much. */
  minScoreRange: 0.5,
  /** Listeners needed in every quadrant. */
  minPerQuadrant: 1,
} as const;

export const PHRASE_WORDS = 6;

export async function judgeListeners(
  listeners: readonly EvaluatedListener[],
  judge: Judge,
  tone: Tone = "balanced",
): Promise<JudgedListener[]> {
  const profiler = new Profiler();
  const judged: JudgedListener[] = [];
  for (const listener of listeners) {
    const profile = profiler.profile(listener.data);
    const verdict = await judge.judge(profile, { displayName: listener.displayName, tone });
    judged.push({ id: listener.id, profile, verdict, nameWords: nameWordsOf(profile, listener.displayName) });
  }
  return judged;
}

function nameWordsOf(profile: TasteProfile, displayName: string | null): Set<string> {
  const names = [
    displayName ?? "",
    ...profile.topArtists.map((artist) => artist.name),
    ...profile.topTracks.flatMap((track) => [track.name, ...track.artists]),
    ...(profile.topGenres ?? []).map((entry) => entry.genre),
  ];
  return new Set(names.flatMap(wordsOf));
}

/** Lower-cased words without surrounding punctuation. */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
    .filter((word) => word.length > 0);
}

/** The description's distinct 6-word phrases, leaving out those with a number or a name's word. */
export function phrasesOf(description: string, nameWords: ReadonlySet<string>): Set<string> {
  const phrases = new Set<string>();
  for (const sentence of description.split(/[.!?:;]+(?:\s|$)/)) {
    const words = wordsOf(sentence);
    for (let start = 0; start + PHRASE_WORDS <= words.length; start++) {
      const run = words.slice(start, start + PHRASE_WORDS);
      if (run.some((word) => /\d/.test(word) || nameWords.has(word))) continue;
      phrases.add(run.join(" "));
    }
  }
  return phrases;
}

export interface ScoreSpread {
  readonly scored: number;
  readonly min: number | null;
  readonly p10: number | null;
  readonly p90: number | null;
  readonly max: number | null;
  /** p90 − p10; 0 without scores. */
  readonly range: number;
}

export interface VerdictEvaluation {
  readonly listeners: number;
  /** The most shared phrases, most shared first. */
  readonly phrases: readonly { phrase: string; share: number }[];
  readonly labels: readonly { label: string; count: number; share: number }[];
  readonly criticalAcclaim: ScoreSpread;
  readonly mainstream: ScoreSpread;
  /** Listeners per quadrant: acclaim high/low × mainstream high/low. */
  readonly quadrants: Readonly<Record<Quadrant, number>>;
  /** Listeners whose scores are null (too little listening). */
  readonly unscored: number;
}

export type Quadrant =
  | "acclaimed & mainstream"
  | "acclaimed & underground"
  | "unacclaimed & mainstream"
  | "unacclaimed & underground";

export function evaluateVerdicts(judged: readonly JudgedListener[], topPhrases = 10): VerdictEvaluation {
  const phraseCounts = new Map<string, number>();
  const labelCounts = new Map<string, number>();
  for (const { verdict, nameWords } of judged) {
    for (const phrase of phrasesOf(verdict.description, nameWords)) {
      phraseCounts.set(phrase, (phraseCounts.get(phrase) ?? 0) + 1);
    }
    labelCounts.set(verdict.label, (labelCounts.get(verdict.label) ?? 0) + 1);
  }
  const total = Math.max(1, judged.length);
  const quadrants: Record<Quadrant, number> = {
    "acclaimed & mainstream": 0,
    "acclaimed & underground": 0,
    "unacclaimed & mainstream": 0,
    "unacclaimed & underground": 0,
  };
  let unscored = 0;
  for (const { verdict } of judged) {
    if (verdict.criticalAcclaim === null || verdict.mainstream === null) {
      unscored++;
      continue;
    }
    const acclaim = verdict.criticalAcclaim >= 0.5 ? "acclaimed" : "unacclaimed";
    const mainstream = verdict.mainstream >= 0.5 ? "mainstream" : "underground";
    quadrants[`${acclaim} & ${mainstream}`]++;
  }
  return {
    listeners: judged.length,
    phrases: [...phraseCounts.entries()]
      .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : 1))
      .slice(0, topPhrases)
      .map(([phrase, count]) => ({ phrase, share: count / total })),
    labels: [...labelCounts.entries()]
      .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : 1))
      .map(([label, count]) => ({ label, count, share: count / total })),
    criticalAcclaim: spreadOf(judged.map(({ verdict }) => verdict.criticalAcclaim)),
    mainstream: spreadOf(judged.map(({ verdict }) => verdict.mainstream)),
    quadrants,
    unscored,
  };
}

function spreadOf(scores: readonly (number | null)[]): ScoreSpread {
  const sorted = scores.filter((score): score is number => score !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return { scored: 0, min: null, p10: null, p90: null, max: null, range: 0 };
  const p10 = percentile(sorted, 0.1);
  const p90 = percentile(sorted, 0.9);
  return {
    scored: sorted.length,
    min: sorted[0]!,
    p10,
    p90,
    max: sorted[sorted.length - 1]!,
    range: Math.round((p90 - p10) * 1000) / 1000,
  };
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: readonly number[], fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1]!;
}

/** The targets the evaluation misses, as sentences; empty when all are met. */
export function missedTargets(evaluation: VerdictEvaluation): string[] {
  const missed: string[] = [];
  const topPhrase = evaluation.phrases[0];
  if (topPhrase && topPhrase.share > VERDICT_TARGETS.maxPhraseShare) {
    missed.push(`"${topPhrase.phrase}" is in ${percentText(topPhrase.share)} of verdicts`);
  }
  const topLabel = evaluation.labels[0];
  if (topLabel && topLabel.share > VERDICT_TARGETS.maxLabelShare) {
    missed.push(`${topLabel.label} is held by ${percentText(topLabel.share)} of listeners`);
  }
  for (const score of ["criticalAcclaim", "mainstream"] as const) {
    if (evaluation[score].range < VERDICT_TARGETS.minScoreRange) {
      missed.push(`${score} spans only ${evaluation[score].range.toFixed(2)} from p10 to p90`);
    }
  }
  for (const [quadrant, count] of Object.entries(evaluation.quadrants)) {
    if (count < VERDICT_TARGETS.minPerQuadrant) missed.push(`no listener is ${quadrant}`);
  }
  return missed;
}

/** The evaluation as a plain-text report. */
export function formatEvaluation(evaluation: VerdictEvaluation, topLabels = 15): string {
  const score = (value: number | null) => (value === null ? "–" : value.toFixed(2));
  const spread = (name: string, value: ScoreSpread) =>
    `  ${name.padEnd(17)} min ${score(value.min)}  p10 ${score(value.p10)}  p90 ${score(value.p90)}  max ${score(value.max)}  p10–p90 ${value.range.toFixed(2)}`;
  const missed = missedTargets(evaluation);
  return [
    `Verdicts judged: ${evaluation.listeners} (${evaluation.unscored} unscored: too little listening)`,
    "",
    `Most repeated ${PHRASE_WORDS}-word phrases (share of verdicts; target ≤ ${percentText(VERDICT_TARGETS.maxPhraseShare)}):`,
    ...evaluation.phrases.map((entry) => `  ${percentText(entry.share).padStart(6)}  ${entry.phrase}`),
    "",
    `Labels: ${evaluation.labels.length} distinct (share of listeners; target ≤ ${percentText(VERDICT_TARGETS.maxLabelShare)}):`,
    ...evaluation.labels
      .slice(0, topLabels)
      .map((entry) => `  ${percentText(entry.share).padStart(6)}  ${entry.label} (${entry.count})`),
    ...(evaluation.labels.length > topLabels ? [`  … ${evaluation.labels.length - topLabels} more`] : []),
    "",
    `Scores (target: p10–p90 ≥ ${VERDICT_TARGETS.minScoreRange}):`,
    spread("criticalAcclaim", evaluation.criticalAcclaim),
    spread("mainstream", evaluation.mainstream),
    "",
    "Quadrants (split at 0.5):",
    ...Object.entries(evaluation.quadrants).map(
      ([quadrant, count]) => `  ${String(count).padStart(4)}  ${quadrant}`,
    ),
    "",
    missed.length === 0
      ? "Targets: all met."
      : `Targets missed:\n${missed.map((line) => `  - ${line}`).join("\n")}`,
  ].join("\n");
}

function percentText(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
