import { expect } from "chai";
import { Wallet } from "ethers";
import type { Page } from "playwright-core";
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
} from "../helpers/console-browser";
import {
  batchDraft,
  certificationDomainOf,
  signCertification,
  signStatusChange,
} from "../helpers/certification-scenario";
import { anjiBrand } from "../helpers/brand-scenario";
import { teaBatch } from "../helpers/scenario";
import type { TestServer } from "../helpers/test-env";

/** Once a run is started the console opens its page (and the audits screen is gone). */
async function runPageOpened(page: Page): Promise<void> {
  await page.waitForURL(/\/console\/audits\/[0-9a-f]{24}$/);
  await page.getByRole("heading", { name: "审计运行" }).waitFor();
}

/**
 * Oversight through the UI only (issue 17): a certifier sees the producers and batches under its
 * certifications and audits one of them; an auditor audits a province and follows the findings to
 * the evidence and the reports; a regulator reads the regional overview of recalls and
 * revocations. Anchoring is off in this service, so every event stays unanchored and an audit that
 * reports events unanchored after 0 hours has findings to show. Results checked through the API.
 */
describe("console: certifier and auditor/regulator oversight in Chromium", function () {
  this.timeout(300_000);
  const rig = useConsoleRig("console-oversight", { ANCHOR_WORKER: "false" });
  let certifier: Awaited<ReturnType<typeof organizationWithMember>>;
  let auditor: Awaited<ReturnType<typeof organizationWithMember>>;
  let anji: { id: string; apiKey: string };
  let wuchang: { id: string; apiKey: string };
  let teaId: string;
  let riceId: string;
  let wuchangCertificationId: string;
  const wallet = Wallet.createRandom();

  before(async () => {
    const r = rig;
    certifier = await organizationWithMember(
      r,
      "中绿华夏有机食品认证中心",
      ["certifier"],
      "cert@ofdc.example",
      {
        address: wallet.address,
      },
    );
    await apiAs(r, r.adminKey, "POST", `/api/certifiers/${certifier.id}/register`, {});
    auditor = await organizationWithMember(r, "浙江省市场监督管理局", ["auditor"], "inspector@zj.example");
    anji = await apiAs(r, r.adminKey, "POST", "/api/orgs", {
      name: "安吉县溪龙乡白茶合作社",
      roles: ["producer"],
    });
    wuchang = await apiAs(r, r.adminKey, "POST", "/api/orgs", {
      name: "五常市稻花香合作社",
      roles: ["producer"],
    });
    teaId = (await apiAs(r, anji.apiKey, "POST", "/api/batches", teaBatch())).id;
    riceId = (
      await apiAs(
        r,
        wuchang.apiKey,
        "POST",
        "/api/batches",
        teaBatch({
          product: { name: "五常大米 稻花香", category: "rice" },
          origin: { place: "民乐朝鲜族乡", regionCode: "230184", harvestedAt: "2026-04-12" },
        }),
      )
    ).id;
    // The certifications themselves were signed in the browser by console-certifier.test.ts; here
    // they are the set-up, signed with the certifier's key in the test.
    const server = { baseUrl: r.baseUrl } as TestServer;
    const domain = await certificationDomainOf(server, certifier.apiKey);
    const certify = async (draft: ReturnType<typeof batchDraft>) =>
      (
        await apiAs(
          r,
          certifier.apiKey,
          "POST",
          "/api/certifications",
          await signCertification(domain, draft, wallet.address, wallet),
        )
      ).id as string;
    await certify(batchDraft(teaId));
    wuchangCertificationId = await certify(
      batchDraft(wuchang.id, {
        subject: { kind: "producer", id: wuchang.id },
        scope: { category: "rice" },
        issuedAt: "2026-01-01",
        validFrom: "2026-01-01",
      }),
    );
  });

  it("certifier: sees its producers and their certified batches, audits a producer and reads the findings", async () => {
    const r = rig;
    const { page, context, problems } = await openConsole(r, DESKTOP);
    await logInThroughUi(page, certifier);
    await openFromMenu(page, "生产者与批次");
    await page.getByRole("heading", { name: "五常市稻花香合作社" }).waitFor();
    await page.getByRole("heading", { name: "安吉县溪龙乡白茶合作社" }).waitFor();
    await page.getByText("五常大米 稻花香 · ").waitFor();
    const listed = await apiAs(r, certifier.apiKey, "GET", "/api/certified-producers");
    expect(listed.items.map((item: { producer: { id: string } }) => item.producer.id).sort()).to.deep.equal(
      [anji.id, wuchang.id].sort(),
    );
    await expectAccessible(page, "certified producers");
    await screenshot(page, "console-certifier-producers-desktop");

    await page.getByRole("button", { name: "审计 五常市稻花香合作社" }).click();
    await page.getByRole("heading", { name: "审计运行" }).waitFor();
    await page.getByText("已完成", { exact: true }).waitFor();
    const runId = page.url().split("/").pop()!;
    const run = await apiAs(r, certifier.apiKey, "GET", `/api/audit/runs/${runId}`);
    expect(run.scope).to.deep.equal({ orgId: wuchang.id });
    expect(run.progress.totalBatches).to.equal(1);
    expect(run.findingsCount).to.equal(0);
    await page.getByText("没有发现问题").waitFor();

    // The same producer, reporting events not anchored after 0 hours: every event is a finding.
    await openFromMenu(page, "审计");
    await page.getByRole("radio", { name: "机构" }).check();
    await page.getByLabel("生产者机构编号").fill(wuchang.id);
    await page.getByLabel("事件超过多少小时未上链即报告").fill("0");
    await page.getByRole("button", { name: "开始审计" }).click();
    await runPageOpened(page);
    await page.getByText(/^共 [1-9]\d* 项发现$/).waitFor();
    const strict = await apiAs(r, certifier.apiKey, "GET", `/api/audit/runs/${page.url().split("/").pop()}`);
    expect(strict.countsByKind.unanchored_too_long).to.be.greaterThan(0);
    await page
      .getByRole("heading", { name: `超时未锚定 (${strict.countsByKind.unanchored_too_long})` })
      .waitFor();
    const record = page.getByRole("link", { name: `批次 ${riceId} 的审计记录` }).first();
    const recordHref = await record.getAttribute("href");
    const audited = await context.request.get(`${r.baseUrl}${recordHref}`);
    expect(audited.status()).to.equal(200);
    expect((await audited.json()).batch.id).to.equal(riceId);
    await expectAccessible(page, "audit run (certifier)");
    await page.setViewportSize(PHONE);
    await page.evaluate("window.scrollTo(0, 0)");
    await screenshot(page, "console-certifier-audit-phone");
    await logOutThroughUi(page);
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it("auditor: audits a province, reads the findings by kind, opens the evidence and downloads CSV and the bilingual report", async () => {
    const r = rig;
    const { page, context, problems } = await openConsole(r, PHONE);
    await logInThroughUi(page, auditor);
    await openFromMenu(page, "审计");
    await page.getByRole("radio", { name: "地区" }).check();
    await page.getByLabel("地区（省 / 市 / 县）").click();
    await page
      .getByRole("menuitemcheckbox", { name: "浙江省" })
      .or(page.getByTitle("浙江省", { exact: true }))
      .first()
      .click();
    await page.keyboard.press("Escape");
    await page.getByLabel("事件超过多少小时未上链即报告").fill("0");
    await expectAccessible(page, "audits (start)");
    await page.getByRole("button", { name: "开始审计" }).click();
    await runPageOpened(page);
    await page.getByText(/^共 [1-9]\d* 项发现$/).waitFor();
    const runId = page.url().split("/").pop()!;
    const run = await apiAs(r, auditor.apiKey, "GET", `/api/audit/runs/${runId}`);
    expect(run.scope).to.deep.equal({ regionCode: "33" });
    expect(run.progress.totalBatches).to.equal(1);
    const report = await apiAs(r, auditor.apiKey, "GET", `/api/audit/runs/${runId}/report.json`);
    expect(report.findings.every((finding: { batchId: string }) => finding.batchId === teaId)).to.equal(true);
    const section = page.getByRole("region", { name: "超时未锚定" });
    await section
      .getByRole("heading", { name: `超时未锚定 (${run.countsByKind.unanchored_too_long})` })
      .waitFor();
    await expectAccessible(page, "audit run (auditor)");
    await screenshot(page, "console-auditor-run-phone");

    const csvHref = await page.getByRole("link", { name: "下载 CSV" }).getAttribute("href");
    const csv = await context.request.get(`${r.baseUrl}${csvHref}`);
    expect(csv.status()).to.equal(200);
    expect((await csv.text()).trim().split("\r\n")).to.have.length(run.findingsCount + 1);
    const htmlHref = await page.getByRole("link", { name: "打开中英文报告（HTML）" }).getAttribute("href");
    const html = await (await context.request.get(`${r.baseUrl}${htmlHref}`)).text();
    expect(html).to.include("审计报告").and.include("Audit report").and.include("regionCode=33");

    // The evidence: the batch the findings are about, in the console.
    await section
      .getByRole("link", { name: `批次 ${teaId}` })
      .first()
      .click();
    await page.getByText("安吉白茶 明前特级").first().waitFor();
    expect(page.url()).to.equal(`${r.baseUrl}/console/batches/${teaId}`);
    await page.setViewportSize(DESKTOP);
    await page.goBack();
    await page.getByText(/^共 [1-9]\d* 项发现$/).waitFor();
    await screenshot(page, "console-auditor-run-desktop");
    // The run stays listed on the audits screen, to be opened again.
    await openFromMenu(page, "审计");
    await page.getByText("地区 33", { exact: true }).waitFor();
    const listed = await apiAs(r, auditor.apiKey, "GET", "/api/audit/runs");
    expect(listed.items.map((item: { id: string }) => item.id)).to.include(runId);
    await expectAccessible(page, "audits (recent runs)");
    await logOutThroughUi(page);
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it("auditor: audits a brand and a period of batch registrations", async () => {
    const r = rig;
    const association = await apiAs(r, r.adminKey, "POST", "/api/orgs", {
      name: "安吉县白茶产业协会",
      roles: ["brand_owner"],
    });
    const brand = await apiAs(
      r,
      association.apiKey,
      "POST",
      "/api/brands",
      anjiBrand({ requiredSchemes: [] }),
    );
    const { page, context, problems } = await openConsole(r, DESKTOP);
    await logInThroughUi(page, auditor);
    await openFromMenu(page, "审计");
    await page.getByRole("radio", { name: "品牌" }).check();
    await page.getByLabel("品牌编号").fill(brand.id);
    await page.getByRole("button", { name: "开始审计" }).click();
    await runPageOpened(page);
    await page.getByText("已完成", { exact: true }).waitFor();
    const brandRun = await apiAs(r, auditor.apiKey, "GET", `/api/audit/runs/${page.url().split("/").pop()}`);
    expect(brandRun.scope).to.deep.equal({ brandId: brand.id });
    await page.getByText(`品牌 ${brand.id}`).waitFor();

    const today = new Date().toISOString().slice(0, 10);
    await openFromMenu(page, "审计");
    await page.getByRole("radio", { name: "时间段" }).check();
    await expectAccessible(page, "audits (period)");
    await page.getByPlaceholder("开始日期").fill(today);
    await page.getByPlaceholder("结束日期").fill(today);
    // Enter confirms the range and submits the form, as the button does.
    await page.keyboard.press("Enter");
    await runPageOpened(page);
    await page.getByText("已完成", { exact: true }).waitFor();
    const periodRun = await apiAs(r, auditor.apiKey, "GET", `/api/audit/runs/${page.url().split("/").pop()}`);
    expect(Object.keys(periodRun.scope)).to.deep.equal(["from", "to"]);
    expect(new Date(periodRun.scope.to).getTime() - new Date(periodRun.scope.from).getTime()).to.equal(
      24 * 3600 * 1000,
    );
    // Both producers' batches were registered today (in the browser's time zone, as the form reads it).
    expect(periodRun.progress.totalBatches).to.equal(2);
    await logOutThroughUi(page);
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it("regulator: reads recalls and revocations by province, then by city, with the lists behind the counts", async () => {
    const r = rig;
    await apiAs(r, anji.apiKey, "POST", `/api/batches/${teaId}/events`, {
      type: "recalling",
      eventTime: "2026-05-01T00:00:00Z",
      data: { reason: "农残超标" },
    });
    const server = { baseUrl: r.baseUrl } as TestServer;
    const { relayPath, body } = await signStatusChange(
      server,
      { id: certifier.id, key: certifier.apiKey, name: "", wallet } as never,
      wuchangCertificationId,
      "revoked",
      "生产记录造假，撤销证书",
    );
    await apiAs(r, certifier.apiKey, "POST", relayPath, body);

    const { page, context, problems } = await openConsole(r, DESKTOP);
    await logInThroughUi(page, auditor);
    await openFromMenu(page, "地区召回与撤销");
    await page.getByText("召回 1 批 · 撤销认证 1 项").waitFor();
    await page.getByText("浙江省：召回 1，撤销 0").waitFor();
    await page.getByText("黑龙江省：召回 0，撤销 1").waitFor();
    await page.getByText("原因：农残超标").waitFor();
    await page.getByText("原因：生产记录造假，撤销证书").waitFor();
    const country = await apiAs(r, auditor.apiKey, "GET", "/api/regional-overview");
    expect(country.totals).to.deep.equal({ recalls: 1, revocations: 1 });
    expect(country.recalls[0].batchId).to.equal(teaId);
    expect(country.revocations[0].certificationId).to.equal(wuchangCertificationId);
    await expectAccessible(page, "regional overview (country)");
    await screenshot(page, "console-regulator-regions-desktop");

    await page.getByRole("button", { name: "查看 浙江省" }).click();
    await page.getByText("湖州市：召回 1，撤销 0").waitFor();
    await page.getByText("没有撤销的认证").waitFor();
    await expectAccessible(page, "regional overview (province)");
    // The same screen in English.
    await page.getByText("EN", { exact: true }).click();
    await page.getByText("湖州市: 1 recalls, 0 revocations").waitFor();
    await page.getByText("No revoked certifications").waitFor();
    await page.getByText("中文", { exact: true }).click();
    await page.setViewportSize(PHONE);
    await page.evaluate("window.scrollTo(0, 0)");
    await screenshot(page, "console-regulator-regions-phone");
    await readmeScreenshot(page, "regulator");
    await logOutThroughUi(page);
    expect(problems).to.deep.equal([]);
    await context.close();
  });
});
