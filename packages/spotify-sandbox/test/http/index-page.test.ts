import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/http/html-page.js";
import { renderIndexPage } from "../../src/http/index-page.js";
import { createSandbox, type RunningSandbox, startSandbox } from "../../src/index.js";
import { CLIENT_ID, CLIENT_SECRET } from "../sign-in.js";

const WEB_API_PATHS = [
  "/api/v1/me",
  "/api/v1/me/top/artists",
  "/api/v1/me/top/tracks",
  "/api/v1/me/player/recently-played",
];

describe("the index page, mounted as in demo mode", () => {
  const sandbox = createSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    const app = express();
    app.use("/sandbox/spotify", sandbox.router);
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("answers the mount root, with and without the trailing slash, as an HTML page", async () => {
    for (const path of ["/sandbox/spotify/", "/sandbox/spotify"]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(await response.text()).toContain("<h1>A local Spotify</h1>");
    }
  });

  it("lists the endpoints under the mount path and every persona with its description", async () => {
    const page = await (await fetch(`${origin}/sandbox/spotify`)).text();
    expect(page).toContain("<code>/sandbox/spotify/accounts/authorize</code>");
    expect(page).toContain("<code>/sandbox/spotify/accounts/api/token</code>");
    for (const path of WEB_API_PATHS) expect(page).toContain(`<code>/sandbox/spotify${path}</code>`);
    expect(sandbox.personas.length).toBeGreaterThanOrEqual(7);
    for (const persona of sandbox.personas) {
      expect(page).toContain(`<span class="id">${escapeHtml(persona.id)}</span>`);
      expect(page).toContain(escapeHtml(persona.displayName));
      expect(page).toContain(escapeHtml(persona.description));
    }
    expect(page).toContain("persona=indie-obscurist");
    expect(page).toContain("seed:&lt;n&gt;");
  });

  it("links the persona list, which answers JSON, while unknown paths stay a JSON 404", async () => {
    const page = await (await fetch(`${origin}/sandbox/spotify/`)).text();
    expect(page).toContain('<a href="/sandbox/spotify/personas">');
    const personas = await fetch(`${origin}/sandbox/spotify/personas`);
    expect(await personas.json()).toEqual(sandbox.personas);
    const missing = await fetch(`${origin}/sandbox/spotify/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { status: 404, message: "Not found" } });
  });
});

describe("the index page of a sandbox on its own server", () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it("shows paths from the server's root and the registered client id", async () => {
    const page = await (await fetch(`${sandbox.url}/`)).text();
    expect(page).toContain("<code>/accounts/authorize</code>");
    expect(page).toContain("<code>/api/v1/me</code>");
    expect(page).toContain(`<code>${CLIENT_ID}</code>`);
    expect(page).not.toContain(CLIENT_SECRET);
  });
});

describe("renderIndexPage", () => {
  it("escapes every value it shows", () => {
    const page = renderIndexPage({
      basePath: '/m"><img src=x>',
      clientId: "<b>client</b>",
      personas: [
        {
          id: "x'><script>1</script>",
          displayName: "<script>alert(1)</script>",
          description: 'Loves "&" and <i>italics</i>',
        },
      ],
    });
    expect(page).not.toMatch(/<script|<img|<b>|<i>/);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("Loves &quot;&amp;&quot; and &lt;i&gt;italics&lt;/i&gt;");
    expect(page).toContain('<a href="/m&quot;&gt;&lt;img src=x&gt;/personas">');
    expect(page).toContain("<code>&lt;b&gt;client&lt;/b&gt;</code>");
  });
});
