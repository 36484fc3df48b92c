/**
 * The link-preview card of a run (1200×630 PNG, Open Graph and Twitter): name, preset, engine and
 * dataset, test accuracy and macro F1, and a sparkline of validation accuracy per epoch. Rendered by
 * next/og (Satori) with the Inter font shipped in the @fontsource/inter npm package, read from disk:
 * nothing is downloaded. Like the page, it is drawn for whoever asks, through the page API.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ImageResponse } from 'next/og';
import { pct } from '../../../_lib/format';
import { shortId } from '../../../_lib/ids';
import { loadRunPreview } from './load';

export const PREVIEW_SIZE = { width: 1200, height: 630 };

const FONT_DIR = 'node_modules/@fontsource/inter/files';
let fonts: Promise<{ name: string; data: Buffer; weight: 400 | 700; style: 'normal' }[]> | null = null;

function loadFonts() {
  fonts ??= Promise.all(
    ([400, 700] as const).map(async (weight) => ({
      name: 'Inter',
      data: await fs.readFile(path.join(process.cwd(), FONT_DIR, `inter-latin-${weight}-normal.woff`)),
      weight,
      style: 'normal' as const,
    })),
  );
  return fonts;
}

/** An SVG path through (epoch, accuracy) points scaled into a w×h box (accuracy axis from its own min to max). */
export function sparklinePath(points: { x: number; y: number }[], w: number, h: number): string {
  if (points.length === 0) return '';
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => (x1 === x0 ? w / 2 : ((x - x0) / (x1 - x0)) * w);
  const sy = (y: number) => (y1 === y0 ? h / 2 : h - ((y - y0) / (y1 - y0)) * h);
  return points.map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
}

export async function runPreviewImage(id: string): Promise<ImageResponse> {
  const run = await loadRunPreview(id);
  const points = (run?.epochs ?? []).map((e) => ({ x: e.epoch, y: e.valAccuracy }));
  const spark = sparklinePath(points, 1040, 150);
  const stat = (label: string, value: string) => (
    <div style={{ display: 'flex', flexDirection: 'column', marginRight: 64 }}>
      <div style={{ display: 'flex', fontSize: 26, color: '#475569' }}>{label}</div>
      <div style={{ display: 'flex', fontSize: 64, fontWeight: 700, color: '#0f172a' }}>{value}</div>
    </div>
  );
  return new ImageResponse(
    (
      <div style={{ width: '100%', height: '100%', display: 'flex', flexDirection: 'column', padding: '56px 80px', background: '#ffffff', fontFamily: 'Inter', borderTop: '16px solid #0369a1' }}>
        <div style={{ display: 'flex', fontSize: 26, color: '#0369a1', fontWeight: 700 }}>EMNIST runs</div>
        <div style={{ display: 'flex', fontSize: 60, fontWeight: 700, color: '#0f172a', marginTop: 12, lineHeight: 1.1 }}>{run ? run.name.slice(0, 60) : 'Run not found'}</div>
        <div style={{ display: 'flex', fontSize: 28, color: '#334155', marginTop: 12 }}>
          {run ? [run.preset && `preset ${run.preset}`, `${run.engine} engine`, run.dataset, `run ${shortId(run.id)}`].filter(Boolean).join(' · ') : ''}
        </div>
        <div style={{ display: 'flex', marginTop: 36 }}>
          {stat('Test accuracy', run?.evaluation ? pct(run.evaluation.accuracy) : run ? run.status.toLowerCase() : '—')}
          {stat('Macro F1', pct(run?.evaluation?.macroF1))}
        </div>
        <div style={{ display: 'flex', flexDirection: 'column', marginTop: 'auto' }}>
          <div style={{ display: 'flex', fontSize: 22, color: '#475569' }}>{`Validation accuracy per epoch${points.length ? ` (${points.length} epochs)` : ': no epochs yet'}`}</div>
          <svg width="1040" height="150" viewBox="0 0 1040 150" style={{ marginTop: 8 }}>
            <path d={spark} fill="none" stroke="#0072B2" strokeWidth="5" strokeLinejoin="round" strokeLinecap="round" />
          </svg>
        </div>
      </div>
    ),
    { ...PREVIEW_SIZE, fonts: await loadFonts() },
  );
}
