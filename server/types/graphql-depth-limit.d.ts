// graphql-depth-limit ships no types.
declare module 'graphql-depth-limit' {
  import type { ValidationRule } from 'graphql/index.js';
  export default function depthLimit(maxDepth: number, options?: { ignore?: (string | RegExp | ((name: string) => boolean))[] }, callback?: (depths: Record<string, number>) => void): ValidationRule;
}
