import { expect } from "chai";
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

/**
 * The auditor and an organization's admin, each through the UI only, against one service: an
 * audit run with its findings and CSV; members and API keys. Results checked through the API.
 * (The brand owner's journey is in console-brand-admin.test.ts.)
 */
describe("console: auditor and organization admin in Chromium", function () {
  this.timeout(300_000);
  const rig = useConsoleRig("console-roles");
  let farm: Awaited<ReturnType<typeof organizationWithMember>>;

  before(async () => {
    farm = await organizationWithMember(rig, "安吉县溪龙乡白茶合作社", ["producer"], "admin@xilong.example");
  });

  it("auditor: runs an audit, follows it to the end and downloads the CSV", async () => {
    const r = rig;
    const auditor = await organizationWithMember(
      r,
      "湖州市市场监督管理局",
      ["auditor"],
      "inspector@huzhou.example",
    );
    const { page, context, problems } = await openConsole(r, PHONE);
    await logInThroughUi(page, auditor);
    await openFromMenu(page, "审计");
    await page.getByRole("radio", { name: "机构" }).check();
    await page.getByLabel("生产者机构编号").fill(farm.id);
    await page.getByRole("button", { name: "开始审计" }).click();
    await page.getByText(/^共 \d+ 项发现$/).waitFor();
    const csvHref = await page.getByRole("link", { name: "下载 CSV" }).getAttribute("href");
    const csv = await context.request.get(`${r.baseUrl}${csvHref}`);
    expect(csv.status()).to.equal(200);
    expect(csv.headers()["content-type"]).to.match(/text\/csv/);
    await expectAccessible(page, "audit");
    await screenshot(page, "console-auditor-phone");
    await readmeScreenshot(page, "auditor");
    await logOutThroughUi(page);
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it("organization admin: invites a member who sets a password and logs in, removes a member, issues an API key", async () => {
    const r = rig;
    const leaving = await apiAs(r, farm.apiKey, "POST", `/api/organizations/${farm.id}/members`, {
      email: "leaving@xilong.example",
      name: "leaving",
      role: "member",
    });
    await apiAs(r, farm.apiKey, "POST", `/api/invitations/${leaving.token}/accept`, {
      password: "correct horse battery leaving",
    });
    const { page, context, problems } = await openConsole(r, DESKTOP);
    await logInThroughUi(page, farm);
    await openFromMenu(page, "成员与密钥");
    await page.getByLabel("邮箱").fill("new.clerk@xilong.example");
    await page.getByLabel("姓名").fill("新会计");
    await page.getByRole("button", { name: /邀\s*请/ }).click();
    await page.getByText("邀请链接（只显示一次，请发给对方）").waitFor();
    const link = await page.getByText(/\/console\/invitations\//).innerText();

    // The invited clerk opens the link, chooses a password and logs in.
    const invited = await openConsole(r, PHONE);
    await invited.page.goto(link.trim());
    await invited.page.getByLabel("设置密码（至少 12 位）").fill("correct horse battery clerk");
    await invited.page.getByRole("button", { name: "设置密码并前往登录" }).click();
    await logInThroughUi(invited.page, {
      email: "new.clerk@xilong.example",
      password: "correct horse battery clerk",
    });
    await expectAccessible(invited.page, "after accepting an invitation");
    await logOutThroughUi(invited.page);
    expect(invited.problems).to.deep.equal([]);
    await invited.context.close();

    await page.getByRole("button", { name: "移除 leaving@xilong.example" }).click();
    await page.getByText("成员已移除").waitFor();
    const members = (await apiAs(r, farm.apiKey, "GET", `/api/organizations/${farm.id}/members`)).items;
    expect(members.map((member: { email: string }) => member.email)).to.not.include("leaving@xilong.example");
    const keysBefore = (await apiAs(r, farm.apiKey, "GET", `/api/orgs/${farm.id}/keys`)).items.length;
    await page.getByRole("button", { name: "新建密钥" }).click();
    await page.getByText("新密钥只显示这一次").waitFor();
    expect((await apiAs(r, farm.apiKey, "GET", `/api/orgs/${farm.id}/keys`)).items).to.have.length(
      keysBefore + 1,
    );
    await expectAccessible(page, "members and keys");
    await screenshot(page, "console-admin-desktop");
    await readmeScreenshot(page, "organization-admin");
    await logOutThroughUi(page);
    expect(problems).to.deep.equal([]);
    await context.close();
  });
});
