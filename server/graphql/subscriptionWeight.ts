/**
 * What a subscription may select. One event is pushed to every subscriber with its whole selection
 * built anew, so a subscription's weight is paid again on every change of the run: issue 24 measured
 * 200 `runUpdated` subscriptions with galleries turning one tag edit into 172 MB. At subscribe time the
 * document is weighed like a query (weight.ts, real multiplicity) and refused when it selects a heavy
 * field (FOLLOW_UP: the push says what changed, and the client fetches those fields with a query,
 * as the dashboard does), when one push could weigh more than MAX_PUSH_BYTES, or when the user's open
 * subscriptions together could push more than MAX_PUSH_BYTES_PER_USER per event.
 */
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql/index.js';
import { FragmentBudgetExceeded } from './inlineFragments';
import { MAX_PUSH_BYTES } from './limits';
import { weighDocument } from './weight';

/**
 * All of one user's subscriptions together, per event: the dashboard's run page holds 14 KB (status
 * 4.6 KB, per-epoch matrix 9 KB), so 256 KB is some 18 open run pages. Pushes are built per subscriber:
 * at 1 MB per user, four users pushed 2 MB a second between them and the runs list's p95 rose ×2.6
 * in `npm run bench:api`.
 */
export const MAX_PUSH_BYTES_PER_USER = Math.max(1, Number(process.env.MAX_PUSH_KB_PER_USER) || 256) * 1024;

/** Fields a push never carries: images, per-epoch lists, matrices, audit trails and groups. */
const FOLLOW_UP = new Map<string, string>([
  ['Run.examples', 'images'],
  ['Run.examplesAgainst', 'images'],
  ['Run.epochs', 'the epochs (epochAdded pushes each new one)'],
  ['Run.evaluation', 'the evaluation'],
  ['Run.history', 'the history'],
  ['Run.studyGroup', 'the study group'],
]);

const refuse = (message: string, extensions: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...extensions } });
const kb = (bytes: number) => `${Math.ceil(bytes / 1024).toLocaleString('en-US')} KB`;

/**
 * The subscription's estimated bytes per push, or the reason it is refused. `others`: what the
 * user's other open subscriptions already weigh per event.
 */
export function subscriptionRefusal(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined, others: number): number | GraphQLError {
  let weight;
  try {
    weight = weighDocument(schema, document, variables);
  } catch (err) {
    if (err instanceof FragmentBudgetExceeded) return refuse(`Syntax Error: ${err.message}.`);
    throw err;
  }
  for (const [field, what] of FOLLOW_UP) {
    if (weight.fields.has(field)) {
      return refuse(`A subscription cannot select ${field.replace('.', ' ')} (${what}): subscribe to the change without it and fetch ${what} with a query (POST /graphql) when a push arrives`);
    }
  }
  if (weight.bytes > MAX_PUSH_BYTES) {
    return refuse(`Each push of this subscription could weigh ${kb(weight.bytes)}, more than the ${kb(MAX_PUSH_BYTES)} one push may carry (MAX_PUSH_KB): select fewer fields and fetch the rest with a query`, {
      limit: 'MAX_PUSH_KB',
      estimatedBytes: weight.bytes,
    });
  }
  if (others + weight.bytes > MAX_PUSH_BYTES_PER_USER) {
    return refuse(`Your open subscriptions could push ${kb(others + weight.bytes)} per event, more than the ${kb(MAX_PUSH_BYTES_PER_USER)} one user's subscriptions may (MAX_PUSH_KB_PER_USER): close some, or select fewer fields`, {
      limit: 'MAX_PUSH_KB_PER_USER',
    });
  }
  return weight.bytes;
}

export const pushTooLarge = (bytes: number) => ({
  message: `This update weighs ${kb(bytes)}, more than the ${kb(MAX_PUSH_BYTES)} one push may carry (MAX_PUSH_KB); fetch the run's fields with a query`,
  extensions: { code: 'PUSH_TOO_LARGE' },
});
