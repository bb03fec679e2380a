import { expect } from "chai";
import {
  apiAs,
  DESKTOP,
  expectAccessible,
  firstScreenOnFast3g,
  logInThroughUi,
  logOutThroughUi,
  openConsole,
  openFromMenu,
  organizationWithMember,
  PHONE,
  readmeScreenshot,
  screenshot,
  useConsoleRig,
} from "../helpers/console-browser";
import { http } from "../helpers/http";
import type { Page } from "playwright-core";

/**
 * A co-operative's clerk on a phone: logs in, registers a harvest with the region picker down to
 * the township, records an inspection, sees it anchored, issues serials, offers the batch to a
 * processor (whose member accepts it in the inbox), checks a spreadsheet and imports it, logs out.
 * Everything through the UI; every result checked through the API.
 */
describe("console: producer journey in Chromium", function () {
  this.timeout(300_000);
  // Windows only when the test asks (anchors/run): with the 2 s default a loaded machine anchored
  // the new inspection before the page showed it pending.
  const rig = useConsoleRig("console-producer", { ANCHOR_INTERVAL_MS: "3600000" });

  it("registers, records, anchors, labels, transfers and imports through the UI, then logs out", async () => {
    const r = rig;
    const farm = await organizationWithMember(
      r,
      "安吉县溪龙乡白茶合作社",
      ["producer"],
      "clerk@xilong.example",
    );
    const mill = await organizationWithMember(r, "湖州茶厂", ["processor"], "mill@huzhou.example");
    const { context, page, problems } = await openConsole(r);

    await logInThroughUi(page, farm);
    await page.getByRole("heading", { name: "我的批次" }).waitFor();
    await expectAccessible(page, "batches (empty)");

    // Register a harvest: the picker goes province → city → county → township.
    await openFromMenu(page, "登记采收");
    await page.getByLabel("产品名称").fill("安吉白茶");
    await page.getByLabel("批号").fill("AJ-2026-101");
    await page.getByLabel("GTIN").fill("06901234567892");
    await page.getByLabel("产地（省 / 市 / 县 / 乡镇）").click();
    for (const name of ["浙江省", "湖州市", "安吉县", "溪龙乡"]) {
      await page
        .getByRole("menuitemcheckbox", { name })
        .or(page.getByTitle(name, { exact: true }))
        .first()
        .click();
    }
    await page.keyboard.press("Escape");
    await page.getByLabel("纬度").fill("30.6598");
    await page.getByLabel("经度").fill("119.6722");
    await page.getByLabel("采收日期").fill("2026-04-02");
    await page.keyboard.press("Enter");
    await page.getByLabel("数量", { exact: true }).fill("600");
    await expectAccessible(page, "register harvest");
    await screenshot(page, "console-producer-register-phone");
    await page.getByRole("button", { name: "登记批次" }).click();
    await page.getByRole("heading", { name: "安吉白茶 · AJ-2026-101" }).waitFor();

    const [batch] = (await apiAs(r, farm.apiKey, "GET", "/api/batches")).items;
    expect(batch.origin).to.deep.include({
      place: "安吉县溪龙乡",
      regionCode: "330523",
      harvestedAt: "2026-04-02",
    });
    expect(batch.origin.location).to.deep.equal({ lat: 30.6598, lon: 119.6722 });
    expect(batch.quantity).to.deep.equal({ value: 600, unit: "KGM" });
    await page.getByText("600 千克").first().waitFor();

    // Record an inspection with one lab result; it is pending until the next anchoring window.
    await page.getByLabel("检测机构").fill("浙江省农产品质量检测中心");
    await page.getByRole("button", { name: "添加检测项目" }).click();
    await page.getByLabel("检测项目").fill("水分");
    await page.getByLabel("结果", { exact: true }).fill("5.8");
    await page.getByLabel("单位", { exact: true }).fill("%");
    await page
      .getByRole("button", { name: "记 录" })
      .or(page.getByRole("button", { name: "记录", exact: true }))
      .click();
    await page.getByText("事件已记录").waitFor();
    const events = (await apiAs(r, farm.apiKey, "GET", `/api/batches/${batch.id}/events`)).items;
    expect(events.map((event: { type: string }) => event.type)).to.deep.equal([
      "commissioning",
      "inspecting",
    ]);
    expect(events[1].body.data).to.deep.include({ lab: "浙江省农产品质量检测中心" });
    expect(events[1].body.data.results).to.deep.equal([{ name: "水分", value: 5.8, unit: "%", pass: true }]);
    await page.getByText("待上链").first().waitFor();

    await apiAs(r, r.adminKey, "POST", "/api/anchors/run?wait=true", {});
    await page.reload();
    await page.getByRole("heading", { name: "溯源记录" }).waitFor();
    expect(await page.getByText("已上链").count()).to.equal(2);
    expect(await page.getByText("待上链").count()).to.equal(0);
    const consumerLink = await page.getByRole("link", { name: "打开消费者页面" }).getAttribute("href");
    expect(consumerLink).to.equal(batch.digitalLink);
    expect(
      await page
        .getByAltText("批次二维码")
        .evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth),
    ).to.be.above(0);

    // Item serials and the label sheet.
    await page.getByLabel("数量", { exact: true }).last().fill("5");
    await page.getByRole("button", { name: "生成单品码" }).click();
    await page.getByText("已生成 5 个单品码").waitFor();
    expect((await apiAs(r, farm.apiKey, "GET", `/api/batches/${batch.id}/serials`)).items).to.have.length(5);
    const labels = await context.request.get(
      await page
        .getByRole("link", { name: "打印标签（PDF）" })
        .getAttribute("href")
        .then((href) => `${r.baseUrl}${href}`),
    );
    expect(labels.headers()["content-type"]).to.match(/application\/pdf/);
    await expectAccessible(page, "batch detail");
    await screenshot(page, "console-producer-batch-phone");

    // Offer 200 kg to the mill, found by name.
    await page.getByLabel("接收方").fill("湖州");
    await page.getByTitle("湖州茶厂（加工企业）", { exact: true }).click();
    await page.getByLabel("交接数量").fill("200");
    await page.getByRole("button", { name: "发起交接" }).click();
    await page.getByText("交接已发起，等待对方确认").waitFor();
    const [offered] = (await apiAs(r, farm.apiKey, "GET", "/api/transfers")).items;
    expect(offered).to.deep.include({ from: farm.id, to: mill.id, status: "pending" });
    expect(offered.quantity).to.deep.equal({ value: 200, unit: "KGM" });

    // The mill's member accepts it in the inbox, on a desktop.
    const millBrowser = await openConsole(r, DESKTOP);
    await logInThroughUi(millBrowser.page, mill);
    await openFromMenu(millBrowser.page, "交接");
    await millBrowser.page.getByRole("button", { name: /接\s*收/ }).click();
    await millBrowser.page.getByText("已接收").first().waitFor();
    await expectAccessible(millBrowser.page, "transfers inbox");
    await screenshot(millBrowser.page, "console-processor-transfers-desktop");
    expect((await apiAs(r, mill.apiKey, "GET", `/api/transfers/${offered.id}`)).status).to.equal("accepted");
    await logOutThroughUi(millBrowser.page);
    await millBrowser.context.close();

    // Spreadsheet: the dry run lists the bad row; the corrected file imports.
    await openFromMenu(page, "表格导入");
    const header = "type,lot,product,category,quantity,unit,place,region_code,harvested_at";
    await page.setInputFiles("input[type=file]", {
      name: "harvest.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        `${header}\nbatch,AJ-2026-102,安吉白茶,tea,300,KGM,溪龙乡,330523,2026-04-05\nbatch,AJ-2026-103,安吉白茶,tea,abc,KGM,溪龙乡,999999,2026-04-05\n`,
      ),
    });
    await page.getByRole("button", { name: "试运行检查" }).click();
    await page.getByText(/^第 3 行 · region_code：/).waitFor();
    await page.getByText(/^第 3 行 · quantity：/).waitFor();
    await expectAccessible(page, "import dry run");
    expect((await apiAs(r, farm.apiKey, "GET", "/api/batches")).items).to.have.length(2); // nothing stored
    await page.setInputFiles("input[type=file]", {
      name: "harvest.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`${header}\nbatch,AJ-2026-102,安吉白茶,tea,300,KGM,溪龙乡,330523,2026-04-05\n`),
    });
    await page.getByRole("button", { name: "试运行检查" }).click();
    await page.getByText("检查通过：1 行，1 个批次，0 个事件").waitFor();
    await page.getByRole("button", { name: /导\s*入/ }).click();
    await page.getByText("导入完成").waitFor();
    const lots = (await apiAs(r, farm.apiKey, "GET", "/api/batches")).items.map(
      (item: { lot: string }) => item.lot,
    );
    expect(lots).to.include("AJ-2026-102");

    // Logging out ends the session on the server, not only in the page.
    const cookie = (await context.cookies()).find((candidate) => candidate.name === "ecotrace_session")!;
    await openFromMenu(page, "批次");
    await page.getByRole("heading", { name: "我的批次" }).waitFor();
    await screenshot(page, "console-producer-batches-phone");
    await readmeScreenshot(page, "producer");
    // The first screen comes with the page (decision 0030): server-rendered into index.html, so
    // it shows even with JavaScript off, and the app takes over once its bundle has run.
    const title = "安吉白茶 · AJ-2026-101";
    const firstScreenItem = (phone: Page) =>
      phone.locator('[data-testid="first-screen"] li').filter({ hasText: title }).first();
    const noScript = await r.browser.newContext({
      viewport: PHONE,
      locale: "zh-CN",
      javaScriptEnabled: false,
    });
    await noScript.addCookies(await context.cookies());
    const plain = await noScript.newPage();
    await plain.goto(`${r.baseUrl}/console/batches`);
    await firstScreenItem(plain).waitFor();
    expect(await plain.locator('[data-testid="first-screen"] li .tag').first().textContent()).to.equal(
      "在库",
    );
    await noScript.close();
    const appScreen = async (phone: Page) => {
      await phone.locator('[data-testid="first-screen"]').waitFor({ state: "detached" });
      await phone.locator("#root").getByText(title).first().waitFor();
      await phone.getByRole("button", { name: "退出登录" }).waitFor();
    };
    const fast3g = await firstScreenOnFast3g(
      context,
      `${r.baseUrl}/console/batches`,
      (phone) => firstScreenItem(phone).waitFor(),
      appScreen,
    );
    // Reported, not asserted (timings belong to benchmarks): the issue asks for under 2 s.
    console.log(
      `    first screen of the producer's phone view on Fast 3G: ${fast3g.ms} ms (first contentful paint ${fast3g.firstContentfulPaintMs} ms); the app took over at ${fast3g.handedOverMs} ms; ${Math.round(fast3g.bytes / 1024)} KiB transferred`,
    );
    await logOutThroughUi(page);
    const after = await http(r.baseUrl, "GET", "/api/session", {
      headers: { cookie: `ecotrace_session=${cookie.value}` },
    });
    expect(after.status).to.equal(401);
    expect(problems).to.deep.equal([]);
    await context.close();
  });
});
