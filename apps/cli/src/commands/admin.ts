import type { Command } from "./command.js";

export const ADMIN_HELP = `Usage: unwrapped admin <queue|failed|retry|cancel> [options]

Operator commands on the queue, run against the database directly (DATABASE_URL, as the server and
the workers use it; without it, the embedded database under .data/pglite, which only works while no
server has it open). Every change is logged to stderr.

  unwrapped admin queue                   analyses by status, the oldest pending one, live workers
  unwrapped admin failed [--since 2h]     failed analyses with their error codes (newest first)
  unwrapped admin retry ID                a failed analysis back to the queue, with fresh attempts
  unwrapped admin retry --all-failed [--since 2h]
                                          every listener's latest failed analysis back to the queue
  unwrapped admin cancel ID               fail a pending or running analysis (CANCELLED); a worker
                                          running it drops it at its next write

Options:
  --since DURATION   only analyses that failed within it: 30m, 2h, 7d (or an ISO date)
  -h, --help         show this help`;

export const adminCommand: Command = {
  name: "admin",
  summary: "operate the queue: queue, failed, retry, cancel (against DATABASE_URL)",
  help: ADMIN_HELP,
  async run(argv, context) {
    // The database code loads only here: every other command (and --help) stays small and fast.
    const { runAdmin } = await import("../admin/admin-commands.js");
    await runAdmin(argv, context);
  },
};
