// Scripts that cannot start a container are not parsed: the cheap test must never lose an image, a
// template or a built tag that parsing finds. Proved over every `run:` script of the corpus and of the
// test fixtures, and over scripts written to slip past a naive word search.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { findScriptImages, loadShellParser, mayNameImage, scanByParsing } from '../../server/src/engine/shellImages';
import { runCli, workspace } from './support/cli';
import { corpusAbsent, corpusFiles, yamlFilesUnder } from './support/corpus';
import { projectRoot } from './support/engine';
import { runScripts } from './support/runScripts';

before(async () => {
  await loadShellParser();
});

/** The scan through the cheap test and the cache must equal the scan by parsing, script by script. */
function compareAll(scripts: string[]): { skipped: number; withImages: number } {
  let skipped = 0;
  let withImages = 0;
  for (const script of scripts) {
    const full = scanByParsing(script);
    assert.deepEqual(findScriptImages(script), full, `scan differs for script:\n${script.slice(0, 400)}`);
    if (!mayNameImage(script)) {
      skipped++;
      assert.deepEqual(full.images, [], `a skipped script has images:\n${script.slice(0, 400)}`);
    }
    if (full.images.length + full.templates.length + full.builtTags.length > 0) withImages++;
  }
  return { skipped, withImages };
}

test('every run script of the corpus: skipping unparsed scripts loses nothing', { skip: corpusAbsent }, () => {
  const scripts = (corpusFiles() ?? []).flatMap((f) => runScripts(f.text));
  const { skipped, withImages } = compareAll(scripts);
  // Both paths are exercised: real workflows have many scripts without containers and many with.
  assert.ok(scripts.length > 300, `${scripts.length} scripts`);
  assert.ok(skipped > scripts.length / 3, `${skipped} of ${scripts.length} skipped`);
  assert.ok(withImages >= 10, `${withImages} scripts with images`);
});

test('every run script of the test fixtures: skipping unparsed scripts loses nothing', () => {
  const files = yamlFilesUnder(join(projectRoot(), 'test'));
  const scripts = files.flatMap((f) => runScripts(readFileSync(f, 'utf8')));
  const { skipped, withImages } = compareAll(scripts);
  assert.ok(files.length > 50, `${files.length} fixture files`);
  assert.ok(skipped > 0 && withImages > 0, `${skipped} skipped, ${withImages} with images of ${scripts.length}`);
});

test('command words split by quotes, wrappers, paths and written Dockerfiles are still parsed', () => {
  const cases: Array<[string, string[]]> = [
    ['"dock"er run alpine:3.20 true', ['alpine:3.20']],
    ["d'ock'er pull debian:12", ['debian:12']],
    ['p""odman run fedora:40', ['fedora:40']],
    ['sudo -E /usr/local/bin/nerdctl run busybox', ['busybox']],
    ['buildah from registry.example.com/base:1', ['registry.example.com/base:1']],
    ['cat > Containerfile <<EOF\nFROM quay.io/centos/centos:stream9\nEOF', ['quay.io/centos/centos:stream9']],
    ['tee build/Dockerfile.ci <<EOF\nFROM ubuntu:24.04\nEOF', ['ubuntu:24.04']],
    ['IMAGE=alpine:3\nDOCKER run "$IMAGE"', []],
  ];
  for (const [script, images] of cases) {
    assert.equal(mayNameImage(script), images.length > 0 || /docker/i.test(script), script);
    assert.deepEqual(
      findScriptImages(script).images.map((i) => i.text),
      images,
      script,
    );
    assert.deepEqual(findScriptImages(script), scanByParsing(script), script);
  }
});

test('scripts without a container tool are not parsed, and yield nothing', () => {
  for (const script of ['npm ci', 'cargo test --workspace', 'echo "docs only"', 'make -j4 && ./configure']) {
    assert.equal(mayNameImage(script), false, script);
    assert.deepEqual(findScriptImages(script), { images: [], templates: [], builtTags: [], unresolved: 0 });
  }
});

test('the CLI loads the shell parser only when a file may need it, and never misses a script', () => {
  // `\x6f` is a YAML escape for `o`: the raw text says no container word, the script says `docker run`.
  const escaped =
    'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "d\\x6fcker run someuser/tool:1.0 true"\n';
  const plain = 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n';
  const dir = workspace({ '.github/workflows/escaped.yml': escaped, '.github/workflows/plain.yml': plain });
  const r = runCli(['check', '--offline', '--format', 'json', dir]);
  const out = JSON.parse(r.stdout) as { findings: Array<{ file: string; reference: string }> };
  assert.deepEqual(
    [...new Set(out.findings.filter((f) => f.file.endsWith('escaped.yml')).map((f) => f.reference))],
    ['someuser/tool:1.0'],
    r.stderr,
  );
  assert.deepEqual(
    out.findings.filter((f) => f.file.endsWith('plain.yml')),
    [],
  );
  // Alone, the file without containers is checked without the parser, with the same (empty) result.
  const alone = runCli(['check', '--offline', '--format', 'json', join(dir, '.github/workflows/plain.yml')]);
  assert.equal(alone.code, 0, alone.stderr);
  assert.deepEqual(JSON.parse(alone.stdout).findings, []);
});
