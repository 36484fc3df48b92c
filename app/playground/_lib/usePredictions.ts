'use client';
/**
 * Asks the chosen runs about the current input, debounced (a drawing changes with every pointer move):
 * the latest input wins, older answers still in flight are dropped. An empty input asks nothing.
 */
import { useEffect, useRef, useState } from 'react';
import { PredictDocument, type PredictQuery } from '../../_graphql/generated';
import { request } from '../../_lib/graphql';

export const DEBOUNCE_MS = 150;

export type Answers = PredictQuery['predict'];

export function usePredictions(pixels: Uint8Array | null, runIds: string[]): { answers: Answers; error: Error | null; asking: boolean } {
  const [answers, setAnswers] = useState<Answers>([]);
  const [error, setError] = useState<Error | null>(null);
  const [asking, setAsking] = useState(false);
  const generation = useRef(0);
  const key = pixels && runIds.length ? `${runIds.join(',')}|${pixels.join(',')}` : null;
  useEffect(() => {
    const mine = ++generation.current;
    if (!key || !pixels) {
      setAnswers([]);
      setError(null);
      setAsking(false);
      return;
    }
    setAsking(true);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      request(PredictDocument, { runIds, pixels: Array.from(pixels) }, controller.signal).then(
        (d) => {
          if (mine !== generation.current) return;
          setAnswers(d.predict);
          setError(null);
          setAsking(false);
        },
        (err: Error) => {
          if (mine !== generation.current || err.name === 'AbortError') return;
          setError(err);
          setAsking(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // `key` stands for pixels and runIds (new arrays every render, the same input).
  }, [key]);
  return { answers, error, asking };
}
