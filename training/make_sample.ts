// Writes radalign's synthetic sample dataset (src/sample) for training/evaluation; bundled with esbuild by
// training/sample.py. Usage: node make_sample.js <folder> <pairs> <seed> <size> <swapped> <foreign> <flipped>
import { writeSyntheticDataset } from '../src/sample/synthetic-dataset';

const [folder, pairs, seed, size, swapped, foreign, flipped] = process.argv.slice(2);
writeSyntheticDataset(folder, {
  pairs: Number(pairs),
  seed: Number(seed),
  size: Number(size),
  swapped: Number(swapped),
  foreign: Number(foreign),
  flipped: Number(flipped),
}).then(
  (cases) => console.log(`${cases.length} cases`),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
