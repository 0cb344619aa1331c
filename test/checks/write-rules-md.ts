/**
 * Regenerates RULES.md from the rule pack, with the figures measured on the corpus:
 * `npx ts-node --prefer-ts-exts test/checks/write-rules-md.ts`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { corpusFigures, scoreCorpus } from './corpus/corpus';
import { MEASURED_FILE, rulesMarkdown } from './rules-markdown';

fs.writeFileSync(MEASURED_FILE, `${JSON.stringify(corpusFigures(scoreCorpus()), null, 2)}\n`);
fs.writeFileSync(path.join(__dirname, '..', '..', 'RULES.md'), rulesMarkdown());
