/**
 * The rules of a regional public brand (区域公用品牌): which batches a licence covers, how licences
 * change status, and whether a quota still has room. Pure: no database, no clock.
 */

export const LICENCE_STATUSES = ["active", "suspended", "revoked"] as const;
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

export const LICENCE_ACTIONS = ["suspend", "reinstate", "revoke"] as const;
export type LicenceAction = (typeof LICENCE_ACTIONS)[number];

const TRANSITIONS: Record<
  LicenceAction,
  { from: readonly LicenceStatus[]; to: LicenceStatus; done: string }
> = {
  suspend: { from: ["active"], to: "suspended", done: "suspended" },
  reinstate: { from: ["suspended"], to: "active", done: "reinstated" },
  revoke: { from: ["active", "suspended"], to: "revoked", done: "revoked" },
};

/** The status after `action`, or why the licence cannot take it. */
export function licenceTransition(
  status: LicenceStatus,
  action: LicenceAction,
): { to: LicenceStatus } | { problem: string } {
  const rule = TRANSITIONS[action];
  if (rule.from.includes(status)) return { to: rule.to };
  return { problem: `a ${status} licence cannot be ${rule.done}` };
}

/**
 * Whether a GB/T 2260 code lies inside one of the brand's regions. A region's trailing "00" pairs
 * stand for "every division below": 330500 (湖州市) contains 330523 (安吉县); 330000 all of 浙江省.
 */
export function isInBrandRegion(brandRegionCodes: readonly string[], regionCode: string): boolean {
  return brandRegionCodes.some((code) => regionCode.startsWith(code.replace(/(00)+$/, "")));
}

export interface LicenceTerms {
  producerId: string;
  category: string;
  period: { from: string; until: string };
  status: LicenceStatus;
}

export interface BrandClaimCandidate {
  producerId: string;
  category: string;
  regionCode: string;
  /** ISO date or date-time of the harvest / production. */
  harvestedAt: string;
  quantity: { value: number; unit: string };
}

/** Whether a day (YYYY-MM-DD or a date-time, read by its calendar date) lies in an inclusive period. */
export function isWithinPeriod(period: { from: string; until: string }, when: string): boolean {
  const day = when.slice(0, 10);
  return day >= period.from.slice(0, 10) && day <= period.until.slice(0, 10);
}

/** Why `licence` does not cover the candidate batch, or null when it does (status aside). */
export function licenceMismatch(licence: LicenceTerms, batch: BrandClaimCandidate): string | null {
  if (licence.producerId !== batch.producerId) return "the licence is for another producer";
  if (licence.category !== batch.category)
    return `the licence is for category ${licence.category}, the batch is ${batch.category}`;
  if (!isWithinPeriod(licence.period, batch.harvestedAt)) {
    return `the harvest date ${batch.harvestedAt.slice(0, 10)} is outside the licence period ${licence.period.from} – ${licence.period.until}`;
  }
  return null;
}

/** Why a quota cannot take `quantity`, or null. Units must match: conversion is not guessed. */
export function quotaProblem(
  quota: { value: number; unit: string },
  remaining: number,
  quantity: { value: number; unit: string },
): string | null {
  if (quota.unit !== quantity.unit)
    return `the licence quota is in ${quota.unit}, the batch is in ${quantity.unit}`;
  if (quantity.value > remaining + 1e-9) {
    return `the licence has ${roundQuantity(remaining)} ${quota.unit} of its quota left, the batch needs ${quantity.value} ${quantity.unit}`;
  }
  return null;
}

/** Rounds away binary noise from repeated additions of decimal quantities. */
export function roundQuantity(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
