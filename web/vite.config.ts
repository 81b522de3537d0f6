import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  plugins: [react()],
  build: { outDir: here('../dist/web'), emptyOutDir: true, target: 'es2022' },
  // `npm run dev:web` beside `npm start`: pages reload on edit, the API stays on the real server.
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/sim': 'http://127.0.0.1:8080' } },
});
