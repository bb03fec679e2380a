import { expect } from "chai";
import { cbvBatchMaster } from "../../server/modules/epcis/domain/batch-master";

const REF = { gtin: "06901234567892", lot: "L1" };
const QUANTITY = { value: 5, unit: "KGM" };

describe("cbvBatchMaster (a batch from CBV master data, decision 0031)", () => {
  it("takes the name from descriptionShort (language-tagged too) and a non-geo read point as the place", () => {
    const { master, problems } = cbvBatchMaster(
      {
        "cbvmda:descriptionShort": [{ "@value": "安吉白茶", "@language": "zh" }],
        "cbvmda:regulatedProductName": "White tea",
      },
      "urn:epc:id:sgln:6901234.00001.0",
      REF,
      QUANTITY,
    );
    expect(problems).to.deep.equal([]);
    expect(master).to.deep.equal({
      product: { name: "安吉白茶", gtin: REF.gtin },
      lot: "L1",
      origin: { place: "urn:epc:id:sgln:6901234.00001.0" },
      quantity: QUANTITY,
    });
  });

  it("states nothing it was not given: no name, place, country or harvest date is made up", () => {
    const { master } = cbvBatchMaster({}, undefined, REF, QUANTITY);
    expect(master).to.deep.equal({ product: { gtin: REF.gtin }, lot: "L1", origin: {}, quantity: QUANTITY });
  });
});
