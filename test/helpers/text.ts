/**
 * Whether `text` holds `digits` as a number of its own, not inside a longer number or a hex
 * string: "880" turns up in random salts and hashes about once in a few dozen pages.
 */
export function hasNumber(text: string, digits: string): boolean {
  return new RegExp(`(?<![0-9a-fA-Fx.])${digits}(?![0-9a-fA-F])`).test(text);
}
