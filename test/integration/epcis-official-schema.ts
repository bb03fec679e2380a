import fs from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { expect } from "chai";

/**
 * GS1's official EPCIS 2.0 JSON schema, read from the shared copy (not the service's own), so that
 * exported documents are checked against the source of truth.
 */
export const OFFICIAL_SCHEMA_PATH = path.resolve(__dirname, "../fixtures/gs1-epcis/EPCIS-JSON-Schema.json");
export const EXAMPLES_DIR = path.resolve(__dirname, "../fixtures/gs1-epcis/examples");

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(OFFICIAL_SCHEMA_PATH, "utf8")));

export function expectValidEpcis(document: unknown): void {
  const valid = validate(document);
  expect(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 2)).to.equal(true);
}
