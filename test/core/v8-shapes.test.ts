import { spawnSync } from 'child_process';
import { join } from 'path';

/**
 * lib/core/v8-shapes.ts depends on V8 internals; this asks V8 itself (`%HaveSameMap`, in a
 * child process started with --allow-natives-syntax) whether its two measures still do what the
 * module says, so a Node upgrade that changes the behaviour fails here. One process runs every
 * step in order, each step relying on the root map as the one before left it.
 */
const ROOT = join(__dirname, '..', '..');

const SCRIPT = `
  const shapes = require(${JSON.stringify(join(ROOT, 'lib', 'core', 'v8-shapes.ts'))});
  const { Construct } = require('constructs');
  const fresh = (key) => { const o = {}; o[key] = 1; return o; };
  const scopes = (anchored) => {
    const root = new Construct(undefined, 'root' + anchored);
    for (let i = 0; i < 2000; i++) {
      const scope = new Construct(root, 'svc' + i);
      if (anchored) shapes.keepChildrenOffTheRootMap(scope);
      new Construct(scope, (anchored ? 'a' : 'b') + i);
    }
    return root;
  };
  const keep = [];
  const seen = {};
  // 2,000 scopes whose first child is named per service, each given a constant first child
  keep.push(scopes(true));
  seen.anchoredScopesLeaveRoom = %HaveSameMap(fresh('k1'), fresh('k1'));
  // the same without: the root map of {} fills up, and new shapes stop being shared
  keep.push(scopes(false));
  seen.plainScopesFillRootMap = !%HaveSameMap(fresh('k2'), fresh('k2'));
  // a spread site that has seen many shapes takes the slow clone path, as cdktf's resolve does
  const copy = (options, extra) => ({ ...options, prefix: extra, previousContext: extra });
  for (let i = 0; i < 50; i++) copy(fresh('z' + i), 1);
  seen.optionsCopiesShareMaps = %HaveSameMap(
    copy({ scope: {}, prefix: [], resolver: 1, preparing: false }, 1),
    copy({ scope: {}, prefix: [], resolver: 2, preparing: true }, 2),
  );
  // a first key that no kept object holds: what every copy would be without the module
  seen.otherCopiesDoNot = !%HaveSameMap(
    copy({ scopeX: {}, prefix: [], resolver: 1, preparing: false }, 1),
    copy({ scopeX: {}, prefix: [], resolver: 2, preparing: true }, 2),
  );
  seen.shapeKept = shapes.RESOLVE_OPTIONS_SHAPE !== undefined;
  console.log(JSON.stringify(seen));
`;

test('V8 still shares the maps the library relies on, and only because of it', () => {
  const run = spawnSync(
    process.execPath,
    ['--allow-natives-syntax', '-r', 'ts-node/register/transpile-only', '-e', SCRIPT],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({
    anchoredScopesLeaveRoom: true,
    plainScopesFillRootMap: true,
    optionsCopiesShareMaps: true,
    otherCopiesDoNot: true,
    shapeKept: true,
  });
});
