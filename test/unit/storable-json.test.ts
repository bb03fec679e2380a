import { expect } from "chai";
import { storableJsonProblems } from "../../server/platform/storable-json";

describe("storableJsonProblems (stored form equals hashed form, decision 0017)", () => {
  it("accepts plain JSON with unicode keys, odd numbers and deep nesting", () => {
    const value = JSON.parse('{"键":{"a":[1e21,-0,5e-324,{"b":null}]},"toStringy":true,"":"x"}');
    expect(storableJsonProblems(value, "body")).to.deep.equal([]);
  });

  it("names the path of a __proto__ key that JSON.parse made an own key", () => {
    const value = JSON.parse('{"epcisBody":{"eventList":[{"example:lab":{"__proto__":{}}}]}}');
    expect(storableJsonProblems(value, "body")).to.deep.equal([
      {
        field: "body.epcisBody.eventList[0].example:lab.__proto__",
        problem:
          "is not allowed as a key: __proto__, constructor, prototype, toString and the other names of JavaScript object internals are refused",
      },
    ]);
  });

  it("refuses every Object.prototype member name and prototype, but not look-alikes", () => {
    for (const key of [
      "constructor",
      "prototype",
      "toString",
      "hasOwnProperty",
      "valueOf",
      "__defineGetter__",
    ])
      expect(storableJsonProblems({ [key]: 1 }, "body"), key).to.have.length(1);
    expect(storableJsonProblems({ Constructor: 1, proto: 1, __proto: 1 }, "body")).to.deep.equal([]);
  });

  it("names the parent of a key with NUL or a lone surrogate, and a string with a lone surrogate", () => {
    expect(storableJsonProblems({ data: { "a\u0000b": 1 } }, "body")[0].field).to.equal("body.data");
    expect(storableJsonProblems({ data: { "\uD800": 1 } }, "body")[0].field).to.equal("body.data");
    expect(storableJsonProblems({ data: ["ok", "\uDC00"] }, "body")).to.deep.equal([
      { field: "body.data[1]", problem: "must not contain unpaired UTF-16 surrogates" },
    ]);
  });
});
