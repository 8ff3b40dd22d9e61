import type { AnalysisStatus } from "@unwrapped/client";
import { meter, percent } from "./format.js";
import { type OutputStream, terminalWidth } from "./io.js";

/** "[██████░░░░░░░░]  40%  collecting", fitted to `columns`. */
export function progressLine(status: AnalysisStatus, columns: number): string {
  const barWidth = Math.max(10, Math.min(30, columns - 24));
  return `[${meter(status.progress, barWidth)}] ${percent(status.progress).padStart(4)}  ${status.stage}`;
}

/** "collecting 10%": one line per change, for logs and pipes. */
export function plainProgressLine(status: AnalysisStatus): string {
  return `${status.stage} ${percent(status.progress)}`;
}

/**
 * Shows an analysis moving: on a terminal one bar redrawn in place (carriage return, then erase to the
 * end of the line), and while an AI judge writes the verdict its draft growing word by word below the
 * bar; elsewhere a plain line per change of stage or progress (no drafts); or nothing at all.
 */
export class ProgressDisplay {
  readonly #stream: OutputStream;
  readonly #mode: "bar" | "lines" | "off";
  #lastLine = "";
  #lastHint: string | null = null;
  /** The draft printed so far, null while none is being shown. */
  #printedDraft: string | null = null;

  constructor(stream: OutputStream, mode: "bar" | "lines" | "off") {
    this.#stream = stream;
    this.#mode = mode;
  }

  /** A bar on a terminal, lines elsewhere, or nothing when `quiet` and not on a terminal. */
  static for(stream: OutputStream, options: { quiet: boolean }): ProgressDisplay {
    return new ProgressDisplay(stream, stream.isTTY ? "bar" : options.quiet ? "off" : "lines");
  }

  update(status: AnalysisStatus): void {
    if (this.#mode === "off") return;
    this.#showHint(status.hint);
    if (this.#mode === "bar") {
      if (this.#showDraft(status.draft)) return;
      const line = progressLine(status, terminalWidth(this.#stream));
      if (line === this.#lastLine) return;
      this.#lastLine = line;
      this.#stream.write(`\r${line}\u001b[K`);
      return;
    }
    const line = plainProgressLine(status);
    if (line === this.#lastLine) return;
    this.#lastLine = line;
    this.#stream.write(`${line}\n`);
  }

  /**
   * A hint ("no worker is running …") gets a line of its own, once per new hint, above the bar; the
   * bar is redrawn after it.
   */
  #showHint(hint: string | null): void {
    if (hint === this.#lastHint) return;
    this.#lastHint = hint;
    if (hint === null) return;
    if (this.#mode === "bar") {
      this.#stream.write(`\r\u001b[K${hint}\n`);
      this.#lastLine = "";
    } else {
      this.#stream.write(`${hint}\n`);
    }
  }

  /**
   * Prints what the draft added since the last update (the whole draft again, on a line of its own, when
   * it is not a continuation). True while a draft is shown: the bar waits until the draft is done.
   */
  #showDraft(draft: string | null): boolean {
    if (draft === null) {
      if (this.#printedDraft === null) return false;
      this.#stream.write("\n\n");
      this.#printedDraft = null;
      this.#lastLine = "";
      return false;
    }
    if (this.#printedDraft === null) {
      this.#stream.write(`${this.#lastLine ? "\n" : ""}\nWriting your verdict…\n\n${draft}`);
    } else if (draft.startsWith(this.#printedDraft)) {
      this.#stream.write(draft.slice(this.#printedDraft.length));
    } else {
      this.#stream.write(`\n${draft}`);
    }
    this.#printedDraft = draft;
    return true;
  }

  /** Ends the bar's line (or the draft's), so what follows starts on a line of its own. */
  finish(): void {
    if (this.#mode === "bar" && (this.#lastLine || this.#printedDraft !== null)) this.#stream.write("\n");
    this.#lastLine = "";
    this.#printedDraft = null;
  }
}
