import { performance } from 'perf_hooks';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { NetworkMode, NomadJob, TaskDriver } from '../lib';

/**
 * Prints how long rendering and synthesis take for jobs of growing size, and the heap used.
 * Run with `npm run bench`. Figures only: nothing here passes or fails.
 */
function buildStack(groups: number): TerraformStack {
  const stack = new TerraformStack(new App({ outdir: '/tmp/cdktf-bench' }), 'bench');
  new NomadProvider(stack, 'nomad', { address: 'http://127.0.0.1:4646' });
  const job = new NomadJob(stack, 'bench');
  for (let g = 0; g < groups; g++) {
    job.addGroup(`group-${g}`, {
      network: { mode: NetworkMode.BRIDGE, ports: [{ label: 'http', to: 8080 }] },
      services: [
        {
          name: `svc-${g}`,
          port: 'http',
          tags: [`traefik.http.routers.r${g}.rule=Host(\`svc-${g}.example.com\`)`],
          connect: {
            sidecarService: {
              proxy: {
                upstreams: [{ destinationName: `svc-${(g + 1) % groups}`, localBindPort: 9000 }],
              },
            },
          },
        },
      ],
      tasks: {
        app: {
          driver: TaskDriver.docker({
            image: 'nginx:1.27',
            args: ['--port', '${NOMAD_PORT_http}'],
          }),
          env: { UPSTREAM: `http://\${NOMAD_UPSTREAM_ADDR_svc_${(g + 1) % groups}}` },
          templates: [
            { destination: 'local/app.conf', data: `listen {{ env "NOMAD_PORT_http" }}\n` },
          ],
          resources: { cpuMhz: 100, memoryMb: 128 },
        },
      },
    });
  }
  return stack;
}

function time(label: string, runs: number, fn: () => void): void {
  fn(); // warm up
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  const perRun = (performance.now() - start) / runs;
  console.log(`${label.padEnd(40)} ${perRun.toFixed(2).padStart(9)} ms/run  (${runs} runs)`);
}

for (const groups of [1, 10, 100, 500]) {
  const runs = groups >= 100 ? 5 : 50;
  time(`build + render, ${groups} groups`, runs, () => {
    const stack = buildStack(groups);
    (stack.node.findChild('bench') as NomadJob).renderJobspec();
  });
  time(`build + synth (validations), ${groups} groups`, runs, () => {
    Testing.synth(buildStack(groups), true);
  });
}
const heap = process.memoryUsage().heapUsed / 1024 / 1024;
console.log(`heap used after the runs: ${heap.toFixed(1)} MiB`);
