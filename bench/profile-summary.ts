import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { renderTable } from "./tables.js";

/**
 * Summarises a V8 .cpuprofile (`node --cpu-prof`): self time grouped by package (express, @trpc/server,
 * jose and WebCrypto, drizzle-orm, postgres, superjson, zod, pino, our code, Node internals…) and the top
 * functions by self time.
 *
 *   pnpm exec tsx bench/profile-summary.ts <file.cpuprofile> [--requests N] [--top 25] [--window FROM:TO]
 *
 * With --requests, every figure is also given in microseconds per request. --window keeps only the samples
 * between two monotonic-clock timestamps in microseconds (`pnpm bench profile` prints the one of its load).
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  /** Microseconds on the monotonic clock (CLOCK_MONOTONIC on Linux, like process.hrtime). */
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Packages that make up "express" as a user sees it (express 5 and the modules it is built from). */
const EXPRESS_PACKAGES = new Set([
  "express",
  "router",
  "body-parser",
  "finalhandler",
  "on-finished",
  "parseurl",
  "path-to-regexp",
  "content-type",
  "type-is",
  "send",
  "serve-static",
  "accepts",
  "negotiator",
  "mime-types",
  "mime-db",
  "qs",
  "depd",
  "debug",
  "ms",
  "cookie",
  "cookie-signature",
  "encodeurl",
  "escape-html",
  "etag",
  "fresh",
  "http-errors",
  "statuses",
  "vary",
  "proxy-addr",
  "forwarded",
  "ipaddr.js",
  "range-parser",
  "content-disposition",
  "merge-descriptors",
  "raw-body",
  "iconv-lite",
  "bytes",
  "unpipe",
  "once",
  "wrappy",
  "media-typer",
  "setprototypeof",
  "toidentifier",
  "inherits",
  "safe-buffer",
  "safer-buffer",
  "is-promise",
  "es-errors",
  "side-channel",
  "object-inspect",
  "get-intrinsic",
  "call-bound",
  "call-bind-apply-helpers",
  "dunder-proto",
  "function-bind",
  "gopd",
  "has-symbols",
  "hasown",
  "math-intrinsics",
  "es-object-atoms",
  "es-define-property",
  "get-proto",
  "side-channel-list",
  "side-channel-map",
  "side-channel-weakmap",
]);

const PINO_PACKAGES = new Set([
  "pino",
  "sonic-boom",
  "pino-std-serializers",
  "thread-stream",
  "fast-redact",
  "@pinojs/redact",
  "quick-format-unescaped",
  "atomic-sleep",
  "on-exit-leak-free",
  "safe-stable-stringify",
  "real-require",
  "pino-abstract-transport",
  "process-warning",
]);
const SUPERJSON_PACKAGES = new Set(["superjson", "copy-anything", "is-what"]);
const JOSE_PACKAGES = new Set(["jose"]);

/** The npm package a file belongs to, from its path inside node_modules (the last one, for nested ones). */
function packageOf(url: string): string | null {
  const marker = "/node_modules/";
  const index = url.lastIndexOf(marker);
  if (index === -1) return null;
  const rest = url.slice(index + marker.length).split("/");
  const [first, second] = rest;
  if (!first) return null;
  return first.startsWith("@") && second ? `${first}/${second}` : first;
}

/** The group a function's self time is counted in. */
export function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === "") {
    if (functionName === "(garbage collector)") return "garbage collector";
    if (functionName === "(idle)") return "idle";
    if (functionName === "(program)") return "V8/native (program)";
    if (functionName === "(root)") return "idle";
    return "V8/native builtins";
  }
  if (url.startsWith("node:internal/crypto") || url.includes("webcrypto")) return "jose/webcrypto";
  if (url.startsWith("node:")) {
    const module = url.slice("node:".length).replace(/^internal\//, "");
    if (/^(http|_http|net|stream|streams|dns|tls|url|querystring|timers|buffer|events)/.test(module))
      return "node: http/net/streams/timers";
    return "node: other internals";
  }
  const name = packageOf(url);
  if (name === null) {
    const workspace = /\/(packages|apps)\/([^/]+)\//.exec(url);
    if (workspace) return `our code (@unwrapped/${workspace[2]})`;
    return "other";
  }
  if (EXPRESS_PACKAGES.has(name)) return "express";
  if (name.startsWith("@trpc/")) return name;
  if (JOSE_PACKAGES.has(name)) return "jose/webcrypto";
  if (name === "drizzle-orm") return "drizzle-orm";
  if (name === "postgres") return "postgres (postgres.js)";
  if (SUPERJSON_PACKAGES.has(name)) return "superjson";
  if (name === "zod") return "zod";
  if (PINO_PACKAGES.has(name)) return "pino";
  if (name === "tsx" || name === "esbuild" || name === "get-tsconfig") return "tsx (loader)";
  return name;
}

export interface GroupTotal {
  readonly group: string;
  readonly microseconds: number;
  readonly topFunctions: readonly { name: string; microseconds: number }[];
}

export interface ProfileSummary {
  readonly totalMicroseconds: number;
  /** Not idle: the time the process was running something. */
  readonly busyMicroseconds: number;
  readonly groups: readonly GroupTotal[];
  /**
   * Self time with Node internals and V8 builtins charged to the nearest caller that is a package or our
   * code (so the undici Request that tRPC's adapter builds counts for @trpc/server). GC stays apart.
   */
  readonly chargedGroups: readonly { group: string; microseconds: number }[];
  readonly functions: readonly { name: string; group: string; microseconds: number }[];
}

function functionLabel(frame: CallFrame): string {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) return name;
  const file = frame.url
    .replace(/^file:\/\//, "")
    .replace(/^.*\/node_modules\//, "")
    .replace(/^.*\/(packages|apps)\//, "$1/");
  return `${name} ${file}:${frame.lineNumber + 1}`;
}

/** A time window on the monotonic clock, in microseconds (e.g. process.hrtime.bigint() / 1000n). */
export interface ProfileWindow {
  readonly fromMicroseconds: number;
  readonly toMicroseconds: number;
}

const INTERNAL_GROUPS = new Set([
  "node: http/net/streams/timers",
  "node: other internals",
  "V8/native builtins",
]);

/** The group of the nearest frame, from this one up, that is not a Node internal or a V8 builtin. */
function chargedGroupOf(
  nodeId: number,
  frames: ReadonlyMap<number, CallFrame>,
  parents: ReadonlyMap<number, number>,
): string {
  const own = frames.get(nodeId);
  if (!own) return "other";
  const ownGroup = groupOf(own);
  if (!INTERNAL_GROUPS.has(ownGroup)) return ownGroup;
  for (let current = parents.get(nodeId); current !== undefined; current = parents.get(current)) {
    const frame = frames.get(current);
    if (!frame) break;
    const group = groupOf(frame);
    if (!INTERNAL_GROUPS.has(group) && group !== "idle") return group;
  }
  return ownGroup; // called from Node itself (the event loop, a socket callback)
}

/**
 * Self time per function and per group, from the samples and their time deltas; with `window`, only the
 * samples taken inside it (e.g. only while the load ran, without start-up and sign-in).
 */
export function summarizeProfile(profile: CpuProfile, window?: ProfileWindow): ProfileSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfByNode = new Map<number, number>();
  let timestamp = profile.startTime;
  profile.samples.forEach((nodeId, index) => {
    timestamp += profile.timeDeltas[index] ?? 0;
    if (window && (timestamp < window.fromMicroseconds || timestamp > window.toMicroseconds)) return;
    // timeDeltas[i] is the time before sample i; the time after it is the next delta.
    const delta = profile.timeDeltas[index + 1] ?? 0;
    selfByNode.set(nodeId, (selfByNode.get(nodeId) ?? 0) + Math.max(0, delta));
  });
  const byFunction = new Map<string, { group: string; microseconds: number }>();
  for (const [nodeId, microseconds] of selfByNode) {
    const frame = frames.get(nodeId);
    if (!frame) continue;
    const label = functionLabel(frame);
    const entry = byFunction.get(label) ?? { group: groupOf(frame), microseconds: 0 };
    entry.microseconds += microseconds;
    byFunction.set(label, entry);
  }
  const functions = [...byFunction.entries()]
    .map(([name, entry]) => ({ name, ...entry }))
    .sort((a, b) => b.microseconds - a.microseconds);
  const groups = new Map<
    string,
    { microseconds: number; functions: { name: string; microseconds: number }[] }
  >();
  for (const entry of functions) {
    const group = groups.get(entry.group) ?? { microseconds: 0, functions: [] };
    group.microseconds += entry.microseconds;
    group.functions.push({ name: entry.name, microseconds: entry.microseconds });
    groups.set(entry.group, group);
  }
  const totalMicroseconds = functions.reduce((total, entry) => total + entry.microseconds, 0);
  const idle = groups.get("idle")?.microseconds ?? 0;
  const charged = new Map<string, number>();
  for (const [nodeId, microseconds] of selfByNode) {
    const group = chargedGroupOf(nodeId, frames, parents);
    charged.set(group, (charged.get(group) ?? 0) + microseconds);
  }
  return {
    totalMicroseconds,
    busyMicroseconds: totalMicroseconds - idle,
    chargedGroups: [...charged.entries()]
      .map(([group, microseconds]) => ({ group, microseconds }))
      .sort((a, b) => b.microseconds - a.microseconds),
    groups: [...groups.entries()]
      .map(([group, entry]) => ({
        group,
        microseconds: entry.microseconds,
        topFunctions: entry.functions.slice(0, 3),
      }))
      .sort((a, b) => b.microseconds - a.microseconds),
    functions,
  };
}

/** The summary as markdown: groups (with µs per request when `requests` is given), then the top functions. */
export function renderProfileSummary(
  summary: ProfileSummary,
  options: { requests?: number; top?: number; unit?: string } = {},
): string {
  const unit = options.unit ?? "request";
  const units = unit === "analysis" ? "analyses" : `${unit}s`;
  const perRequest = (microseconds: number) =>
    options.requests ? (microseconds / options.requests).toFixed(1) : "";
  const share = (microseconds: number) => `${((microseconds / summary.busyMicroseconds) * 100).toFixed(1)} %`;
  const busyGroups = summary.groups.filter((group) => group.group !== "idle");
  const groupsTable = renderTable({
    headers: [
      "group",
      "self ms",
      "% of busy",
      ...(options.requests ? [`µs/${unit}`] : []),
      "top functions (self ms)",
    ],
    rows: busyGroups.map((group) => [
      group.group,
      (group.microseconds / 1000).toFixed(0),
      share(group.microseconds),
      ...(options.requests ? [perRequest(group.microseconds)] : []),
      group.topFunctions
        .map((entry) => `${entry.name} (${(entry.microseconds / 1000).toFixed(0)})`)
        .join("; "),
    ]),
  });
  const chargedTable = renderTable({
    headers: [
      "group (Node/V8 internals charged to their caller)",
      "ms",
      "% of busy",
      ...(options.requests ? [`µs/${unit}`] : []),
    ],
    rows: summary.chargedGroups
      .filter((group) => group.group !== "idle")
      .map((group) => [
        group.group,
        (group.microseconds / 1000).toFixed(0),
        share(group.microseconds),
        ...(options.requests ? [perRequest(group.microseconds)] : []),
      ]),
  });
  const functionsTable = renderTable({
    headers: ["function", "group", "self ms", "% of busy", ...(options.requests ? [`µs/${unit}`] : [])],
    rows: summary.functions
      .filter((entry) => entry.group !== "idle")
      .slice(0, options.top ?? 25)
      .map((entry) => [
        entry.name,
        entry.group,
        (entry.microseconds / 1000).toFixed(0),
        share(entry.microseconds),
        ...(options.requests ? [perRequest(entry.microseconds)] : []),
      ]),
  });
  return [
    `Profiled ${(summary.totalMicroseconds / 1e6).toFixed(1)} s, busy ${(summary.busyMicroseconds / 1e6).toFixed(1)} s` +
      (options.requests
        ? ` over ${options.requests} ${units} (${(summary.busyMicroseconds / options.requests).toFixed(0)} µs busy per ${unit})`
        : ""),
    "",
    "Self time by group:",
    "",
    groupsTable,
    "",
    "The same with the time of Node internals and V8 builtins charged to the package (or our code) that called them:",
    "",
    chargedTable,
    "",
    `Top ${options.top ?? 25} functions by self time:`,
    "",
    functionsTable,
  ].join("\n");
}

function main(): void {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((argument) => argument !== "--"),
    options: { requests: { type: "string" }, top: { type: "string" }, window: { type: "string" } },
    allowPositionals: true,
  });
  const [file] = positionals;
  if (!file) {
    console.error(
      "usage: tsx bench/profile-summary.ts <file.cpuprofile> [--requests N] [--top 25] [--window FROM:TO]",
    );
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const [from, to] = (values.window ?? "").split(":").map(Number);
  const window = from && to ? { fromMicroseconds: from, toMicroseconds: to } : undefined;
  console.log(
    renderProfileSummary(summarizeProfile(profile, window), {
      ...(values.requests ? { requests: Number(values.requests) } : {}),
      ...(values.top ? { top: Number(values.top) } : {}),
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
