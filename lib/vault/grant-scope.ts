import { createHash } from 'crypto';
import { Construct } from 'constructs';
import type { Task } from '../nomad/task';
import { keepChildrenOffTheRootMap } from '../core/v8-shapes';
import { grantIdentity } from './grant-paths';

/**
 * The construct scope of a task's grant: `Grants/<namespace>/<job>/<group>/<task>`, one nested
 * scope per level, so names never join into one another (`count-dash` + `api` and
 * `count` + `dash-api` stay apart). A name that construct ids cannot hold as is (it has a `/`)
 * gets a short hash of itself. Each level's first child has a constant id
 * ({@link keepChildrenOffTheRootMap}), which keeps synthesis linear in the number of services.
 * @internal
 */
export function grantScope(grants: Construct, task: Task): Construct {
  const id = grantIdentity(task);
  let scope = grants;
  for (const name of [id.namespace, id.job, id.group, id.task]) {
    const childId = constructId(name);
    scope =
      (scope.node.tryFindChild(childId) as Construct | undefined) ??
      keepChildrenOffTheRootMap(new Construct(scope, childId));
  }
  return scope;
}

function constructId(name: string): string {
  if (!name.includes('/')) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.replace(/\//g, '_')}-${hash}`;
}
