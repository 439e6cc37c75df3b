import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { addExamples } from '../../examples/all';
import { hclToJson, HclReadError, readHcl } from '../../lib/checks/jobspec-reader';
import { readToml } from '../../lib/checks/traefik-config';
import { literalStrings, parseHcl, synthJson, withPlaceholders } from '../helpers';
import { parseSimpleToml } from '../traefik/simple-toml';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SEEDS = join(__dirname, '..', 'fixtures', 'seeds');

/** hcl2json's parse, its Terraform-style `$${` escapes undone (the text HCL evaluates to). */
async function reference(text: string): Promise<any> {
  return literalStrings(await parseHcl(text));
}

describe('the jobspec reader reads what HashiCorp’s parser reads', () => {
  const seeds = readdirSync(SEEDS).filter((f) => f.endsWith('.hcl'));

  test('every seed jobspec and policy is there to compare', () => {
    expect(seeds).toEqual([
      'consul-ca-policy.hcl',
      'countdash.nomad.hcl',
      'nomad-server-policy.hcl',
      'qemu-ssh.nomad.hcl',
      'traefik-tailscale.nomad.hcl',
    ]);
  });

  test.each(seeds)('seed %s', async (file) => {
    const text = readFileSync(join(SEEDS, file), 'utf8');
    expect(hclToJson(readHcl(text))).toEqual(await reference(text));
  });

  test('every jobspec the examples render (references as placeholders)', async () => {
    const app = Testing.app() as App;
    addExamples(app);
    const texts = app.node.children
      .filter((c): c is TerraformStack => c instanceof TerraformStack)
      .flatMap((stack) => Object.values<any>(synthJson(stack).resource?.nomad_job ?? {}))
      .map((job) => withPlaceholders(job.jobspec).text);
    expect(texts.length).toBeGreaterThanOrEqual(5);
    for (const text of texts) {
      expect(hclToJson(readHcl(text))).toEqual(await reference(text));
    }
  });

  test('the syntax jobspecs use: comments, escapes, heredocs, expressions, objects, labels', async () => {
    const text = [
      '# comment',
      '// another',
      '/* block',
      '   comment */',
      'job "edge" {',
      '  datacenters = ["dc1", "dc2",] # trailing comma',
      '  meta = { "a.b" = "c", d: 1, e = true, f = null }',
      '  priority = 50.5',
      '  group "g" {',
      '    network {',
      '      port "http" { static = 8080 }',
      '    }',
      '    task "t" {',
      '      config {',
      '        image = var.image',
      '        args = [',
      '          "--a=${NOMAD_PORT_http}",',
      '          "--b=$${literal} %%{directive}",',
      '          "quote \\" backslash \\\\ tab \\t unicode \\u00e9",',
      '          upper("x"),',
      '          1 + 2,',
      '        ]',
      '        nested = [[1, 2], { x = "y" }]',
      '        cond = var.x ? "a" : "b"',
      '      }',
      '      template {',
      '        data = <<-EOT',
      '          line one ${NOMAD_TASK_NAME}',
      '            indented $${x}',
      '        EOT',
      '        destination = "local/x"',
      '      }',
      '      template {',
      '        data = <<EOF',
      'raw \\n stays',
      'EOF',
      '      }',
      '      env {}',
      '    }',
      '  }',
      '  multi "a" "b" { x = 1 }',
      '  multi "a" "c" { x = 2 }',
      '}',
      '',
    ].join('\n');
    const read = hclToJson(readHcl(text));
    expect(read).toEqual(await reference(text));
    const task = read.job.edge[0].group.g[0].task.t[0];
    expect(task.config[0].image).toBe('${var.image}');
    expect(task.config[0].args.slice(0, 3)).toEqual([
      '--a=${NOMAD_PORT_http}',
      '--b=${literal} %{directive}',
      'quote " backslash \\ tab \t unicode é',
    ]);
    expect(task.template[0].data).toBe('line one ${NOMAD_TASK_NAME}\n  indented ${x}\n');
  });

  test('a body keeps blocks in order and attributes by name', () => {
    const body = readHcl('a = 1\nb "x" {}\nc {}\nb "y" {}\n');
    expect([...body.attributes.keys()]).toEqual(['a']);
    expect(body.blocks.map((b) => [b.type, b.labels, b.line])).toEqual([
      ['b', ['x'], 2],
      ['c', [], 3],
      ['b', ['y'], 4],
    ]);
  });

  test('HCL v1 documents keep `$${` as written', () => {
    const body = readHcl('path "a/$${b}" {\n  capabilities = ["read"]\n}\n', { hcl1: true });
    expect(body.blocks[0].labels).toEqual(['a/$${b}']);
  });
});

describe('text the reader cannot read is refused with its line', () => {
  test.each([
    ['job "x" {\n  a = "open\n}\n', /^line 2, column 1: the string is not closed$/],
    ['job "x" {\n  a = 1\n', /line 3, column 1: the block is not closed with "}"/],
    ['}\n', /line 1, column 1: unexpected "}"/],
    ['a = "\\q"\n', /line 1, column 6: invalid escape "\\q"/],
    ['a = <<EOT\nnever closed\n', /line 1, column 1: the heredoc is not closed with EOT/],
    ['a = 1 b = 2\n', /line 1, column 9: expected a new line/],
    ['a = 1\na = 2\n', /line 2, column 1: attribute "a" is set twice/],
    ['job "x" oops\n', /line 1, column 13: expected "=" or "{" after "job"/],
    ['a = [1, 2\n', /expected "," or "]" in the list/],
  ])('%j', (text, message) => {
    expect(() => readHcl(text)).toThrow(HclReadError);
    expect(() => readHcl(text)).toThrow(message);
  });
});

describe('the TOML reader for Traefik files', () => {
  test('reads seed 001’s traefik.toml as the TOML test helper does', () => {
    const text = readFileSync(
      join(__dirname, '..', 'traefik', 'fixtures', 'seed-001-traefik.toml'),
      'utf8',
    );
    expect(readToml(text)).toEqual(parseSimpleToml(text));
  });

  test('reads dotted keys, literal strings, arrays and inline tables', () => {
    expect(
      readToml(
        'a.b = \'x\'\n[t]\nlist = [1, "two", true]\ninline = { k = 1, "q.k" = \'v\' }\n[[arr]]\nn = 1\n[[arr]]\nn = 2\n',
      ),
    ).toEqual({
      a: { b: 'x' },
      t: { list: [1, 'two', true], inline: { k: 1, 'q.k': 'v' } },
      arr: [{ n: 1 }, { n: 2 }],
    });
  });

  test('refuses what it does not read, naming the line', () => {
    expect(() => readToml('a = 1\nb = """multi"""\n')).toThrow(/TOML line 2/);
  });
});
