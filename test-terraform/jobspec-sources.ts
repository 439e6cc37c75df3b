import { App, TerraformStack, Testing } from 'cdktf';
import { addExamples } from '../examples/all';
import { newStack, rawJobspecs, withPlaceholders } from '../test/helpers';
import { countdash, qemuSsh, traefikTailscale } from '../test/nomad/seed-jobs';

/** Every jobspec of a stack as Nomad would receive it (references replaced by a placeholder), keyed `<stack>/<resource>`. */
export function nomadJobspecs(stack: TerraformStack): Record<string, string> {
  return Object.fromEntries(
    Object.entries(rawJobspecs(stack)).map(([name, raw]) => [
      `${stack.node.id}/${name}`,
      withPlaceholders(raw).text,
    ]),
  );
}

/** The jobspecs of every example stack, then of the seed jobs built with the typed API. */
export function exampleAndSeedJobspecs(): Record<string, string> {
  const app = Testing.app() as App;
  addExamples(app);
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  for (const build of [countdash, traefikTailscale, qemuSsh]) {
    const { stack } = newStack(`seed-${build.name}`);
    build(stack);
    stacks.push(stack);
  }
  return Object.assign({}, ...stacks.map(nomadJobspecs));
}
