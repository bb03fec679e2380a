/**
 * A scheme another jurisdiction runs that the registry operator declares equivalent to one of
 * ours (e.g. China organic GB/T 19630 ↔ EU organic Regulation (EU) 2018/848 ↔ USDA NOP): data an
 * admin maintains, named in every credential of that scheme, never signed by the certifier.
 */
export interface SchemeEquivalent {
  /** A stable identifier: a URI of the scheme or regulation, or a short code. */
  id: string;
  name: string;
  /** Who runs it: an ISO 3166 code, "EU", or an organisation. */
  jurisdiction: string;
  /** The legal or recognition basis the admin relies on, in words. */
  basis?: string;
}
