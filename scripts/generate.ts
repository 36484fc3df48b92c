/**
 * `npm run generate`: writes the generated code, which is never committed (it is ignored by git):
 * the Prisma client (server/db/generated, from prisma/schema.prisma), the GraphQL resolver types
 * (server/graphql/generated.ts, from server/schema.graphql through codegen.ts) and the dashboard's
 * typed operations (app/_graphql/generated.ts, from the `*.graphql` documents under app/, checked
 * against the schema: a field the schema lacks fails here, not in a browser). Runs at install
 * (postinstall) and before start, build, test, typecheck and lint; it does the work only when an
 * input changed since the last generation (content fingerprint) or an output is missing, so the
 * usual call costs a fraction of a second. `--force` regenerates regardless.
 *
 * graphql-codegen runs through its library (@graphql-codegen/core) rather than its CLI: the CLI's
 * loaders (URL, GitHub, Apollo Engine) and its task runner require Node 22, which this project
 * does not (README, "Node version").
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodegenPlugin, Types } from '@graphql-codegen/plugin-helpers';
import { buildSchema, lexicographicSortSchema, parse, printSchema } from 'graphql';
import codegenConfig from '../codegen';
import { fingerprint, listFiles, readStamp, writeStamp } from './lib/fingerprint';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const PRISMA_OUTPUT = 'server/db/generated';
const STAMP = path.join(ROOT, 'node_modules/.cache/emnist-dashboard/generated.sha256');

type OutputConfig = Types.ConfiguredOutput;

function outputs(): [string, OutputConfig][] {
  return Object.entries(codegenConfig.generates) as [string, OutputConfig][];
}

function schemaFiles(): string[] {
  const s = codegenConfig.schema;
  const list = Array.isArray(s) ? s : [s];
  if (!list.every((x): x is string => typeof x === 'string')) throw new Error('codegen.ts: schema must be file paths');
  return list;
}

// The operation documents of one output: its `documents` glob, of the form dir/**/*.graphql.
function documentFiles(output: OutputConfig): string[] {
  const globs = output.documents === undefined ? [] : Array.isArray(output.documents) ? output.documents : [output.documents];
  return globs.flatMap((g) => {
    const m = typeof g === 'string' ? /^([^*]+)\/\*\*\/\*(\.[a-z]+)$/.exec(g) : null;
    if (!m) throw new Error(`codegen.ts: documents must look like "dir/**/*.graphql" (got ${JSON.stringify(g)})`);
    return listFiles(ROOT, [m[1]]).filter((f) => f.endsWith(m[2]));
  });
}

function inputsFingerprint(): string {
  const documents = outputs().flatMap(([, o]) => documentFiles(o));
  const files = listFiles(ROOT, ['prisma/schema.prisma', 'prisma.config.ts', 'codegen.ts', 'scripts/generate.ts', 'package-lock.json', ...schemaFiles(), ...documents]);
  return fingerprint(ROOT, files);
}

async function loadPlugin(name: string): Promise<CodegenPlugin> {
  const mod = (await import(`@graphql-codegen/${name}`)) as CodegenPlugin & { default?: CodegenPlugin };
  const plugin = typeof mod.plugin === 'function' ? mod : mod.default;
  if (!plugin || typeof plugin.plugin !== 'function') throw new Error(`@graphql-codegen/${name} is not a codegen plugin`);
  return plugin;
}

/**
 * The resolver types are types only (erased at run time), so an install without devDependencies
 * (`npm ci --omit=dev`), which lacks graphql-codegen, runs the server fine without them: skipped,
 * saying so. The dashboard's operations are needed to build the pages, which needs devDependencies
 * anyway (TypeScript, Tailwind).
 */
async function generateGraphqlTypes(): Promise<boolean> {
  let codegen: typeof import('@graphql-codegen/core').codegen;
  try {
    ({ codegen } = await import('@graphql-codegen/core'));
  } catch {
    console.log('[generate] graphql-codegen is not installed (devDependencies omitted): GraphQL resolver types skipped; they are needed only to type-check');
    return false;
  }
  const sdl = schemaFiles()
    .map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8'))
    .join('\n');
  // Sorted, as the codegen CLI does by default, so the output is stable when the SDL is reordered.
  const schemaAst = lexicographicSortSchema(buildSchema(sdl));
  for (const [file, output] of outputs()) {
    const plugins: Types.ConfiguredPlugin[] = [];
    const pluginMap: Record<string, CodegenPlugin> = {};
    for (const entry of output.plugins ?? []) {
      const configured: Types.ConfiguredPlugin = typeof entry === 'string' ? { [entry]: {} } : (entry as Types.ConfiguredPlugin);
      for (const name of Object.keys(configured)) pluginMap[name] ??= await loadPlugin(name);
      plugins.push(configured);
    }
    const documents = documentFiles(output).map((location) => ({ location, document: parse(fs.readFileSync(path.join(ROOT, location), 'utf8')) }));
    const text = await codegen({
      filename: file,
      schema: parse(printSchema(schemaAst)),
      schemaAst,
      documents,
      config: (output.config ?? {}) as Record<string, unknown>,
      plugins,
      pluginMap,
    });
    const target = path.join(ROOT, file);
    fs.writeFileSync(`${target}.tmp`, text);
    fs.renameSync(`${target}.tmp`, target);
  }
  return true;
}

function generatePrismaClient(): void {
  const r = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`prisma generate failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export async function generate({ force = false } = {}): Promise<boolean> {
  const wanted = inputsFingerprint();
  const present = fs.existsSync(path.join(ROOT, PRISMA_OUTPUT, 'client.ts')) && outputs().every(([f]) => fs.existsSync(path.join(ROOT, f)));
  if (!force && present && readStamp(STAMP) === wanted) return false;
  generatePrismaClient();
  if (await generateGraphqlTypes()) writeStamp(STAMP, wanted);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  try {
    const did = await generate({ force: process.argv.includes('--force') });
    if (did) console.log(`[generate] Prisma client (${PRISMA_OUTPUT}) and GraphQL types (${outputs().map(([f]) => f).join(', ')}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    console.error(`[generate] ${(err as Error).message}`);
    process.exit(1);
  }
}
