import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The Service Hub UI: built into ../ui-dist (committed), served by the control plane under /ui.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  build: {
    outDir: fileURLToPath(new URL('../ui-dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline data: URLs for assets and no module preload polyfill (inline script): the page runs under a strict CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false }
  }
})
