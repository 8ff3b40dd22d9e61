import { accountCommand } from "./account.js";
import { adminCommand } from "./admin.js";
import { analyzeCommand } from "./analyze.js";
import type { Command } from "./command.js";
import { historyCommand } from "./history.js";
import { loginCommand } from "./login.js";
import { logoutCommand } from "./logout.js";
import { matchCommand } from "./match.js";
import { personasCommand } from "./personas.js";
import { resultCommand } from "./result.js";
import { shareCommand } from "./share.js";
import { whoamiCommand } from "./whoami.js";

export type { Command } from "./command.js";

/** In the order the help lists them: the way through, then the rest. */
export const COMMANDS: readonly Command[] = [
  loginCommand,
  analyzeCommand,
  resultCommand,
  historyCommand,
  shareCommand,
  matchCommand,
  whoamiCommand,
  logoutCommand,
  accountCommand,
  personasCommand,
  adminCommand,
];
