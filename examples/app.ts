import { App } from 'cdktf';
import { addExamples } from './all';

/** Synthesizes every example into cdktf.out/stacks/<name>. */
const app = new App();
addExamples(app);
app.synth();
