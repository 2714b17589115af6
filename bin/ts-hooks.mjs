// Module hooks that let Node run the TypeScript sources directly: each .ts file under the
// project is turned into JavaScript by esbuild as it is imported (types removed, nothing else
// changed), with an inline source map so stack traces name the .ts lines.
//
// Why not tsx's loader: tsx always compiles with esbuild's `keepNames`, which wraps every
// function stored in a variable or property in a helper that redefines its `name`. In hot paths
// (the matcher, the bank-file parsers, row mapping) that made small closures up to 40× slower.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const TS = /\.(?:ts|mts)$/;

// the compiler options of tsconfig.json that change the JavaScript esbuild writes
const tsconfigRaw = {
  compilerOptions: {
    target: 'ES2022',
    useDefineForClassFields: true,
    verbatimModuleSyntax: true,
  },
};

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS.test(url) || url.includes('/node_modules/')) {
    return nextLoad(url, context);
  }
  const file = fileURLToPath(url);
  const source = await readFile(file, 'utf8');
  const result = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: file,
    sourcemap: 'inline',
    tsconfigRaw,
  });
  return { format: 'module', source: result.code, shortCircuit: true };
}
