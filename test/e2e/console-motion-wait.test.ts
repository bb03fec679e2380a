import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { launchChromium, skipWithoutChromium, waitForAnimations } from "../helpers/console-browser";

// The console tests wait for antd's motion to end before axe and screenshots. CI once waited 30 s
// on the regulator screen for a motion class whose transition had been cancelled (the viewport
// changed under it): the class stayed on, the element fully visible and still.
describe("waiting for the console's animations (test helper, in Chromium)", function () {
  let browser: Browser;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    browser = await launchChromium();
    page = await browser.newPage();
  });
  after(async () => browser?.close());

  it("does not wait on a motion class left on an element that nothing animates any more", async () => {
    await page.setContent(`<div class="ant-segmented-thumb ant-segmented-thumb-motion-appear">中文</div>`);
    const started = Date.now();
    await waitForAnimations(page);
    expect(Date.now() - started).to.be.below(10_000);
  });

  it("waits until a fade under way has ended", async () => {
    await page.setContent(`
      <style>
        @keyframes fade { from { opacity: 0.1 } to { opacity: 1 } }
        .ant-message-move-up-appear { animation: fade 1.5s linear forwards; }
      </style>
      <div class="ant-message-move-up-appear">已保存</div>`);
    await waitForAnimations(page);
    // (Typed by hand: tests compile without the DOM.)
    const settled = await page.$eval(".ant-message-move-up-appear", (element) => {
      const fading = element as unknown as { getAnimations(): { playState: string }[] };
      const view = globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } };
      return {
        opacity: view.getComputedStyle(element).opacity,
        running: fading.getAnimations().filter((animation) => animation.playState === "running").length,
      };
    });
    expect(settled).to.deep.equal({ opacity: "1", running: 0 });
  });

  it("names what still moves when the motion never ends", async () => {
    await page.setContent(`
      <style>
        @keyframes pulse { from { opacity: 0.4 } to { opacity: 1 } }
        .ant-zoom-enter { animation: pulse 1s infinite alternate; }
      </style>
      <div class="ant-zoom-enter">…</div>`);
    const failure = await waitForAnimations(page, 1_000).then(
      () => "resolved",
      (error: Error) => error.message,
    );
    expect(failure).to.match(/still animating after 1 s: ant-zoom-enter \(opacity [\d.]+, running\)/);
  });
});
