import { expect } from "chai";
import { encryptKeystoreJson, Wallet } from "ethers";
import {
  apiAs,
  DESKTOP,
  expectAccessible,
  logInThroughUi,
  logOutThroughUi,
  openConsole,
  openFromMenu,
  organizationWithMember,
  readmeScreenshot,
  screenshot,
  useConsoleRig,
} from "../helpers/console-browser";
import { teaBatch } from "../helpers/scenario";

/**
 * A certifier signs in the browser with its own keystore: issues a certification for a batch, then
 * suspends, reinstates and revokes it with signed reasons. The test reads every request the page
 * sent: neither the private key, nor the keystore, nor its password ever reached the server.
 */
describe("console: certifier signs in the browser", function () {
  this.timeout(300_000);
  const rig = useConsoleRig("console-certifier");

  it("issues, suspends, reinstates and revokes with a keystore opened in the page; the key never leaves it", async () => {
    const r = rig;
    const wallet = Wallet.createRandom();
    const keystorePassword = "keystore secret 认证";
    // A light scrypt cost keeps the in-browser decryption quick; the format is the standard one.
    const keystore = await encryptKeystoreJson(
      { address: wallet.address, privateKey: wallet.privateKey },
      keystorePassword,
      { scrypt: { N: 1 << 10 } },
    );
    const certifier = await organizationWithMember(
      r,
      "中绿华夏有机食品认证中心",
      ["certifier"],
      "auditor@ofdc.example",
      {
        address: wallet.address,
      },
    );
    await apiAs(r, r.adminKey, "POST", `/api/certifiers/${certifier.id}/register`, {});
    const farm = await apiAs(r, r.adminKey, "POST", "/api/orgs", { name: "黄杜村茶园", roles: ["producer"] });
    const batch = await apiAs(r, farm.apiKey, "POST", "/api/batches", teaBatch());

    const { page, requests, problems, context } = await openConsole(r, DESKTOP);
    await logInThroughUi(page, certifier);
    await openFromMenu(page, "认证");
    await page.getByRole("heading", { name: "签名密钥" }).waitFor();
    await expectAccessible(page, "certifications (no key)");

    await page.setInputFiles("input[type=file]", {
      name: "ofdc-keystore.json",
      mimeType: "application/json",
      buffer: Buffer.from(keystore),
    });
    await page.getByLabel("密钥库密码").fill(keystorePassword);
    await page.getByRole("button", { name: "打开密钥" }).click();
    await page.getByText(wallet.address.toLowerCase()).waitFor();

    await page.getByLabel("对象编号").fill(batch.id);
    await page.getByLabel("证书编号").fill("ORG-2026-0042");
    await page.getByPlaceholder("开始日期").fill("2026-01-01");
    await page.getByPlaceholder("结束日期").fill("2027-12-31");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "签名并签发" }).click();
    await page.getByText("认证已签发").waitFor();
    const [issued] = (await apiAs(r, r.adminKey, "GET", "/api/certifications")).items;
    expect(issued).to.deep.include({
      certificateNumber: "ORG-2026-0042",
      certifier: wallet.address.toLowerCase(),
    });
    expect(issued.subject).to.deep.equal({ kind: "batch", id: batch.id });
    expect(issued.status.state).to.equal("valid");
    await page.getByText("有效", { exact: true }).waitFor();
    await expectAccessible(page, "certifications (signed)");
    await screenshot(page, "console-certifier-desktop");
    await readmeScreenshot(page, "certifier");

    const change = async (reason: string, button: string, state: string, label: string) => {
      await page.getByLabel("原因（将一并签名）").fill(reason);
      await page.getByRole("button", { name: button }).click();
      await page.getByText(label, { exact: true }).first().waitFor();
      const now = await apiAs(r, r.adminKey, "GET", `/api/certifications/${issued.id}`);
      expect(now.status.state).to.equal(state);
      expect(now.statusChanges.at(-1).reason).to.equal(reason);
    };
    await change("抽检农残超标，暂停待复检", "暂 停", "suspended", "已暂停");
    await change("复检合格", "恢 复", "valid", "有效");
    await change("复检不合格，撤销证书", "撤 销", "revoked", "已撤销");

    // Nothing the page sent carries the key, the keystore or its password.
    const secrets = [wallet.privateKey.slice(2), JSON.parse(keystore).Crypto.ciphertext, keystorePassword];
    const sent = requests.map((request) => `${request.url()}\n${request.postData() ?? ""}`);
    expect(sent.filter((text) => text.includes("/api/certifications"))).to.not.be.empty;
    for (const secret of secrets)
      expect(sent.filter((text) => text.toLowerCase().includes(secret.toLowerCase()))).to.deep.equal([]);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate("window.scrollTo(0, 0)");
    await screenshot(page, "console-certifier-phone");
    await logOutThroughUi(page);
    expect(problems).to.deep.equal([]);
    await context.close();
  });
});
