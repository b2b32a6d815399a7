/** Loads one API resource by path with abort on change, a retry, and a small in-memory cache of recent answers. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, getJson } from '../api/client';

/** Where a resource request is. `idle` means no path was given (nothing to load). */
export type ApiResource<T> =
  { status: 'idle' } | { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: ApiError };

/** Options of useApiResource. */
export interface UseApiResourceOptions {
  /** Keep the answer in memory so revisiting the same path (e.g. England after an ICB) is instant. Default true. */
  cache?: boolean;
}

/** How many answers the cache keeps (the England catchments are a few MB parsed, so keep it small). */
const CACHE_SIZE = 8;
const cache = new Map<string, unknown>();

function remember(path: string, data: unknown): void {
  cache.delete(path);
  cache.set(path, data);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
}

/** Forgets every cached answer (e.g. after reference data finished loading). */
export function clearApiResourceCache(): void {
  cache.clear();
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({
    status: 0,
    code: 'client_error',
    detail: error instanceof Error ? error.message : 'Unknown error',
  });
}

/**
 * Fetches `path` (or nothing when it is null) and returns its state; `retry` fetches it again. A new path aborts the
 * previous request, so a quick series of choices never shows a stale answer.
 */
export function useApiResource<T>(
  path: string | null,
  options: UseApiResourceOptions = {},
): ApiResource<T> & { retry: () => void } {
  const shouldCache = options.cache ?? true;
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{ path: string | null; resource: ApiResource<T> }>(() => initial(path));

  function initial(p: string | null): { path: string | null; resource: ApiResource<T> } {
    if (p === null) return { path: p, resource: { status: 'idle' } };
    if (shouldCache && cache.has(p)) return { path: p, resource: { status: 'ready', data: cache.get(p) as T } };
    return { path: p, resource: { status: 'loading' } };
  }

  // A changed path shows its cached answer (or loading) in the same render, never the previous path's data.
  let current = state;
  if (state.path !== path) {
    current = initial(path);
    setState(current);
  }

  useEffect(() => {
    if (path === null) return;
    if (shouldCache && cache.has(path)) return;
    const controller = new AbortController();
    setState((s) =>
      s.path === path && s.resource.status === 'loading' ? s : { path, resource: { status: 'loading' } },
    );
    getJson<T>(path, { signal: controller.signal }).then(
      (data) => {
        if (shouldCache) remember(path, data);
        if (!controller.signal.aborted) setState({ path, resource: { status: 'ready', data } });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ path, resource: { status: 'error', error: toApiError(error) } });
      },
    );
    return () => controller.abort();
  }, [path, attempt, shouldCache]);

  const retry = useCallback(() => {
    if (path !== null) cache.delete(path);
    setAttempt((n) => n + 1);
  }, [path]);

  const { resource } = current;
  // A stable object while nothing changes, so callers can list it in memo dependencies.
  return useMemo(() => ({ ...resource, retry }), [resource, retry]);
}
