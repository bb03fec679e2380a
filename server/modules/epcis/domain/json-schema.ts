import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import epcisSchema from "./EPCIS-JSON-Schema.json";

/**
 * GS1's official EPCIS 2.0 JSON schema (draft-07): a copy of
 * https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json kept next to this file, formatted by prettier;
 * a unit test checks that its content equals the verbatim copy in `test/fixtures/gs1-epcis/`. Captured
 * documents are validated with it before anything else, and exported events that replay a
 * captured event are checked with it before they are published.
 */
const SCHEMA_ID = (epcisSchema as { $id: string }).$id;

let compiled: { document: ValidateFunction; event: ValidateFunction; uri: ValidateFunction } | undefined;

function validators() {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(epcisSchema as object);
    compiled = {
      document: ajv.getSchema(SCHEMA_ID)!,
      event: ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/EPCIS-Document-Event` }),
      uri: ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/uri` }),
    };
  }
  return compiled;
}

export interface SchemaProblem {
  /** JSON Pointer into the document (`/epcisBody/eventList/3/action`). */
  path: string;
  problem: string;
}

/** Every problem the official schema finds, without the noise of its if/then and anyOf wrappers. */
export function epcisSchemaProblems(document: unknown): SchemaProblem[] {
  const validate = validators().document;
  if (validate(document)) return [];
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of validate.errors ?? []) {
    if (error.keyword === "if" || error.keyword === "anyOf" || error.keyword === "allOf") continue;
    const problem = { path: error.instancePath || "/", problem: describe(error) };
    const key = `${problem.path} ${problem.problem}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

/** True if one event (as it appears in an eventList) is valid EPCIS 2.0. */
export function isValidEpcisEvent(event: unknown): boolean {
  return validators().event(event) === true;
}

/** True for a string the schema accepts where it asks for a URI (RFC 3986, with a scheme). */
export function isEpcisUri(value: unknown): value is string {
  return typeof value === "string" && validators().uri(value) === true;
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case "required":
      return `must have the field ${String(error.params.missingProperty)}`;
    case "propertyNames":
      return `has a field that is neither an EPCIS field nor an extension URI (${String(error.params.propertyName)})`;
    case "enum":
      return `must be one of ${(error.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(", ")}`;
    default:
      return error.message ?? error.keyword;
  }
}
