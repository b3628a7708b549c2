// Types of build-server.mjs for the TypeScript that imports it (the benches).
export const ROOT: string;
export const SERVER_BUILD: string;
export function newestMtime(dir: string): number;
export function serverBuildIsStale(): boolean;
export function buildServer(): number;
