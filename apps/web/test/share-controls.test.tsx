// @vitest-environment happy-dom
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ShareControls } from "../src/components/share-controls";
import { downloadStoryImage, storyFileName } from "../src/story-image";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const SHARE_URL = "http://127.0.0.1:8000/s/tok123";
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function controls(overrides: Partial<Parameters<typeof ShareControls>[0]> = {}) {
  const calls: string[] = [];
  const props = {
    shareUrl: SHARE_URL,
    label: "Devoted Metal Crate-Digger",
    onRevoke: async () => {
      calls.push("revoke");
    },
    onRotate: async () => {
      calls.push("rotate");
    },
    onDownload: async () => {
      calls.push("download");
    },
    ...overrides,
  };
  return { calls, props };
}

describe("ShareControls", () => {
  it("shows the share link as text and copies it", async () => {
    const user = userEvent.setup();
    const { props } = controls();
    render(<ShareControls {...props} />);
    const link = screen.getByRole("link", { name: SHARE_URL });
    expect(link.getAttribute("href")).toBe(SHARE_URL);
    await user.click(screen.getByRole("button", { name: "Copy share link" }));
    await screen.findByText("Share link copied.");
    expect(await navigator.clipboard.readText()).toBe(SHARE_URL);
  });

  it("turns sharing off and makes a new link through its callbacks, saying what happened", async () => {
    const user = userEvent.setup();
    const { calls, props } = controls();
    const { rerender } = render(<ShareControls {...props} />);
    await user.click(screen.getByRole("button", { name: "Turn off sharing" }));
    await screen.findByText(/Sharing is off: the old link no longer works/);
    rerender(<ShareControls {...props} shareUrl={null} />);
    expect(screen.queryByRole("link")).toBeNull();
    expect(screen.queryByRole("button", { name: "Copy share link" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "New share link" }));
    await screen.findByText(/A new share link is ready/);
    expect(calls).toEqual(["revoke", "rotate"]);
  });

  it("shows a failure in words", async () => {
    const user = userEvent.setup();
    const { props } = controls({
      onRotate: async () => {
        throw new Error("You are making new links too fast. Try again in a minute.");
      },
    });
    render(<ShareControls {...props} />);
    await user.click(screen.getByRole("button", { name: "New share link" }));
    expect((await screen.findByText(/too fast/)).className).toContain("error");
  });

  it("offers the device's share sheet only where the browser has one", async () => {
    const { props } = controls();
    render(<ShareControls {...props} />);
    expect(screen.queryByRole("button", { name: "Share…" })).toBeNull();
    cleanup();
    const share = vi.fn(async () => undefined);
    Object.defineProperty(navigator, "share", { value: share, configurable: true });
    try {
      render(<ShareControls {...props} />);
      await userEvent.setup().click(screen.getByRole("button", { name: "Share…" }));
      expect(share).toHaveBeenCalledWith({
        title: "My music verdict: Devoted Metal Crate-Digger",
        url: SHARE_URL,
      });
    } finally {
      Reflect.deleteProperty(navigator, "share");
    }
  });
});

describe("Download story image", () => {
  let server: Server;
  let origin: string;
  const requests: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
  beforeAll(async () => {
    // The story image route on a real loopback server (CORS open: the test page has another origin).
    server = createServer((request, response) => {
      response.setHeader("access-control-allow-origin", "*");
      response.setHeader("access-control-allow-headers", "authorization");
      if (request.method === "OPTIONS") {
        response.writeHead(204).end();
        return;
      }
      requests.push({ url: request.url, headers: request.headers });
      if (request.headers.authorization === "Bearer expired") {
        response.writeHead(401).end();
        return;
      }
      if (request.url?.includes("missing")) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": "image/png" }).end(PNG);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("requests /analysis/:id/story.png with the bearer token and hands the PNG over as a file", async () => {
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
    const user = userEvent.setup();
    const { props } = controls({
      onDownload: () =>
        downloadStoryImage({
          origin,
          analysisId: "4f0c1d9e-7a6b-4c3d-8e2f-1a2b3c4d5e6f",
          accessToken: "access-token-1",
          fileName: storyFileName("Devoted Metal Crate-Digger"),
        }),
    });
    render(<ShareControls {...props} />);
    await user.click(screen.getByRole("button", { name: "Download story image" }));
    await screen.findByText("Story image downloaded.");

    const request = requests.at(-1);
    expect(request?.url).toBe("/analysis/4f0c1d9e-7a6b-4c3d-8e2f-1a2b3c4d5e6f/story.png");
    expect(request?.headers.authorization).toBe("Bearer access-token-1");
    expect(clicked).toHaveLength(1);
    expect(clicked[0]?.download).toBe("unwrapped-devoted-metal-crate-digger.png");
    expect(clicked[0]?.href).toMatch(/^blob:/);
    expect(document.querySelector("a[download]")).toBeNull(); // the helper link is gone again
  });

  it("renews an expired access token once and retries with the new one", async () => {
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    let renewals = 0;
    await downloadStoryImage({
      origin,
      analysisId: "4f0c1d9e-7a6b-4c3d-8e2f-1a2b3c4d5e6f",
      accessToken: "expired",
      renew: async () => {
        renewals++;
        return "access-token-2";
      },
      fileName: "x.png",
    });
    expect(renewals).toBe(1);
    expect(requests.slice(-2).map((request) => request.headers.authorization)).toEqual([
      "Bearer expired",
      "Bearer access-token-2",
    ]);
  });

  it("says so when the image is not there", async () => {
    const user = userEvent.setup();
    const { props } = controls({
      onDownload: () =>
        downloadStoryImage({ origin, analysisId: "missing", accessToken: "t", fileName: "x.png" }),
    });
    render(<ShareControls {...props} />);
    await user.click(screen.getByRole("button", { name: "Download story image" }));
    await screen.findByText("The story image is not available for this verdict.");
  });
});
