import { expect } from "chai";
import { Types } from "mongoose";
import type { BatchDoc } from "../../server/modules/batches/data/batch.model";
import { labelContents } from "../../server/modules/labels/web/labels-content";

describe("labelContents", () => {
  const batch = {
    _id: new Types.ObjectId(),
    product: { name: "安吉白茶 明前特级", category: "tea", gtin: "06901234567892" },
    lot: "AJBC-2026-0412",
    origin: {
      place: "溪龙乡黄杜村",
      regionCode: "330523",
      harvestedAt: "2026-04-12",
      harvestedOn: new Date(),
    },
    brand: "安吉白茶",
    brandId: new Types.ObjectId(),
    licenceId: new Types.ObjectId(),
  } as unknown as BatchDoc;

  it("prints the brand on item-serial labels, which the licence quota counts", () => {
    const [label] = labelContents(batch, [{ link: "https://x/01/1/10/L/21/S1", serial: "S1" }]);
    expect(label).to.include({ brand: "安吉白茶", serial: "S1" });
  });

  it("prints the origin's province, county and township from the GB/T 2260 data, each once, then the place", () => {
    const origin = (place: string, regionCode: string) =>
      labelContents({ ...batch, origin: { ...batch.origin, place, regionCode } } as BatchDoc, [
        { link: "https://x/01/1/10/L" },
      ])[0].origin;
    expect(origin("溪龙乡黄杜村", "330523")).to.equal("浙江省安吉县溪龙乡黄杜村");
    expect(origin("黄杜村 3号茶园", "330523")).to.equal("浙江省安吉县黄杜村 3号茶园");
    expect(origin("浙江省安吉县溪龙乡黄杜村", "330523")).to.equal("浙江省安吉县溪龙乡黄杜村");
    expect(origin("黄杜村", "330523001")).to.equal("浙江省安吉县递铺街道黄杜村");
    expect(origin("某茶园", "33")).to.equal("浙江省某茶园");
  });

  it("prints the 13-digit barcode number, each item's net content and the link without its scheme", () => {
    const [label] = labelContents(batch, [
      {
        link: "https://x.cn/01/06901234567892/10/L/21/S1",
        serial: "S1",
        itemQuantity: { value: 0.25, unit: "KGM" },
      },
    ]);
    expect(label).to.include({
      gtin: "6901234567892",
      netContent: "250 克",
      fallbackUrl: "x.cn/01/06901234567892/10/L/21/S1",
    });
  });

  it("leaves the brand off batch-level labels, which can be printed in any number", () => {
    const [label] = labelContents(batch, [{ link: "https://x/01/1/10/L" }]);
    expect(label).to.not.have.property("brand");
    expect(label).to.include({ product: "安吉白茶 明前特级", lot: "AJBC-2026-0412" });
  });

  it("prints 未说明 for what a batch from CBV master data did not state, and its country by name", () => {
    const [label] = labelContents(
      { product: { gtin: "06901234567892" }, lot: "CBV-1", origin: { country: "CN" } },
      [{ link: "https://x/01/06901234567892/10/CBV-1" }],
    );
    expect(label).to.include({ product: "未说明", origin: "中国", harvestedAt: "未说明", lot: "CBV-1" });
  });
});
