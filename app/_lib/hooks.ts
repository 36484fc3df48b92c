'use client';
/**
 * React glue for the GraphQL client: useQuery (loading/error/data with refetch and stale-result
 * protection) and useSubscription (subscribe for the component's lifetime).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { gql, subscribe } from './graphql';

export interface QueryState<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  refetch: () => Promise<void>;
  setData: (update: (prev: T | null) => T | null) => void;
}

export function useQuery<T>(query: string, variables: Record<string, unknown> | null, opts: { pollMs?: number } = {}): QueryState<T> {
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(variables !== null);
  const key = variables === null ? null : JSON.stringify(variables);
  const generation = useRef(0);

  const run = useCallback(async () => {
    if (key === null) return;
    const mine = ++generation.current;
    setLoading(true);
    try {
      const result = await gql<T>(query, JSON.parse(key));
      if (mine !== generation.current) return; // a newer request superseded this one
      setDataState(result);
      setError(null);
    } catch (err) {
      if (mine !== generation.current || (err as Error).name === 'AbortError') return;
      setError(err as Error);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [query, key]);

  useEffect(() => {
    void run();
    if (!opts.pollMs) return;
    const timer = setInterval(() => void run(), opts.pollMs);
    return () => clearInterval(timer);
  }, [run, opts.pollMs]);

  const setData = useCallback((update: (prev: T | null) => T | null) => setDataState(update), []);
  return { data, error, loading, refetch: run, setData };
}

export function useSubscription<T>(query: string, variables: Record<string, unknown> | null, onData: (data: T) => void): Error | null {
  const [error, setError] = useState<Error | null>(null);
  const handler = useRef(onData);
  handler.current = onData;
  const key = variables === null ? null : JSON.stringify(variables);
  useEffect(() => {
    if (key === null) return;
    return subscribe<T>(query, JSON.parse(key), (d) => { setError(null); handler.current(d); }, setError);
  }, [query, key]);
  return error;
}
