// The SARIF 2.1.0 JSON schema that ships in the npm package @microsoft/jest-sarif (the OASIS schema,
// final 2.1.0 "rtm.5" text), compiled once for every test that checks a log against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { projectRoot } from './engine';

const schemaPath = join(projectRoot(), 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
// The schema's language-tag pattern is not valid in Unicode mode, as ajv compiles by default.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));

/** The schema's complaints about `log`, one per line; empty when it is valid SARIF 2.1.0. */
export function sarifSchemaErrors(log: unknown): string {
  return validate(log) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}
