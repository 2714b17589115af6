import type { App, AppDeps } from '../../http/types.ts';
// placeholder until the import module lands
export function importsRoutes(_app: App, _deps: AppDeps) {}
