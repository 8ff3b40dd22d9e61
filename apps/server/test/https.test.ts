import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@unwrapped/services/testing";
import { Agent, fetch as undiciFetch } from "undici";
import { describe, expect, it } from "vitest";
import { startTestServer, TEST_REDIRECT } from "./support/test-server.js";

describe("HTTPS for development", () => {
  it("generates a self-signed certificate once, serves https with it, and signs in over it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "unwrapped-https-"));
    const port = await freePort();
    const env = {
      HTTPS: "self-signed",
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_URL: `https://127.0.0.1:${port}`,
    };
    const server = await startTestServer({ env });
    const certFile = join(dataDir, "tls-127.0.0.1.crt");
    const keyFile = join(dataDir, "tls-127.0.0.1.key");
    let certificate: string;
    try {
      expect(server.url).toBe(`https://127.0.0.1:${port}`);
      certificate = readFileSync(certFile, "utf8");
      expect(certificate).toContain("BEGIN CERTIFICATE");
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const dispatcher = new Agent({ connect: { ca: certificate } });
      const get = (url: string) => undiciFetch(url, { dispatcher, redirect: "manual" });

      expect(await (await get(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow(); // untrusted without the certificate
      const login = await get(
        `${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(TEST_REDIRECT)}`,
      );
      const authorize = new URL(login.headers.get("location") ?? "");
      expect(authorize.protocol).toBe("https:");
      authorize.searchParams.set("persona", "metalhead");
      const consent = await get(authorize.toString());
      const [bindingCookie = ""] = login.headers.getSetCookie();
      expect(bindingCookie).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
      const callback = await undiciFetch(consent.headers.get("location") ?? "", {
        dispatcher,
        redirect: "manual",
        headers: { cookie: bindingCookie.split(";")[0] ?? "" },
      });
      const landed = new URL(callback.headers.get("location") ?? "");
      expect(landed.searchParams.get("login_code")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await server.close();
    }

    const again = await startTestServer({ env });
    try {
      expect(readFileSync(certFile, "utf8")).toBe(certificate); // reused, not regenerated
    } finally {
      await again.close();
    }

    const filesPort = await freePort();
    const withFiles = await startTestServer({
      env: {
        HTTPS_CERT_FILE: certFile,
        HTTPS_KEY_FILE: keyFile,
        PORT: String(filesPort),
        PUBLIC_URL: `https://127.0.0.1:${filesPort}`,
      },
    });
    try {
      const dispatcher = new Agent({ connect: { ca: certificate } });
      const response = await undiciFetch(`${withFiles.url}/healthz`, { dispatcher });
      expect(response.status).toBe(200);
    } finally {
      await withFiles.close();
    }
  });
});
