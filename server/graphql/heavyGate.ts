/**
 * Expensive operations take turns. A document that asks for a lot (an answer that could weigh
 * HEAVY_BYTES, by weight.ts's estimate, or confusion matrices / per-class scores for more than a few runs)
 * waits for one of HEAVY_CONCURRENCY slots (default 1) before it executes; everything else runs at
 * once. However many clients send the heaviest documents the limits allow, they share one slot, and
 * the slot also rests after each use, three times as long as the operation took (HEAVY_DUTY 0.25:
 * heavy work gets at most a quarter of the server's time), so the dashboard's ordinary queries and
 * live updates keep their pace. Admission only: no request is refused here (limits.ts refuses).
 */
import type { DocumentNode, GraphQLSchema } from 'graphql/index.js';
import { FragmentBudgetExceeded } from './inlineFragments';
import { weighDocument } from './weight';

/** An answer that could weigh this much (weight.ts) is heavy: a page of 60 gallery images weighs 0.2 MB, the run page 0.3 MB. */
export const HEAVY_BYTES = 2 * 2 ** 20;
/** Matrices (confusion, perClass, per-epoch valConfusion) for more runs than this in one document make it heavy. */
const HEAVY_MATRICES = 5;

export class HeavyGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    private readonly slots = Number(process.env.HEAVY_CONCURRENCY ?? 1),
    /** Share of the time a slot may be busy: after an operation of t ms it rests t·(1/duty − 1) ms. */
    private readonly duty = Number(process.env.HEAVY_DUTY ?? 0.25),
  ) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    const start = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const handOn = () => {
        const next = this.waiting.shift();
        if (next) next(); // the slot passes straight to the next in line
        else this.active -= 1;
      };
      const rest = this.duty >= 1 ? 0 : (Date.now() - start) * (1 / this.duty - 1);
      if (rest > 0) setTimeout(handOn, rest).unref();
      else handOn();
    };
  }
}

export function isHeavy(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined): boolean {
  try {
    const w = weighDocument(schema, document, variables); // page sizes, defaults and id lists where they really sit
    return w.matrices > HEAVY_MATRICES || w.bytes >= HEAVY_BYTES;
  } catch (err) {
    if (err instanceof FragmentBudgetExceeded) return true;
    throw err;
  }
}
