// The verdict journey over REST with a client generated from the OpenAPI document (openapi-typescript
// types in rest-api.d.ts, openapi-fetch): sign in a demo persona, begin, poll the status, read the result.
//   node --import tsx rest-verdict.ts [persona] [server]
import createClient from "openapi-fetch";
import type { paths } from "./rest-api.js";

const [persona = "metalhead", server = process.env.UNWRAPPED_SERVER || "http://127.0.0.1:8000"] =
  process.argv.slice(2);

/**
 * Sign-in as a browser does it, one redirect at a time, keeping the cookie the sign-in start sets (the
 * callback checks it: the state belongs to the client that started); the sandbox approves a `persona`
 * at once.
 */
async function loginCode(): Promise<string> {
  const cookies: string[] = [];
  const redirect = async (url: string | URL) => {
    const sameServer = new URL(url).origin === new URL(server).origin;
    const headers = sameServer && cookies.length > 0 ? { cookie: cookies.join("; ") } : undefined;
    const response = await fetch(url, { redirect: "manual", ...(headers ? { headers } : {}) });
    if (sameServer) {
      for (const setCookie of response.headers.getSetCookie()) cookies.push(setCookie.split(";")[0] ?? "");
    }
    return response.headers.get("location") ?? "";
  };
  const authorize = new URL(await redirect(`${server}/auth/spotify/login`));
  authorize.searchParams.set("persona", persona);
  const landed = new URL(await redirect(await redirect(authorize)));
  const code = landed.searchParams.get("login_code");
  if (!code) throw new Error(`Sign-in failed: ${landed.searchParams.get("error") ?? "no login code"}`);
  return code;
}

const api = createClient<paths>({ baseUrl: `${server}/api/v1` });
const fail = (error: { code: string; message: string }): never => {
  throw new Error(`${error.code}: ${error.message}`);
};

try {
  const session = (await api.POST("/auth/exchange", { body: { code: await loginCode() } })).data;
  if (!session) throw new Error("The login code was refused.");
  const headers = { authorization: `Bearer ${session.accessToken}` };
  const begun = await api.POST("/analysis/begin", { headers, body: {} });
  let status = begun.data ?? fail(begun.error);
  while (status.status === "pending" || status.status === "processing") {
    console.log(`${status.stage} ${Math.round(status.progress * 100)}%`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const polled = await api.GET("/analysis/status", {
      headers,
      params: { query: { analysisId: status.analysisId } },
    });
    status = polled.data ?? fail(polled.error);
  }
  if (status.status === "failed") throw new Error(`The analysis failed: ${status.error?.message}`);
  const result = await api.GET("/analysis/result", {
    headers,
    params: { query: { analysisId: status.analysisId } },
  });
  const verdict = result.data ?? fail(result.error);
  console.log(
    `\n${verdict.label} (analysed ${new Date(verdict.analyzedAt).toISOString()})\n\n${verdict.description}\n\nShare it: ${verdict.shareUrl}`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
