const sentences = new Intl.Segmenter("en", { granularity: "sentence" });

export const PUNCHLINE_MAX_CHARACTERS = 160;
const MIN_WORDS = 5;

/**
 * The one sentence of a verdict that goes on its card and into its link preview, chosen by shape, not
 * by wording (the judges' copy changes; this rule does not depend on it):
 *
 * 1. Split the verdict into sentences; the first is the opening (it sets the scene and is the most
 *    formulaic), so it is skipped whenever there is another.
 * 2. Of the rest, keep those of at least five words and at most 160 characters: a whole thought that
 *    fits a card.
 * 3. Take the shortest of those (the earliest on a tie): the tightest line is the punchline.
 * 4. If none fits, the first sentence after the opening, cut at a word boundary to 160 characters
 *    with an ellipsis.
 */
export function choosePunchline(description: string): string {
  const all = [...sentences.segment(description.replace(/\s+/g, " ").trim())]
    .map(({ segment }) => segment.trim())
    .filter((sentence) => sentence.length > 0);
  if (all.length === 0) return "";
  const afterOpening = all.length > 1 ? all.slice(1) : all;
  const fitting = afterOpening.filter(
    (sentence) => wordCount(sentence) >= MIN_WORDS && sentence.length <= PUNCHLINE_MAX_CHARACTERS,
  );
  const shortest = fitting.reduce<string | undefined>(
    (best, sentence) => (best === undefined || sentence.length < best.length ? sentence : best),
    undefined,
  );
  return shortest ?? truncateAtWord(afterOpening[0] ?? "", PUNCHLINE_MAX_CHARACTERS);
}

function wordCount(sentence: string): number {
  return sentence.split(/\s+/).filter(Boolean).length;
}

/** Cuts a text to at most `max` characters at a word boundary, ending it with an ellipsis. */
export function truncateAtWord(text: string, max: number): string {
  const characters = [...text];
  if (characters.length <= max) return text;
  const cut = characters.slice(0, max - 1).join("");
  const atWord = cut.replace(/\s+\S*$/, "");
  return `${(atWord.length > 0 ? atWord : cut).trimEnd()}…`;
}
