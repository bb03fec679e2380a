import { expect } from "chai";
import type { Page, Request, Response } from "playwright-core";
import outline from "../../server/modules/consumer/web/china-outline.json";
import {
  apiAs,
  DESKTOP,
  expectAccessible,
  logInThroughUi,
  openConsole,
  openFromMenu,
  organizationWithMember,
  screenshot,
  useConsoleRig,
  waitForAnimations,
} from "../helpers/console-browser";
import { teaBatch } from "../helpers/scenario";

/**
 * The producer in the field, beyond the main journey (console-producer.test.ts): a position from
 * GPS or a pin on the province's map (checked against the chosen region), a transfer to a
 * recipient picked by name, a transformation, events and harvests recorded without a connection
 * and sent once when it returns, and each event's links. Through the UI; results through the API.
 */
describe("console: producer field journeys in Chromium", function () {
  this.timeout(300_000);
  const rig = useConsoleRig("console-producer-field");
  let orgCounter = 0;

  /** A producer organization with a logged-in member on a phone, and its batches made through the API. */
  async function producerOnPhone(viewport?: typeof DESKTOP) {
    orgCounter += 1;
    const farm = await organizationWithMember(
      rig,
      `溪龙乡白茶合作社 ${orgCounter}`,
      ["producer"],
      `clerk${orgCounter}@xilong.example`,
    );
    const browser = await openConsole(rig, viewport);
    await logInThroughUi(browser.page, farm);
    const register = (overrides: Record<string, unknown> = {}) =>
      apiAs(rig, farm.apiKey, "POST", "/api/batches", teaBatch(overrides));
    return { farm, ...browser, register };
  }

  async function pickRegion(page: Page, names: string[]) {
    await page.getByLabel("产地（省 / 市 / 县 / 乡镇）").click();
    for (const name of names) {
      await page
        .getByRole("menuitemcheckbox", { name })
        .or(page.getByTitle(name, { exact: true }))
        .first()
        .click();
    }
    await page.keyboard.press("Escape");
  }

  /** Clicks the pin map where `point` is, as a person would tap it. */
  async function tapMapAt(page: Page, province: string, point: { lat: number; lon: number }) {
    const map = page.getByRole("img", { name: `${province}地图：点击设置采收位置` });
    const [left, top, size] = (await map.getAttribute("viewBox"))!.split(" ").map(Number);
    const box = (await map.boundingBox())!;
    const { frame } = outline;
    const x = (point.lon - frame.west) * frame.lonScale * frame.scale;
    const y = (frame.north - point.lat) * frame.scale;
    await map.click({ position: { x: ((x - left) / size) * box.width, y: ((y - top) / size) * box.height } });
  }

  it("sets the harvest position from GPS or a pin on the province's map, and refuses one outside the region", async () => {
    const { farm, context, page, problems } = await producerOnPhone();
    await openFromMenu(page, "登记采收");
    await page.getByText("选择产地后，可在所选省份的地图上点选位置").waitFor();
    await page.getByLabel("产品名称").fill("安吉白茶");
    await page.getByLabel("批号").fill("AJ-PIN-1");
    await pickRegion(page, ["浙江省", "湖州市", "安吉县", "溪龙乡"]);
    await page.getByLabel("采收日期").fill("2026-04-02");
    await page.keyboard.press("Enter");
    await page.getByLabel("数量", { exact: true }).fill("300");

    // "Use my location": the phone's GPS fills the coordinates.
    await context.grantPermissions(["geolocation"], { origin: rig.baseUrl });
    await context.setGeolocation({ latitude: 30.6598, longitude: 119.6722 });
    await page.getByRole("button", { name: "使用当前位置" }).click();
    await expectFieldValue(page, "纬度", 30.6598);
    await expectFieldValue(page, "经度", 119.6722);

    // A position in Beijing is not in 浙江: the form says so and nothing is sent.
    await context.setGeolocation({ latitude: 39.9042, longitude: 116.4074 });
    await page.getByRole("button", { name: "使用当前位置" }).click();
    await page.getByText("该位置不在所选产地（浙江）范围内").waitFor();
    await page.getByRole("button", { name: "登记批次" }).click();
    await page.getByText("该位置不在所选产地（浙江）范围内").waitFor();
    expect((await apiAs(rig, farm.apiKey, "GET", "/api/batches")).items).to.deep.equal([]);

    // A pin on the map of 浙江 near 安吉 replaces it.
    await tapMapAt(page, "浙江", { lat: 30.63, lon: 119.68 });
    await page.getByText("该位置不在所选产地（浙江）范围内").waitFor({ state: "detached" });
    const lat = Number(await page.getByLabel("纬度").inputValue());
    const lon = Number(await page.getByLabel("经度").inputValue());
    expect(lat).to.be.closeTo(30.63, 0.15);
    expect(lon).to.be.closeTo(119.68, 0.15);
    await expectAccessible(page, "register harvest with the pin map");
    await screenshot(page, "console-producer-pin-map-phone");
    await page.getByRole("button", { name: "登记批次" }).click();
    await page.getByRole("heading", { name: "安吉白茶 · AJ-PIN-1" }).waitFor();

    const [batch] = (await apiAs(rig, farm.apiKey, "GET", "/api/batches")).items;
    expect(batch.origin).to.deep.include({ regionCode: "330523", location: { lat, lon } });
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it("offers a transfer to a recipient found by name in the directory", async () => {
    const { farm, context, page, problems, register } = await producerOnPhone();
    const batch = await register();
    const mill = await apiAs(rig, rig.adminKey, "POST", "/api/orgs", {
      name: "湖州茶厂",
      roles: ["processor"],
    });
    await apiAs(rig, rig.adminKey, "POST", "/api/orgs", { name: "湖州茶叶认证中心", roles: ["certifier"] });

    await page.goto(`${rig.baseUrl}/console/batches/${batch.id}`);
    await page.getByLabel("接收方").click();
    // The list is read again a moment after typing stops: check the answer to what was typed.
    const searched = page.waitForResponse((response) =>
      response.url().includes("/api/organizations/directory?limit=20&q="),
    );
    await page.getByLabel("接收方").fill("湖州");
    await searched;
    const option = page.getByTitle("湖州茶厂（加工企业）", { exact: true });
    await option.waitFor();
    // Organizations that do not accept transfers are not offered.
    expect(await page.getByTitle(/认证中心/).count()).to.equal(0);
    await expectAccessible(page, "recipient picker");
    await screenshot(page, "console-producer-recipient-phone");
    await option.click();
    await page.getByLabel("交接数量").fill("200");
    await page.getByRole("button", { name: "发起交接" }).click();
    await page.getByText("交接已发起，等待对方确认").waitFor();

    const [offered] = (await apiAs(rig, farm.apiKey, "GET", "/api/transfers")).items;
    expect(offered).to.deep.include({ from: farm.id, to: mill.id, status: "pending" });
    expect(offered.quantity).to.deep.equal({ value: 200, unit: "KGM" });
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it("registers a transformation: quantities of held batches become a new batch linked to them", async () => {
    const { farm, context, page, problems, register } = await producerOnPhone(DESKTOP);
    const leaves = await register({ product: { name: "鲜叶", category: "tea" }, lot: "XY-1" });
    const more = await register({
      product: { name: "鲜叶", category: "tea" },
      lot: "XY-2",
      quantity: { value: 300, unit: "KGM" },
    });

    await openFromMenu(page, "加工转化");
    await page.getByRole("heading", { name: "加工转化" }).waitFor();
    await chooseOption(page, page.getByLabel("投入批次").first(), "鲜叶 · XY-1（500 千克）");
    await page.getByLabel("投入数量").first().fill("400");
    await page.getByRole("button", { name: "添加投入批次" }).click();
    await chooseOption(page, page.getByLabel("投入批次").nth(1), "鲜叶 · XY-2（300 千克）");
    await page.getByLabel("投入数量").nth(1).fill("300");
    await page.getByLabel("产出产品").fill("安吉白茶 成品");
    await page.getByLabel("产出批号").fill("AJ-T-1");
    await page.getByLabel("产出数量").fill("150");
    await page.getByLabel("工艺说明").fill("杀青、揉捻、烘干");
    await expectAccessible(page, "transformation");
    await screenshot(page, "console-producer-transformation-desktop");
    await page.getByRole("button", { name: "登记加工" }).click();
    await page.getByRole("heading", { name: "安吉白茶 成品 · AJ-T-1" }).waitFor();

    const batches = (await apiAs(rig, farm.apiKey, "GET", "/api/batches")).items;
    const output = batches.find((item: { lot: string }) => item.lot === "AJ-T-1");
    expect(output.quantity).to.deep.equal({ value: 150, unit: "KGM" });
    const upstream = await apiAs(rig, farm.apiKey, "GET", `/api/batches/${output.id}/lineage`);
    const nodeIds = upstream.nodes.map((node: { id: string }) => node.id);
    expect(nodeIds).to.include.members([leaves.id, more.id]);
    const after = (id: string) => apiAs(rig, farm.apiKey, "GET", `/api/batches/${id}`);
    expect((await after(leaves.id)).available).to.deep.equal({ value: 100, unit: "KGM" });
    expect((await after(more.id)).status).to.equal("consumed");
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it("keeps an event recorded offline as a draft and stores it once when the connection returns, though its answer was lost", async () => {
    const { farm, context, page, problems, register } = await producerOnPhone();
    const batch = await register();
    await page.goto(`${rig.baseUrl}/console/batches/${batch.id}`);
    await page.getByRole("heading", { name: "溯源记录" }).waitFor();

    await context.setOffline(true);
    await page.getByLabel("检测机构").fill("浙江省农产品质量检测中心");
    await recordButton(page).click();
    await page.getByText("网络不可用：已保存在本机，联网后自动发送").waitFor();
    const draft = page.getByTestId("draft");
    await draft.getByText("事件：检验").waitFor();
    await draft.getByText("待发送").waitFor();
    await draft.scrollIntoViewIfNeeded();
    await expectAccessible(page, "batch detail with a draft");
    await screenshot(page, "console-producer-offline-draft-phone");
    expect(await eventTypes(farm.apiKey, batch.id)).to.deep.equal(["commissioning"]);

    // Back online, the first send reaches the server but its answer is lost on the way back; the
    // draft is sent again with the same Idempotency-Key and the server replays its first answer.
    const sends: Request[] = [];
    const answers: Response[] = [];
    await page.route(`**/api/batches/${batch.id}/events`, async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      sends.push(route.request());
      if (sends.length > 1) return route.continue();
      const stored = await route.fetch();
      expect(stored.status()).to.equal(201);
      await route.abort("connectionreset");
    });
    page.on("response", (response) => {
      if (response.request().method() === "POST" && response.url().endsWith("/events"))
        answers.push(response);
    });
    await context.setOffline(false);
    await draft.waitFor({ state: "detached" });
    await page.getByTestId("event").getByText("检验", { exact: true }).waitFor();

    expect(await eventTypes(farm.apiKey, batch.id)).to.deep.equal(["commissioning", "inspecting"]);
    expect(sends).to.have.length(2);
    const keys = sends.map((send) => send.headers()["idempotency-key"]);
    expect(keys[0]).to.match(/^draft-[0-9a-f]{32}$/);
    expect(keys[1]).to.equal(keys[0]);
    expect(answers.map((answer) => answer.headers()["idempotent-replayed"])).to.deep.equal(["true"]);
    expect(problems.filter((problem) => !/Failed to load resource|ERR_/.test(problem))).to.deep.equal([]);
    await context.close();
  });

  it("keeps drafts across a reload while the service cannot be reached, and sends them when it can", async () => {
    const { farm, context, page, register } = await producerOnPhone();
    const batch = await register();
    await page.goto(`${rig.baseUrl}/console/batches/${batch.id}`);
    await page.getByRole("heading", { name: "溯源记录" }).waitFor();
    // The phone has a connection but the service does not answer event posts (a dead zone behind a proxy).
    const unreachable = "**/api/batches/*/events";
    await page.route(unreachable, (route) =>
      route.request().method() === "POST" ? route.abort("connectionrefused") : route.continue(),
    );
    await page.getByLabel("备注").fill("雨后巡园");
    await recordButton(page).click();
    await page.getByTestId("draft").getByText("待发送").waitFor();
    await page.reload();
    await page.getByTestId("draft").getByText("事件：检验").waitFor();
    expect(await eventTypes(farm.apiKey, batch.id)).to.deep.equal(["commissioning"]);

    await page.unroute(unreachable);
    // Sent at the next retry: a few seconds after the failed one, backing off to a minute at most.
    await page.getByTestId("draft").waitFor({ state: "detached", timeout: 70_000 });
    const events = (await apiAs(rig, farm.apiKey, "GET", `/api/batches/${batch.id}/events`)).items;
    expect(events.map((event: { type: string }) => event.type)).to.deep.equal([
      "commissioning",
      "inspecting",
    ]);
    expect(events[1].body.data).to.deep.equal({ note: "雨后巡园" });
    await context.close();
  });

  it("keeps a harvest registered offline as a draft on the batch list, registers it once online, and shows a refused one until discarded", async () => {
    const { farm, context, page } = await producerOnPhone();
    const registerOffline = async (lot: string) => {
      await openFromMenu(page, "登记采收");
      await page.getByLabel("产品名称").fill("安吉白茶");
      await page.getByLabel("批号").fill(lot);
      await pickRegion(page, ["浙江省", "湖州市", "安吉县"]);
      await page.getByLabel("采收日期").fill("2026-04-03");
      await page.keyboard.press("Enter");
      await page.getByLabel("数量", { exact: true }).fill("120");
      await context.setOffline(true);
      await page.getByRole("button", { name: "登记批次" }).click();
      await page.getByText("网络不可用：已保存在本机，联网后自动发送").first().waitFor();
      await page.getByRole("heading", { name: "我的批次" }).waitFor();
      await page.getByTestId("draft").getByText(`采收登记：安吉白茶 · ${lot}`).waitFor();
    };
    const lots = async () =>
      (await apiAs(rig, farm.apiKey, "GET", "/api/batches")).items.map((item: { lot: string }) => item.lot);

    await registerOffline("AJ-OFF-1");
    await page.getByTestId("draft").getByText("待发送").waitFor();
    expect(await lots()).to.deep.equal([]);
    await context.setOffline(false);
    await page.getByTestId("draft").waitFor({ state: "detached" });
    await page.getByText("安吉白茶 · AJ-OFF-1", { exact: true }).waitFor();
    expect(await lots()).to.deep.equal(["AJ-OFF-1"]);

    // The same lot again: the API refuses it (409), so the draft stays with the reason, unsent, until discarded.
    await registerOffline("AJ-OFF-1");
    await context.setOffline(false);
    await page.getByTestId("draft").getByText("未被接受").waitFor();
    await page
      .getByTestId("draft")
      .getByText(/AJ-OFF-1 is already registered/)
      .waitFor();
    // What was read while offline is read again: the list shows the batch that exists.
    await page.getByText("安吉白茶 · AJ-OFF-1", { exact: true }).waitFor();
    await expectAccessible(page, "batch list with a refused draft");
    await screenshot(page, "console-producer-refused-draft-phone");
    await page.getByRole("button", { name: "删除草稿" }).click();
    await page.getByTestId("draft").waitFor({ state: "detached" });
    expect(await lots()).to.deep.equal(["AJ-OFF-1"]);
    await context.close();
  });

  it("shows each event anchored or not, with its place on the consumer page, the QR code and the proof", async () => {
    const { farm, context, page, problems, register } = await producerOnPhone(DESKTOP);
    const batch = await register();
    // (The service anchors every 2 s: the pending state is not asserted, it may already be over.)
    await apiAs(rig, rig.adminKey, "POST", "/api/anchors/run?wait=true", {});
    await page.goto(`${rig.baseUrl}/console/batches/${batch.id}`);
    await page.getByText("已上链").first().waitFor();
    const [commissioning] = (await apiAs(rig, farm.apiKey, "GET", `/api/batches/${batch.id}/events`)).items;
    const event = page.getByTestId("event").first();
    const consumerHref = await event.getByRole("link", { name: "消费者页面" }).getAttribute("href");
    expect(consumerHref).to.equal(`${batch.digitalLink}#event-${commissioning.id}`);
    const qr = await context.request.get(
      new URL((await event.getByRole("link", { name: "二维码" }).getAttribute("href"))!, rig.baseUrl).href,
    );
    expect(qr.headers()["content-type"]).to.match(/image\/svg\+xml/);
    const proof = await context.request.get(
      new URL((await event.getByRole("link", { name: "上链证明" }).getAttribute("href"))!, rig.baseUrl).href,
    );
    expect(proof.status()).to.equal(200);
    expect((await proof.json()).eventHash).to.equal(commissioning.hash);
    await expectAccessible(page, "batch detail with event links");
    await screenshot(page, "console-producer-event-links-desktop");

    // The consumer page has the event the link points at.
    const consumer = await context.newPage();
    await consumer.goto(consumerHref!);
    expect(await consumer.locator(`[id="event-${commissioning.id}"]`).count()).to.equal(1);
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  async function eventTypes(key: string, batchId: string): Promise<string[]> {
    const events = (await apiAs(rig, key, "GET", `/api/batches/${batchId}/events`)).items;
    return events.map((event: { type: string }) => event.type);
  }
});

function recordButton(page: Page) {
  return page
    .getByRole("button", { name: "记 录" })
    .or(page.getByRole("button", { name: "记录", exact: true }));
}

/** Waits until the field shows `value` (the GPS answer arrives asynchronously). */
async function expectFieldValue(page: Page, label: string, value: number): Promise<void> {
  const field = page.getByLabel(label);
  const deadline = Date.now() + 10_000;
  while (Number(await field.inputValue()) !== value && Date.now() < deadline) await page.waitForTimeout(50);
  expect(Number(await field.inputValue())).to.equal(value);
}

async function chooseOption(page: Page, select: ReturnType<Page["getByLabel"]>, name: string): Promise<void> {
  // Each select keeps its closed list in the page: let another list finish closing, then pick from
  // the open one once it has finished opening (an option clicked mid-animation moves away).
  await waitForAnimations(page);
  await select.click();
  const option = page
    .locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)")
    .getByTitle(name, { exact: true });
  await option.waitFor();
  await waitForAnimations(page);
  await option.click();
}
