#!/usr/bin/env node
// Renders scripts/package/icon.svg to media/icon.png (128×128, the marketplace icon), and with
// --screenshot <png> writes media/screenshot-review-panel.png (a palette PNG) from the review
// panel screenshot the integration suite takes of its synthetic workspace
// (out/screenshots/review-panel.png). Never pass a screenshot of real patient images.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
await sharp(join(repo, 'scripts', 'package', 'icon.svg'), { density: 72 })
  .resize(128, 128)
  .png({ compressionLevel: 9 })
  .toFile(join(repo, 'media', 'icon.png'));
console.log('wrote media/icon.png');
const i = process.argv.indexOf('--screenshot');
if (i > 0) {
  const src = resolve(process.argv[i + 1]);
  if (/covid|real/i.test(src))
    throw new Error(`refusing ${src}: only the synthetic workspace's screenshot may be published`);
  await sharp(src)
    .png({ palette: true, quality: 90, compressionLevel: 9 })
    .toFile(join(repo, 'media', 'screenshot-review-panel.png'));
  console.log(`wrote media/screenshot-review-panel.png from ${src}`);
}
