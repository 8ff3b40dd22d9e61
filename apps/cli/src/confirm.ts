import { createInterface } from "node:readline/promises";

/**
 * Asks a yes/no question on the terminal; true only for an explicit "y" or "yes". Without a terminal
 * (a pipe, a script) nobody can answer, so the answer is no: scripts pass --yes.
 */
export async function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    prompt.close();
  }
}
