import { Aspects, IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * `ZeroTrustChecks` added to the `App`: cdktf 0.21 invokes only the aspects of a stack and its
 * children when it synthesizes the stack, never those of the App above it. Each stack that holds
 * a construct of this library gets one {@link AppChecks} aspect, which runs the App's checks
 * on the stack, so `Aspects.of(app).add(new ZeroTrustChecks())` covers those stacks. (A stack
 * with no construct of the library needs the checks added to it.)
 * @internal
 */

/** Marks the aspects to run for the App: `ZeroTrustChecks` sets it, without an import cycle. */
export const RUNS_FOR_APP = Symbol.for('cdktf-nomad-zerotrust.runsForApp');

const BRIDGED = new WeakSet<TerraformStack>();

/** Makes the App's checks run on the stack of `scope` (once per stack). */
export function runAppChecksOn(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  if (BRIDGED.has(stack)) return;
  BRIDGED.add(stack);
  Aspects.of(stack).add(new AppChecks(stack));
}

/** Runs the App's checks on one stack when cdktf invokes the stack's aspects. */
class AppChecks implements IAspect {
  constructor(private readonly stack: TerraformStack) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack) return;
    for (const aspect of Aspects.of(node.node.root).all) {
      if ((aspect as { [RUNS_FOR_APP]?: boolean })[RUNS_FOR_APP]) aspect.visit(node);
    }
  }
}
