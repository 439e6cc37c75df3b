import { TerraformVariable, Testing, TerraformStack, TerraformOutput } from 'cdktf';
import { terraformString, unescapeTerraform } from '../../lib/core/terraform-string';
import { scanTerraformTemplate } from '../hcl/terraform-scan';

/** Synthesizes `text` as an output value and returns what Terraform would read. */
function asTerraformSees(build: (stack: TerraformStack) => string): string {
  const stack = new TerraformStack(Testing.app(), 'strings');
  new TerraformOutput(stack, 'out', { value: build(stack) });
  return JSON.parse(Testing.synth(stack)).output.out.value;
}

describe('terraformString', () => {
  test.each([
    ['${file("/etc/hostname")}', '${"$"}{file("/etc/hostname")}'],
    ['%{ if true }x%{ endif }', '%%{ if true }x%%{ endif }'],
    ['$${already}', '${"$$"}{already}'],
    ['plain $ and % and {}', 'plain $ and % and {}'],
  ])('literal case %#: escaped so that Terraform reads back the literal', (text, expected) => {
    expect(terraformString(text)).toBe(expected);
    expect(unescapeTerraform(expected)).toBe(text);
    // AND Terraform's scanner finds no sequence to evaluate in it
    expect(scanTerraformTemplate(expected).sequences).toEqual([]);
  });

  test('a run of $ right before a reference is written as an interpolation of itself', () => {
    // GIVEN literal text ending in "$$" followed by a reference
    const raw = asTerraformSees((stack) => {
      const v = new TerraformVariable(stack, 'v', { type: 'string' });
      return terraformString(`cost $$${v.stringValue}`);
    });
    // THEN the reference is still evaluated, and the dollars are the literal "$$"
    const scan = scanTerraformTemplate(raw, 'VALUE');
    expect(scan.sequences).toEqual(['${var.v}']);
    expect(scan.text).toBe('cost $$VALUE');
    expect(raw).toBe('cost ${"$$"}${var.v}');
  });

  test('without the fix, a "$" before a reference would turn it into literal text', () => {
    // The scanner reads "$${var.v}" as the escape for a literal "${var.v}": no reference left.
    expect(scanTerraformTemplate('$${var.v}').sequences).toEqual([]);
  });

  test('an unclosed ${ in literal text does not swallow the next reference (cdktf reads ${ in literals)', () => {
    // GIVEN literal text with an unclosed "${" before a reference
    const raw = asTerraformSees((stack) => {
      const v = new TerraformVariable(stack, 'v', { type: 'string' });
      return terraformString(`open \${ then ${v.stringValue}`);
    });
    // THEN the reference is still a live interpolation and the literal reads back as written
    const scan = scanTerraformTemplate(raw, 'VALUE');
    expect(scan.sequences).toEqual(['${var.v}']);
    expect(scan.text).toBe('open ${ then VALUE');
  });

  test('a carriage return is written so that Terraform keeps evaluating what follows it', () => {
    // Terraform's template scanner stops evaluating after a carriage return without a line feed
    const raw = asTerraformSees((stack) => {
      const v = new TerraformVariable(stack, 'v', { type: 'string' });
      return terraformString(`a\r${v.stringValue}\r\n$\r`);
    });
    expect(raw).not.toContain('\r');
    const scan = scanTerraformTemplate(raw, 'VALUE');
    expect(scan.sequences).toEqual(['${var.v}']);
    expect(scan.text).toBe('a\rVALUE\r\n$\r');
  });
});
