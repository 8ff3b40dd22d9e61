import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import type { Config } from "@unwrapped/config";
import type { Logger } from "@unwrapped/services";

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

/**
 * Spotify accepts http redirect URIs only for loopback IPs, so development on a LAN name needs https.
 * HTTPS_CERT_FILE/HTTPS_KEY_FILE serve a real certificate; HTTPS=self-signed makes one for the public
 * host into .data/ on first start and reuses it afterwards.
 */
export async function loadTls(config: Config, logger: Logger): Promise<TlsMaterial | null> {
  const https = config.server.https;
  if (https.mode === "off") return null;
  if (https.mode === "files") {
    return { cert: readFileSync(https.certFile, "utf8"), key: readFileSync(https.keyFile, "utf8") };
  }
  const host = new URL(config.server.publicUrl).hostname.replace(/^\[|\]$/g, "");
  const certFile = join(config.dataDir, `tls-${host}.crt`);
  const keyFile = join(config.dataDir, `tls-${host}.key`);
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
  }
  const now = new Date();
  // Loaded only here: its certificate libraries take a noticeable part of a start-up otherwise.
  const { generate } = await import("selfsigned");
  const generated = await generate([{ name: "commonName", value: host }], {
    keyType: "ec",
    curve: "P-256",
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          isIP(host) ? { type: 7, ip: host } : { type: 2, value: host },
          ...(host === "localhost" ? [] : [{ type: 2 as const, value: "localhost" }]),
          ...(host === "127.0.0.1" ? [] : [{ type: 7 as const, ip: "127.0.0.1" }]),
        ],
      },
    ],
  });
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, generated.private, { mode: 0o600 });
  writeFileSync(certFile, generated.cert, { mode: 0o644 });
  logger.info(
    { certFile },
    "generated a self-signed certificate; your browser will ask you to trust it once",
  );
  return { cert: generated.cert, key: generated.private };
}
