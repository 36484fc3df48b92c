/**
 * The executable schema: SDL from server/schema.graphql (the contract with the dashboard), resolvers
 * split by feature, plus the validation rules every operation passes over HTTP and WebSocket alike
 * (a depth limit and a cap on the number of fields, against abusive queries).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import depthLimit from 'graphql-depth-limit';
import { GraphQLError, GraphQLScalarType, Kind, specifiedRules, type ASTVisitor, type ValidationContext, type ValueNode } from 'graphql';
import type { Resolvers } from './generated';
import { catalogQueries, Dataset, Preset } from './resolvers/catalog';
import { mutations, StudyGroup } from './resolvers/mutations';
import { Run, runQueries } from './resolvers/runs';
import { subscriptions } from './resolvers/subscriptions';

export const SCHEMA_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema.graphql');
export const MAX_DEPTH = 8;
export const MAX_FIELDS = 400;
export const MAX_QUERY_LENGTH = 20_000;

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

/** Refuses documents selecting more than MAX_FIELDS fields in total. */
function fieldCountLimit(max: number) {
  return (ctx: ValidationContext): ASTVisitor => {
    let count = 0;
    return {
      Field() {
        count += 1;
        if (count === max + 1) ctx.reportError(new GraphQLError(`Query selects more than ${max} fields; split it`));
      },
    };
  };
}

export const validationRules = [depthLimit(MAX_DEPTH), fieldCountLimit(MAX_FIELDS)];
export const allValidationRules = [...specifiedRules, ...validationRules];

export const resolvers: Resolvers = {
  JSON: JSONScalar,
  Query: { ...runQueries, ...catalogQueries },
  Mutation: mutations,
  Subscription: subscriptions,
  Run,
  StudyGroup,
  Preset,
  Dataset,
};

export function buildSchema() {
  return makeExecutableSchema({ typeDefs: fs.readFileSync(SCHEMA_PATH, 'utf8'), resolvers: resolvers as never });
}
