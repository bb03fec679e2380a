import type { Request, Response } from "express";
import { clientPseudonym } from "../../labels";

/** The first-party cookie that keeps a device's scan pseudonym stable (no other use). */
export const DEVICE_COOKIE = "et_device";
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * The scanning device: the pseudonym in its `et_device` cookie, or, on its first visit (or with
 * cookies off), a hash of its address and user agent, which the cookie then keeps. So a phone that
 * changes network stays one device, and a browser without cookies is still counted once a day.
 */
export function scanningDevice(req: Request, res: Response): string {
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.[DEVICE_COOKIE];
  if (typeof cookie === "string" && /^[0-9a-f]{16}$/.test(cookie)) return cookie;
  const device = clientPseudonym(req.ip ?? "", req.get("user-agent") ?? "");
  res.cookie(DEVICE_COOKIE, device, {
    httpOnly: true,
    sameSite: "lax",
    secure: req.secure,
    maxAge: ONE_YEAR_MS,
    path: "/",
  });
  return device;
}

/**
 * Whether a request is a shopper scanning the code: a GET that asks for the page (not JSON) of the
 * plain link. The page's own links (the language switch adds `lang`) and JSON calls are not scans.
 */
export function isScan(req: Request): boolean {
  return req.method === "GET" && req.query.lang === undefined && req.accepts(["html", "json"]) === "html";
}
