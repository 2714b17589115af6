#!/usr/bin/env node
// Runs the TypeScript sources through our esbuild module hooks (ts-hooks.mjs): no build step
// for the server.
import './ts-register.mjs';

await import('../src/main.ts');
