/**
 * The runs list's view (filters, search, sort) as it lives in the address, so a filtered list can be
 * bookmarked and shared: ?status=RUNNING,QUEUED&q=…&preset=…&engine=…&dataset=…&owner=…&group=…&mine=1
 * &archived=ARCHIVED|ALL&sort=FIELD:DIR (archived runs are hidden unless asked for).
 * The server component parses it to fetch the first page; the client keeps it in sync. Pure; unit-tested.
 */
import type { ArchivedFilter, RunFilter, RunSort, RunSortField, RunStatus } from '../../_graphql/generated';
import { RUN_STATUSES } from '../../_lib/runStatus';

export const SORT_FIELDS: RunSortField[] = ['CREATED_AT', 'NAME', 'STATUS', 'TEST_ACCURACY', 'MACRO_F1', 'VAL_ACCURACY', 'DURATION'];
export const PAGE_SIZE = 25;

export interface ListState {
  statuses: RunStatus[];
  text: string;
  preset: string;
  engine: string;
  dataset: string;
  owner: string;
  /** A study group's id. */
  group: string;
  mine: boolean;
  archived: ArchivedFilter;
  sort: RunSort;
}

export const DEFAULT_SORT: RunSort = { field: 'CREATED_AT', direction: 'DESC' };
export const EMPTY_STATE: ListState = { statuses: [], text: '', preset: '', engine: '', dataset: '', owner: '', group: '', mine: false, archived: 'ACTIVE', sort: DEFAULT_SORT };
const ARCHIVED: ArchivedFilter[] = ['ACTIVE', 'ARCHIVED', 'ALL'];

type Params = Record<string, string | string[] | undefined> | URLSearchParams;
const get = (p: Params, k: string): string => {
  const v = p instanceof URLSearchParams ? p.get(k) : p[k];
  return ((Array.isArray(v) ? v[0] : v) ?? '').slice(0, 200);
};

export function parseListState(p: Params): ListState {
  const statuses = get(p, 'status').split(',').filter((x): x is RunStatus => (RUN_STATUSES as string[]).includes(x));
  const [field, direction] = get(p, 'sort').split(':');
  const sort: RunSort = SORT_FIELDS.includes(field as RunSortField) ? { field: field as RunSortField, direction: direction === 'ASC' ? 'ASC' : 'DESC' } : DEFAULT_SORT;
  const archived = ARCHIVED.find((a) => a === get(p, 'archived')) ?? 'ACTIVE';
  return { statuses, text: get(p, 'q').trim(), preset: get(p, 'preset'), engine: get(p, 'engine'), dataset: get(p, 'dataset'), owner: get(p, 'owner'), group: get(p, 'group'), mine: get(p, 'mine') === '1', archived, sort };
}

/** The address's query string for a state ('' for the default view). */
export function listSearch(s: ListState): string {
  const q = new URLSearchParams();
  if (s.statuses.length) q.set('status', s.statuses.join(','));
  if (s.text) q.set('q', s.text);
  for (const k of ['preset', 'engine', 'dataset', 'owner', 'group'] as const) if (s[k]) q.set(k, s[k]);
  if (s.mine) q.set('mine', '1');
  if (s.archived !== 'ACTIVE') q.set('archived', s.archived);
  if (s.sort.field !== DEFAULT_SORT.field || s.sort.direction !== DEFAULT_SORT.direction) q.set('sort', `${s.sort.field}:${s.sort.direction}`);
  const text = q.toString();
  return text ? `?${text}` : '';
}

export function listFilter(s: ListState): RunFilter {
  return {
    ...(s.statuses.length ? { status: s.statuses } : {}),
    ...(s.text ? { text: s.text } : {}),
    ...(s.preset ? { preset: s.preset } : {}),
    ...(s.engine ? { engine: s.engine } : {}),
    ...(s.dataset ? { dataset: s.dataset } : {}),
    ...(s.owner ? { owner: s.owner } : {}),
    ...(s.group ? { group: s.group } : {}),
    ...(s.mine ? { mine: true } : {}),
    ...(s.archived !== 'ACTIVE' ? { archived: s.archived } : {}),
  };
}

export const isFiltered = (s: ListState) => s.statuses.length > 0 || !!(s.text || s.preset || s.engine || s.dataset || s.owner || s.group || s.mine) || s.archived !== 'ACTIVE';
