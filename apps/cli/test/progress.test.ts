import type { AnalysisStatus } from "@unwrapped/client";
import { describe, expect, it } from "vitest";
import { ProgressDisplay, progressLine } from "../src/progress.js";

function status(
  stage: AnalysisStatus["stage"],
  progress: number,
  draft: string | null = null,
): AnalysisStatus {
  return {
    analysisId: "6a1f7d2e-1d7e-4c5e-9a57-1b9e0c3f4a11",
    status: stage === "done" ? "completed" : "processing",
    stage,
    progress,
    attempts: 1,
    error: null,
    createdAt: new Date(),
    startedAt: new Date(),
    completedAt: null,
    hint: null,
    draft,
  };
}

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, columns: 60, write: (text: string) => chunks.push(text) }, chunks };
}

describe("progress", () => {
  it("renders a bar with the percentage and the stage, fitted to the terminal", () => {
    expect(progressLine(status("profiling", 0.6), 44)).toBe("[████████████░░░░░░░░]  60%  profiling");
    expect(progressLine(status("collecting", 0.1), 200)).toMatch(/^\[█{3}░{27}\] {2}10% {2}collecting$/);
  });

  it("redraws one line in place on a terminal, and ends it when done", () => {
    const { stream, chunks } = capture(true);
    const display = ProgressDisplay.for(stream, { quiet: false });
    display.update(status("collecting", 0.1));
    display.update(status("collecting", 0.1));
    display.update(status("done", 1));
    display.finish();
    const redraw = (line: string) => `\r${line}\u001b[K`; // back to column 0, then erase what is left
    expect(chunks).toEqual([
      redraw(progressLine(status("collecting", 0.1), 60)),
      redraw(progressLine(status("done", 1), 60)),
      "\n",
    ]);
    expect(chunks[1]).toContain("] 100%  done");
  });

  it("prints a plain line per change elsewhere, and nothing when quiet", () => {
    const plain = capture(false);
    const display = ProgressDisplay.for(plain.stream, { quiet: false });
    for (const update of [status("queued", 0), status("collecting", 0.1), status("collecting", 0.1)]) {
      display.update(update);
    }
    display.finish();
    expect(plain.chunks).toEqual(["queued 0%\n", "collecting 10%\n"]);

    const quiet = capture(false);
    ProgressDisplay.for(quiet.stream, { quiet: true }).update(status("collecting", 0.1));
    expect(quiet.chunks).toEqual([]);
  });

  it("shows a hint once on a line of its own, above the bar and among plain lines", () => {
    const hint = "No worker is running, so this analysis is waiting: start one with `pnpm worker`.";
    const waiting = { ...status("queued", 0), status: "pending" as const, hint };
    const { stream, chunks } = capture(true);
    const display = ProgressDisplay.for(stream, { quiet: false });
    display.update(waiting);
    display.update(waiting);
    display.update(status("collecting", 0.1));
    const redraw = (line: string) => `\r${line}\u001b[K`;
    expect(chunks).toEqual([
      `\r\u001b[K${hint}\n`,
      redraw(progressLine(waiting, 60)),
      redraw(progressLine(status("collecting", 0.1), 60)),
    ]);

    const plain = capture(false);
    const lines = ProgressDisplay.for(plain.stream, { quiet: false });
    lines.update(waiting);
    lines.update(waiting);
    expect(plain.chunks).toEqual([`${hint}\n`, "queued 0%\n"]);
  });

  it("prints an AI verdict's draft as it grows on a terminal, then goes back to the bar", () => {
    const { stream, chunks } = capture(true);
    const display = ProgressDisplay.for(stream, { quiet: false });
    display.update(status("judging", 0.7));
    display.update(status("judging", 0.7, "Your taste"));
    display.update(status("judging", 0.7, "Your taste is loud"));
    display.update(status("judging", 0.7, "…a different tail"));
    display.update(status("saving", 0.9));
    display.finish();
    expect(chunks.slice(1)).toEqual([
      "\n\nWriting your verdict…\n\nYour taste",
      " is loud",
      "\n…a different tail",
      "\n\n",
      `\r${progressLine(status("saving", 0.9), 60)}\u001b[K`,
      "\n",
    ]);
  });

  it("shows no drafts off a terminal", () => {
    const plain = capture(false);
    const display = ProgressDisplay.for(plain.stream, { quiet: false });
    display.update(status("judging", 0.7, "Your taste"));
    display.update(status("judging", 0.7, "Your taste is loud"));
    expect(plain.chunks).toEqual(["judging 70%\n"]);
  });
});
