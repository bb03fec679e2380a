import { linkTypeIri, OFFERED_LINK_TYPES, type OfferedLinkType } from "./link-types";

/** One link of a linkset (RFC 9264 target attributes; GS1 asks for a title on every link). */
export interface Link {
  href: string;
  title: string;
  type?: string;
  hreflang?: string[];
}

/**
 * The links of one identified thing: `anchor` is the uncompressed GS1 Digital Link URI (a lot, or
 * an item of it), `links` by link type. GS1-Conformant Resolver: every link has href, link type
 * and title; exactly one default link.
 */
export interface LinkContext {
  anchor: string;
  itemDescription: string;
  links: Partial<Record<OfferedLinkType, Link[]>>;
}

/** The `application/linkset+json` document (RFC 9264 §4.2, link types as full IRIs). */
export function linksetDocument(contexts: readonly LinkContext[]) {
  return {
    linkset: contexts.map((context) => {
      const entry: Record<string, unknown> = {
        anchor: context.anchor,
        itemDescription: context.itemDescription,
      };
      for (const type of OFFERED_LINK_TYPES) {
        const links = context.links[type];
        if (links?.length) entry[linkTypeIri(type)] = links;
      }
      return entry;
    }),
  };
}

/**
 * The link a request for `type` resolves to: the first whose language the client prefers, else
 * the first. Null when this thing has no link of that type.
 */
export function pickLink(context: LinkContext, type: OfferedLinkType, language: string | null): Link | null {
  const links = context.links[type] ?? [];
  if (language) {
    const match = links.find((link) => link.hreflang?.some((tag) => tag.toLowerCase().startsWith(language)));
    if (match) return match;
  }
  return links[0] ?? null;
}

/**
 * The `Link` header every Digital Link response carries: where the linkset is, and the
 * uncompressed URI of what was asked for (`owl:sameAs`), as the resolver standard asks.
 */
export function linkHeader(anchor: string): string {
  const linkset = `${anchor}?linkType=linkset`;
  return [
    `<${linkset}>; rel="linkset"; type="application/linkset+json"`,
    `<${anchor}>; rel="owl:sameAs"`,
  ].join(", ");
}
