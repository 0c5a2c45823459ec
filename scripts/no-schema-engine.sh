#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on offline machines.
# `prisma generate` only checks that the file exists; any other use fails loudly here.
echo "aperture: Prisma's native schema engine is not used. Create migrations with 'npm run db:migration:create -- <name>' and apply them with 'npx aperture migrate'." >&2
exit 1
