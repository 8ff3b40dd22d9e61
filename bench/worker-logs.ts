/** One "analysis finished" line of a worker's JSON log. */
export interface FinishedLine {
  readonly analysisId: string;
  readonly outcome: string;
}

/** Every "analysis finished" line in a worker's log (pino JSON, one object per line). */
export function finishedAnalyses(log: string): FinishedLine[] {
  const lines: FinishedLine[] = [];
  for (const line of log.split("\n")) {
    if (!line.includes('"analysis finished"')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; analysisId?: string; outcome?: string };
      if (entry.msg === "analysis finished" && entry.analysisId && entry.outcome) {
        lines.push({ analysisId: entry.analysisId, outcome: entry.outcome });
      }
    } catch {
      // A line cut off by SIGKILL.
    }
  }
  return lines;
}

export interface CompletionCount {
  /** Analyses whose completion was logged more than once, across all logs. */
  readonly completedMoreThanOnce: number;
  readonly completedLines: number;
  /** Outcomes other than completed, by name. */
  readonly otherOutcomes: Readonly<Record<string, number>>;
}

/** Counts outcome=completed per analysis across the logs of every worker. */
export function countCompletions(
  logs: readonly string[],
  analysisIds?: ReadonlySet<string>,
): CompletionCount {
  const completions = new Map<string, number>();
  const otherOutcomes: Record<string, number> = {};
  let completedLines = 0;
  for (const log of logs) {
    for (const line of finishedAnalyses(log)) {
      if (analysisIds && !analysisIds.has(line.analysisId)) continue;
      if (line.outcome === "completed") {
        completedLines++;
        completions.set(line.analysisId, (completions.get(line.analysisId) ?? 0) + 1);
      } else {
        otherOutcomes[line.outcome] = (otherOutcomes[line.outcome] ?? 0) + 1;
      }
    }
  }
  const completedMoreThanOnce = [...completions.values()].filter((count) => count > 1).length;
  return { completedMoreThanOnce, completedLines, otherOutcomes };
}
