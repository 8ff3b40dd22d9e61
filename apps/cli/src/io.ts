/** A stream the CLI writes to: the process's stdout or stderr, or a capture in tests. */
export interface OutputStream {
  write(text: string): unknown;
  /** A terminal: live redraws and colors make sense. */
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

/** The terminal width to wrap to: the terminal's, else 80; never narrower than 40. */
export function terminalWidth(stream: OutputStream): number {
  const columns = stream.isTTY && stream.columns ? stream.columns : 80;
  return Math.max(40, columns);
}
