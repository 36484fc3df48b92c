/**
 * Worker-thread entry of a data-parallel replica. Plain JavaScript so it starts the same under tsx,
 * vitest and plain node: it loads the TypeScript replica through tsx's namespaced loader, which affects
 * only this import (not the rest of the thread).
 */
import { tsImport } from 'tsx/esm/api';

await tsImport('./replicaWorker.ts', import.meta.url);
