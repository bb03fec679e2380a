import { expect } from "chai";
import { Wallet } from "ethers";
import {
  apiAs,
  DESKTOP,
  expectAccessible,
  logInThroughUi,
  logOutThroughUi,
  openConsole,
  openFromMenu,
  organizationWithMember,
  PHONE,
  readmeScreenshot,
  screenshot,
  useConsoleRig,
  type ConsoleRig,
} from "../helpers/console-browser";
import { http } from "../helpers/http";
import { anjiBrand } from "../helpers/brand-scenario";
import { teaBatch } from "../helpers/scenario";
import { scansByProvince, type RegionCount } from "../../console/src/pages/brand/copies-shading";

/**
 * The brand owner's and the service admin's journeys through the UI only, against one service
 * started as `npm start` starts it (with a long anchoring period, so that a backlog stays visible):
 * licence quotas as bars, a revocation that needs a reason, the report's anomalies with links to
 * their batches, the map of suspected copies; organizations, a certifier registered on chain, the
 * anchoring backlog. Results checked through the API.
 */
describe("console: brand owner and service admin in Chromium", function () {
  this.timeout(300_000);
  const rig = useConsoleRig("console-brand-admin", { ANCHOR_INTERVAL_MS: "600000" });

  it("brand owner: quota bars, anomalies with their batches, the copies map, suspension and revocation with a reason", async () => {
    const r = rig;
    const owner = await organizationWithMember(
      r,
      "安吉县白茶产业协会",
      ["brand_owner"],
      "brand@anji.example",
    );
    const farm = await organizationWithMember(r, "溪龙乡白茶合作社", ["producer"], "farm@xilong.example");
    const mill = await organizationWithMember(r, "黄杜村茶叶合作社", ["producer"], "farm@huangdu.example");
    const brand = await apiAs(r, owner.apiKey, "POST", "/api/brands", anjiBrand({ requiredSchemes: [] }));
    const licenceOf = async (producer: string, quota: number) =>
      (
        await apiAs(r, owner.apiKey, "POST", `/api/brands/${brand.id}/licences`, {
          producer,
          category: "tea",
          period: { from: "2026-01-01", until: "2026-12-31" },
          quota: { value: quota, unit: "KGM" },
        })
      ).licence;
    await licenceOf(farm.id, 2000);
    const doomed = await licenceOf(mill.id, 1000);
    const batch = await apiAs(r, farm.apiKey, "POST", "/api/batches", teaBatch({ brand: brand.id }));
    // Labels for 5 kg while nothing has left the farm: the report's labels_beyond_shipped anomaly.
    await apiAs(r, farm.apiKey, "POST", `/api/batches/${batch.id}/serials`, {
      count: 10,
      itemQuantity: { value: 0.5, unit: "KGM" },
    });

    const { page, context, problems } = await openConsole(r, DESKTOP);
    await logInThroughUi(page, owner);
    await openFromMenu(page, "品牌授权");
    await page.getByText("已用 500 千克 / 配额 2,000 千克，剩余 1,500 千克").waitFor();
    const farmBar = page.getByRole("progressbar", { name: "溪龙乡白茶合作社 的配额使用" });
    expect(await farmBar.getAttribute("aria-valuenow")).to.equal("25");
    const totals = "全部授权（不含已撤销）：已用 500 千克 / 配额 3,000 千克";
    expect(await page.getByRole("progressbar", { name: totals }).getAttribute("aria-valuenow")).to.equal(
      "17",
    );

    await page.getByText("单品码多于已出货量").waitFor();
    const batchLink = page.getByRole("link", { name: `批次 ${batch.lot}` });
    const href = await batchLink.getAttribute("href");
    expect(href).to.equal(`/01/06901234567892/10/${batch.lot}`);
    const consumerPage = await context.request.get(`${r.baseUrl}${href}`);
    expect(consumerPage.status()).to.equal(200);
    expect(await consumerPage.text()).to.include(batch.lot);

    const regions = await copiesRegions(r, owner.apiKey, brand.id, problems);
    const map = page.getByRole("img", { name: /^中国地图：疑似仿冒单品码的扫码地区/ });
    await map.waitFor();
    const shaded = await map
      .locator("path")
      .evaluateAll((paths) =>
        paths.map((path) => [path.getAttribute("data-province"), Number(path.getAttribute("data-scans"))]),
      );
    expect(shaded).to.have.length(34);
    expect(Object.fromEntries(shaded.filter(([, scans]) => scans! > 0))).to.deep.equal(
      Object.fromEntries(scansByProvince(regions)),
    );

    await expectAccessible(page, "brand owner, desktop");
    await screenshot(page, "console-brand-owner-desktop");
    await readmeScreenshot(page, "brand-owner");
    await map.scrollIntoViewIfNeeded();
    await screenshot(page, "console-brand-owner-copies-map-desktop");

    const farmItem = page.getByRole("listitem").filter({ hasText: "溪龙乡白茶合作社" }).first();
    await farmItem.getByLabel("原因（溪龙乡白茶合作社）").fill("包装标识不规范，整改期间暂停");
    await farmItem.getByRole("button", { name: "暂停授权" }).click();
    await page.getByText("授权已暂停").waitFor();
    const [suspended] = (
      await apiAs(r, owner.apiKey, "GET", `/api/brands/${brand.id}/licences`)
    ).items.filter((licence: { producerId: string }) => licence.producerId === farm.id);
    expect(suspended).to.deep.include({ status: "suspended", statusReason: "包装标识不规范，整改期间暂停" });

    // Revoking without a reason is refused in the page and changes nothing.
    const doomedItem = page.getByRole("listitem").filter({ hasText: "黄杜村茶叶合作社" });
    await doomedItem.getByRole("button", { name: "撤销授权" }).click();
    await page.getByText("请先填写原因").waitFor();
    expect(await apiAs(r, owner.apiKey, "GET", `/api/licences/${doomed.id}`)).to.include({
      status: "active",
    });
    await doomedItem.getByLabel("原因（黄杜村茶叶合作社）").fill("抽检不合格，撤销品牌授权");
    await doomedItem.getByRole("button", { name: "撤销授权" }).click();
    await page.getByText("授权已撤销").waitFor();
    expect(await apiAs(r, owner.apiKey, "GET", `/api/licences/${doomed.id}`)).to.deep.include({
      status: "revoked",
      statusReason: "抽检不合格，撤销品牌授权",
    });
    await doomedItem.getByText("已撤销").waitFor();
    await page.getByText("全部授权（不含已撤销）：已用 500 千克 / 配额 2,000 千克").waitFor();
    await logOutThroughUi(page);
    expect(problems).to.deep.equal([]);
    await context.close();

    const phone = await openConsole(r, PHONE);
    await logInThroughUi(phone.page, owner);
    await openFromMenu(phone.page, "品牌授权");
    await phone.page.getByText("单品码多于已出货量").waitFor();
    await copiesRegions(r, owner.apiKey, brand.id, phone.problems);
    await expectAccessible(phone.page, "brand owner, phone");
    await screenshot(phone.page, "console-brand-owner-phone");
    await logOutThroughUi(phone.page);
    expect(phone.problems).to.deep.equal([]);
    await phone.context.close();
  });

  it("service admin: creates a certifier, registers it on chain, sees the backlog and anchors it", async () => {
    const r = rig;
    const admin = consoleAdminLogin(r);
    const certifierAddress = Wallet.createRandom().address;
    const producer = await organizationWithMember(r, "龙坞茶村合作社", ["producer"], "farm@longwu.example");
    await apiAs(r, producer.apiKey, "POST", "/api/batches", teaBatch());

    const { page, context, problems } = await openConsole(r, DESKTOP);
    await logInThroughUi(page, admin);
    await openFromMenu(page, "机构");
    await page.getByLabel("机构名称").fill("浙江省茶叶质量检测中心");
    await page.getByRole("checkbox", { name: "认证机构" }).check();
    await page.getByLabel("以太坊地址（认证机构签名用，可选）").fill(certifierAddress);
    await page.getByRole("button", { name: "创建机构" }).click();
    await page.getByText("浙江省茶叶质量检测中心 的 API 密钥只显示这一次").waitFor();
    const organizations = (await apiAs(r, r.adminKey, "GET", "/api/orgs")).items as {
      id: string;
      name: string;
      roles: string[];
      address?: string;
    }[];
    const certifier = organizations.find((organization) => organization.name === "浙江省茶叶质量检测中心");
    expect(certifier).to.deep.include({ roles: ["certifier"], address: certifierAddress.toLowerCase() });

    await page.getByRole("button", { name: "在链上登记 浙江省茶叶质量检测中心" }).click();
    await page.getByText("认证机构已在链上登记").waitFor();
    const onChain = await apiAs(r, r.adminKey, "GET", `/api/certifiers/${certifier!.id}`);
    expect(onChain).to.include({ registered: true, address: certifierAddress.toLowerCase() });
    await expectAccessible(page, "organizations");
    await screenshot(page, "console-service-admin-organizations-desktop");

    await openFromMenu(page, "上链");
    const { backlog } = await apiAs(r, r.adminKey, "GET", "/api/anchors");
    expect(backlog.pending).to.be.above(0);
    await page
      .getByText(new RegExp(`^待上链事件 ${backlog.pending} 个，最早的已等待 \\d+ (秒|分钟)$`))
      .waitFor();
    await page.getByRole("button", { name: "立即上链" }).click();
    await page.getByText("没有待上链的事件").waitFor();
    expect((await apiAs(r, r.adminKey, "GET", "/api/anchors")).backlog.pending).to.equal(0);
    await expectAccessible(page, "anchoring");
    await screenshot(page, "console-service-admin-anchoring-desktop");
    await logOutThroughUi(page);
    expect(problems).to.deep.equal([]);
    await context.close();

    const phone = await openConsole(r, PHONE);
    await logInThroughUi(phone.page, admin);
    await openFromMenu(phone.page, "机构");
    await phone.page.getByText("已在链上登记", { exact: false }).first().waitFor();
    await expectAccessible(phone.page, "organizations, phone");
    await screenshot(phone.page, "console-service-admin-organizations-phone");
    await readmeScreenshot(phone.page, "service-admin");
    await logOutThroughUi(phone.page);
    expect(phone.problems).to.deep.equal([]);
    await phone.context.close();
  });
});

/** The console login the first start printed, as an operator reads it from the log. */
function consoleAdminLogin(rig: ConsoleRig): { email: string; password: string } {
  const printed = /Console login \([^)]*\): (\S+) \/ (\S+)/.exec(rig.service.output());
  expect(printed, "the first start prints the console login").to.not.equal(null);
  return { email: printed![1], password: printed![2] };
}

/**
 * GET /api/brands/:id/suspected-copies/regions, built in parallel on another branch. Until it is
 * merged the service answers 404: the map must then be drawn with nothing shaded, and the browser's
 * log line for that 404 is the one problem this test forgives (it says so).
 */
async function copiesRegions(
  rig: ConsoleRig,
  key: string,
  brandId: string,
  problems: string[],
): Promise<RegionCount[]> {
  const answer = await http(rig.baseUrl, "GET", `/api/brands/${brandId}/suspected-copies/regions`, { key });
  if (answer.status === 200) return answer.body.items;
  expect(answer.status, answer.text).to.equal(404);
  console.log("    note: /api/brands/:id/suspected-copies/regions is not served yet: checking an empty map");
  await waitForProblem(problems, /404/);
  problems.splice(0, problems.length, ...problems.filter((problem) => !/404/.test(problem)));
  return [];
}

async function waitForProblem(problems: string[], pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!problems.some((problem) => pattern.test(problem))) {
    if (Date.now() > deadline) throw new Error(`no browser log line matching ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
