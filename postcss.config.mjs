// Tailwind 4 through its PostCSS plugin: no CDN, no downloads, builds offline.
export default { plugins: { '@tailwindcss/postcss': {} } };
