import { IResolvable, Token } from 'cdktf';

/**
 * A value produced when the stack is synthesized, like a `Lazy`, but cheaper: creating one
 * captures no stack trace (cdktf keeps each `Lazy`'s stack trace, as text, for the life of the
 * app).
 * cdktf attaches no creation stack to an error raised while producing it; the error's own
 * message says where.
 * @internal
 */
export class Produced implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(private readonly produce: () => unknown) {}

  public resolve(): unknown {
    return this.produce();
  }

  public toString(): string {
    return Token.asString(this);
  }
}
