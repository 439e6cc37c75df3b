import { App } from 'cdktf';
import { ConsulConnectExample } from './consul-connect/main';
import { TailscaleExample } from './tailscale/main';

/** Synthesizes every example into cdktf.out/stacks/<name>. */
const app = new App();
new TailscaleExample(app, 'tailscale');
new ConsulConnectExample(app, 'consul-connect');
app.synth();
