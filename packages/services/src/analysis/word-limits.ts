/** How long a verdict's texts may be, for every judge: the rules judge writes to these, the LLM's answer is checked against them. */

export interface WordLimits {
  readonly min: number;
  readonly max: number;
}

/** A verdict's description has 120–400 words. */
export const DESCRIPTION_WORDS: WordLimits = { min: 120, max: 400 };
/** A verdict's label has 2–4 upper-case words. */
export const LABEL_WORDS: WordLimits = { min: 2, max: 4 };

/** Words are whitespace-separated tokens. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

export function withinWordLimits(text: string, limits: WordLimits): boolean {
  const words = countWords(text);
  return words >= limits.min && words <= limits.max;
}
