/**
 * The executable schema: SDL from server/schema.graphql (the contract with the dashboard), resolvers
 * split by feature, every root field wrapped by the policy table (server/auth/policy.ts: role,
 * ownership, input strings, audit). Limits on documents are in ./limits.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema as buildSdl,
  GraphQLError,
  GraphQLObjectType,
  GraphQLScalarType,
  Kind,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql/index.js'; // the CommonJS build, the copy Apollo and graphql-ws load too (vitest would pick index.mjs)
import { applyPolicy } from '../auth/policy';
import type { Resolvers } from './generated';
import { accessMutations, accessQueries } from './resolvers/access';
import { catalogQueries, Dataset, Preset } from './resolvers/catalog';
import { groupMutations, groupQueries, StudyGroup } from './resolvers/groups';
import { mutations } from './resolvers/mutations';
import { ReportPin, reportMutations, reportQueries, ReportRow } from './resolvers/report';
import { Evaluation, Run, runQueries } from './resolvers/runs';
import { Epoch, exampleMutations, exampleQueries, exampleRunFields } from './resolvers/examples';
import { subscriptions } from './resolvers/subscriptions';
import { WorkerInfo } from './resolvers/workers';

export const SCHEMA_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema.graphql');

function literal(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value)]));
    case Kind.LIST:
      return ast.values.map(literal);
    case Kind.NULL:
      return null;
    default:
      throw new GraphQLError('JSON literal cannot contain variables');
  }
}

const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: literal,
});

export const resolvers: Resolvers = {
  JSON: JSONScalar,
  Query: { ...runQueries, ...catalogQueries, ...accessQueries, ...reportQueries, ...groupQueries, ...exampleQueries },
  Mutation: { ...mutations, ...accessMutations, ...reportMutations, ...groupMutations, ...exampleMutations },
  Subscription: subscriptions,
  Run: { ...Run, ...exampleRunFields },
  Epoch,
  Evaluation,
  StudyGroup,
  ReportRow,
  ReportPin,
  Preset,
  Dataset,
  WorkerInfo,
};

/**
 * SDL plus resolvers, attached by hand rather than with @graphql-tools: that package is CommonJS and
 * would build the schema with a second copy of graphql where ESM code (graphql-ws) validates it.
 */
export function buildSchema(): GraphQLSchema {
  const schema = buildSdl(fs.readFileSync(SCHEMA_PATH, 'utf8'));
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type) throw new Error(`resolvers for unknown type ${typeName}`);
    if (type instanceof GraphQLScalarType) {
      const scalar = typeResolvers as GraphQLScalarType;
      type.serialize = scalar.serialize;
      type.parseValue = scalar.parseValue;
      type.parseLiteral = scalar.parseLiteral;
      continue;
    }
    if (!(type instanceof GraphQLObjectType)) throw new Error(`cannot attach resolvers to ${typeName}`);
    const fields = type.getFields();
    for (const [fieldName, r] of Object.entries(typeResolvers as Record<string, unknown>)) {
      const field = fields[fieldName];
      if (!field) throw new Error(`resolver for unknown field ${typeName}.${fieldName}`);
      if (typeof r === 'function') field.resolve = r as GraphQLFieldResolver<unknown, unknown>;
      else {
        const { subscribe, resolve } = r as { subscribe?: GraphQLFieldResolver<unknown, unknown>; resolve?: GraphQLFieldResolver<unknown, unknown> };
        if (subscribe) field.subscribe = subscribe;
        if (resolve) field.resolve = resolve;
      }
    }
  }
  return applyPolicy(schema);
}
