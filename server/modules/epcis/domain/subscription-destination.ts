/**
 * Where a subscription may deliver (decision 0032). A webhook is a request the service makes on a
 * caller's behalf, so a destination must be http(s) and its host one the operator allowed
 * (EPCIS_SUBSCRIPTION_ALLOWED_HOSTS): otherwise any API key could make the service call its own
 * network (metadata endpoints, the database, admin consoles). Redirects are not followed.
 */
export function destinationProblem(dest: string, allowedHosts: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(dest);
  } catch {
    return "must be an absolute http(s) URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http or https URL";
  if (url.username || url.password) return "must not carry credentials (use signatureToken)";
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const hostAndPort = url.port ? `${host}:${url.port}` : host;
  if (!allowedHosts.some((allowed) => allowed === host || allowed === hostAndPort))
    return allowedHosts.length === 0
      ? "cannot be delivered to: no destination host is allowed (EPCIS_SUBSCRIPTION_ALLOWED_HOSTS is empty)"
      : `host ${hostAndPort} is not in EPCIS_SUBSCRIPTION_ALLOWED_HOSTS`;
  return null;
}
