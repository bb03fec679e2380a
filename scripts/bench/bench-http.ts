/** A JSON POST with an API key for benchmark set-up; throws with the answer on any non-2xx. */
export async function post(
  base: string,
  key: string,
  route: string,
  body: unknown,
): Promise<Record<string, string>> {
  const response = await fetch(`${base}${route}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, string>;
  if (!response.ok) throw new Error(`${route} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}
