'use client';
/**
 * React glue for the GraphQL client: useQuery (data, error, loading, refetch, local updates; it starts
 * from data a server component already fetched when given `initial`, so a page never fetches twice)
 * and useSubscription (subscribed for the component's lifetime, re-subscribed when its variables change).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentString } from '../_graphql/generated';
import { request, subscribe } from './graphql';

export interface QueryState<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  refetch: () => Promise<void>;
  setData: (update: (prev: T | null) => T | null) => void;
}

/** `variables` null skips the query; `initial` is the server's answer for these variables. */
export function useQuery<TData, TVars>(
  document: TypedDocumentString<TData, TVars>,
  variables: TVars | null,
  opts: { initial?: TData | null; pollMs?: number } = {},
): QueryState<TData> {
  const [data, setDataState] = useState<TData | null>(opts.initial ?? null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(variables !== null && !opts.initial);
  const key = variables === null ? null : JSON.stringify(variables);
  const generation = useRef(0);
  // The server's data stands for the first variables; any later change fetches.
  const servedKey = useRef(opts.initial ? key : undefined);

  const run = useCallback(async () => {
    if (key === null) return;
    const mine = ++generation.current;
    setLoading(true);
    try {
      const result = await request(document, JSON.parse(key) as TVars);
      if (mine !== generation.current) return; // a newer request superseded this one
      setDataState(result);
      setError(null);
    } catch (err) {
      if (mine !== generation.current || (err as Error).name === 'AbortError') return;
      setError(err as Error);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [document, key]);

  useEffect(() => {
    if (servedKey.current === key) servedKey.current = undefined;
    else void run();
    if (!opts.pollMs) return;
    const timer = setInterval(() => void run(), opts.pollMs);
    return () => clearInterval(timer);
  }, [run, key, opts.pollMs]);

  const setData = useCallback((update: (prev: TData | null) => TData | null) => setDataState(update), []);
  return { data, error, loading, refetch: run, setData };
}

export function useSubscription<TData, TVars>(document: TypedDocumentString<TData, TVars>, variables: TVars | null, onData: (data: TData) => void): Error | null {
  const [error, setError] = useState<Error | null>(null);
  const handler = useRef(onData);
  useEffect(() => {
    handler.current = onData;
  });
  const key = variables === null ? null : JSON.stringify(variables);
  useEffect(() => {
    if (key === null) return;
    return subscribe(document, JSON.parse(key) as TVars, (d) => { setError(null); handler.current(d); }, setError);
  }, [document, key]);
  return error;
}
