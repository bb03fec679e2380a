import type { Request, Response } from "express";

/** The console session cookie: httpOnly (no script reads it), SameSite=Strict, Secure over https. */
export const SESSION_COOKIE = "ecotrace_session";

export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    secure: req.secure,
    expires: expiresAt,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "strict", path: "/", secure: req.secure });
}

export function sessionCookieOf(req: Request): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof value === "string" ? value : undefined;
}
