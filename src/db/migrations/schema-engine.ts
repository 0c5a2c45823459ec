import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/** The part of the WebAssembly global we use (lib.dom is not in this Node-only build). */
declare const WebAssembly: {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, object>,
  ): Promise<{ instance: { exports: unknown } }>;
};

type WasmExports = Parameters<typeof engineBindings.__wbg_set_wasm>[0] & { __wbindgen_start(): void };

let loaded: Promise<void> | undefined;

/**
 * Loads Prisma's schema engine compiled to WebAssembly. The package imports its .wasm as an ES
 * module, which Node 20 cannot do, so we instantiate it ourselves. Development use only: the
 * native engine cannot be downloaded on offline machines.
 */
function loadEngine(): Promise<void> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    // The package does not export the .wasm file: locate it beside the bindings.
    const wasmPath = path.join(
      path.dirname(require.resolve('@prisma/schema-engine-wasm')),
      'schema_engine_bg.wasm',
    );
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': engineBindings,
    });
    const exports = instance.exports as unknown as WasmExports;
    engineBindings.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
  })();
  return loaded;
}

/**
 * The SQL that takes a database at `pglite`'s current state to the Prisma schema.
 * Empty string when nothing changes. The engine leaves a 10 s timer behind: callers that are
 * done should exit explicitly.
 */
export async function diffDatabaseToSchema(pglite: PGlite, schemaPath: string): Promise<string> {
  await loadEngine();
  const schemaText = await readFile(schemaPath, 'utf8');
  const engine = await engineBindings.SchemaEngine.new(
    { datamodels: [[schemaPath, schemaText]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pglite)),
  );
  try {
    const result = await engine.diff({
      // The database the engine is connected to (through the adapter).
      from: {
        tag: 'schemaDatasource',
        files: [{ path: schemaPath, content: schemaText }],
        configDir: path.dirname(schemaPath),
      },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schemaText }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return (result.stdout ?? '').trim();
  } finally {
    engine.free();
  }
}
