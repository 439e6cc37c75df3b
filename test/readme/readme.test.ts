import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import ts from 'typescript';
import { README, currentReadme, readmeSnippets } from './readme-sections';
import { renderRulesMarkdown } from '../../lib/checks/rules';

const ROOT = join(__dirname, '..', '..');

describe('the README', () => {
  test('every snippet is a complete program that compiles against the library', () => {
    // GIVEN each ```ts block written to a file of its own, the package name mapped to lib/
    const snippets = readmeSnippets();
    expect(snippets.length).toBeGreaterThanOrEqual(6);
    const dir = join(ROOT, '.cache', 'readme-snippets');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = snippets.map((text, i) => {
      const file = join(dir, `snippet-${i + 1}.ts`);
      writeFileSync(file, text);
      return file;
    });
    // WHEN the TypeScript compiler checks them with the project's strict settings
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      baseUrl: ROOT,
      paths: {
        'cdktf-nomad-zerotrust': ['lib/index.ts'],
        'cdktf-nomad-zerotrust/testing': ['lib/testing/index.ts'],
      },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || files.includes(d.file.fileName))
      .map((d) => {
        const where = d.file
          ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
          : '';
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    // THEN none has an error
    expect(problems).toEqual([]);
  });

  test('the example diagrams and the rule table are current (npm run readme rewrites them)', () => {
    const text = readFileSync(README, 'utf8');
    expect(text).toBe(currentReadme(text, renderRulesMarkdown()));
  });
});
