// Writes the folder the integration tests open: a synthetic 6-pair dataset whose workspace
// settings point `radalign.modelPath` at the fixture model. Run by the runner before launch:
//   node out/test/integration/workspace/make-workspace.js <folder> <modelDir>
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeSyntheticDataset } from '../../../src/sample/synthetic-dataset';

const WORKSPACE_PAIRS = 6;

async function main(): Promise<void> {
  const [folder, modelDir] = process.argv.slice(2);
  if (!folder || !modelDir) throw new Error('usage: make-workspace <folder> <modelDir>');
  await writeSyntheticDataset(resolve(folder), { pairs: WORKSPACE_PAIRS, swapped: 1, seed: 3, size: 128 });
  await mkdir(join(folder, '.vscode'), { recursive: true });
  const settings = { 'radalign.modelPath': resolve(modelDir) };
  await writeFile(join(folder, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
