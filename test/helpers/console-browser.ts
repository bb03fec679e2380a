import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect } from "chai";
import { chromium, type Browser, type BrowserContext, type Page, type Request } from "playwright-core";
import { buildConsoleIfStale } from "../../scripts/console-build";
import { findFreePort } from "../../server/platform/net/free-port";
import { http } from "./http";
import { spawnService, waitUntilServing, type ServiceProcess } from "./service-process";

export const CHROMIUM = "/usr/bin/chromium";
const OUTPUT = path.resolve(__dirname, "../../test-output");
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** One service started as `npm start` starts it (console built if stale) and one Chromium, per test file. */
export interface ConsoleRig {
  baseUrl: string;
  adminKey: string;
  browser: Browser;
  service: ServiceProcess;
  dataDir: string;
}

/** `env`: extra configuration for the service (e.g. `ANCHOR_WORKER: "false"` to keep events unanchored). */
export async function startConsoleRig(name: string, env: Record<string, string> = {}): Promise<ConsoleRig> {
  buildConsoleIfStale();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `ecotrace-e2e-${name}-`));
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const service = spawnService({ ...env, DATA_DIR: dataDir, PORT: String(port), PUBLIC_BASE_URL: baseUrl });
  await waitUntilServing(service);
  const adminKey = fs.readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
  const browser = await launchChromium();
  fs.mkdirSync(OUTPUT, { recursive: true });
  return { baseUrl, adminKey, browser, service, dataDir };
}

/** Debian's chromium, headless, without the background traffic that slows a loaded machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Skips the calling hook's tests, saying why, where Debian's chromium is not installed. */
export function skipWithoutChromium(context: Mocha.Context): void {
  if (fs.existsSync(CHROMIUM)) return;
  console.log(`    skipped: ${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run installs it)`);
  context.skip();
}

/**
 * The rig of a browser test file: started before its tests (which are skipped where chromium is
 * missing) and stopped after them. The returned object's fields are filled in once it has started,
 * so the file's own `before` hooks, registered after this call, can use it.
 */
export function useConsoleRig(name: string, env: Record<string, string> = {}): ConsoleRig {
  const rig = {} as ConsoleRig;
  let started = false;
  before(async function () {
    skipWithoutChromium(this);
    Object.assign(rig, await startConsoleRig(name, env));
    started = true;
  });
  after(() => (started ? stopConsoleRig(rig) : undefined));
  return rig;
}

export async function stopConsoleRig(rig: ConsoleRig | undefined): Promise<void> {
  if (!rig) return;
  await rig.browser.close();
  if (rig.service.child.exitCode === null) {
    rig.service.child.kill("SIGTERM");
    await rig.service.exited;
  }
  fs.rmSync(rig.dataDir, { recursive: true, force: true });
}

export async function apiAs(rig: ConsoleRig, key: string, method: string, route: string, json?: unknown) {
  const response = await http(rig.baseUrl, method, route, { key, json });
  expect(response.status, `${method} ${route}: ${response.text}`).to.be.within(200, 299);
  return response.body;
}

/** An organization (created by the admin's API key) with one console member who chose a password. */
export async function organizationWithMember(
  rig: ConsoleRig,
  name: string,
  roles: string[],
  email: string,
  extra: { address?: string } = {},
) {
  const org = await apiAs(rig, rig.adminKey, "POST", "/api/orgs", { name, roles, ...extra });
  const invited = await apiAs(rig, org.apiKey, "POST", `/api/organizations/${org.id}/members`, {
    email,
    name: email.split("@")[0],
    role: "admin",
  });
  const password = `correct horse battery ${email}`;
  await apiAs(rig, org.apiKey, "POST", `/api/invitations/${invited.token}/accept`, { password });
  return { id: org.id as string, apiKey: org.apiKey as string, email, password };
}

/** A fresh browser context (no cookies) with every request the page sends recorded. */
export async function openConsole(rig: ConsoleRig, viewport = PHONE) {
  const context = await rig.browser.newContext({ viewport, deviceScaleFactor: 1, locale: "zh-CN" });
  const page = await context.newPage();
  const requests: Request[] = [];
  const problems: string[] = [];
  page.on("request", (request) => requests.push(request));
  // Name the code behind a CSP violation (the browser's own message does not).
  // (A script string: the test code is compiled without the DOM's types.)
  await page.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (event) =>
      console.error("CSP " + event.violatedDirective + " at " + event.sourceFile + ":" + event.lineNumber));`,
  });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    // A CSP violation or a React error shows up here; a 401 from GET /api/session does not count.
    if (message.type() === "error" && !/401|Unauthorized/.test(message.text())) problems.push(message.text());
  });
  await page.goto(`${rig.baseUrl}/console/`);
  return { context, page, requests, problems };
}

export async function logInThroughUi(page: Page, member: { email: string; password: string }): Promise<void> {
  await page.getByLabel("邮箱").fill(member.email);
  await page.getByLabel("密码").fill(member.password);
  await page.getByRole("button", { name: /登\s*录/ }).click();
  await page.getByRole("button", { name: "退出登录" }).waitFor();
}

export async function logOutThroughUi(page: Page): Promise<void> {
  await page.getByRole("button", { name: "退出登录" }).click();
  await page.getByLabel("邮箱").waitFor();
}

/** Goes to a console screen through its menu entry (the navigation a person uses). */
export async function openFromMenu(page: Page, label: string): Promise<void> {
  await page.getByRole("navigation").getByRole("link", { name: label }).click();
}

/** Resolves once no antd animation is under way (a fade read mid-way fails contrast checks and looks broken). */
export async function waitForAnimations(page: Page, timeoutMs = 20_000): Promise<void> {
  // antd animates messages in and out; axe reads colours mid-fade as too faint. An element in a
  // motion class is settled when it cannot be seen (opacity 0: a button's loading icon sometimes
  // stays in its leave state, its transitionend never comes) or when nothing animates it any more:
  // a transition cancelled half-way (the segmented control's thumb when the viewport changes under
  // it) leaves the class on for good, at its final style. Checked twice, 100 ms apart, since motion
  // classes come a frame before their transition starts.
  // (A function, not a string: the page's CSP forbids eval. Typed by hand: tests compile without the DOM.)
  await page.evaluate(() => {
    (globalThis as unknown as { __settledBefore?: boolean }).__settledBefore = false;
  });
  try {
    await page.waitForFunction(
      (selector) => {
        type Element = { style: { opacity: string }; getAnimations(): { playState: string }[] };
        const dom = globalThis as unknown as {
          document: { querySelectorAll(s: string): Iterable<Element> };
          getComputedStyle(element: Element): { opacity: string };
          __settledBefore?: boolean;
        };
        const now = [...dom.document.querySelectorAll(selector)].every(
          (element) =>
            dom.getComputedStyle(element).opacity === "0" ||
            element.getAnimations().every((animation) => animation.playState !== "running"),
        );
        const twice = now && dom.__settledBefore === true;
        dom.__settledBefore = now;
        return twice;
      },
      MOTION_CLASSES,
      { polling: 100, timeout: timeoutMs },
    );
  } catch (error) {
    throw new Error(`still animating after ${timeoutMs / 1000} s: ${await describeMotion(page)}`, {
      cause: error,
    });
  }
}

const MOTION_CLASSES = "[class*='-leave'], [class*='-enter'], [class*='-appear']";

/** The elements in a motion class, with opacity and running animations: what a timeout names. */
async function describeMotion(page: Page): Promise<string> {
  return page.evaluate((selector) => {
    type Element = { className: unknown; getAnimations(): { playState: string }[] };
    const dom = globalThis as unknown as {
      document: { querySelectorAll(s: string): Iterable<Element> };
      getComputedStyle(element: Element): { opacity: string };
    };
    return [...dom.document.querySelectorAll(selector)]
      .map(
        (element) =>
          `${String(element.className)} (opacity ${dom.getComputedStyle(element).opacity}, ` +
          `${
            element
              .getAnimations()
              .map((animation) => animation.playState)
              .join("/") || "no animation"
          })`,
      )
      .join("; ");
  }, MOTION_CLASSES);
}

/** axe-core on the current screen: no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await waitForAnimations(page);
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((violation) =>
    ["serious", "critical"].includes(violation.impact ?? ""),
  );
  expect(
    severe.map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target).join(" ")})`,
    ),
    `axe on ${screen}`,
  ).to.deep.equal([]);
  // Reflow (WCAG 1.4.10): on a phone every screen of the menu is on the screen, none past its edge.
  const pastTheEdge = await page.$$eval(".console-nav a", (links) =>
    links
      .filter((link) => link.getBoundingClientRect().right > link.ownerDocument.documentElement.clientWidth)
      .map((link) => link.textContent),
  );
  expect(pastTheEdge, `menu links past the right edge on ${screen}`).to.deep.equal([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: false });
}

const README_SCREENSHOTS = path.resolve(__dirname, "../../docs/console-screenshots");

/**
 * A role's main screen as the README shows it: phone width, into test-output/readme-<role>.png, and
 * with UPDATE_README_SCREENSHOTS=1 into docs/console-screenshots/<role>.png (committed: regenerate
 * them after a visible change, not on every run).
 */
export async function readmeScreenshot(page: Page, role: string): Promise<void> {
  const viewport = page.viewportSize();
  await page.setViewportSize(PHONE);
  // The screen settled: no list still loading, no toast, nothing fading.
  await page.locator(".ant-spin-spinning, .ant-message-notice").first().waitFor({ state: "detached" });
  await waitForAnimations(page);
  // The top of the screen, as a person opening it sees it. (A function: the page's CSP forbids eval.)
  await page.evaluate(() =>
    (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
  );
  const file = path.join(OUTPUT, `readme-${role}.png`);
  await page.screenshot({ path: file, fullPage: false });
  if (process.env.UPDATE_README_SCREENSHOTS === "1") {
    fs.mkdirSync(README_SCREENSHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(README_SCREENSHOTS, `${role}.png`));
  }
  if (viewport) await page.setViewportSize(viewport);
}

/** Chrome DevTools' "Fast 3G" preset: 562.5 ms latency, about 1.44 Mbit/s down, 675 kbit/s up. */
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: 188_743, uploadThroughput: 86_400 };

/**
 * Milliseconds from navigation until `ready` is visible, on simulated Fast 3G with an empty cache,
 * in a page of `context` (so with its session cookie); then, if given, until `handedOver` holds
 * (the app has taken over). Also the browser's first contentful paint. Figures to report.
 */
export async function firstScreenOnFast3g(
  context: BrowserContext,
  url: string,
  ready: (page: Page) => Promise<void>,
  handedOver?: (page: Page) => Promise<void>,
): Promise<{
  ms: number;
  bytes: number;
  firstContentfulPaintMs: number | null;
  handedOverMs: number | null;
}> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  let bytes = 0;
  cdp.on("Network.loadingFinished", (event) => (bytes += event.encodedDataLength));
  const started = Date.now();
  await page.goto(url, { waitUntil: "commit" });
  await ready(page);
  const ms = Date.now() - started;
  let handedOverMs: number | null = null;
  if (handedOver) {
    await handedOver(page);
    handedOverMs = Date.now() - started;
  }
  // Read last: the paint entry is recorded after the paint, which can come after `ready` holds.
  const firstContentfulPaintMs = await page.evaluate(
    `performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null`,
  );
  await page.close();
  return {
    ms,
    bytes,
    firstContentfulPaintMs:
      firstContentfulPaintMs === null ? null : Math.round(Number(firstContentfulPaintMs)),
    handedOverMs,
  };
}
