'use client';
/**
 * Pages of gallery images, accumulated: the first page when the selection (`key`) changes, then more
 * on request (keyset cursor). A newer selection supersedes a page still loading for an older one.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExamplePageFragment } from '../_graphql/generated';

export type ExampleItem = ExamplePageFragment['items'][number];

export interface ExamplePages {
  items: ExampleItem[];
  totalCount: number | null;
  hasMore: boolean;
  loading: boolean;
  error: Error | null;
  more: () => void;
  reload: () => void;
}

/** `fetchPage(after)` asks for the page after a cursor (null: the first); `key` null fetches nothing. */
export function useExamplePages(key: string | null, fetchPage: (after: string | null) => Promise<(ExamplePageFragment & { comparedImages?: number | null }) | null>): ExamplePages & { comparedImages: number | null } {
  const [state, setState] = useState({ items: [] as ExampleItem[], totalCount: null as number | null, cursor: null as string | null, hasMore: false, loading: false, error: null as Error | null, comparedImages: null as number | null });
  const generation = useRef(0);
  const fetcher = useRef(fetchPage);
  useEffect(() => {
    fetcher.current = fetchPage;
  });
  const load = useCallback((after: string | null) => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true, error: null, ...(after === null ? { items: [], totalCount: null, hasMore: false } : {}) }));
    fetcher.current(after).then(
      (page) => {
        if (mine !== generation.current) return;
        setState((s) => ({
          items: after === null ? page?.items ?? [] : [...s.items, ...(page?.items ?? [])],
          totalCount: page?.totalCount ?? 0,
          cursor: page?.pageInfo.endCursor ?? null,
          hasMore: page?.pageInfo.hasNextPage ?? false,
          loading: false,
          error: null,
          comparedImages: page?.comparedImages ?? null,
        }));
      },
      (err: Error) => mine === generation.current && setState((s) => ({ ...s, loading: false, error: err })),
    );
  }, []);
  useEffect(() => {
    if (key !== null) load(null);
  }, [key, load]);
  return {
    items: state.items,
    totalCount: state.totalCount,
    hasMore: state.hasMore,
    loading: state.loading,
    error: state.error,
    comparedImages: state.comparedImages,
    more: () => load(state.cursor),
    reload: () => load(null),
  };
}

/** The playground with this image as its input (and the run it came from chosen). */
export function playgroundHref(item: ExampleItem, runIds: string[]): string {
  const q = new URLSearchParams({ image: item.image.pixelsBase64, label: item.trueLabel, runs: runIds.join(',') });
  return `/playground?${q.toString()}`;
}
