// Vite build of the OVCP web UI. The output (dist/) is served as static
// files by ovcpd (--web-root); the API is POST /jsonrpc on the same origin,
// so the dev server proxies /jsonrpc and the HTTP endpoints to a running
// ovcpd (OVCP_URL, default http://127.0.0.1:8080).
import { defineConfig } from 'vite';

const target = process.env.OVCP_URL || 'http://127.0.0.1:8080';
const proxied = ['/jsonrpc', '/console', '/import_raw_vdi', '/export_raw_vdi', '/rrd_updates', '/metrics'];

export default defineConfig({
  base: '/',
  build: {
    // noVNC uses top-level await.
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: Object.fromEntries(proxied.map((p) => [p, { target, ws: p === '/console', changeOrigin: true }])),
  },
});
