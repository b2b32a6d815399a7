/** Runs a service search (GET /api/services/search) for a path, with "load more" pages via the answer's nextCursor. */
import { useCallback, useEffect, useState } from 'react';
import type { SearchResponseDto, SearchResultDto } from '@shared/schemas/search';
import { ApiError, getJson } from '../api/client';

/** Where a search is. */
export type ServiceSearch =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | {
      status: 'ready';
      /** Every result loaded so far, first page first. */
      results: SearchResultDto[];
      /** The first page's answer (centre, radius). */
      first: SearchResponseDto;
      nextCursor: string | null;
      /** A further page is loading. */
      isLoadingMore: boolean;
      /** The last "load more" failed. */
      moreError: ApiError | null;
    };

const toApiError = (error: unknown) =>
  error instanceof ApiError
    ? error
    : new ApiError({ status: 0, code: 'client_error', detail: error instanceof Error ? error.message : 'Error' });

/** Searches `path` (null = no search yet); `loadMore` appends the next page; `retry` runs the search again. */
export function useServiceSearch(path: string | null) {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{ path: string | null; search: ServiceSearch }>({
    path,
    search: path ? { status: 'loading' } : { status: 'idle' },
  });
  let current = state;
  if (state.path !== path) {
    current = { path, search: path ? { status: 'loading' } : { status: 'idle' } };
    setState(current);
  }

  useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    setState({ path, search: { status: 'loading' } });
    getJson<SearchResponseDto>(path, { signal: controller.signal }).then(
      (first) => {
        if (controller.signal.aborted) return;
        setState({
          path,
          search: {
            status: 'ready',
            results: first.results,
            first,
            nextCursor: first.nextCursor,
            isLoadingMore: false,
            moreError: null,
          },
        });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ path, search: { status: 'error', error: toApiError(error) } });
      },
    );
    return () => controller.abort();
  }, [path, attempt]);

  const search = current.search;
  const nextCursor = search.status === 'ready' ? search.nextCursor : null;
  const loadMore = useCallback(async (): Promise<number> => {
    if (!path || !nextCursor) return 0;
    setState((s) =>
      s.path === path && s.search.status === 'ready' ? { path, search: { ...s.search, isLoadingMore: true } } : s,
    );
    const separator = path.includes('?') ? '&' : '?';
    try {
      const page = await getJson<SearchResponseDto>(`${path}${separator}cursor=${encodeURIComponent(nextCursor)}`);
      setState((s) => {
        if (s.path !== path || s.search.status !== 'ready') return s;
        const known = new Set(s.search.results.map((r) => `${r.serviceId}:${r.location?.id ?? ''}`));
        const fresh = page.results.filter((r) => !known.has(`${r.serviceId}:${r.location?.id ?? ''}`));
        return {
          path,
          search: {
            ...s.search,
            results: [...s.search.results, ...fresh],
            nextCursor: page.nextCursor,
            isLoadingMore: false,
            moreError: null,
          },
        };
      });
      return page.results.length;
    } catch (error) {
      setState((s) =>
        s.path === path && s.search.status === 'ready'
          ? { path, search: { ...s.search, isLoadingMore: false, moreError: toApiError(error) } }
          : s,
      );
      return 0;
    }
  }, [path, nextCursor]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { search, loadMore, retry };
}
