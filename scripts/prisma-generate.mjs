// Runs `prisma generate` on machines without Prisma's native schema engine (offline installs).
// Generate never uses the engine; Prisma only checks that the file exists. The stand-in script
// fails loudly if anything else tries to use it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const standIn = fileURLToPath(new URL('./no-schema-engine.sh', import.meta.url));
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? standIn,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);
