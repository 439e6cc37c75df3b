import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { addExamples } from '../../examples/all';
import { ZeroTrustDiagram } from '../../lib';

/** The README, and the generated sections it must hold. */
export const README = join(__dirname, '..', '..', 'README.md');

/** The ```ts snippets of the README, in order. */
export function readmeSnippets(text = readFileSync(README, 'utf8')): string[] {
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Each example's diagram, by stack name. */
export function exampleDiagrams(): Record<string, string> {
  const app = Testing.app() as App;
  addExamples(app);
  return Object.fromEntries(
    app.node.children
      .filter((c): c is TerraformStack => c instanceof TerraformStack)
      .map((stack) => [stack.node.id, ZeroTrustDiagram.of(stack).toMermaid()]),
  );
}

/**
 * The README with every generated section replaced by its current content, formatted the way
 * the project's Prettier formats it.
 */
export function currentReadme(text: string, rulesMarkdown: string): string {
  return execFileSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', README],
    { input: replaceSections(text, rulesMarkdown), encoding: 'utf8' },
  );
}

function replaceSections(text: string, rulesMarkdown: string): string {
  let out = text.replace(
    /<!-- rules:begin -->[\s\S]*?<!-- rules:end -->/,
    `<!-- rules:begin -->\n${rulesMarkdown.trim()}\n<!-- rules:end -->`,
  );
  for (const [name, diagram] of Object.entries(exampleDiagrams())) {
    const pattern = new RegExp(`<!-- diagram:${name} -->[\\s\\S]*?<!-- /diagram -->`);
    out = out.replace(
      pattern,
      `<!-- diagram:${name} -->\n\`\`\`mermaid\n${diagram}\`\`\`\n<!-- /diagram -->`,
    );
  }
  return out;
}
