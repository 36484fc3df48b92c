/**
 * Whether a resolver's field selection reaches a given sub-field (through fragments too), so a resolver
 * can skip expensive work nobody asked for — the examples gallery reads images only when a query
 * selects them.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql/index.js';

function reaches(set: SelectionSetNode | undefined, path: string[], info: GraphQLResolveInfo): boolean {
  if (!set) return false;
  if (path.length === 0) return true;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD && s.name.value === path[0] && reaches(s.selectionSet, path.slice(1), info)) return true;
    if (s.kind === Kind.INLINE_FRAGMENT && reaches(s.selectionSet, path, info)) return true;
    if (s.kind === Kind.FRAGMENT_SPREAD && reaches(info.fragments[s.name.value]?.selectionSet, path, info)) return true;
  }
  return false;
}

/** True when the field being resolved selects `path` (e.g. ['items', 'image']). */
export function selects(info: GraphQLResolveInfo, path: string[]): boolean {
  return info.fieldNodes.some((node) => reaches(node.selectionSet, path, info));
}
