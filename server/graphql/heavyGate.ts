/**
 * Expensive operations take turns. A document that asks for a lot (by armor's cost estimate with
 * page sizes and id lists counted, or confusion matrices / per-class scores for more than a few runs)
 * waits for one of HEAVY_CONCURRENCY slots (default 1) before it executes; everything else runs at
 * once. However many clients send the heaviest documents the limits allow, they share one slot, and
 * the slot also rests after each use, three times as long as the operation took (HEAVY_DUTY 0.25:
 * heavy work gets at most a quarter of the server's time), so the dashboard's ordinary queries and
 * live updates keep their pace. Admission only: no request is refused here (limits.ts refuses).
 */
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { Kind, validate, visit, type DocumentNode, type GraphQLSchema } from 'graphql/index.js';
import { FragmentBudgetExceeded, inlineFragments } from './inlineFragments';
import { COST_ESTIMATE } from './limits';

export const HEAVY_COST = 10_000;
/** Matrices (confusion, perClass) for more runs than this in one document make it heavy. */
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

/** Page size of a list argument: `first`/`last` (literal or variable) or the length of `ids`. */
function multiplier(args: readonly { name: { value: string }; value: any }[], variables: Record<string, unknown> | null | undefined): number | null {
  for (const a of args) {
    const v = a.value.kind === Kind.VARIABLE ? variables?.[a.value.name.value] : a.value.kind === Kind.INT ? Number(a.value.value) : a.value.kind === Kind.LIST ? a.value.values.length : undefined;
    if ((a.name.value === 'first' || a.name.value === 'last') && typeof v === 'number') return v;
    if (a.name.value === 'ids') return Array.isArray(v) ? v.length : typeof v === 'number' ? v : null;
  }
  return null;
}

export function isHeavy(schema: GraphQLSchema, original: DocumentNode, variables: Record<string, unknown> | null | undefined): boolean {
  let document: DocumentNode;
  try {
    document = inlineFragments(original); // matrices and page sizes where they really sit
  } catch (err) {
    if (err instanceof FragmentBudgetExceeded) return true;
    throw err;
  }
  let matrices = 0;
  const scale: number[] = [];
  // Page sizes and id lists written in as `first`, so armor's estimate counts them.
  const inlined = visit(document, {
    Field: {
      enter(node) {
        const m = multiplier(node.arguments ?? [], variables);
        scale.push(m ?? 1);
        if (node.name.value === 'confusion' || node.name.value === 'perClass') matrices += scale.reduce((a, b) => a * b, 1);
        if (m === null || !node.arguments?.some((a) => a.name.value === 'ids' || a.value.kind === Kind.VARIABLE)) return undefined;
        return { ...node, arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: { kind: Kind.INT, value: String(m) } }] };
      },
      leave() {
        scale.pop();
      },
    },
  });
  if (matrices > HEAVY_MATRICES) return true;
  let cost = 0;
  validate(schema, inlined, [costLimitRule({ maxCost: Number.MAX_SAFE_INTEGER, ...COST_ESTIMATE, propagateOnRejection: false, onAccept: [(_ctx, d: { n: number }) => (cost = Math.max(cost, d.n))] })]);
  return cost >= HEAVY_COST;
}
