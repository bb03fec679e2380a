/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The Content-Security-Policy of server-rendered pages: nothing may load from anywhere (no
 * scripts, fonts, images or styles from the network); only the inline stylesheet and inline SVG.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The CSP of a page that also runs one inline script (the consumer page's "share my approximate
 * location"): PAGE_CSP plus that script by its per-response nonce, requests to its own origin
 * (the script's one post) and form posts to its own origin (report a fake, pick a region).
 */
export function pageCspWithScript(nonce: string): string {
  return PAGE_CSP.replace("form-action 'none'", "form-action 'self'").concat(
    `; script-src 'nonce-${nonce}'; connect-src 'self'`,
  );
}
