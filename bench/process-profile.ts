import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPOSITORY_ROOT } from "./processes.js";
import { type ProfileSummary, summarizeProfile } from "./profile-summary.js";

/**
 * The main-thread profile a process started with `node --cpu-prof --cpu-prof-dir <directory>` wrote on
 * exit (tsx's loader hooks run in a thread of their own, which writes a second file: thread 0 is the
 * main one), summarised over the given window of its monotonic clock.
 */
export function readProcessProfile(
  directory: string,
  pid: number,
  window: { fromMicroseconds: number; toMicroseconds: number },
): { summary: ProfileSummary; relativePath: string } {
  const mainThread = `.${pid}.0.`;
  const file = readdirSync(directory).find(
    (name) => name.includes(mainThread) && name.endsWith(".cpuprofile"),
  );
  if (!file) throw new Error(`process ${pid} wrote no .cpuprofile into ${directory}`);
  const path = join(directory, file);
  return {
    summary: summarizeProfile(JSON.parse(readFileSync(path, "utf8")), window),
    relativePath: relative(REPOSITORY_ROOT, path),
  };
}
