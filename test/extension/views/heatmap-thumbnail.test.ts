import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Heatmap } from '../../../src/engine/scoring/heatmap';
import { colormap } from '../../../src/engine/render/colormap';
import { heatmapDataUri, heatmapPng, THUMBNAIL_SIDE } from '../../../src/extension/views/heatmap-thumbnail';

describe('views: heatmap thumbnail PNG', () => {
  // 2x3 grid, hottest cell bottom-right, over a box twice as wide as tall.
  const map: Heatmap = {
    kind: 'patch',
    imageIndex: 0,
    rows: 2,
    cols: 3,
    values: [0, 0.1, 0.2, 0.3, 0.4, 1],
    box: [0, 0, 200, 100],
  };

  it('is a valid PNG of the box aspect, bounded in size, hot where the grid is hot', async () => {
    const png = heatmapPng(map);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [THUMBNAIL_SIDE, THUMBNAIL_SIDE / 2, 3]);
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - Math.floor(b[i])) <= 1);
    assert.ok(near(px(0, 0), colormap(0)), `top-left is the coldest colour: ${px(0, 0)}`);
    assert.ok(
      near(px(info.width - 1, info.height - 1), colormap(1)),
      `bottom-right is the hottest: ${px(info.width - 1, info.height - 1)}`,
    );
    assert.ok(png.length < 20_000, `${png.length} bytes`);
  });

  it('draws a flat map without dividing by zero, and caches the data URI per heatmap', async () => {
    const flat: Heatmap = { ...map, values: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], box: [0, 0, 50, 100] };
    const { info } = await sharp(heatmapPng(flat)).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [THUMBNAIL_SIDE / 2, THUMBNAIL_SIDE]);
    const uri = heatmapDataUri(flat);
    assert.match(uri, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    assert.equal(heatmapDataUri(flat), uri);
  });
});
