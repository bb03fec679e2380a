import { formatDigitalLink, type BatchDoc, type DigitalLinkKey } from "../batches";
import { builtInScheme, certificationsCovering, coverableBatch } from "../certifications";
import { findSerial } from "../labels";
import type { UseCaseContext } from "../ledger";
import { resolveBatchKey } from "../verification";
import type { Link, LinkContext } from "./domain/linkset";

/**
 * The links of the lot (and item) a Digital Link names, or the reason there are none. The
 * consumer page is both the product information page and the default link; certificates link to
 * their Verifiable Credentials (public, keyed by certHash), traceability to the EPCIS 2.0 query of
 * the lot (an API key of a party that may read it is needed), recall status to a public JSON answer.
 */
export async function linksFor(
  ctx: UseCaseContext,
  baseUrl: string,
  key: DigitalLinkKey,
): Promise<{ contexts: LinkContext[] } | { contexts: null; reason: string }> {
  const resolved = await resolveBatchKey(ctx, key);
  if (!resolved.batch) return { contexts: null, reason: resolved.reason };
  const batch = resolved.batch;
  const lot = { gtin: key.gtin, lot: batch.lot };
  const lotAnchor = formatDigitalLink(baseUrl, lot);
  const description = batch.product.name ?? `GTIN ${batch.product.gtin ?? ""} ${batch.lot}`.trim();
  const contexts: LinkContext[] = [
    {
      anchor: lotAnchor,
      itemDescription: description,
      links: {
        ...pageLinks(lotAnchor),
        certificationInfo: await certificateLinks(ctx, baseUrl, batch),
        traceability: [
          {
            href: `${baseUrl}/epcis/events?${new URLSearchParams({ MATCH_epcClass: lotAnchor })}`,
            title: "EPCIS 2.0 events of this lot (API key of a party to the lot)",
            type: "application/ld+json",
          },
        ],
        recallStatus: [
          {
            href: `${baseUrl}/recall-status${lotAnchor.slice(baseUrl.length)}`,
            title: "Recall status of this lot / 本批次召回状态",
            type: "application/json",
          },
        ],
      },
    },
  ];
  if (key.serial !== undefined) {
    if (!(await findSerial(ctx, batch._id, key.serial))) {
      return { contexts: null, reason: `serial ${key.serial} was never issued for lot ${batch.lot}` };
    }
    const itemAnchor = formatDigitalLink(baseUrl, { ...lot, serial: key.serial });
    contexts.unshift({
      anchor: itemAnchor,
      itemDescription: `${description} · ${key.serial}`,
      links: pageLinks(itemAnchor),
    });
  }
  return { contexts };
}

function pageLinks(anchor: string): LinkContext["links"] {
  const zh: Link = { href: anchor, title: "产品溯源与验证", type: "text/html", hreflang: ["zh-CN"] };
  const en: Link = {
    href: `${anchor}?lang=en`,
    title: "Provenance and verification",
    type: "text/html",
    hreflang: ["en"],
  };
  return { defaultLink: [{ href: anchor, title: zh.title }], pip: [zh, en] };
}

async function certificateLinks(ctx: UseCaseContext, baseUrl: string, batch: BatchDoc): Promise<Link[]> {
  const covering = await certificationsCovering(ctx, coverableBatch(batch));
  return covering.map(({ certification }) => {
    const scheme = builtInScheme(certification.scheme);
    return {
      href: `${baseUrl}/credentials/${certification.certHash}`,
      title: `${scheme?.name ?? certification.scheme} ${certification.certificateNumber} (W3C Verifiable Credential)`,
      type: "application/vc",
    };
  });
}
