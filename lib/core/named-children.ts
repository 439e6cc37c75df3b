import { ConfigError, listNames } from './errors';

/**
 * The children of one parent that have unique names (a job's groups, a group's tasks): kept in
 * order, found by name in constant time, so a job with thousands of groups stays linear.
 * @internal
 */
export class NamedChildren<T extends { readonly name: string }> {
  private readonly list: T[] = [];
  private readonly byName = new Map<string, T>();

  /**
   * @param where the parent, for messages
   * @param kind what a child is, e.g. "group"
   * @param parent what the parent is, e.g. "job"
   */
  constructor(
    private readonly where: string,
    private readonly kind: string,
    private readonly parent: string,
  ) {}

  /** The children, in the order they were added. */
  public get items(): readonly T[] {
    return this.list;
  }

  /** Whether a child has that name. */
  public has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Throws when a child already has that name (call before building the new one). */
  public checkFree(name: string): void {
    if (this.byName.has(name)) {
      throw new ConfigError(
        this.where,
        `${this.kind} name`,
        name,
        `Each ${this.kind} name must be unique within its ${this.parent}; rename one of them.`,
      );
    }
  }

  /** Adds a child whose name was checked free. */
  public add(child: T): T {
    this.list.push(child);
    this.byName.set(child.name, child);
    return child;
  }

  /** The child of that name; throws, listing the children, when there is none. */
  public get(name: string): T {
    const child = this.byName.get(name);
    if (!child) {
      throw new ConfigError(
        this.where,
        this.kind,
        name,
        `The ${this.parent} has no such ${this.kind}; its ${this.kind}s are: ${listNames(this.list.map((c) => c.name))}.`,
      );
    }
    return child;
  }
}
