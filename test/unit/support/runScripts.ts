// The `run:` scripts of a YAML text, for tests that scan shell scripts the way the engine does.
import { isScalar, parseDocument, visit } from 'yaml';

/** Every `run:` string value in a workflow or action text. */
export function runScripts(text: string): string[] {
  const scripts: string[] = [];
  visit(parseDocument(text, { uniqueKeys: false, strict: false }), {
    Pair(_key, pair) {
      if (
        isScalar(pair.key) &&
        pair.key.value === 'run' &&
        isScalar(pair.value) &&
        typeof pair.value.value === 'string'
      )
        scripts.push(pair.value.value);
    },
  });
  return scripts;
}
