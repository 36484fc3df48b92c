// Backend selection, run against a fake registry: which packages load decides the backend, the CUDA
// build (@tensorflow/tfjs-node-gpu) is tried before @tensorflow/tfjs-node, wasm comes next and cpu last;
// a named backend is that one or an error that says what to install. Capability probing lists what a host
// offers, best first, with the GPU's name where tfjs-node-gpu loads.
import { describe, it, expect } from 'vitest';
import { probeCapabilities, selectBackend, type BackendLoaders, type CapabilityProbes } from '../../trainer/engine/backend';

/** A registry where only the named backends/packages load; records every attempt in order. */
function fakeRegistry(available: string[]): { loaders: BackendLoaders; tried: string[] } {
  const tried: string[] = [];
  const attempt = async (name: string) => {
    tried.push(name);
    return available.includes(name);
  };
  return { tried, loaders: { native: (pkg) => attempt(pkg), wasm: () => attempt('wasm'), cpu: () => attempt('cpu') } };
}

describe('backend selection', () => {
  it('auto prefers tfjs-node-gpu, then tfjs-node, then wasm, then cpu', async () => {
    const gpu = fakeRegistry(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', 'wasm', 'cpu']);
    expect(await selectBackend('auto', gpu.loaders)).toEqual({ backend: 'tensorflow', nativePackage: '@tensorflow/tfjs-node-gpu' });
    expect(gpu.tried).toEqual(['@tensorflow/tfjs-node-gpu']);

    const node = fakeRegistry(['@tensorflow/tfjs-node', 'wasm', 'cpu']);
    expect(await selectBackend('auto', node.loaders)).toEqual({ backend: 'tensorflow', nativePackage: '@tensorflow/tfjs-node' });
    expect(node.tried).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);

    const wasm = fakeRegistry(['wasm', 'cpu']);
    expect(await selectBackend('auto', wasm.loaders)).toEqual({ backend: 'wasm' });
    expect(wasm.tried).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', 'wasm']);

    const cpu = fakeRegistry(['cpu']);
    expect(await selectBackend('auto', cpu.loaders)).toEqual({ backend: 'cpu' });
    expect(cpu.tried).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', 'wasm', 'cpu']);
  });

  it('a named backend is that one only, or an error saying what to install', async () => {
    const all = fakeRegistry(['@tensorflow/tfjs-node-gpu', 'wasm', 'cpu']);
    expect(await selectBackend('wasm', all.loaders)).toEqual({ backend: 'wasm' });
    expect(all.tried).toEqual(['wasm']);
    expect(await selectBackend('tensorflow', all.loaders)).toEqual({ backend: 'tensorflow', nativePackage: '@tensorflow/tfjs-node-gpu' });
    await expect(selectBackend('tensorflow', fakeRegistry(['wasm', 'cpu']).loaders)).rejects.toThrow(/install @tensorflow\/tfjs-node-gpu \(CUDA\) or @tensorflow\/tfjs-node, or use --backend wasm/);
    await expect(selectBackend('wasm', fakeRegistry(['cpu']).loaders)).rejects.toThrow(/"wasm" could not be initialised; try --backend cpu/);
  });
});

describe('host capabilities', () => {
  const probes = (packages: string[], gpus: string[]): CapabilityProbes => ({
    loads: async (pkg) => packages.includes(pkg),
    gpuNames: async () => gpus,
    cores: () => 16,
    memoryBytes: () => 64 * 2 ** 30,
  });

  it('a GPU host lists tensorflow on its GPU by name first', async () => {
    const caps = await probeCapabilities(probes(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm'], ['NVIDIA H100 80GB HBM3']));
    expect(caps.backends.map((b) => [b.backend, b.device])).toEqual([['tensorflow', 'gpu'], ['wasm', 'cpu'], ['cpu', 'cpu']]);
    expect(caps.backends[0].detail).toBe('NVIDIA H100 80GB HBM3');
    expect(caps).toMatchObject({ cores: 16, memoryBytes: 64 * 2 ** 30 });
  });

  it('tfjs-node without a GPU is tensorflow on the CPU; a bare host has wasm and cpu', async () => {
    expect((await probeCapabilities(probes(['@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm'], []))).backends[0]).toEqual({ backend: 'tensorflow', device: 'cpu', detail: '@tensorflow/tfjs-node' });
    expect((await probeCapabilities(probes(['@tensorflow/tfjs-backend-wasm'], []))).backends.map((b) => b.backend)).toEqual(['wasm', 'cpu']);
    const unnamed = await probeCapabilities(probes(['@tensorflow/tfjs-node-gpu'], []));
    expect(unnamed.backends[0].detail).toMatch(/GPU name unknown/);
  });

  it('this machine: probing finds at least wasm and cpu, and its cores', async () => {
    const caps = await probeCapabilities();
    expect(caps.backends.map((b) => b.backend)).toContain('wasm');
    expect(caps.backends.at(-1)!.backend).toBe('cpu');
    expect(caps.cores).toBeGreaterThanOrEqual(1);
  });
});
