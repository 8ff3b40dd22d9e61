import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "@unwrapped/cli";
import { createClient, errorCode } from "@unwrapped/client";
import { ManualClock, NO_WORKER_HINT } from "@unwrapped/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../../scripts/build-app.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The `unwrapped` bin as `pnpm build` makes it (one self-contained file), built once for this file. */
let bin: string;
let binDirectory: string;
beforeAll(async () => {
  binDirectory = await mkdtemp(join(tmpdir(), "unwrapped-cli-bin-"));
  const built = await buildApp({
    appDirectory: fileURLToPath(new URL("../../../cli", import.meta.url)),
    outDirectory: binDirectory,
    selfContained: true,
    lazyEntries: { admin: "src/admin/admin-commands.ts" },
  });
  bin = built.outFile;
});
afterAll(async () => {
  await rm(binDirectory, { recursive: true, force: true });
});

/** Runs the bin with a private config directory under `home` and no UNWRAPPED_SERVER, as a shell does. */
function runBin(home: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      bin,
      [...args],
      {
        env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, "config"), NO_COLOR: "1" },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("the unwrapped CLI as a subprocess", () => {
  const clock = new ManualClock(new Date());
  let server: TestServer;
  let home: string;
  let credentialsPath: string;

  const cli = (...args: string[]) => runBin(home, args);

  beforeAll(async () => {
    server = await startTestServer({ clock, env: { SANDBOX_LATENCY_MS: "100" } });
    home = await mkdtemp(join(tmpdir(), "unwrapped-cli-home-"));
    credentialsPath = join(home, "config", "unwrapped", "credentials.json");
  });
  afterAll(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  it("keeps the admin commands' database code out of the bin, in a file loaded only by `admin`", async () => {
    const main = await readFile(bin, "utf8");
    const admin = await readFile(join(binDirectory, "admin.js"), "utf8");
    expect(main).toContain('import("./admin.js")');
    expect(main).not.toContain("QueueAdmin");
    expect(admin).toContain("QueueAdmin");
    const help = await runBin(await mkdtemp(join(tmpdir(), "unwrapped-cli-home-")), ["admin", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("unwrapped admin queue");
  });

  it("fails in one clear line before login, on a dead server, and on an unknown command; helps", async () => {
    const [whoami, analyze, unreachable, unknown, unknownFlag, help, analyzeHelp, badTone] =
      await Promise.all([
        cli("whoami"),
        cli("analyze", "--json"),
        cli("login", "--server", "http://127.0.0.1:1", "--persona", "metalhead"),
        cli("frobnicate"),
        cli("history", "--all"),
        cli("--help"),
        cli("analyze", "--help"),
        cli("analyze", "--tone", "shouty"),
      ]);
    for (const run of [whoami, analyze]) {
      expect(run).toMatchObject({
        code: 1,
        stdout: "",
        stderr: "Not signed in. Run `unwrapped login` first.\n",
      });
    }
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(
      "Cannot reach the unwrapped server at http://127.0.0.1:1 — is it running?\n",
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'Unknown command "frobnicate". Run `unwrapped --help` for the list of commands.\n',
    );
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain("Unknown option --all for `unwrapped history`.");
    for (const run of [whoami, analyze, unreachable, unknown, unknownFlag]) {
      expect(run.stderr.trimEnd().split("\n")).toHaveLength(1); // no stack traces
    }
    expect(help.code).toBe(0);
    for (const command of [
      "login",
      "analyze",
      "result",
      "history",
      "share",
      "whoami",
      "logout",
      "personas",
    ]) {
      expect(help.stdout).toContain(`  ${command}`);
    }
    expect(analyzeHelp).toMatchObject({ code: 0, stderr: "" });
    expect(analyzeHelp.stdout).toContain("Usage: unwrapped analyze [--fresh] [--json]");
    expect(analyzeHelp.stdout).toContain("--tone TONE");
    expect(badTone).toMatchObject({ code: 2, stdout: "" });
    expect(badTone.stderr).toContain('--tone takes gentle, balanced or savage, not "shouty".');
  });

  it("prints its version", async () => {
    const manifest = JSON.parse(
      await readFile(new URL("../../../cli/package.json", import.meta.url), "utf8"),
    );
    for (const flag of ["--version", "-v"]) {
      expect(await cli(flag)).toEqual({ code: 0, stdout: `unwrapped ${manifest.version}\n`, stderr: "" });
    }
  });

  it("lists the demo listeners, and names them when a persona is unknown", async () => {
    const personas = await cli("personas", "--server", server.url);
    expect(personas).toMatchObject({ code: 0, stderr: "" });
    expect(personas.stdout).toMatch(new RegExp(`^Demo listeners on ${server.url}:\n`));
    for (const id of ["indie-obscurist", "metalhead", "new-listener", "seed:<n>"]) {
      expect(personas.stdout).toContain(`\n${id}`);
    }
    for (const line of personas.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    const json = JSON.parse((await cli("personas", "--json", "--server", server.url)).stdout);
    expect(json).toContainEqual({
      id: "metalhead",
      displayName: expect.any(String),
      description: expect.any(String),
    });

    const unknown = await cli("login", "--server", server.url, "--persona", "nobody-at-all");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toContain(
      `Unknown persona "nobody-at-all". The server at ${server.url} is in demo mode`,
    );
    for (const id of json.map((persona: { id: string }) => persona.id)) expect(unknown.stderr).toContain(id);
    expect(unknown.stderr).toContain("`unwrapped personas` describes them.");
  });

  it("signs in, analyses, shows results, history and the share link, revokes it, and logs out", async () => {
    const login = await cli("login", "--server", server.url, "--persona", "metalhead");
    expect(login).toMatchObject({ code: 0, stderr: "" });
    expect(login.stdout).toMatch(new RegExp(`^Signed in to ${server.url} as .+\\.\\n$`));
    expect((await stat(credentialsPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "config", "unwrapped"))).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(await readFile(credentialsPath, "utf8"));
    expect(stored).toMatchObject({ server: server.url, accessToken: expect.any(String) });

    const whoami = await cli("whoami"); // the server comes from the stored credentials
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toContain(`Signed in to ${server.url} as `);

    const analyze = await cli("analyze");
    expect(analyze.code).toBe(0);
    const progressLines = analyze.stderr.trimEnd().split("\n");
    for (const line of progressLines)
      expect(line).toMatch(/^(queued|collecting|profiling|judging|saving|done) \d+%$/);
    expect(progressLines.at(-1)).toBe("done 100%");
    expect(analyze.stdout).toMatch(/^[A-Z0-9&'-]+( [A-Z0-9&'-]+){1,3}\n/);
    expect(analyze.stdout).toMatch(/Critical acclaim +[█░]+ +\d+%/);

    const json = await cli("analyze", "--json");
    expect(json).toMatchObject({ code: 0, stderr: "" });
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({
      label: expect.any(String),
      description: expect.any(String),
      shareUrl: `${server.url}/s/${result.shareToken}`,
    });
    expect(analyze.stdout.startsWith(`${result.label}\n`)).toBe(true);
    for (const line of analyze.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);

    const shown = await cli("result");
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(result.label);
    expect(shown.stdout).toContain(`Share: ${result.shareUrl}`);

    const history = await cli("history");
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^DATE \(UTC\) +STATUS +LABEL\n/);
    expect(history.stdout).toMatch(
      new RegExp(`\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +completed +${result.label}`),
    );

    const share = await cli("share");
    expect(share).toMatchObject({ code: 0, stdout: `${result.shareUrl}\n` });
    const revoke = await cli("share", "--revoke");
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain("no longer works");
    const page = await fetch(result.shareUrl);
    expect(page.status).toBe(404);
    await page.body?.cancel();

    const before = JSON.parse(await readFile(credentialsPath, "utf8"));
    const logout = await cli("logout");
    expect(logout).toMatchObject({ code: 0, stdout: `Signed out of ${server.url}.\n` });
    await expect(stat(credentialsPath)).rejects.toMatchObject({ code: "ENOENT" });
    const refresh = createClient({ url: server.url }).auth.refresh.mutate({
      refreshToken: before.refreshToken,
    });
    expect(await refresh.catch(errorCode)).toBe("UNAUTHORIZED");
  });

  it("renews an expired access token by itself and saves the rotated tokens", async () => {
    expect((await cli("login", "--server", server.url, "--persona", "chart-pop")).code).toBe(0);
    const before = JSON.parse(await readFile(credentialsPath, "utf8"));
    clock.advance(16 * 60_000);
    const whoami = await cli("whoami");
    expect(whoami.code).toBe(0);
    const after = JSON.parse(await readFile(credentialsPath, "utf8"));
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect((await stat(credentialsPath)).mode & 0o777).toBe(0o600);

    await createClient({ url: server.url }).auth.logout.mutate({ refreshToken: after.refreshToken });
    clock.advance(16 * 60_000);
    const ended = await cli("whoami");
    expect(ended).toMatchObject({
      code: 1,
      stderr: "Your session has ended. Run `unwrapped login` to sign in again.\n",
    });
  });
});

describe("two CLI commands started at once with an expired token", () => {
  const clock = new ManualClock(new Date());
  let server: TestServer;
  let home: string;
  beforeAll(async () => {
    server = await startTestServer({ clock });
    home = await mkdtemp(join(tmpdir(), "unwrapped-cli-race-"));
  });
  afterAll(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  async function run(...args: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runCli(args, {
      io: {
        stdout: { write: (text: string) => stdout.push(text) },
        stderr: { write: (text: string) => stderr.push(text) },
      },
      env: { configDirectory: join(home, "unwrapped"), server: undefined, noColor: true },
    });
    return { code, stdout: stdout.join(""), stderr: stderr.join("") };
  }

  it("refresh once between them, so the session survives (a refresh token presented twice ends it)", async () => {
    expect((await run("login", "--server", server.url, "--persona", "metalhead")).code).toBe(0);
    const path = join(home, "unwrapped", "credentials.json");
    const stored = JSON.parse(await readFile(path, "utf8"));
    clock.advance(16 * 60_000);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path, JSON.stringify({ ...stored, accessTokenExpiresAt: new Date(0).toISOString() }));
    const results = await Promise.all([run("whoami"), run("whoami"), run("whoami")]);
    for (const result of results) expect(result).toMatchObject({ code: 0, stderr: "" });
    const after = JSON.parse(await readFile(path, "utf8"));
    expect(after.refreshToken).not.toBe(stored.refreshToken);
    expect((await run("whoami")).code).toBe(0);
  });
});

describe("the CLI against a server that is not in demo mode", () => {
  let server: TestServer;
  let home: string;
  beforeAll(async () => {
    server = await startTestServer({
      env: { SPOTIFY_CLIENT_ID: "a-real-client-id", SPOTIFY_CLIENT_SECRET: "a-real-client-secret" },
    });
    home = await mkdtemp(join(tmpdir(), "unwrapped-cli-real-"));
  });
  afterAll(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  it("says there are no personas, for `personas` and for `login --persona`, without calling Spotify", async () => {
    const [personas, login] = await Promise.all([
      runBin(home, ["personas", "--server", server.url]),
      runBin(home, ["login", "--server", server.url, "--persona", "metalhead"]),
    ]);
    expect(personas).toEqual({
      code: 1,
      stdout: "",
      stderr:
        `The server at ${server.url} is not in demo mode (it signs in with the real Spotify), so it has no demo ` +
        "listeners. Sign in with `unwrapped login` in your browser.\n",
    });
    expect(login.code).toBe(1);
    expect(login.stderr).toBe(
      `The server at ${server.url} is not in demo mode (it signs in with the real Spotify), so there are no ` +
        "personas to sign in as: sign in through the browser instead.\n",
    );
  });
});

describe("Ctrl-C", () => {
  let server: TestServer;
  let home: string;
  beforeAll(async () => {
    // No worker yet: the analysis waits in the queue until the test lets a worker run it.
    server = await startTestServer({ env: { WORKER: "external" } });
    home = await mkdtemp(join(tmpdir(), "unwrapped-cli-interrupt-"));
  });
  afterAll(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  it("during analyze stops watching, says the analysis goes on and how to see it, and exits 130", async () => {
    expect((await runBin(home, ["login", "--server", server.url, "--persona", "metalhead"])).code).toBe(0);
    const analyze = spawn(bin, ["analyze"], {
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, "config"), NO_COLOR: "1" },
    });
    let stderr = "";
    let stdout = "";
    analyze.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => analyze.once("exit", (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      analyze.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("queued 0%\n")) resolve();
      });
    });
    analyze.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stdout).toBe("");
    // No worker runs yet, so the watch says so before the progress line.
    expect(stderr).toBe(
      `${NO_WORKER_HINT}\n` +
        "queued 0%\nStopped watching. The analysis goes on on the server: run `unwrapped result` to see the " +
        "verdict when it is done (or `unwrapped analyze` to watch it again).\n",
    );

    const worker = server.services.createWorker();
    await worker.start();
    try {
      const watched = await runBin(home, ["analyze"]); // joins the same analysis and sees it finish
      expect(watched.code).toBe(0);
      const result = await runBin(home, ["result"]);
      expect(result.code).toBe(0);
      expect(result.stdout.split("\n")[0]).toBe(watched.stdout.split("\n")[0]);
      expect((await runBin(home, ["history"])).stdout.match(/completed/g)).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });

  it('during any other command ends it with "Interrupted." and exit code 130', async () => {
    const interrupt = new AbortController();
    const stderr: string[] = [];
    const code = await runCli(["login", "--server", server.url], {
      io: { stdout: { write: () => true }, stderr: { write: (text: string) => stderr.push(text) } },
      env: { configDirectory: join(home, "interrupted"), server: undefined, noColor: true },
      openBrowser: () => interrupt.abort(), // the browser "opens", and the person presses Ctrl-C
      interrupted: interrupt.signal,
    });
    expect(code).toBe(130);
    expect(stderr.at(-1)).toBe("Interrupted.\n");
  });
});

describe("browser sign-in through the loopback listener", () => {
  let server: TestServer;
  let home: string;
  beforeAll(async () => {
    server = await startTestServer();
    home = await mkdtemp(join(tmpdir(), "unwrapped-cli-browser-"));
  });
  afterAll(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  /** Does what a browser does with the login URL: one redirect at a time, approving (or cancelling) in the sandbox. */
  async function browse(loginUrl: string, choice: { persona: string } | "cancel"): Promise<void> {
    const login = await fetch(loginUrl, { redirect: "manual" });
    const authorize = new URL(login.headers.get("location") ?? "");
    const callback =
      choice === "cancel"
        ? `${server.url}/auth/spotify/callback?error=access_denied&state=${authorize.searchParams.get("state")}`
        : await fetch(`${authorize}&persona=${choice.persona}`, { redirect: "manual" }).then(
            (consent) => consent.headers.get("location") ?? "",
          );
    // A browser sends back the cookie the sign-in start set.
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(";")[0] ?? "")
      .join("; ");
    const back = await fetch(callback, { redirect: "manual", headers: { cookie } });
    const landing = await fetch(back.headers.get("location") ?? ""); // the CLI's listener on 127.0.0.1
    await landing.body?.cancel();
  }

  async function login(choice: { persona: string } | "cancel") {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const opened: string[] = [];
    const code = await runCli(["login", "--server", server.url], {
      io: {
        stdout: { write: (text: string) => stdout.push(text) },
        stderr: { write: (text: string) => stderr.push(text) },
      },
      env: { configDirectory: join(home, "unwrapped"), server: undefined, noColor: true },
      openBrowser: (url) => {
        opened.push(url);
        void browse(url, choice);
      },
      loginTimeoutMs: 10_000,
    });
    return { code, stdout: stdout.join(""), stderr: stderr.join(""), opened };
  }

  it("opens the login URL, prints it, and finishes when the browser comes back with a login code", async () => {
    const run = await login({ persona: "hip-hop-head" });
    expect(run.code).toBe(0);
    expect(run.opened).toHaveLength(1);
    const opened = new URL(run.opened[0] ?? "");
    expect(`${opened.origin}${opened.pathname}`).toBe(`${server.url}/auth/spotify/login`);
    expect(opened.searchParams.get("redirect_to")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(run.stderr).toContain(run.opened[0]);
    expect(run.stdout).toMatch(/^Signed in to .+ as .+\.\n$/);
    const stored = JSON.parse(await readFile(join(home, "unwrapped", "credentials.json"), "utf8"));
    await expect(
      createClient({ url: server.url, accessToken: stored.accessToken }).auth.me.query(),
    ).resolves.toMatchObject({
      id: stored.user.id,
    });
  });

  it("reports a sign-in cancelled in the browser", async () => {
    const run = await login("cancel");
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n").at(-1)).toBe(
      "Sign-in failed: the sign-in was cancelled on Spotify (access_denied).",
    );
  });
});
