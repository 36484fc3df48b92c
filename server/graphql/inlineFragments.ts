/**
 * A document as if every fragment were written out in place, for the cost estimates only (the result
 * is counted, never executed). armor's cost rule adds a level (×1.5) per fragment spread, and more for
 * a fragment used twice, and the heavy-operation gate counts confusion matrices under the list that
 * multiplies them: both need the fields where they really sit. The dashboard's operations share
 * fragments, and any client may use them, so without this the same fields would cost differently
 * and a compare of 50 runs' matrices written through a fragment would pass as light. Expansion has a
 * budget: fragments that spread each other repeatedly grow exponentially, and such a document is
 * reported as too big (FragmentBudgetExceeded) rather than expanded.
 */
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionNode, type SelectionSetNode } from 'graphql/index.js';

export const FRAGMENT_EXPANSION_BUDGET = 50_000;

export class FragmentBudgetExceeded extends Error {
  constructor() {
    super(`The document's fragments expand to more than ${FRAGMENT_EXPANSION_BUDGET.toLocaleString('en-US')} fields`);
  }
}

export function inlineFragments(document: DocumentNode, budget = FRAGMENT_EXPANSION_BUDGET): DocumentNode {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let left = budget;
  const expand = (set: SelectionSetNode, path: ReadonlySet<string>): SelectionSetNode => ({
    ...set,
    selections: set.selections.flatMap((sel): SelectionNode[] => {
      if ((left -= 1) < 0) throw new FragmentBudgetExceeded();
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        // A cycle is refused by validation anyway; here it simply stops.
        if (!f || path.has(f.name.value)) return [];
        return [...expand(f.selectionSet, new Set(path).add(f.name.value)).selections];
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) return [...expand(sel.selectionSet, path).selections];
      return sel.selectionSet ? [{ ...sel, selectionSet: expand(sel.selectionSet, path) }] : [sel];
    }),
  });
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return { ...document, definitions: operations.map((op) => ({ ...op, selectionSet: expand(op.selectionSet, new Set()) })) };
}
