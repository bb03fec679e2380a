import { useCallback, useEffect, useState } from "react";
import { api, describeError } from "./api-client";

/** GET `path` when it changes; `reload()` after a change. `path` null waits. */
export function useApi<T>(path: string | null): {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): void;
} {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (path === null) return;
    let current = true;
    setLoading(true);
    api<T>("GET", path)
      .then((value) => current && (setData(value), setError(undefined)))
      .catch((failure: unknown) => current && setError(describeError(failure)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [path, version]);

  const reload = useCallback(() => setVersion((value) => value + 1), []);
  return { data, error, loading, reload };
}
