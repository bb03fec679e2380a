/**
 * GS1 Global Trade Item Numbers. Products may carry a GTIN-8, -12 (UPC-A), -13 (EAN-13) or -14;
 * GS1 Digital Link always uses the 14-digit form, which is the shorter one left-padded with zeros
 * (padding does not change the check digit because weights count from the right).
 */

const GTIN_LENGTHS = [8, 12, 13, 14];

/**
 * GS1 mod-10 check digit of the digits that precede it: weights 3, 1, 3, … from the rightmost
 * digit; the check digit brings the weighted sum up to a multiple of ten.
 */
export function gs1CheckDigit(digitsWithoutCheck: string): number {
  if (!/^\d+$/.test(digitsWithoutCheck)) {
    throw new TypeError(`a GS1 check digit needs digits, got "${digitsWithoutCheck}"`);
  }
  let sum = 0;
  for (let fromRight = 0; fromRight < digitsWithoutCheck.length; fromRight++) {
    const digit = digitsWithoutCheck.charCodeAt(digitsWithoutCheck.length - 1 - fromRight) - 48;
    sum += fromRight % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** Null for a valid GTIN-8/12/13/14; otherwise what is wrong, in words a producer can act on. */
export function gtinProblem(value: string): string | null {
  if (!/^\d*$/.test(value)) return "must contain digits only";
  if (!GTIN_LENGTHS.includes(value.length)) return "must be 8, 12, 13 or 14 digits";
  const expected = gs1CheckDigit(value.slice(0, -1));
  const actual = Number(value.slice(-1));
  return expected === actual ? null : `check digit must be ${expected}, not ${actual}`;
}

/** The GTIN-14 form used in GS1 Digital Link URIs; throws for an invalid GTIN. */
export function toGtin14(value: string): string {
  const problem = gtinProblem(value);
  if (problem) throw new TypeError(`invalid GTIN "${value}": ${problem}`);
  return value.padStart(14, "0");
}
