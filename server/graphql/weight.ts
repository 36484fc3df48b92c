/**
 * How many bytes a document's answer can weigh, estimated from the document before anything runs: the
 * one measure behind the cost limit, the heavy-operation gate and the subscription limit (limits.ts,
 * heavyGate.ts, socket.ts). graphql-armor's cost rule multiplies only by a `first`/`last` written in
 * the document, so a page size left to its default, a variable's default, an id list (`compare(ids)`,
 * duplicates included) or a list with no argument at all (`studyGroup.runs`) counted once, and an
 * image counted like an integer (issue 24: a document refused with its page sizes written out was
 * accepted, at 5.8 MB, without them; 15 ids through studyGroup.runs with galleries built 155 MB). Here
 * every list counts with its real multiplicity: the argument's value, else the variable's default,
 * else the schema's default, else the list's known bound (LIST_BOUNDS: presets, classes, epochs), and
 * every field weighs what its JSON weighs at most (WEIGHTS: an image is its base64 string, a confusion
 * matrix 47² numbers, notes their 10,000-character limit). Fragments are written out first
 * (inlineFragments.ts), so the same fields weigh the same however they are spelt.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql/index.js';
import { PRESETS } from '../../trainer/config/presets';
import { inlineFragments } from './inlineFragments';

/** The most classes a dataset has (EMNIST ByMerge). */
const CLASSES = 47;
/** `"key":` plus a number or a short string. */
const SCALAR = 24;
/** `"key":{}` around an object's own fields. */
const OBJECT = 12;
/** An image of 28×28 uint8 pixels as base64, with its key and quotes. */
const IMAGE = Math.ceil((28 * 28) / 3) * 4 + 20;
/**
 * A CLASSES × CLASSES matrix of counts: 4 bytes a cell (up to 3 digits and a comma). Its counts sum to
 * the split's size (EMNIST's 116,323 test images), so the cells average under 53 and only a few,
 * the diagonal, reach 4–5 digits; CLASSES × 3 bytes more covers those and the brackets.
 */
const MATRIX = CLASSES * CLASSES * 4 + CLASSES * 3 + 20;

/** Leaves that weigh more than SCALAR, by `Type.field`: their largest JSON. */
const WEIGHTS: Record<string, number> = {
  'ExampleImage.pixelsBase64': IMAGE,
  'SampleImage.pixelsBase64': IMAGE,
  'Evaluation.confusion': MATRIX,
  'Epoch.valConfusion': MATRIX,
  'Run.notes': 10_000 * 2, // 10,000 characters, escaped
  'Run.name': 400,
  'Run.error': 4_000,
  'Run.warning': 1_000,
  'Run.config': 2_000,
  'Preset.config': 2_000,
  'StudyGroup.overrides': 2_000,
  'AuditEntry.detail': 2_000,
  'Dataset.hint': 400,
  'ProtocolNote.effect': 1_000,
  'ProtocolNote.ours': 1_000,
  'ProtocolNote.study': 1_000,
};

/** Lists without a size argument, by `Type.field`: the most items they hold. Others: DEFAULT_LIST. */
const LIST_BOUNDS: Record<string, number> = {
  'StudyGroup.runs': PRESETS.length,
  'StudyGroup.members': PRESETS.length,
  'StudyGroup.report': PRESETS.length,
  'StudyReport.rows': PRESETS.length,
  'Query.presets': PRESETS.length,
  'Run.epochs': 1000, // the config's largest epochs
  'Run.tags': 30,
  'Run.classNames': CLASSES,
  'Evaluation.classNames': CLASSES,
  'Evaluation.perClass': CLASSES,
  'ExampleConnection.classNames': CLASSES,
  'Dataset.classNames': CLASSES,
  'Dataset.samples': CLASSES,
  'ClassStats.counts': CLASSES,
  'Run.history': 200,
  'BulkResult.results': 200,
  'RunPrediction.classes': CLASSES,
};
const DEFAULT_LIST = 50;
/** A connection's list of items: as many as its field's page size (`runs(first)` → edges). */
const CONNECTION_LISTS = new Set(['RunConnection.edges', 'ExampleConnection.items', 'AuditPage.entries']);
/** Size arguments: a page size, or the list of ids the answer has one item for. */
const SIZE_ARGS = new Set(['first', 'last', 'top']);
const ID_LIST_ARGS = new Set(['ids', 'runIds']);

export interface DocumentWeight {
  /** The largest answer, in bytes, of the heaviest operation in the document. */
  bytes: number;
  /** Confusion matrices and per-class score lists it can carry (each run's count as one). */
  matrices: number;
  /** `Type.field` of every field it selects, for the subscription check. */
  fields: Set<string>;
}

type Variables = Record<string, unknown> | null | undefined;

/** Throws FragmentBudgetExceeded (inlineFragments.ts) for a fragment bomb. */
export function weighDocument(schema: GraphQLSchema, original: DocumentNode, variables: Variables): DocumentWeight {
  const document = inlineFragments(original);
  const total: DocumentWeight = { bytes: 0, matrices: 0, fields: new Set() };
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = def.operation === 'query' ? schema.getQueryType() : def.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (!root) continue;
    const w: DocumentWeight = { bytes: 0, matrices: 0, fields: total.fields };
    w.bytes = weighSet(root, def.selectionSet, 1, { variables, operation: def, weight: w });
    total.bytes = Math.max(total.bytes, w.bytes);
    total.matrices = Math.max(total.matrices, w.matrices);
  }
  return total;
}

interface Walk {
  variables: Variables;
  operation: OperationDefinitionNode;
  weight: DocumentWeight;
}

/** Bytes of one object's selection, times `times` copies of the object. */
function weighSet(type: GraphQLCompositeType, set: SelectionSetNode, times: number, walk: Walk, page?: number): number {
  if (!isObjectType(type)) {
    // Interfaces and unions (none in this schema today): weigh each field by its name only.
    return set.selections.length * SCALAR * times;
  }
  const fields = type.getFields();
  let bytes = OBJECT * times;
  for (const sel of set.selections) {
    if (sel.kind !== Kind.FIELD) continue; // inlineFragments wrote fragments out
    const field = fields[sel.name.value];
    if (!field) {
      bytes += SCALAR * times; // __typename
      continue;
    }
    const key = `${type.name}.${field.name}`;
    walk.weight.fields.add(key);
    const size = sizeArgument(field, sel, walk);
    const isList = isListType(getNullableType(field.type)) && !WEIGHTS[key];
    const n = isList ? times * (CONNECTION_LISTS.has(key) && page !== undefined ? page : (size ?? LIST_BOUNDS[key] ?? DEFAULT_LIST)) : times;
    const named = getNamedType(field.type);
    if (key === 'Evaluation.confusion' || key === 'Epoch.valConfusion' || key === 'Evaluation.perClass') walk.weight.matrices += times;
    if (sel.selectionSet && isCompositeType(named)) bytes += weighSet(named, sel.selectionSet, n, walk, isList ? undefined : (size ?? undefined));
    else bytes += (WEIGHTS[key] ?? SCALAR) * n;
  }
  return bytes;
}

/**
 * The size a field's arguments give: a page size (`first`, `last`, `top`) from the document, the
 * variables, the variable's default or the schema's default, or the length of an id list. Null when
 * it has none (a list then counts its LIST_BOUNDS).
 */
function sizeArgument(field: GraphQLField<unknown, unknown>, node: FieldNode, walk: Walk): number | null {
  for (const arg of field.args) {
    if (!SIZE_ARGS.has(arg.name) && !ID_LIST_ARGS.has(arg.name)) continue;
    const given = node.arguments?.find((a) => a.name.value === arg.name);
    let value = given ? valueOf(given.value, walk) : undefined;
    if (value === undefined || value === null) value = arg.defaultValue;
    if (ID_LIST_ARGS.has(arg.name) && Array.isArray(value)) return value.length;
    if (SIZE_ARGS.has(arg.name) && typeof value === 'number' && Number.isFinite(value)) return Math.max(0, Math.floor(value));
  }
  return null;
}

/** An argument's value: a literal, or a variable's value, else its default in the operation. */
function valueOf(value: ValueNode, walk: Walk): unknown {
  switch (value.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(value.value);
    case Kind.LIST:
      return value.values;
    case Kind.NULL:
      return null;
    case Kind.VARIABLE: {
      const name = value.name.value;
      if (walk.variables && name in walk.variables) return walk.variables[name];
      const def = walk.operation.variableDefinitions?.find((d) => d.variable.name.value === name)?.defaultValue;
      return def ? valueOf(def, walk) : undefined;
    }
    default:
      return undefined;
  }
}

