// Generates rest-api.d.ts, the types of the REST API, from a server's OpenAPI document with
// openapi-typescript; `--check` exits 1 when the committed file differs from what the server documents.
//   node --import tsx rest-types.ts [server] [--check]
import { readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

const args = process.argv.slice(2);
const check = args.includes("--check");
const url =
  args.find((arg) => !arg.startsWith("--")) ?? process.env.UNWRAPPED_SERVER ?? "http://127.0.0.1:8000";
const target = new URL("rest-api.d.ts", import.meta.url);

const generated = COMMENT_HEADER + astToString(await openapiTS(new URL("/api/openapi.json", url)));
if (!check) {
  await writeFile(target, generated);
} else if ((await readFile(target, "utf8")) !== generated) {
  console.error(
    `rest-api.d.ts differs from what ${url} documents: run node --import tsx rest-types.ts ${url}`,
  );
  process.exitCode = 1;
}
