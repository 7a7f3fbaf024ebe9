// Types of sharedCorpus.mjs, for the TypeScript tests and benchmarks that import it.
export function projectRootAbove(start: string): string;
export function sharedCorpusDir(start: string): string | undefined;
export const corpusSkipped: string;
