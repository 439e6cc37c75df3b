// The testing entry point: `import { synthValidated } from 'cdktf-nomad-zerotrust/testing'`.
export { readableTerraform } from './readable';
export { type SynthesisNote, SynthesizedStack, synthValidated } from './synth';
