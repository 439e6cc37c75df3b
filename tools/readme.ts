// Rewrites the generated sections of README.md: each example's diagram and the table of
// zero-trust check rules. Run with `npm run readme`.
import { readFileSync, writeFileSync } from 'fs';
import { renderRulesMarkdown } from '../lib/checks/rules';
import { README, currentReadme } from '../test/readme/readme-sections';

const text = readFileSync(README, 'utf8');
writeFileSync(README, currentReadme(text, renderRulesMarkdown()));
