import { defineConfig } from 'prisma/config';

// Only `prisma generate` uses this file here: migrations are created and applied by our own
// runner (src/db/migrations), because the native schema engine cannot be downloaded offline.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/aperture' },
});
