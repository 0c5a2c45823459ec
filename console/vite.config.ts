import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is served by aperture itself at /console (src/console/assets): every file from our
 * own origin, nothing from a CDN. `scripts/build/build-console.mjs` sets the output folder.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    emptyOutDir: true,
    // One file per route would need nothing more from the server: a few hundred kB in all is fine.
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  logLevel: 'warn',
});
