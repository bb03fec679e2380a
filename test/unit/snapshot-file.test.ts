import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { congodb } from "@push.rocks/smartmongo";
import {
  readSnapshot,
  SnapshotWriter,
  type SnapshotRecord,
} from "../../server/platform/mongo/embedded/snapshot-file";

const { serialize } = congodb.plugins.bson;

describe("embedded store snapshot file", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-snapshot-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads back every record in order across slices, a record larger than a slice included", async () => {
    const documents = [
      ...Array.from({ length: 20_000 }, (_, index) => ({
        _id: index,
        body: randomBytes(300).toString("hex"),
      })),
      { _id: "leaves", leaves: randomBytes(5 * 1024 * 1024) }, // a 100,000-leaf window's list is ~4.4 MB
      { _id: "after", note: "the record after the large one" },
    ].map((document) => serialize(document));
    const records: SnapshotRecord[] = [
      { tag: "H", format: "test", generation: 3 },
      { tag: "C", db: "ecotrace", coll: "events" },
      ...documents.map((bytes) => ({ tag: "D" as const, bytes })),
      { tag: "I", db: "ecotrace", coll: "events", indexes: [{ name: "_id_", key: { _id: 1 } }] },
      { tag: "E" },
    ];
    const file = path.join(dir, "snapshot.bson");
    const writer = await SnapshotWriter.create(file);
    for (const record of records) await writer.add(record);
    await writer.close();

    const read = [...readSnapshot(file)];
    expect(read, "every record but the end marker").to.have.length(records.length - 1);
    expect(read[0]).to.deep.include({ tag: "H", format: "test", generation: 3 });
    read.slice(2, 2 + documents.length).forEach((record, index) => {
      expect(record.tag).to.equal("D");
      expect(
        Buffer.from((record as { bytes: Uint8Array }).bytes).equals(Buffer.from(documents[index])),
        `${index}`,
      ).to.equal(true);
    });
    expect(read.at(-1)).to.deep.include({ tag: "I", coll: "events" });
  });
});
