import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The tab. `vite build` writes dist/, which the server serves at `/` (with index.html for unknown
// paths, so /incidents/<id> deep links load the app). `vite dev` proxies the API to the server.
export default defineConfig({
  plugins: [react()],
  root: '.',
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://localhost:3978', changeOrigin: true },
    },
  },
  preview: {
    proxy: {
      '/api': { target: 'http://localhost:3978', changeOrigin: true },
    },
  },
});
