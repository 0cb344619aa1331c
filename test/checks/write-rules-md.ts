/** Regenerates RULES.md from the rule pack: `npx ts-node test/checks/write-rules-md.ts`. */
import * as fs from 'fs';
import * as path from 'path';
import { rulesMarkdown } from './rules-markdown';

fs.writeFileSync(path.join(__dirname, '..', '..', 'RULES.md'), rulesMarkdown());
