import { expect } from "chai";
import { Types } from "mongoose";
import { childLot } from "../../server/modules/custody/split-batch";

describe("childLot", () => {
  const childId = new Types.ObjectId("6b067e43a83a7847d3dc3cbd");

  it("keeps the parent lot with a split suffix when it fits GS1's 20 characters", () => {
    expect(childLot("AJBC-2026-0412", 3, childId)).to.equal("AJBC-2026-0412-S3");
  });

  it("uses the child id for the suffix when the readable form would be too long", () => {
    const lot = childLot("ABCDEFGHIJKLMNOPQRST", 12, childId);
    expect(lot).to.equal("ABCDEFGHIJK-d3dc3cbd");
    expect(lot.length).to.be.at.most(20);
  });

  it("gives different parents with a common prefix different child lots", () => {
    const other = new Types.ObjectId("6b067e43a83a7847d3dc3cbe");
    expect(childLot("LONGLOTNAME-2026-0004", 2, childId)).to.not.equal(
      childLot("LONGLOTNAME-2026-0005", 2, other),
    );
  });
});
