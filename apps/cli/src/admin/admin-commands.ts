import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDatabase, type DatabaseHandle } from "@unwrapped/db";
import {
  createLogger,
  isAppError,
  type Logger,
  QueueAdmin,
  type QueueSummary,
  systemClock,
  WorkerRegistry,
} from "@unwrapped/services";
import type { CliContext } from "../context.js";
import { CliError, UsageError } from "../errors.js";

const SUBCOMMANDS = ["queue", "failed", "retry", "cancel"] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];
const DEFAULT_LEASE_SECONDS = 60;

/**
 * `unwrapped admin …`: opens DATABASE_URL (or the embedded database), runs one operator command through
 * QueueAdmin, prints what it found or did, and closes the database. Loaded only for `admin`.
 */
export async function runAdmin(argv: readonly string[], context: CliContext): Promise<void> {
  const [subcommand, ...rest] = argv;
  if (!SUBCOMMANDS.includes(subcommand as Subcommand)) {
    throw new UsageError(
      `${subcommand === undefined ? "Say what to do" : `Unknown admin command "${subcommand}"`}: queue, failed, retry or cancel. Run \`unwrapped admin --help\` for usage.`,
    );
  }
  const { values, positionals } = parse(subcommand as Subcommand, rest);
  const since = values.since === undefined ? undefined : parseSince(values.since);
  const database = await open(context);
  const logger = createLogger(
    { level: "info", name: "unwrapped-admin" },
    { write: (line: string) => void context.io.stderr.write(line) },
  ).child({ operator: operatorName() });
  try {
    const workers = new WorkerRegistry({
      db: database.db,
      clock: systemClock,
      staleAfterMs: (context.env.workerLeaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000,
    });
    const admin = new QueueAdmin({ db: database.db, clock: systemClock, workers, logger });
    await run(
      admin,
      subcommand as Subcommand,
      { positionals, since, allFailed: values["all-failed"] === true },
      context,
      logger,
    );
  } catch (error) {
    if (isAppError(error)) throw new CliError(error.message);
    if (error instanceof CliError) throw error;
    // Never the SQL or its parameters: the database's own reason (its cause) is what helps.
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : "no answer";
    throw new CliError(`The database refused the command (${reason}). Are its migrations applied?`, {
      cause: error,
    });
  } finally {
    await database.close();
  }
}

async function run(
  admin: QueueAdmin,
  subcommand: Subcommand,
  options: { positionals: readonly string[]; since: Date | undefined; allFailed: boolean },
  context: CliContext,
  logger: Logger,
): Promise<void> {
  const { stdout } = context.io;
  const { bold, dim } = context.style;
  switch (subcommand) {
    case "queue": {
      stdout.write(formatSummary(await admin.summary(), context));
      return;
    }
    case "failed": {
      const failed = await admin.failed({ since: options.since });
      if (failed.length === 0) {
        stdout.write(`No failed analyses${options.since ? " in that time" : ""}.\n`);
        return;
      }
      for (const analysis of failed) {
        stdout.write(
          `${bold(analysis.analysisId)}  ${analysis.errorCode ?? "UNKNOWN"}  ${dim(analysis.failedAt?.toISOString() ?? "-")}  attempts ${analysis.attempts}\n    ${analysis.errorMessage ?? ""}\n`,
        );
      }
      return;
    }
    case "retry": {
      if (options.allFailed) {
        const retried = await admin.retryAllFailed({ since: options.since });
        stdout.write(`${retried} failed analys${retried === 1 ? "is" : "es"} back in the queue.\n`);
        return;
      }
      const id = onlyId(options.positionals, "retry");
      await admin.retry(id);
      stdout.write(`${id} is back in the queue.\n`);
      return;
    }
    case "cancel": {
      const id = onlyId(options.positionals, "cancel");
      const { wasRunning } = await admin.cancel(id);
      stdout.write(
        wasRunning
          ? `${id} cancelled; the worker running it drops it at its next step.\n`
          : `${id} cancelled.\n`,
      );
      logger.debug({ analysisId: id }, "cancel done");
      return;
    }
  }
}

function parse(subcommand: Subcommand, argv: readonly string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        since: { type: "string" },
        "all-failed": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    });
    if (
      values.since !== undefined &&
      subcommand !== "failed" &&
      !(subcommand === "retry" && values["all-failed"])
    ) {
      throw new UsageError("--since goes with `admin failed` and `admin retry --all-failed`.");
    }
    if (values["all-failed"] && subcommand !== "retry")
      throw new UsageError("--all-failed goes with `admin retry`.");
    if ((subcommand === "queue" || subcommand === "failed") && positionals.length > 0) {
      throw new UsageError(`\`unwrapped admin ${subcommand}\` takes no arguments.`);
    }
    return { values, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${message} Run \`unwrapped admin --help\` for usage.`);
  }
}

function onlyId(positionals: readonly string[], subcommand: string): string {
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0) {
    throw new UsageError(
      `\`unwrapped admin ${subcommand}\` takes one analysis id${subcommand === "retry" ? " (or --all-failed)" : ""}.`,
    );
  }
  return id;
}

const UNITS_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m", "2h", "7d" back from now, or an ISO date. */
export function parseSince(value: string, now: Date = new Date()): Date {
  const relative = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * (UNITS_MS[relative[2] ?? "h"] ?? 0));
  const date = new Date(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(date.getTime())) return date;
  throw new UsageError(`--since takes a duration such as 30m, 2h or 7d, or an ISO date; got "${value}".`);
}

async function open(context: CliContext): Promise<DatabaseHandle> {
  const url = context.env.databaseUrl ?? join(process.cwd(), ".data", "pglite");
  const kind = /^postgres(ql)?:\/\//.test(url) ? "postgres" : "pglite";
  if (kind === "pglite" && !existsSync(url)) {
    throw new CliError(
      `There is no embedded database at ${url}. Set DATABASE_URL to the database the server and workers use.`,
    );
  }
  try {
    return await createDatabase(
      {
        kind,
        url,
        pool: { max: 2, idleTimeoutSeconds: 5, maxLifetimeSeconds: 600, connectTimeoutSeconds: 10 },
      },
      { applicationName: "unwrapped-admin" },
    );
  } catch (error) {
    throw new CliError(
      kind === "postgres"
        ? "Could not connect to DATABASE_URL. Check that PostgreSQL runs and the URL is right."
        : `Could not open the embedded database at ${url} (is the server running? It holds it open). Set DATABASE_URL to PostgreSQL for a shared database.`,
      { cause: error },
    );
  }
}

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

function ago(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

export function formatSummary(summary: QueueSummary, context: Pick<CliContext, "style">): string {
  const { bold, dim } = context.style;
  const now = Date.now();
  const lines = (["pending", "processing", "completed", "failed"] as const).map(
    (status) => `${status.padEnd(11)}${String(summary.counts[status]).padStart(7)}`,
  );
  const oldest = summary.oldestPending;
  if (oldest) lines[0] += dim(`   oldest ${ago(oldest.ageSeconds)} ago (${oldest.analysisId})`);
  lines.push("");
  lines.push(bold(`${summary.workers.length} live worker${summary.workers.length === 1 ? "" : "s"}`));
  for (const worker of summary.workers) {
    const seen = Math.max(0, Math.round((now - worker.lastSeenAt.getTime()) / 1000));
    lines.push(
      `  ${worker.id}  ${worker.host} pid ${worker.pid}  running ${worker.running}/${worker.concurrency}  ${dim(`seen ${ago(seen)} ago`)}`,
    );
  }
  if (summary.workers.length === 0 && summary.counts.pending > 0) {
    lines.push("  No worker is running: analyses wait until one starts (`pnpm worker`).");
  }
  return `${lines.join("\n")}\n`;
}
